"""Search before create across all agencies (issue 12, DOMAIN.md 名寄せ; R6).

A likely match the user may not see is never shown: not its name, kana, id or agency; the user
is told the coordinating division will check, and the coordinator gets one review item when
the new person is saved. Matches the user may see are offered as usual, best first.
"""

import datetime as dt
import json

import pytest
from django.urls import reverse

from yorisoi import access
from yorisoi.people import selectors
from yorisoi.people.identity.models import MatchCandidate, MatchStatus
from yorisoi.people.identity.services import match_flag, match_reject
from yorisoi.people.models import Person
from yorisoi.people.tests.test_api import api_client, post
from yorisoi.testing import PersonFactory, client_for

MESSAGE = str(access.HIDDEN_MATCH_MESSAGE)
BORN = dt.date(1970, 3, 2)


@pytest.fixture
def yuko_spelled_apart(saki):
    """As yuko_at_saki, with a reading typed differently from the tests' (ユーコ)."""
    return PersonFactory(
        agency=saki.agency,
        family_name="髙橋",
        given_name="祐子",
        family_name_kana="タカハシ",
        given_name_kana="ユーコ",
        birth_date=BORN,
        address="三重県四日市市諏訪町1丁目5番3号",
    )


@pytest.fixture
def yuko_at_saki(saki):
    """髙橋祐子, known only to saki's agency (the commissioned counselling office)."""
    return PersonFactory(
        agency=saki.agency,
        family_name="髙橋",
        given_name="祐子",
        family_name_kana="タカハシ",
        given_name_kana="ユウコ",
        birth_date=BORN,
        address="三重県四日市市諏訪町1丁目5番3号",
    )


def _typed(**changes):
    return {
        "family_name": "高橋",
        "given_name": "祐子",
        "family_name_kana": "タカハシ",
        "given_name_kana": "ユウコ",
        "birth_date": BORN,
    } | changes


@pytest.mark.parametrize(
    "noise",
    [
        {},  # variant kanji: 髙 registered, 高 typed
        {"family_name_kana": "ﾀｶﾊｼ", "given_name_kana": "ﾕｳｺ"},
        {"family_name_kana": "たかはし", "given_name_kana": "ゆうこ"},
        {"given_name_kana": "ユーコ"},
        {"birth_date": dt.date(1970, 2, 3)},  # day and month swapped
        {"birth_date": dt.date(1970, 3, 3)},  # one digit wrong
        {
            "family_name": "山田",
            "family_name_kana": "ヤマダ",
            "address": "四日市市諏訪町1-5-3",
        },  # married name, same home
    ],
    ids=["variant_kanji", "half_width", "hiragana", "long_vowel", "day_month", "digit", "married"],
)
def test_each_noise_kind_is_found_at_another_agency(hana, yuko_at_saki, noise):
    PersonFactory(
        agency=hana.agency,
        family_name="山本",
        given_name="一郎",
        family_name_kana="ヤマモト",
        given_name_kana="イチロウ",
        birth_date=BORN,
    )  # a stranger of her own agency born the same day
    found = selectors.person_likely_matches(user=hana, **_typed(**noise))
    assert [x.record_id_b for x in found.hidden] == [str(yuko_at_saki.pk)]
    assert found.others_exist and found.visible == []


def test_wareki_typed_on_the_screen_finds_the_match(hana, yuko_at_saki):
    response = client_for(hana).post(
        reverse("people:person_matches"),
        {**_typed(birth_date="昭和45年3月2日"), "preferred_language": "ja"},
    )
    assert MESSAGE in response.content.decode()


def _leaks(body: str, person: Person) -> list[str]:
    """What of `person` appears in `body`. The user typed 高橋 祐子 (タカハシ ユウコ): A's own
    spelling is 髙橋 and ユーコ (as registered in the tests below), and its address."""
    secrets = [
        person.full_name,
        "髙",
        person.full_name_kana,
        person.given_name_kana,
        "諏訪町",
        str(person.pk),
        person.pk.hex,
        person.agency.name,
        person.agency.code,
    ]
    return [s for s in secrets if s and s in body]


def test_a_person_known_only_to_another_agency_leaks_nothing_on_screen(
    hana, ichiro, yuko_spelled_apart
):
    client = client_for(hana)
    form = {**_typed(birth_date="S45.3.2"), "preferred_language": "ja"}
    partial = client.post(reverse("people:person_matches"), form).content.decode()
    assert MESSAGE in partial and _leaks(partial, yuko_spelled_apart) == []
    assert "すでに登録されているかもしれません" not in partial

    saved = client.post(reverse("people:person_create"), form, follow=True)
    page = saved.content.decode()
    assert saved.status_code == 200 and MESSAGE in page
    assert _leaks(page, yuko_spelled_apart) == []
    new = Person.objects.get(agency=hana.agency)
    (candidate,) = access.visible_match_candidates(ichiro)
    assert candidate.status == MatchStatus.PENDING
    assert {candidate.person_a_id, candidate.person_b_id} == {new.pk, yuko_spelled_apart.pk}
    assert candidate.reasons and candidate.score >= selectors.SEARCH_THRESHOLD


def test_a_person_known_only_to_another_agency_leaks_nothing_through_the_api(
    hana, ichiro, yuko_spelled_apart
):
    response = post(
        api_client(hana), "/people", {**_typed(birth_date="S45.3.2")} | {"birth_date": "S45.3.2"}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["other_agency_match"], body["other_agency_message"]) == (True, MESSAGE)
    assert _leaks(json.dumps(body, ensure_ascii=False), yuko_spelled_apart) == []
    assert MatchCandidate.objects.filter(status=MatchStatus.PENDING).count() == 1


def test_the_api_answers_the_same_shape_without_hidden_matches(hana):
    response = post(api_client(hana), "/people", {"family_name": "寄添", "given_name": "花子"})
    body = response.json()
    assert response.status_code == 201
    assert (body["other_agency_match"], body["other_agency_message"]) == (False, None)


def test_the_api_offers_visible_matches_and_flags_hidden_ones_only_when_saved(
    hana, ichiro, yuko_at_saki
):
    own = PersonFactory(
        agency=hana.agency,
        family_name="高橋",
        given_name="祐子",
        family_name_kana="タカハシ",
        given_name_kana="ユウコ",
        birth_date=BORN,
    )
    client = api_client(hana)
    body = {**_typed(), "birth_date": "1970-03-02"}
    first = post(client, "/people", body)
    assert first.status_code == 409
    assert [m["id"] for m in first.json()["matches"]] == [str(own.pk)]
    assert first.json()["other_agency_match"] is True
    assert _leaks(first.content.decode(), yuko_at_saki) == []
    assert not MatchCandidate.objects.exists()  # nothing saved, nothing flagged
    second = post(client, "/people", {**body, "confirm_new": True})
    assert second.status_code == 201
    assert MatchCandidate.objects.count() == 1


def test_a_person_the_user_may_see_is_offered_as_usual(hana, yuko_at_saki):
    own = PersonFactory(
        agency=hana.agency,
        family_name="髙橋",
        given_name="祐子",
        family_name_kana="タカハシ",
        given_name_kana="ユウコ",
        birth_date=BORN,
    )
    response = client_for(hana).post(
        reverse("people:person_create"),
        {**_typed(birth_date="S45.3.2"), "preferred_language": "ja"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and str(own.pk) in body
    assert "すでに登録されているかもしれません（1 人）" in body
    assert MESSAGE in body and str(yuko_at_saki.pk) not in body
    assert not MatchCandidate.objects.exists()


def test_flagging_is_idempotent_and_never_reopens_a_rejected_pair(hana, ichiro, yuko_at_saki):
    new = PersonFactory(agency=hana.agency, family_name="高橋", given_name="祐子", birth_date=BORN)
    found = selectors.person_likely_matches(user=hana, **_typed())
    (candidate,) = match_flag(actor=hana, person=new, matches=found.hidden)
    assert match_flag(actor=hana, person=new, matches=found.hidden) == []
    match_reject(actor=ichiro, candidate=candidate, version=candidate.version)
    assert match_flag(actor=hana, person=new, matches=found.hidden) == []
    candidate.refresh_from_db()
    assert candidate.status == MatchStatus.REJECTED
    assert MatchCandidate.objects.count() == 1


def test_only_the_registering_agency_flags_its_registration(saki, hana, yuko_at_saki):
    from yorisoi.errors import RuleViolation

    with pytest.raises(RuleViolation):
        match_flag(actor=hana, person=yuko_at_saki, matches=[])


def test_the_lookup_costs_a_bounded_number_of_queries(hana, saki, django_assert_max_num_queries):
    for n in range(40):
        PersonFactory(
            agency=saki.agency if n % 2 else hana.agency,
            family_name="高橋",
            given_name="祐子",
            birth_date=BORN + dt.timedelta(days=n % 3),
        )
    with django_assert_max_num_queries(6):
        found = selectors.person_likely_matches(user=hana, **_typed())
    assert found.visible and found.hidden and len(found.visible) <= 10


# --- new members of a household: the same search, through both doors --------------------------


def _api_member(**changes):
    return {"relationship": "head", **_typed(**changes), "birth_date": "1970-03-02"}


def test_a_household_registered_through_the_api_flags_a_hidden_match(
    hana, ichiro, yuko_spelled_apart
):
    response = post(
        api_client(hana),
        "/households",
        {"name": "高橋さん世帯", "members": [_api_member(), _api_member(
            relationship="child", given_name="翔", given_name_kana="ショウ")]},
    )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert (body["other_agency_match"], body["other_agency_message"]) == (True, MESSAGE)
    assert _leaks(response.content.decode(), yuko_spelled_apart) == []
    (candidate,) = access.visible_match_candidates(ichiro)
    new = Person.objects.get(agency=hana.agency, given_name="祐子")
    assert {candidate.person_a_id, candidate.person_b_id} == {new.pk, yuko_spelled_apart.pk}


def test_a_household_through_the_api_offers_visible_matches_before_saving(hana):
    own = PersonFactory(agency=hana.agency, **_typed(family_name="髙橋"))
    client = api_client(hana)
    body = {"name": "高橋さん世帯", "members": [_api_member()]}
    first = post(client, "/households", body)
    assert first.status_code == 409
    assert [m["id"] for m in first.json()["matches"]] == [str(own.pk)]
    assert Person.objects.filter(agency=hana.agency).count() == 1  # nothing saved
    assert post(client, "/households", {**body, "confirm_new": True}).status_code == 201


def test_a_member_added_through_the_api_is_searched_for_too(hana, ichiro, yuko_spelled_apart):
    client = api_client(hana)
    household = post(
        client, "/households",
        {"name": "寄添さん世帯", "members": [{"relationship": "head", "family_name": "寄添"}]},
    ).json()  # fmt: skip
    response = post(
        client, f"/households/{household['id']}/members", _api_member(relationship="spouse")
    )
    assert response.status_code == 201
    assert response.json()["other_agency_match"] is True
    assert _leaks(response.content.decode(), yuko_spelled_apart) == []
    assert access.visible_match_candidates(ichiro).count() == 1


def test_a_member_added_on_screen_is_offered_visible_matches_and_flags_hidden_ones(
    hana, ichiro, yuko_spelled_apart
):
    from yorisoi.people.services import NewMember, household_create

    household = household_create(
        actor=hana, name="寄添さん世帯",
        members=[NewMember("head", fields={"family_name": "寄添", "given_name": "一郎"})],
    )  # fmt: skip
    own = PersonFactory(agency=hana.agency, **_typed())
    client = client_for(hana)
    url = reverse("people:household_member_add", args=[household.pk])
    form = {f"new-{k}": v for k, v in _typed(birth_date="S45.3.2").items()}
    form["new-relationship"] = "spouse"

    offered = client.post(url, form)
    page = offered.content.decode()
    assert offered.status_code == 200 and str(own.pk) in page  # offered before saving
    assert "別の人として追加する" in page and MESSAGE in page
    assert _leaks(page, yuko_spelled_apart) == []
    assert household.memberships.count() == 1

    saved = client.post(url, {**form, "confirm_new": "1"}, follow=True)
    assert MESSAGE in saved.content.decode()
    assert household.memberships.count() == 2
    assert access.visible_match_candidates(ichiro).count() == 1
