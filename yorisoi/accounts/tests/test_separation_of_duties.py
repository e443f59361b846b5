"""Separation of duties (issue 13): what an administrator changes on a user is recorded with its
before and after; nobody changes their own role or agency (test_mfa.py covers the form)."""

from yorisoi.audit.models import AuditEvent

from .test_mfa import _admin_client


def test_a_role_change_is_audited_with_before_and_after(hana, osamu):
    admin = _admin_client(osamu)
    form = {
        "username": "hana", "display_name": "hana", "role": "manager",
        "agency": hana.agency_id, "email": "", "is_active": "on",
    }  # fmt: skip
    response = admin.post(f"/admin/accounts/user/{hana.pk}/change/", form)
    assert response.status_code == 302
    hana.refresh_from_db()
    assert hana.role == "manager"
    event = AuditEvent.objects.get(action="user.changed", target_id=str(hana.pk))
    assert event.data["before"] == {"role": "staff", "agency": hana.agency_id, "is_active": True}
    assert event.data["after"] == {"role": "manager", "agency": hana.agency_id, "is_active": True}
    assert event.actor == osamu
