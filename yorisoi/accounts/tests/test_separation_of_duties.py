"""Separation of duties (issue 13): a grant that opens records takes two administrators; every
change of a user is recorded with its before and after; nobody changes their own role or agency
(test_mfa.py covers that form)."""

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from yorisoi.accounts.grants import grant_decide
from yorisoi.accounts.models import Role, RoleGrant, User
from yorisoi.audit.models import AuditEvent
from yorisoi.errors import RuleViolation
from yorisoi.testing import make_user

from .test_mfa import _admin_client, _agency_id


def _change(admin, user, **fields):
    form = {
        "username": user.username, "display_name": user.display_name or user.username,
        "role": user.role, "agency": user.agency_id, "email": "", "is_active": "on",
    }  # fmt: skip
    form.update(fields)
    if form.get("is_active") is False:
        del form["is_active"]
    return admin.post(f"/admin/accounts/user/{user.pk}/change/", form)


@pytest.fixture
def second_admin(master):
    return make_user("akira", Role.ADMIN, "fukushi-soumu-ka")


def _approve(grant, admin_user):
    return _admin_client(admin_user).post(
        "/admin/accounts/rolegrant/", {"action": "approve", "_selected_action": [grant.pk]}
    )


def test_a_role_that_reads_records_waits_for_a_second_administrator(hana, osamu, second_admin):
    response = _change(_admin_client(osamu), hana, role="manager")
    assert response.status_code == 302
    hana.refresh_from_db()
    assert hana.role == "staff"  # nothing opened yet
    grant = RoleGrant.objects.get(user=hana, status="pending")
    assert (grant.role, grant.requested_by) == ("manager", osamu)

    # The asker cannot approve their own request …
    _approve(grant, osamu)
    hana.refresh_from_db()
    assert hana.role == "staff"
    # … a second administrator can.
    assert _approve(grant, second_admin).status_code == 302
    hana.refresh_from_db()
    assert hana.role == "manager"
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by) == ("approved", second_admin)
    event = AuditEvent.objects.get(action="user.grant_approved", target_id=str(hana.pk))
    assert event.actor == second_admin
    assert event.data["before"] == {"role": "staff", "agency": hana.agency_id, "is_active": True}
    assert event.data["after"] == {"role": "manager", "agency": hana.agency_id, "is_active": True}
    assert AuditEvent.objects.filter(action="user.grant_requested", actor=osamu).count() == 1


def test_a_new_caseworker_is_inactive_until_approved(osamu, second_admin, master):
    admin = _admin_client(osamu)
    admin.post(
        "/admin/accounts/user/add/",
        {"username": "newcomer", "display_name": "新人", "role": "staff",
         "agency": _agency_id("zaitaku-kaigo-01")},
    )  # fmt: skip
    newcomer = User.objects.get(username="newcomer")
    assert not newcomer.is_active
    grant_decide(grant=newcomer.role_grants.get(), actor=second_admin, approve=True)
    newcomer.refresh_from_db()
    assert newcomer.is_active and newcomer.role == "staff"


def test_a_new_administrator_needs_a_second_one_too(osamu, master):
    # Otherwise one administrator makes a second account and approves their own asks with it.
    _admin_client(osamu).post(
        "/admin/accounts/user/add/",
        {"username": "alias", "display_name": "別名", "role": "admin",
         "agency": _agency_id("fukushi-soumu-ka")},
    )  # fmt: skip
    alias = User.objects.get(username="alias")
    assert not alias.is_active and not alias.is_staff


def test_moving_a_caseworker_to_another_agency_waits_too(hana, osamu, second_admin):
    other = _agency_id("itaku-soudan-01")
    _change(_admin_client(osamu), hana, agency=other)
    hana.refresh_from_db()
    assert hana.agency_id != other
    assert RoleGrant.objects.get(user=hana).agency_id == other


def test_reactivating_a_caseworker_waits_but_deactivating_is_at_once(hana, osamu, second_admin):
    admin = _admin_client(osamu)
    _change(admin, hana, is_active=False)
    hana.refresh_from_db()
    assert not hana.is_active  # taking access away needs nobody's approval
    _change(admin, hana)  # is_active on again
    hana.refresh_from_db()
    assert not hana.is_active
    assert RoleGrant.objects.filter(user=hana, status="pending").exists()


def test_a_role_that_reads_nothing_applies_at_once(hana, osamu):
    _change(_admin_client(osamu), hana, role="analyst")
    hana.refresh_from_db()
    assert hana.role == "analyst"
    assert not RoleGrant.objects.exists()


def test_nobody_decides_a_grant_to_themself(osamu, second_admin, hana):
    grant = RoleGrant.objects.create(user=second_admin, role="admin", requested_by=osamu)
    with pytest.raises(RuleViolation):
        grant_decide(grant=grant, actor=second_admin, approve=True)


def test_a_refused_grant_changes_nothing_and_is_audited(hana, osamu, second_admin):
    _change(_admin_client(osamu), hana, role="manager")
    grant = RoleGrant.objects.get(user=hana)
    grant_decide(grant=grant, actor=second_admin, approve=False)
    hana.refresh_from_db()
    assert hana.role == "staff"
    assert AuditEvent.objects.filter(action="user.grant_rejected", actor=second_admin).exists()
    with pytest.raises(RuleViolation):  # decided once
        grant_decide(grant=grant, actor=second_admin, approve=True)


def test_every_change_of_a_user_is_audited_with_before_and_after(hana, osamu):
    _change(_admin_client(osamu), hana, role="analyst", display_name="花")
    event = AuditEvent.objects.get(action="user.changed", target_id=str(hana.pk))
    assert event.actor == osamu
    assert event.data["before"] == {"role": "staff", "agency": hana.agency_id, "is_active": True}
    assert event.data["after"] == {"role": "analyst", "agency": hana.agency_id, "is_active": True}


def _action(admin_user, action, user):
    return _admin_client(admin_user).post(
        "/admin/accounts/user/", {"action": action, "_selected_action": [user.pk]}, follow=True
    )


def test_one_administrator_cannot_both_reset_the_factor_and_hand_out_a_password(
    hana, osamu, second_admin
):
    # Together they would let the administrator sign in as hana and read her agency's records.
    TOTPDevice.objects.create(user=hana, name="authenticator", confirmed=True)
    _action(osamu, "issue_one_time_passwords", hana)
    page = _action(osamu, "reset_second_factors", hana)
    assert "別の管理者に依頼してください" in page.content.decode()
    assert TOTPDevice.objects.filter(user=hana).exists()  # not reset

    _action(second_admin, "reset_second_factors", hana)  # the second administrator may
    assert not TOTPDevice.objects.filter(user=hana).exists()
    assert AuditEvent.objects.filter(action="mfa.reset", actor=second_admin).count() == 1


def test_the_other_way_round_too_until_the_user_signs_in_again(hana, osamu):
    _action(osamu, "reset_second_factors", hana)
    page = _action(osamu, "issue_one_time_passwords", hana)
    assert "別の管理者に依頼してください" in page.content.decode()
    hana.refresh_from_db()
    assert not hana.must_change_password

    hana.last_login = timezone.now()  # hana signed in and enrolled again
    hana.save(update_fields=["last_login"])
    _action(osamu, "issue_one_time_passwords", hana)
    hana.refresh_from_db()
    assert hana.must_change_password
