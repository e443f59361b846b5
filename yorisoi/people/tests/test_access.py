"""R6 need-to-know, as a matrix of persona × record × action.

hana's agency registered the record. Everyone else either may not open people screens at all
(403 for the whole screen, which reveals nothing) or gets 404 for the record — the same 404 as
for an id that does not exist, so existence never leaks.
"""

import re
import uuid

import pytest
from django.urls import reverse

from yorisoi.people.models import Household, HouseholdMember
from yorisoi.testing import PersonFactory, client_for


@pytest.fixture
def record(hana):
    person = PersonFactory(
        agency=hana.agency,
        family_name="寄添",
        given_name="太郎",
        family_name_kana="ヨリソイ",
        given_name_kana="タロウ",
    )
    household = Household.objects.create(name="寄添さん世帯", agency=hana.agency)
    HouseholdMember.objects.create(household=household, person=person, relationship="head")
    return person, household


ACTIONS = {
    "person_detail": lambda p, h: ("get", reverse("people:person_detail", args=[p.pk])),
    "person_edit": lambda p, h: ("get", reverse("people:person_edit", args=[p.pk])),
    "household_detail": lambda p, h: ("get", reverse("people:household_detail", args=[h.pk])),
    "household_edit": lambda p, h: ("get", reverse("people:household_edit", args=[h.pk])),
}

# persona → expected status for the record of hana's agency
EXPECTED = {
    "hana": 200,  # own agency (staff)
    "masaki": 200,  # own agency (manager)
    "ichiro": 404,  # coordinator: only collaborative cases (none yet) and own division
    "saki": 404,  # uninvolved agency: the outsider
    "kazuko": 403,  # 民生委員: people screens are not theirs at all
    "ken": 403,  # analyst: aggregates only
    "osamu": 403,  # administrator: never personal records
}


@pytest.mark.parametrize("persona", EXPECTED)
@pytest.mark.parametrize("action", ACTIONS)
def test_record_access_matrix(personas, record, persona, action):
    person, household = record
    method, url = ACTIONS[action](person, household)
    response = getattr(client_for(personas[persona]), method)(url)
    assert response.status_code == EXPECTED[persona]
    if EXPECTED[persona] != 200:
        assert "寄添" not in response.content.decode()


@pytest.mark.parametrize("persona", ["ichiro", "saki"])
def test_not_visible_looks_exactly_like_not_existing(personas, record, persona):
    person, _ = record
    client = client_for(personas[persona])
    hidden = client.get(reverse("people:person_detail", args=[person.pk]))
    missing = client.get(reverse("people:person_detail", args=[uuid.uuid4()]))
    assert hidden.status_code == missing.status_code == 404
    assert _without_csrf(hidden) == _without_csrf(missing)


def _without_csrf(response):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)


@pytest.mark.parametrize(
    "persona, sees", [("hana", True), ("masaki", True), ("saki", False), ("ichiro", False)]
)
def test_lists_and_search_show_only_visible_people(personas, record, persona, sees):
    client = client_for(personas[persona])
    listing = client.get(reverse("people:person_list")).content.decode()
    search = client.post(reverse("people:person_list"), {"q": "よりそい"}).content.decode()
    households = client.get(reverse("people:household_list")).content.decode()
    assert ("寄添" in listing) is sees
    assert ("寄添" in search) is sees
    assert ("寄添さん世帯" in households) is sees


def test_outsider_cannot_edit_by_posting(saki, record):
    person, household = record
    client = client_for(saki)
    response = client.post(
        reverse("people:person_edit", args=[person.pk]),
        {"family_name": "改竄", "preferred_language": "ja", "version": person.version},
    )
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.family_name == "寄添"
    response = client.post(
        reverse("people:household_member_add", args=[household.pk]),
        {"new-relationship": "child", "new-family_name": "侵入"},
    )
    assert response.status_code == 404
    assert household.memberships.count() == 1


def test_outsider_cannot_add_someone_elses_person_to_own_household(saki, record):
    person, _ = record
    own = Household.objects.create(name="別世帯", agency=saki.agency)
    response = client_for(saki).post(
        reverse("people:household_member_add", args=[own.pk]),
        {"person": str(person.pk), "relationship": "child"},
    )
    assert response.status_code == 404
    assert own.memberships.count() == 0


def test_administrator_has_no_personal_records_in_django_admin(osamu, record):
    client = client_for(osamu)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/directory/agency/").status_code == 200
    for url in [
        "/admin/people/person/",
        "/admin/people/household/",
        "/admin/people/householdmember/",
        "/admin/audit/auditevent/",
    ]:
        assert client.get(url).status_code == 404
    index = client.get("/admin/").content.decode()
    assert "本人" not in index and "世帯" not in index


def test_superuser_flag_does_not_open_personal_records(osamu, record):
    osamu.is_superuser = True
    osamu.save()
    person, _ = record
    client = client_for(osamu)
    assert client.get(reverse("people:person_detail", args=[person.pk])).status_code == 403


@pytest.mark.parametrize("persona", ["hana", "ichiro", "saki"])
def test_caseworkers_may_not_enter_django_admin(personas, persona):
    response = client_for(personas[persona]).get("/admin/")
    assert response.status_code == 302  # to the admin login, never the index
