"""Person search ignores the differences users make (table-driven), plus birth date."""

import datetime as dt

import pytest
from django.urls import reverse

from yorisoi.people import selectors
from yorisoi.testing import PersonFactory, client_for


@pytest.fixture
def registered(hana):
    rows = [
        ("髙橋", "太郎", "タカハシ", "タロウ", dt.date(1970, 3, 2)),
        ("齋藤", "和子", "サイトウ", "カズコ", dt.date(1948, 5, 1)),
        ("渡邊", "健", "ワタナベ", "ケン", dt.date(1985, 1, 15)),
        ("山﨑", "花", "ヤマサキ", "ハナ", dt.date(2001, 9, 9)),
        ("𠮷田", "一", "ヨシダ", "ハジメ", dt.date(1955, 12, 31)),
        ("佐々木", "三郎", "ササキ", "サブロウ", dt.date(1939, 2, 11)),
        ("鈴木", "ジョゼ", "スズキ", "ジョゼ", None),
    ]
    return {
        f + g: PersonFactory(
            agency=hana.agency,
            family_name=f,
            given_name=g,
            family_name_kana=fk,
            given_name_kana=gk,
            birth_date=b,
        )
        for f, g, fk, gk, b in rows
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("髙橋", "髙橋太郎"),
        ("高橋", "髙橋太郎"),  # old/new form
        ("高橋 太郎", "髙橋太郎"),  # half-width space
        ("高橋　太郎", "髙橋太郎"),  # full-width space
        ("たかはし", "髙橋太郎"),  # hiragana for katakana
        ("ﾀｶﾊｼ", "髙橋太郎"),  # half-width katakana
        ("タカハシ タロウ", "髙橋太郎"),
        ("太郎", "髙橋太郎"),  # given name alone
        ("たろう", "髙橋太郎"),  # given name kana alone
        ("斎藤", "齋藤和子"),
        ("斉藤", "齋藤和子"),
        ("齊藤", "齋藤和子"),
        ("渡辺", "渡邊健"),
        ("渡邉", "渡邊健"),
        ("山崎", "山﨑花"),
        ("吉田", "𠮷田一"),
        ("𠮷田", "𠮷田一"),
        ("佐佐木", "佐々木三郎"),
        ("すずき じょぜ", "鈴木ジョゼ"),
    ],
)
def test_name_search_ignores_user_differences(hana, registered, query, expected):
    found = list(selectors.person_search(user=hana, query=query))
    assert found == [registered[expected]]


def test_birth_date_narrows_the_search(hana, registered):
    found = selectors.person_search(user=hana, birth_date=dt.date(1948, 5, 1))
    assert list(found) == [registered["齋藤和子"]]
    assert not selectors.person_search(user=hana, query="高橋", birth_date=dt.date(1948, 5, 1))


def test_search_screen_accepts_wareki_birth_date(hana, registered):
    body = (
        client_for(hana)
        .post(reverse("people:person_list"), {"q": "", "birth_date": "S23.5.1"})
        .content.decode()
    )
    assert "齋藤" in body and "髙橋" not in body
    assert "昭和23年5月1日（1948年5月1日）" in body


def test_search_terms_never_go_into_the_url(hana, registered):
    body = client_for(hana).get(reverse("people:person_list")).content.decode()
    assert 'method="post" action="/people/"' in body


def test_list_page_runs_a_constant_number_of_queries(hana, django_assert_max_num_queries):
    client = client_for(hana)
    PersonFactory.create_batch(3, agency=hana.agency)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("people:person_list"))
    PersonFactory.create_batch(22, agency=hana.agency)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("people:person_list"))


def test_household_list_runs_a_constant_number_of_queries(hana, django_assert_max_num_queries):
    from yorisoi.people.models import Household, HouseholdMember

    def add_households(n):
        for _ in range(n):
            household = Household.objects.create(agency=hana.agency)
            for relationship in ("head", "child"):
                HouseholdMember.objects.create(
                    household=household,
                    person=PersonFactory(agency=hana.agency),
                    relationship=relationship,
                )

    client = client_for(hana)
    add_households(2)
    # Session and user, count and page, members, the policy's bases of households and of
    # members (access.household_bases, person_bases) and one audit event per basis (appended
    # to the hash chain); the first page of a session also asks whether a second factor exists.
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("people:household_list"))
    add_households(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("people:household_list"))


def test_list_is_not_counted_until_its_last_page(hana, django_assert_max_num_queries):
    """Issue 16: counting the people a user may see reads every one of them; the list fetches a
    page and one row more instead, and says the total only on the last page."""
    PersonFactory.create_batch(26, agency=hana.agency)
    client = client_for(hana)
    with django_assert_max_num_queries(20) as first:
        body = client.get(reverse("people:person_list")).content.decode()
    counts = [q["sql"] for q in first.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counts if "people_person" in sql]
    assert "登録されている本人: 1〜25 人目（続きがあります）" in body
    assert "1 ページ" in body
    last = client.post(reverse("people:person_list"), {"q": "", "page": 2}).content.decode()
    assert "登録されている本人: 26 人" in last
    assert "2 ページ" in last


def test_household_list_is_not_counted_until_its_last_page(hana, django_assert_max_num_queries):
    """Issue 16, as for people: the household list fetches a page and one row more, and says
    the total only on its last page; a page number that is not one opens the first page."""
    from yorisoi.people.models import Household

    Household.objects.bulk_create(Household(agency=hana.agency) for _ in range(26))
    client = client_for(hana)
    with django_assert_max_num_queries(20) as first:
        body = client.get(reverse("people:household_list")).content.decode()
    counts = [q["sql"] for q in first.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counts if "people_household" in sql]
    assert "1〜25 世帯目（続きがあります）" in body and "1 ページ" in body
    last = client.get(reverse("people:household_list"), {"page": 2}).content.decode()
    assert "26 世帯" in last and "2 ページ" in last
    for bad in ("x", "0", "-1"):
        assert (
            "1〜25 世帯目"
            in client.get(reverse("people:household_list"), {"page": bad}).content.decode()
        )
