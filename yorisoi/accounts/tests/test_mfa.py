"""Signing in with a second factor (issue 13): enrolment, TOTP, recovery codes, reset by an
administrator who never sees the secret, one-time passwords that must be replaced, and the
absolute session lifetime. YORISOI_MFA is "required" here, the production default."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from yorisoi.accounts import mfa
from yorisoi.accounts.middleware import SIGNED_IN_AT
from yorisoi.accounts.models import ApiToken, User
from yorisoi.audit.models import AuditEvent

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.YORISOI_MFA = "required"


def code(device) -> str:
    """What the authenticator app shows for the next sign-in: a code is accepted once, so each
    sign-in takes the first time step after the last one used (as time passes, or within the
    one step of clock drift django-otp tolerates)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    ahead = max(0, device.last_t + 1 - totp.t())
    totp.time += ahead * device.step
    return f"{totp.token():0{device.digits}d}"  # an int: keep the leading zeros


def sign_in(username, password=PASSWORD) -> tuple[Client, object]:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client, response


def enrol(client) -> tuple[TOTPDevice, list[str]]:
    client.get(reverse("accounts:mfa_setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    page = client.post(reverse("accounts:mfa_setup"), {"code": code(device)})
    assert page.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]{10})</code></li>", page.content.decode())
    return device, codes


def test_a_caseworker_without_a_factor_must_enrol_before_any_page(hana):
    client, _ = sign_in("hana")
    home = client.get(reverse("people:person_list"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:mfa_setup"))
    # The API's browser door is closed too until the second factor is done.
    assert client.get("/api/v1/people").status_code == 401


def test_enrolment_shows_a_qr_code_and_ten_recovery_codes_once(settings, hana):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code first (throttling: its own test)
    client, _ = sign_in("hana")
    setup = client.get(reverse("accounts:mfa_setup"))
    assert "設定キー" in setup.content.decode()
    qr = client.get(reverse("accounts:mfa_qr"))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    device = TOTPDevice.objects.get(user=hana, confirmed=False)

    wrong = client.post(reverse("accounts:mfa_setup"), {"code": "000000"})
    assert wrong.status_code == 422 and "確認コードが正しくありません" in wrong.content.decode()
    page = client.post(reverse("accounts:mfa_setup"), {"code": code(device)})
    codes = re.findall(r"<li><code>([a-z0-9]{10})</code></li>", page.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("people:person_list")).status_code == 200
    assert AuditEvent.objects.filter(action="mfa.enrolled", target_id=str(hana.pk)).exists()
    # The setup page never shows the codes again; the QR code is gone with the pending device.
    assert client.get(reverse("accounts:mfa_qr")).status_code == 404


def test_signing_in_again_asks_for_the_code(settings, hana):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code first (throttling: its own test)
    client, _ = sign_in("hana")
    device, _codes = enrol(client)

    again, _ = sign_in("hana")
    assert again.get(reverse("front:home"))["Location"].startswith(reverse("accounts:mfa_verify"))
    assert again.post(reverse("accounts:mfa_verify"), {"code": "123456"}).status_code == 422
    done = again.post(reverse("accounts:mfa_verify"), {"code": code(device)})
    assert done.status_code == 302
    assert again.get(reverse("front:home")).status_code == 200
    assert AuditEvent.objects.filter(action="mfa.failed", target_id=str(hana.pk)).count() == 1


def test_guessing_codes_is_throttled(hana):
    """django-otp doubles the wait after each wrong code: right after a wrong guess even the
    right code is refused, so a guesser gets a handful of tries an hour, not a million."""
    client, _ = sign_in("hana")
    device, _codes = enrol(client)
    again, _ = sign_in("hana")
    again.post(reverse("accounts:mfa_verify"), {"code": "123456"})
    refused = again.post(reverse("accounts:mfa_verify"), {"code": code(device)})
    assert refused.status_code == 422


def test_a_recovery_code_works_once(hana):
    client, _ = sign_in("hana")
    _device, codes = enrol(client)

    first, _ = sign_in("hana")
    response = first.post(reverse("accounts:mfa_verify"), {"code": codes[0]}, follow=True)
    assert "回復コードを使いました（残り 9 個）" in response.content.decode()
    assert first.get(reverse("front:home")).status_code == 200

    second, _ = sign_in("hana")
    assert second.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 422
    assert StaticToken.objects.filter(device__user=hana).count() == 9


def test_a_recovery_code_does_not_hold_back_the_apps_next_code(hana):
    # A recovery code is not a wrong app code: the app's code right after it is accepted.
    client, _ = sign_in("hana")
    device, codes = enrol(client)
    first, _ = sign_in("hana")
    first.post(reverse("accounts:mfa_verify"), {"code": codes[0]})
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    again, _ = sign_in("hana")
    response = again.post(reverse("accounts:mfa_verify"), {"code": code(device)})
    assert response.status_code == 302


def test_someone_who_enrolled_uses_the_factor_even_where_it_is_optional(settings, ken):
    settings.YORISOI_MFA = "optional"
    client, _ = sign_in("ken")
    assert client.get(reverse("front:home")).status_code == 200  # no factor, not required
    enrol(client)
    again, _ = sign_in("ken")
    assert again.get(reverse("front:home")).status_code == 302


def test_an_analyst_is_not_asked_unless_every_role_is(settings, ken):
    assert sign_in("ken")[0].get(reverse("front:home")).status_code == 200
    settings.YORISOI_MFA_ALL_ROLES = True
    assert sign_in("ken")[0].get(reverse("front:home")).status_code == 302


def test_an_administrator_resets_factors_but_never_sees_them(hana, osamu):
    client, _ = sign_in("hana")
    enrol(client)
    admin = Client()
    admin.force_login(osamu)
    # The administrator's own session passed its second factor (not the subject here).
    session = admin.session
    session["otp_device_id"] = _verified_device_id(osamu)
    session.save()

    for path in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"):
        assert admin.get(path).status_code == 404
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factors", "_selected_action": [hana.pk]},
    )
    assert response.status_code == 302
    assert not mfa.has_factor(hana)
    assert AuditEvent.objects.filter(action="mfa.reset", target_id=str(hana.pk)).exists()
    again, _ = sign_in("hana")
    assert again.get(reverse("front:home"))["Location"].startswith(reverse("accounts:mfa_setup"))


def _verified_device_id(user) -> str:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device.persistent_id


def _admin_client(osamu) -> Client:
    admin = Client()
    admin.force_login(osamu)
    session = admin.session
    session["otp_device_id"] = _verified_device_id(osamu)
    session.save()
    return admin


def test_an_administrator_never_sets_a_password_only_a_one_time_one(hana, osamu):
    admin = _admin_client(osamu)
    assert admin.get(f"/admin/accounts/user/{hana.pk}/password/").status_code == 403
    page = admin.post(
        "/admin/accounts/user/",
        {"action": "issue_one_time_passwords", "_selected_action": [hana.pk]},
    )
    one_time = re.search(r"<code>([0-9a-f-]{27})</code>", page.content.decode()).group(1)
    hana.refresh_from_db()
    assert hana.must_change_password
    assert AuditEvent.objects.filter(action="user.password_reset_issued").count() == 1
    assert one_time not in str(list(AuditEvent.objects.values_list("data", flat=True)))

    # The user signs in with it, enrols the factor, and must replace the password first.
    client, _ = sign_in("hana", one_time)
    enrol(client)
    response = client.get(reverse("people:person_list"))
    assert response["Location"].startswith(reverse("accounts:password_change"))
    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": one_time, "new_password1": "a-new-long-pass-7", "new_password2":
         "a-new-long-pass-7"},
    )  # fmt: skip
    assert changed.status_code == 302
    hana.refresh_from_db()
    assert not hana.must_change_password
    assert client.get(reverse("people:person_list")).status_code == 200


def test_a_forced_reset_stops_the_users_api_tokens(hana, osamu):
    _token, raw = ApiToken.issue(user=hana, name="連携")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/people").status_code == 200
    _admin_client(osamu).post(
        "/admin/accounts/user/",
        {"action": "issue_one_time_passwords", "_selected_action": [hana.pk]},
    )
    assert api.get("/api/v1/people").status_code == 401


def test_a_new_user_gets_a_one_time_password(osamu, master):
    admin = _admin_client(osamu)
    page = admin.post(
        "/admin/accounts/user/add/",
        {"username": "newcomer", "display_name": "新人", "role": "staff",
         "agency": _agency_id("zaitaku-kaigo-01")},
    )  # fmt: skip
    assert page.status_code == 200 and "一時パスワード" in page.content.decode()
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.must_change_password and newcomer.has_usable_password()


def _agency_id(code):
    from yorisoi.directory.models import Agency

    return Agency.objects.get(code=code).pk


def test_an_administrator_cannot_change_their_own_role_or_agency(osamu):
    admin = _admin_client(osamu)
    form = admin.get(f"/admin/accounts/user/{osamu.pk}/change/").content.decode()
    assert 'name="role"' not in form and 'name="agency"' not in form


def test_a_session_ends_after_its_absolute_lifetime(settings, ken):
    client, _ = sign_in("ken")
    assert client.get(reverse("front:home")).status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - int(settings.YORISOI_SESSION_MAX_AGE.total_seconds())
    session[SIGNED_IN_AT] -= 1
    session.save()
    response = client.get(reverse("front:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert client.get(reverse("front:home")).status_code == 302  # signed out


def test_users_change_their_own_password(ken):
    client, _ = sign_in("ken")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "another-long-pass-9",
         "new_password2": "another-long-pass-9"},
    )  # fmt: skip
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.password_changed").count() == 1
    assert sign_in("ken", "another-long-pass-9")[1].status_code == 302


def test_every_change_of_a_factor_is_audited_without_its_secret(hana, osamu):
    """Issue 13, item 3: enrolment, new recovery codes, a recovery code used, a reset — each
    an event naming the user by id, in the order they happened; no key and no code stored."""
    client, _ = sign_in("hana")
    device, codes = enrol(client)
    renewed = client.post(reverse("accounts:recovery_codes_renew"))
    codes += re.findall(r"<li><code>([a-z0-9]{10})</code></li>", renewed.content.decode())
    assert len(codes) == 20
    again, _ = sign_in("hana")
    again.post(reverse("accounts:mfa_verify"), {"code": codes[-1]})
    _admin_client(osamu).post(
        "/admin/accounts/user/",
        {"action": "reset_second_factors", "_selected_action": [hana.pk]},
    )

    factor_events = AuditEvent.objects.filter(action__startswith="mfa.").order_by("seq")
    assert [(e.action, e.target_id) for e in factor_events] == [
        ("mfa.enrolled", str(hana.pk)),
        ("mfa.recovery_codes_renewed", str(hana.pk)),
        ("mfa.recovery_code_used", str(hana.pk)),
        ("mfa.reset", str(hana.pk)),
    ]
    assert factor_events.last().actor == osamu
    stored = str(list(AuditEvent.objects.values_list("data", "target_id", "action")))
    assert device.key not in stored
    assert not [code for code in codes if code in stored]
