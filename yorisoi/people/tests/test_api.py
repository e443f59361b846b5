"""The people & households API (/api/v1/): the screens' rules, spoken in JSON.

Every client here authenticates with a real token (ApiToken.issue), as an integration would.
"""

import datetime
import uuid

import pytest
from django.test import Client

from yorisoi import access
from yorisoi.accounts.models import ApiToken
from yorisoi.audit.models import AuditEvent
from yorisoi.people.models import Household, HouseholdMember, Person
from yorisoi.testing import PersonFactory, client_for

API = "/api/v1"


def api_client(user) -> Client:
    _, raw = ApiToken.issue(user=user, name="テスト連携")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, path, body):
    return client.post(f"{API}{path}", body, content_type="application/json")


def patch(client, path, body):
    return client.patch(f"{API}{path}", body, content_type="application/json")


def counts():
    return Person.objects.count(), Household.objects.count(), HouseholdMember.objects.count()


def field_errors(response):
    return {e["field"]: e for e in response.json()["errors"]}


@pytest.fixture
def as_hana(hana):
    return api_client(hana)


@pytest.fixture
def yorisoi_taro(hana):
    return PersonFactory(
        agency=hana.agency,
        family_name="寄添",
        given_name="太郎",
        family_name_kana="ヨリソイ",
        given_name_kana="タロウ",
        birth_date=datetime.date(1950, 4, 1),
    )


TARO = {
    "family_name": "山田",
    "given_name": "太郎",
    "family_name_kana": "やまだ",
    "given_name_kana": "タロウ",
    "birth_date": "昭和45年3月2日",
    "sex": "male",
    "district": "tomida",
    "phone": "059-354-0000",
}


# --- round trip ----------------------------------------------------------------------------


def test_create_read_update_round_trip(as_hana, hana):
    created = post(as_hana, "/people", TARO)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["full_name"] == "山田 太郎"
    assert body["family_name_kana"] == "ヤマダ"  # ひらがな is stored as カタカナ
    assert body["birth_date"] == "1970-03-02"
    assert body["birth_date_display"] == "昭和45年3月2日（1970年3月2日）"
    assert body["district"] == "tomida"
    assert body["agency"] == hana.agency.code
    assert body["version"] == 1

    detail = as_hana.get(f"{API}/people/{body['id']}")
    assert detail.status_code == 200
    assert detail.json()["phone"] == "059-354-0000"
    assert detail.json()["households"] == []

    updated = patch(
        as_hana, f"/people/{body['id']}", {"version": 1, "address": "四日市市諏訪町1-5"}
    )
    assert updated.status_code == 200, updated.json()
    assert updated.json()["version"] == 2
    assert updated.json()["address"] == "四日市市諏訪町1-5"
    assert updated.json()["given_name"] == "太郎"  # fields not sent are left alone

    again = as_hana.get(f"{API}/people/{body['id']}").json()
    assert again["address"] == "四日市市諏訪町1-5"
    assert again["version"] == 2


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("S45.3.2", "1970-03-02"),
        ("平成元年1月8日", "1989-01-08"),
        ("R5/4/1", "2023-04-01"),
        ("1970-03-02", "1970-03-02"),
        ("", None),
    ],
)
def test_birth_date_in_wareki_or_seireki(as_hana, typed, stored):
    response = post(as_hana, "/people", {"family_name": "和暦", "birth_date": typed})
    assert response.status_code == 201, response.json()
    assert response.json()["birth_date"] == stored


def test_supplementary_plane_kanji_round_trips(as_hana):
    created = post(as_hana, "/people", {"family_name": "𠮷田", "given_name": "𠮷"})
    assert created.status_code == 201, created.json()
    body = as_hana.get(f"{API}/people/{created.json()['id']}").json()
    assert body["family_name"] == "𠮷田"
    assert body["full_name"] == "𠮷田 𠮷"


def test_list_is_paginated_in_kana_order(as_hana, hana, saki):
    for kana in ("ウエダ", "アベ", "イトウ"):
        PersonFactory(agency=hana.agency, family_name_kana=kana, given_name_kana="")
    PersonFactory(agency=saki.agency, family_name_kana="アアア")  # another agency's

    first = as_hana.get(f"{API}/people", {"page_size": 2}).json()
    assert first["count"] == 3
    assert [p["family_name_kana"] for p in first["items"]] == ["アベ", "イトウ"]
    second = as_hana.get(f"{API}/people", {"page_size": 2, "page": 2}).json()
    assert [p["family_name_kana"] for p in second["items"]] == ["ウエダ"]
    assert second["page"] == 2


def test_list_says_the_total_only_on_its_last_page(as_hana, hana):
    """Issue 16: the person list is not counted. Before the last page `count` is a lower bound
    (this page's end + 1, so `page × page_size ≥ count` still means "done" to a client); on
    the last page it is the total."""
    PersonFactory.create_batch(5, agency=hana.agency)

    first = as_hana.get(f"{API}/people", {"page_size": 2}).json()
    assert (first["count"], first["count_exact"], first["has_next"]) == (3, False, True)
    last = as_hana.get(f"{API}/people", {"page_size": 2, "page": 3}).json()
    assert (last["count"], last["count_exact"], last["has_next"]) == (5, True, False)
    beyond = post(as_hana, "/people/search?page=9&page_size=2", {"query": ""}).json()
    assert (beyond["items"], beyond["count"], beyond["count_exact"]) == ([], 5, True)


# --- search --------------------------------------------------------------------------------


@pytest.fixture
def takahashi(hana):
    return PersonFactory(
        agency=hana.agency,
        family_name="髙橋",
        given_name="花子",
        family_name_kana="タカハシ",
        given_name_kana="ハナコ",
        birth_date=datetime.date(1970, 3, 2),
    )


@pytest.mark.parametrize(
    "query", ["たかはし", "タカハシ", "ﾀｶﾊｼ", "高橋", "髙橋", "高橋　花子", "はなこ"]
)
def test_search_ignores_variants_width_and_kana_type(as_hana, takahashi, yorisoi_taro, query):
    response = post(as_hana, "/people/search", {"query": query})
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["items"]] == [str(takahashi.pk)]


def test_search_by_wareki_birth_date(as_hana, takahashi, yorisoi_taro):
    response = post(as_hana, "/people/search", {"birth_date": "昭和45年3月2日"})
    assert [p["id"] for p in response.json()["items"]] == [str(takahashi.pk)]


def test_search_never_finds_another_agencys_people(saki, takahashi):
    response = post(api_client(saki), "/people/search", {"query": "たかはし"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_search_with_a_bad_birth_date_is_422(as_hana):
    response = post(as_hana, "/people/search", {"birth_date": "令和2年2月30日"})
    assert response.status_code == 422
    assert field_errors(response)["birth_date"]["message"] == "2月30日は存在しない日付です。"


# --- bad input: 422 in Japanese, nothing saved ---------------------------------------------


@pytest.mark.parametrize(
    "body, field, code, message",
    [
        (
            {"family_name": "山田", "birth_date": "令和0年5月1日"},
            "birth_date",
            "date",
            "令和0年という年はありません（元年は1年です）。",
        ),
        (
            {"family_name": "山田", "birth_date": "令和2年2月30日"},
            "birth_date",
            "date",
            "2月30日は存在しない日付です。",
        ),
        (
            {"family_name": "山田", "family_name_kana": "山田"},
            "family_name_kana",
            "kana",
            "フリガナはカタカナ（またはひらがな）で入力してください。",
        ),
        ({"family_name": "長" * 51}, "family_name", "max_length", "50"),
        (
            {"family_name": "山田", "given_name": "\u3099太郎"},
            "given_name",
            "text",
            "結合文字だけの文字は使用できません。",
        ),
        ({"given_name": "太郎"}, "family_name", "blank", ""),
        ({"family_name": "山田", "district": "atlantis"}, "district", "invalid_choice", "地区"),
        ({"family_name": "山田", "phone": "でんわ"}, "phone", "phone", "電話番号"),
        ({"family_name": "山田", "sex": "robot"}, "sex", "invalid_choice", ""),
        ({"family_name": "山田", "birthdate": "S45.3.2"}, "birthdate", "extra_forbidden", ""),
        ({"family_name": 123}, "family_name", "string_type", "文字列で入力してください。"),
    ],
)
def test_bad_person_is_422_with_a_japanese_field_error_and_nothing_saved(
    as_hana, body, field, code, message
):
    before = counts()
    response = post(as_hana, "/people", body)
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "validation_error"
    error = field_errors(response)[field]
    assert error["code"] == code
    assert message in error["message"]
    assert counts() == before


def test_bad_update_is_422_and_changes_nothing(as_hana, yorisoi_taro):
    response = patch(
        as_hana, f"/people/{yorisoi_taro.pk}", {"version": 1, "family_name_kana": "寄添"}
    )
    assert response.status_code == 422
    assert "family_name_kana" in field_errors(response)
    yorisoi_taro.refresh_from_db()
    assert (yorisoi_taro.family_name_kana, yorisoi_taro.version) == ("ヨリソイ", 1)


def test_update_needs_the_version(as_hana, yorisoi_taro):
    response = patch(as_hana, f"/people/{yorisoi_taro.pk}", {"given_name": "次郎"})
    assert response.status_code == 422
    assert field_errors(response)["version"]["message"] == "必須項目です。"


# --- search before create ------------------------------------------------------------------


def test_likely_existing_person_is_shown_before_creating(as_hana, hana, yorisoi_taro):
    before = counts()
    body = {"family_name": "寄添", "given_name": "太郎", "birth_date": "S25.4.1"}
    response = post(as_hana, "/people", body)
    assert response.status_code == 409
    assert response.json()["code"] == "possible_duplicate"
    assert response.json()["matches"] == [
        {
            "id": str(yorisoi_taro.pk),
            "full_name": "寄添 太郎",
            "full_name_kana": "ヨリソイ タロウ",
            "birth_date": "1950-04-01",
        }
    ]
    assert counts() == before
    shown = AuditEvent.objects.get(action="person.matches_shown")
    assert (shown.actor, shown.data["ids"]) == (hana, [str(yorisoi_taro.pk)])
    assert not AuditEvent.objects.filter(action="person.created").exists()

    confirmed = post(as_hana, "/people", {**body, "confirm_new": True})
    assert confirmed.status_code == 201
    assert Person.objects.filter(family_name="寄添").count() == 2


def test_bad_input_is_reported_before_likely_matches(as_hana, yorisoi_taro):
    body = {"family_name": "寄添", "given_name": "太郎", "given_name_kana": "太郎"}
    response = post(as_hana, "/people", body)
    assert response.status_code == 422
    assert "given_name_kana" in field_errors(response)


def test_another_agencys_people_are_never_offered_as_matches(saki, yorisoi_taro):
    body = {"family_name": "寄添", "given_name": "太郎", "birth_date": "S25.4.1"}
    assert post(api_client(saki), "/people", body).status_code == 201


# --- optimistic concurrency (R7) -----------------------------------------------------------


def test_second_edit_of_the_same_version_is_409_and_the_first_is_kept(
    as_hana, masaki, yorisoi_taro
):
    first = patch(as_hana, f"/people/{yorisoi_taro.pk}", {"version": 1, "given_name": "一郎"})
    second = patch(
        api_client(masaki), f"/people/{yorisoi_taro.pk}", {"version": 1, "given_name": "二郎"}
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "concurrent_edit"
    assert "ほかの人が先に" in second.json()["message"]
    yorisoi_taro.refresh_from_db()
    assert (yorisoi_taro.given_name, yorisoi_taro.version) == ("一郎", 2)


# --- households ----------------------------------------------------------------------------


def test_household_round_trip(as_hana, hana, yorisoi_taro):
    before = AuditEvent.objects.count()
    created = post(
        as_hana,
        "/households",
        {
            "name": "寄添さん世帯",
            "district": "tomida",
            "members": [
                {"relationship": "head", "person_id": str(yorisoi_taro.pk)},
                {
                    "relationship": "child",
                    "family_name": "寄添",
                    "given_name": "次郎",
                    "family_name_kana": "よりそい",
                    "birth_date": "S55.6.7",
                },
            ],
        },
    )
    assert created.status_code == 201, created.json()
    household = created.json()
    assert household["district"] == "tomida"
    assert household["agency"] == hana.agency.code
    assert [(m["relationship"], m["full_name"]) for m in household["members"]] == [
        ("head", "寄添 太郎"),
        ("child", "寄添 次郎"),
    ]
    assert household["members"][1]["birth_date"] == "1980-06-07"
    assert AuditEvent.objects.count() > before  # the service audits the writes

    url = f"/households/{household['id']}"
    assert as_hana.get(f"{API}{url}").json()["name"] == "寄添さん世帯"

    renamed = patch(as_hana, url, {"version": 1, "name": "寄添家"})
    assert renamed.status_code == 200, renamed.json()
    assert (renamed.json()["name"], renamed.json()["version"]) == ("寄添家", 2)
    assert patch(as_hana, url, {"version": 1, "name": "古い版"}).json()["code"] == (
        "concurrent_edit"
    )

    added = post(as_hana, f"{url}/members", {"relationship": "spouse", "family_name": "寄添"})
    assert added.status_code == 201, added.json()
    assert [m["relationship"] for m in added.json()["members"]] == ["head", "child", "spouse"]

    listed = as_hana.get(f"{API}/households").json()
    assert listed["count"] == 1
    assert len(listed["items"][0]["members"]) == 3

    person = as_hana.get(f"{API}/people/{yorisoi_taro.pk}").json()
    assert person["households"] == [{"id": household["id"], "name": "寄添家"}]


NEW_HEAD = {"relationship": "head", "family_name": "寄添", "given_name": "花子"}


@pytest.mark.parametrize(
    "members, field, message",
    [
        (
            [{"relationship": "head", "person_id": "{taro}"}] * 2,
            "members",
            "2人目: 同じ人が世帯員に2回含まれています。",
        ),
        (
            [
                {"relationship": "head", "family_name": "寄添", "birth_date": "S10.1.1"},
                {"relationship": "spouse", "family_name": "寄添", "birth_date": "昭和10年1月1日"},
            ],
            "members",
            "2人目: 同じ氏名・生年月日の人が2回含まれています。",
        ),
        (
            [NEW_HEAD, {"relationship": "head", "person_id": "{taro}"}],
            "members",
            "世帯主は1人だけにしてください。",
        ),
        (
            [NEW_HEAD, {"relationship": "child", "family_name": "寄添", "birth_date": "2月30日"}],
            "members.1.birth_date",
            "生年月日は",
        ),
        (
            [NEW_HEAD, {"relationship": "child", "family_name": "寄添", "birth_date": "R2.2.30"}],
            "members.1.birth_date",
            "2月30日は存在しない日付です。",
        ),
        (
            [NEW_HEAD, {"relationship": "child", "family_name": "寄添", "family_name_kana": "寄"}],
            "members.1.family_name_kana",
            "フリガナはカタカナ（またはひらがな）で入力してください。",
        ),
        (
            [NEW_HEAD, {"relationship": "child", "family_name": "長" * 51}],
            "members.1.family_name",
            "50",
        ),
        (
            [NEW_HEAD, {"relationship": "child", "person_id": str(uuid.uuid4())}],
            "members.1.person_id",
            "選んだ本人が見つかりません。",
        ),
        ([NEW_HEAD, {"relationship": "uncle", "family_name": "寄添"}], "members", "続柄"),
        ([], "members", "世帯員は1人以上"),
    ],
)
def test_bad_household_is_422_and_nothing_is_saved(as_hana, yorisoi_taro, members, field, message):
    for member in members:
        if member.get("person_id") == "{taro}":
            member["person_id"] = str(yorisoi_taro.pk)
    before = counts()
    response = post(as_hana, "/households", {"name": "寄添さん世帯", "members": members})
    assert response.status_code == 422, response.json()
    messages = [e["message"] for e in response.json()["errors"] if e["field"] == field]
    assert any(message in m for m in messages), response.json()
    assert counts() == before


def test_someone_elses_person_cannot_join_a_household(saki, yorisoi_taro):
    """Another agency's person is "not found" exactly like an id that does not exist (no leak)."""
    as_saki = api_client(saki)

    def attempt(person_id):
        members = [NEW_HEAD, {"relationship": "child", "person_id": person_id}]
        return post(as_saki, "/households", {"members": members})

    theirs, nobodys = attempt(str(yorisoi_taro.pk)), attempt(str(uuid.uuid4()))
    assert theirs.status_code == nobodys.status_code == 422
    assert theirs.json() == nobodys.json()
    assert not HouseholdMember.objects.filter(person=yorisoi_taro).exists()


def test_member_add_rejects_someone_already_in_the_household(as_hana, yorisoi_taro):
    created = post(
        as_hana,
        "/households",
        {"members": [{"relationship": "head", "person_id": str(yorisoi_taro.pk)}]},
    ).json()
    url = f"/households/{created['id']}/members"
    again = post(as_hana, url, {"relationship": "child", "person_id": str(yorisoi_taro.pk)})
    assert again.status_code == 422
    assert field_errors(again)["__all__"]["message"] == "この人はすでに世帯員です。"
    second_head = post(as_hana, url, {"relationship": "head", "family_name": "寄添"})
    assert field_errors(second_head)["__all__"]["message"] == "世帯主は1人だけにしてください。"
    bad_kana = post(
        as_hana, url, {"relationship": "child", "family_name": "寄添", "family_name_kana": "x"}
    )
    assert "family_name_kana" in field_errors(bad_kana)
    assert HouseholdMember.objects.filter(household_id=created["id"]).count() == 1


# --- need to know (R6) ---------------------------------------------------------------------


@pytest.mark.parametrize("outsider", ["saki", "ichiro"])
def test_outsider_gets_the_same_404_as_for_a_random_id(personas, outsider, yorisoi_taro):
    """saki's agency is not involved; the coordinator sees collaborative cases only (none)."""
    as_outsider = api_client(personas[outsider])
    hidden = as_outsider.get(f"{API}/people/{yorisoi_taro.pk}")
    missing = as_outsider.get(f"{API}/people/{uuid.uuid4()}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert missing.json() == {"code": "not_found", "message": "見つかりません。", "errors": []}
    assert "寄添" not in hidden.content.decode()
    edit = patch(as_outsider, f"/people/{yorisoi_taro.pk}", {"version": 1, "given_name": "x"})
    assert edit.status_code == 404
    assert edit.json() == missing.json()
    yorisoi_taro.refresh_from_db()
    assert yorisoi_taro.given_name == "太郎"


def test_outsider_cannot_see_or_change_a_household(as_hana, saki, yorisoi_taro):
    created = post(
        as_hana,
        "/households",
        {"members": [{"relationship": "head", "person_id": str(yorisoi_taro.pk)}]},
    ).json()
    as_saki = api_client(saki)
    url = f"/households/{created['id']}"
    assert as_saki.get(f"{API}{url}").status_code == 404
    assert patch(as_saki, url, {"version": 1, "name": "x"}).status_code == 404
    assert post(as_saki, f"{url}/members", NEW_HEAD).status_code == 404
    assert as_saki.get(f"{API}/households").json()["count"] == 0
    assert HouseholdMember.objects.count() == 1


def test_unknown_ids_are_404(as_hana):
    assert patch(as_hana, f"/people/{uuid.uuid4()}", {"version": 1}).status_code == 404
    assert as_hana.get(f"{API}/households/{uuid.uuid4()}").status_code == 404


PEOPLE_ROUTES = [
    ("get", "/people", None),
    ("post", "/people/search", {"query": "たかはし"}),
    ("post", "/people", {"family_name": "山田"}),
    ("get", "/people/{person}", None),
    ("patch", "/people/{person}", {"version": 1, "given_name": "x"}),
    ("get", "/households", None),
    ("post", "/households", {"members": [NEW_HEAD]}),
]


@pytest.mark.parametrize("persona", ["ken", "kazuko", "osamu"])
def test_non_caseworkers_are_refused_people_routes_but_read_master_data(
    personas, persona, yorisoi_taro
):
    client = api_client(personas[persona])
    before = counts()
    for method, path, body in PEOPLE_ROUTES:
        url = f"{API}{path.format(person=yorisoi_taro.pk)}"
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 403, (method, path)
        assert response.json()["code"] == "forbidden"
        assert "寄添" not in response.content.decode()
    assert counts() == before
    assert client.get(f"{API}/agencies").status_code == 200


def test_each_operation_is_checked_against_its_own_route_rule(monkeypatch, as_hana):
    """GET and POST /people share one URL; the route map still tells them apart."""
    monkeypatch.setitem(access.ROUTES, "api:person_create", frozenset())
    assert as_hana.get(f"{API}/people").status_code == 200
    refused = post(as_hana, "/people", {"family_name": "山田"})
    assert refused.status_code == 403
    assert Person.objects.count() == 0


# --- authentication ------------------------------------------------------------------------


def test_no_token_is_401_json(yorisoi_taro):
    response = Client().get(f"{API}/people/{yorisoi_taro.pk}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response["Content-Type"].startswith("application/json")


def test_revoked_token_is_401(hana):
    token, raw = ApiToken.issue(user=hana, name="古い連携")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(f"{API}/people").status_code == 200
    token.revoke()
    assert client.get(f"{API}/people").status_code == 401


@pytest.mark.parametrize("header", ["Bearer ys_not-a-real-token", "Bearer ", "Basic aGFuYTp4"])
def test_wrong_token_is_401(hana, header):
    assert Client(HTTP_AUTHORIZATION=header).get(f"{API}/people").status_code == 401


def test_token_of_a_deactivated_user_is_401(hana, as_hana):
    hana.is_active = False
    hana.save()
    assert as_hana.get(f"{API}/people").status_code == 401


def test_signed_in_browser_can_read_without_a_token(hana, yorisoi_taro):
    response = client_for(hana).get(f"{API}/people/{yorisoi_taro.pk}")
    assert response.status_code == 200


def test_signed_in_browser_cannot_write_without_the_csrf_token(hana):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(hana)
    response = post(browser, "/people", {"family_name": "山田"})
    assert response.status_code == 403
    assert Person.objects.count() == 0


# --- audit trail (R6) ----------------------------------------------------------------------


def test_every_read_is_audited_with_the_reader_and_basis(as_hana, hana, yorisoi_taro):
    household = post(
        as_hana,
        "/households",
        {"members": [{"relationship": "head", "person_id": str(yorisoi_taro.pk)}]},
    ).json()
    reads = [
        ("person.listed", lambda: as_hana.get(f"{API}/people")),
        ("person.searched", lambda: post(as_hana, "/people/search", {"query": "よりそい"})),
        ("person.viewed", lambda: as_hana.get(f"{API}/people/{yorisoi_taro.pk}")),
        ("household.listed", lambda: as_hana.get(f"{API}/households")),
        ("household.viewed", lambda: as_hana.get(f"{API}/households/{household['id']}")),
    ]
    for action, read in reads:
        assert read().status_code == 200
        event = AuditEvent.objects.filter(action=action).latest("at", "id")
        assert event.actor == hana
        assert event.actor_agency == hana.agency
        assert event.basis == "own_agency"
        assert event.channel == "api"
        if action.startswith("person"):
            assert str(yorisoi_taro.pk) in {event.target_id, *event.data.get("ids", [])}
        else:
            assert household["id"] in {event.target_id, *event.data.get("ids", [])}
    viewed = AuditEvent.objects.get(action="household.viewed")
    assert viewed.data["ids"] == [str(yorisoi_taro.pk)]
    # Payloads carry ids only, never names or search terms.
    for event in AuditEvent.objects.all():
        assert "寄添" not in str(event.data)
        assert "よりそい" not in str(event.data)


def test_refused_and_hidden_reads_leave_no_read_event(saki, yorisoi_taro):
    api_client(saki).get(f"{API}/people/{yorisoi_taro.pk}")
    assert not AuditEvent.objects.filter(action="person.viewed").exists()


# --- OpenAPI -------------------------------------------------------------------------------


def test_openapi_schema_lists_every_people_route():
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    expected = {
        "/api/v1/people": {"get", "post"},
        "/api/v1/people/search": {"post"},
        "/api/v1/people/{person_id}": {"get", "patch"},
        "/api/v1/households": {"get", "post"},
        "/api/v1/households/{household_id}": {"get", "patch"},
        "/api/v1/households/{household_id}/members": {"post"},
        "/api/v1/agencies": {"get"},
        "/api/v1/districts": {"get"},
        "/api/v1/issue-categories": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths
        assert set(paths[path]) >= methods
    assert paths["/api/v1/people/search"]["post"]["summary"] == "本人を探す"


def test_malformed_json_is_a_japanese_400(as_hana):
    response = as_hana.post("/api/v1/people", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert "JSON" in response.json()["message"]


def test_household_list_says_the_total_only_on_its_last_page(as_hana, hana):
    from yorisoi.people.models import Household

    Household.objects.bulk_create(Household(agency=hana.agency) for _ in range(5))
    first = as_hana.get(f"{API}/households", {"page_size": 2}).json()
    assert (first["count"], first["count_exact"], first["has_next"]) == (3, False, True)
    last = as_hana.get(f"{API}/households", {"page_size": 2, "page": 3}).json()
    assert (last["count"], last["count_exact"], last["has_next"]) == (5, True, False)
