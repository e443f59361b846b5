"""Multi-factor authentication (issue 13): a TOTP authenticator app and one-time recovery codes,
on django-otp. Whose sign-in needs a second factor, enrolment, use and reset live here; the
screens (views.py) and the sign-in steps (middleware.py) ask these functions.

- required_for: YORISOI_MFA=required asks it of every role that reads personal data and of
  administrators (who hold the keys to roles); YORISOI_MFA_ALL_ROLES=1 of everyone. Someone who
  enrolled a factor always uses it, whatever the setting.
- An administrator can only reset a user's factors (reset); nobody ever sees or sets another
  user's secret: django-otp's own admin pages are not registered (accounts/admin.py).
"""

import secrets

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from yorisoi.audit.log import record

from .models import CASEWORK_ROLES, Role

RECOVERY_CODES = 10
# Ten characters from an alphabet without look-alikes (0/O, 1/l/I), read aloud or typed.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def required_for(user) -> bool:
    if settings.YORISOI_MFA != "required":
        return False
    return user.role in CASEWORK_ROLES or user.role == Role.ADMIN or settings.YORISOI_MFA_ALL_ROLES


def has_factor(user) -> bool:
    # Recovery codes come only with an authenticator (and go with it): one query tells.
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def satisfied(request) -> bool:
    """Has this signed-in session passed every factor it needs? Someone with a factor always
    uses it; someone without one passes only where it is not required."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return True
    # One query a page where the factor is optional (where it is required, django-otp's
    # middleware already read the session's device).
    return not required_for(user) and not has_factor(user)


def enrolment_start(user) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` (any earlier unconfirmed one is dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def enrolment_confirm(*, user, device: TOTPDevice, code: str, request=None) -> list[str] | None:
    """The first code from the app proves it holds the secret: the device is confirmed and
    replaces any earlier one, and a fresh set of recovery codes is returned (shown once).
    None when the code is wrong."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(code.strip()):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        # R6: every change of a factor is audited, in the transaction that makes it.
        record("mfa.enrolled", actor=user, target=user, request=request)
    return codes


def recovery_codes_renew(*, user, request=None) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record("mfa.recovery_codes_renewed", actor=user, target=user, request=request)
    return codes


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic  # django-otp locks the devices while it checks (PostgreSQL: in a transaction)
def verify(*, user, code: str, request=None):
    """The confirmed device that accepts `code` (an authenticator code or a recovery code, which
    is then used up), or None. Each use of a recovery code is audited."""
    code = code.strip().replace(" ", "").replace("-", "")
    # Six digits are the app's code, anything else a recovery code (10 characters): each is
    # tried on its own kind of device only, so a recovery code never counts as a failed app
    # code (django-otp would then hold the app's next code back for a while) and vice versa.
    kind = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if isinstance(device, kind) and device.verify_token(code):
            if isinstance(device, StaticDevice):
                record("mfa.recovery_code_used", actor=user, target=user, request=request)
            return device
    record("mfa.failed", actor=user, target=user, request=request)
    return None


def reset(*, actor, user, request=None) -> None:
    """An administrator resets `user`'s factors (a lost phone): every device goes, the user
    enrols again at the next sign-in. The secret itself is never shown to anyone."""
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        record("mfa.reset", actor=actor, target=user, request=request)
