"""R6 on a household's members: a household page never shows a member whose own person page
the same user cannot open — on the screen and in the API alike (access.member_views).

The home-care support centre (hana) registers the 山川 household and refers a consultation
about the father to the disability counselling office (saki). The referral brings the father's
record and the household with it, not the son's: saki sees the son's relationship only.
"""

import json

import pytest
from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.cases.tests.world import family
from yorisoi.intake.tests.test_api import api_client
from yorisoi.intake.tests.test_outcomes import consult
from yorisoi.intake.tests.test_referrals import send
from yorisoi.testing import client_for


@pytest.fixture
def referred(hana, saki):
    household, father, son = family(hana)
    send(hana, consult(hana, household=household, person=father), saki.agency)
    return household, father, son


def _text(api_response) -> str:
    """The JSON body with Japanese as characters (the API escapes them)."""
    return json.dumps(api_response.json(), ensure_ascii=False)


def _hidden(text: str, son) -> list[str]:
    return [s for s in (son.given_name, son.given_name_kana, str(son.pk)) if s in text]


def test_the_referred_agency_sees_the_father_and_only_the_sons_relationship(referred, saki):
    household, father, son = referred
    client = client_for(saki)
    assert client.get(reverse("people:person_detail", args=[son.pk])).status_code == 404
    assert client.get(reverse("people:person_detail", args=[father.pk])).status_code == 200

    detail = client.get(reverse("people:household_detail", args=[household.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert father.given_name in html and _hidden(html, son) == []
    assert "この世帯員の記録を見る権限がありません" in html

    listing = client.get(reverse("people:household_list")).content.decode()
    assert household.name in listing and father.given_name in listing
    assert _hidden(listing, son) == [] and "氏名非表示（子）" in listing


def test_the_api_returns_the_same_members(referred, saki):
    household, father, son = referred
    api = api_client(saki)
    assert api.get(f"/api/v1/people/{son.pk}").status_code == 404

    detail = api.get(f"/api/v1/households/{household.pk}")
    assert detail.status_code == 200 and _hidden(_text(detail), son) == []
    members = {m["relationship"]: m for m in detail.json()["members"]}
    assert members["head"]["person_id"] == str(father.pk)
    assert members["child"] | {"relationship_display": None} == {
        "person_id": None,
        "relationship": "child",
        "relationship_display": None,
        "order": members["child"]["order"],
        "family_name": None,
        "given_name": None,
        "full_name": None,
        "full_name_kana": None,
        "birth_date": None,
        "joined_on": None,
        "left_on": None,
    }

    listing = api.get("/api/v1/households")
    assert _hidden(_text(listing), son) == [] and father.given_name in _text(listing)


def test_only_members_shown_by_name_are_audited_as_read(referred, saki):
    household, father, _son = referred
    client_for(saki).get(reverse("people:household_detail", args=[household.pk]))
    event = AuditEvent.objects.get(action="household.viewed", actor=saki)
    assert event.data["ids"] == [str(father.pk)] and event.basis == "referral"


def test_the_registering_agency_sees_every_member(referred, hana):
    household, father, son = referred
    html = client_for(hana).get(reverse("people:household_detail", args=[household.pk]))
    assert son.given_name in html.content.decode()
    members = api_client(hana).get(f"/api/v1/households/{household.pk}").json()["members"]
    assert {m["person_id"] for m in members} == {str(father.pk), str(son.pk)}
