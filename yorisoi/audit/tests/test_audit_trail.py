"""R6: every read of personal data writes the audit trail, which cannot be silently edited."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from yorisoi.audit.log import record
from yorisoi.audit.models import AppendOnlyError, AuditEvent
from yorisoi.people.models import Household, HouseholdMember
from yorisoi.testing import PersonFactory, client_for


@pytest.fixture
def person(hana):
    return PersonFactory(agency=hana.agency, family_name="監査", given_name="花子")


@pytest.fixture
def household(hana, person):
    household = Household.objects.create(name="監査さん世帯", agency=hana.agency)
    HouseholdMember.objects.create(household=household, person=person, relationship="head")
    return household


def _events():
    return list(AuditEvent.objects.order_by("id"))


READ_PATHS = {
    "person list": ("get", lambda p, h: reverse("people:person_list"), {}, "person.listed"),
    "person search": (
        "post",
        lambda p, h: reverse("people:person_list"),
        {"q": "監査"},
        "person.searched",
    ),
    "person detail": (
        "get",
        lambda p, h: reverse("people:person_detail", args=[p.pk]),
        {},
        "person.viewed",
    ),
    "person edit form": (
        "get",
        lambda p, h: reverse("people:person_edit", args=[p.pk]),
        {},
        "person.viewed",
    ),
    "likely matches": (
        "post",
        lambda p, h: reverse("people:person_matches"),
        {"family_name": "監査", "given_name": "花子"},
        "person.matches_shown",
    ),
    # The list names each household's members too: their reads are audited as well.
    "household list": (
        "get",
        lambda p, h: reverse("people:household_list"),
        {},
        ("household.listed", "person.listed"),
    ),
    "household detail": (
        "get",
        lambda p, h: reverse("people:household_detail", args=[h.pk]),
        {},
        "household.viewed",
    ),
}


@pytest.mark.parametrize("path", READ_PATHS)
def test_every_read_path_is_audited(hana, person, household, path):
    method, url, data, action = READ_PATHS[path]
    client = client_for(hana)  # signing in is audited too (receivers): count after it
    before = AuditEvent.objects.count()
    response = getattr(client, method)(url(person, household), data)
    assert response.status_code == 200
    events = _events()[before:]
    assert [e.action for e in events] == ([action] if isinstance(action, str) else list(action))
    event = events[0]
    assert {e.basis for e in events} == {"own_agency"}
    assert event.actor == hana
    assert event.actor_agency == hana.agency
    assert event.basis == "own_agency"
    assert event.channel == "web"
    assert event.ip_address == "127.0.0.1"
    read_ids = set(event.data.get("ids", [])) | {event.target_id}
    assert str(person.pk) in read_ids or str(household.pk) in read_ids


def test_audit_payload_never_holds_the_search_term_or_names(hana, person):
    client_for(hana).post(reverse("people:person_list"), {"q": "監査花子"})
    event = AuditEvent.objects.get(action="person.searched")
    stored = str(event.data) + event.target_id + event.target_type
    assert "監査" not in stored
    assert event.data["ids"] == [str(person.pk)]


def test_changes_are_audited(hana):
    client = client_for(hana)
    client.post(
        reverse("people:person_create"),
        {"family_name": "新規", "given_name": "一", "preferred_language": "ja"},
    )
    assert AuditEvent.objects.filter(action="person.created", actor=hana).count() == 1


def test_model_refuses_update_and_delete(hana):
    event = record("person.viewed", actor=hana, target_type="person", target_id="x")
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'tampered'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_database_refuses_raw_update_and_delete(hana, sql):
    record("person.viewed", actor=hana, target_type="person", target_id="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.filter(action="person.viewed").count() == 1


def test_household_edit_page_is_a_read(hana, household):
    client = client_for(hana)
    before = AuditEvent.objects.count()
    client.get(reverse("people:household_edit", args=[household.pk]))
    assert [e.action for e in AuditEvent.objects.order_by("id")[before:]] == ["household.viewed"]


def test_person_page_records_the_households_it_lists(hana, person, household):
    client_for(hana).get(reverse("people:person_detail", args=[person.pk]))
    event = AuditEvent.objects.get(action="person.viewed")
    assert event.data["household_ids"] == [str(household.pk)]


def test_administrators_changes_to_users_are_audited(osamu, hana):
    client = client_for(osamu)
    response = client.post(
        f"/admin/accounts/user/{hana.pk}/change/",
        {
            "username": "hana",
            "display_name": "hana",
            "role": "analyst",  # reads nothing: applies at once (no second administrator)
            "agency": hana.agency_id,
            "email": "",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="user.changed")
    assert event.actor == osamu
    assert event.target_id == str(hana.pk)
    assert event.data["role"] == "analyst"


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.5", "10.1.1.1"),  # no proxy trusted: a client's own header is ignored
        (1, "203.0.113.5, 192.0.2.10", "192.0.2.10"),  # the address our proxy saw, not a forgery
    ],
)
def test_the_trail_records_the_clients_address_as_the_deployment_says(
    hana, person, settings, proxies, forwarded, expected
):
    settings.YORISOI_TRUSTED_PROXIES = proxies
    client = client_for(hana)
    url = reverse("people:person_detail", args=[person.pk])
    client.get(url, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert AuditEvent.objects.filter(action="person.viewed").get().ip_address == expected
