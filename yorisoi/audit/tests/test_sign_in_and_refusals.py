"""R6: signing in and out, failed sign-ins, lockouts and refused routes are audited — ids and
the client address only, never the user name typed at a failed sign-in."""

from django.test import Client, override_settings
from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.testing import client_for

PASSWORD = "correct-horse-battery-staple"
TYPED = "hana-typo-山田"


def _actions():
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def _stored(event):
    return " ".join(
        str(getattr(event, field.attname)) for field in AuditEvent._meta.concrete_fields
    )


def test_sign_in_and_sign_out_name_the_user(hana):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "hana", "password": PASSWORD})
    client.post(reverse("accounts:logout"))
    signed_in = AuditEvent.objects.get(action="auth.logged_in")
    assert (signed_in.actor, signed_in.target_id, signed_in.ip_address) == (
        hana,
        str(hana.pk),
        "127.0.0.1",
    )
    assert AuditEvent.objects.get(action="auth.logged_out").actor == hana


def test_a_failed_sign_in_keeps_only_that_it_failed_and_from_where(hana):
    Client().post(reverse("accounts:login"), {"username": TYPED, "password": "wrong"})
    Client().post(reverse("accounts:login"), {"username": "hana", "password": "wrong"})
    failed = AuditEvent.objects.filter(action="auth.login_failed")
    assert failed.count() == 2
    for event in failed:
        assert event.actor is None and event.target_id == "" and event.data == {}
        assert event.ip_address == "127.0.0.1"
        assert TYPED not in _stored(event) and "hana" not in _stored(event)


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_lockout_is_audited_without_the_typed_name(hana):
    client = Client()
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": TYPED, "password": "wrong"})
    locked = AuditEvent.objects.get(action="auth.locked_out")
    assert locked.actor is None and locked.ip_address == "127.0.0.1"
    assert TYPED not in _stored(locked)


def test_a_refused_route_is_audited_by_its_name_not_its_path(ken):
    client = client_for(ken)  # the analyst: aggregates only, never the list of people
    before = AuditEvent.objects.count()
    response = client.get(reverse("people:person_list"), {"q": "山田"})
    assert response.status_code == 403
    event = AuditEvent.objects.order_by("seq")[before:].get()
    assert (event.action, event.actor, event.data) == (
        "route.denied",
        ken,
        {"route": "people:person_list"},
    )
    assert "山田" not in _stored(event)


def test_an_allowed_route_writes_no_refusal(hana):
    client_for(hana).get(reverse("front:home"))
    assert "route.denied" not in _actions()


def test_a_refused_api_route_is_audited_by_its_name_too(ken):
    client = client_for(ken)  # the API's browser door: the same route map, the same record
    before = AuditEvent.objects.count()
    assert client.get("/api/v1/people", {"q": "山田"}).status_code == 403
    event = AuditEvent.objects.order_by("seq")[before:].get()
    assert (event.action, event.actor, event.data) == (
        "route.denied",
        ken,
        {"route": "api:person_list"},
    )
    assert "山田" not in _stored(event)
