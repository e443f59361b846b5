"""Separation of duties (issue 13): a grant that would open records to a user takes two
administrators. The one who changes a user's role, agency or active state on the admin screen
asks (grant_request); another approves or refuses (grant_decide). Nobody decides a grant they
asked for, nor their own. Every step is audited with the grant before and after.

What needs a second administrator: a user who is (or becomes) active in one of
ROLES_GRANTED_BY_TWO under a role, agency or active state they did not have. Taking a grant away
(deactivating, a role that reads nothing) applies at once.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from yorisoi.audit.log import record
from yorisoi.audit.models import AuditEvent
from yorisoi.errors import RuleViolation

from .models import ROLES_GRANTED_BY_TWO, RoleGrant, User

GRANT_FIELDS = ("role", "agency_id", "is_active")

# A one-time password and a reset second factor together let whoever holds both sign in as the
# user: one administrator may do one half, the other half is for a second administrator.
CREDENTIAL_HALVES = {
    "user.password_reset_issued": "mfa.reset",
    "mfa.reset": "user.password_reset_issued",
}


def grant_of(user_or_values) -> dict:
    """The user's role, agency and active state, as the audit trail records them."""
    get = (
        user_or_values.get
        if isinstance(user_or_values, dict)
        else lambda f: getattr(user_or_values, f)
    )
    return {"role": get("role"), "agency": get("agency_id"), "is_active": get("is_active")}


def needs_second_administrator(*, before: dict | None, after: dict) -> bool:
    """Does going from `before` (None: a new user) to `after` open records under a new grant?"""
    if not after["is_active"] or after["role"] not in ROLES_GRANTED_BY_TWO:
        return False
    if before is None or not before["is_active"]:
        return True
    return (before["role"], before["agency"]) != (after["role"], after["agency"])


def grant_request(*, user: User, role: str, agency_id, actor: User, request=None) -> RoleGrant:
    """Ask for `role` at `agency_id` for `user`; a pending request for the same user is
    replaced (the latest ask is the one a second administrator sees)."""
    with transaction.atomic():
        grant, _ = RoleGrant.objects.update_or_create(
            user=user,
            status=RoleGrant.Status.PENDING,
            defaults={
                "role": role,
                "agency_id": agency_id,
                "requested_by": actor,
                "requested_at": timezone.now(),
            },
        )
        record(
            "user.grant_requested",
            actor=actor,
            target=user,
            request=request,
            data={"grant": grant.pk, "before": grant_of(user), "requested": _asked(grant)},
        )
    return grant


def _asked(grant: RoleGrant) -> dict:
    return {"role": grant.role, "agency": grant.agency_id, "is_active": True}


def grant_decide(*, grant: RoleGrant, actor: User, approve: bool, request=None) -> RoleGrant:
    """A second administrator approves (the user gets the role and agency, active) or refuses
    (nothing changes). Refused: the asker, the user themself, or a grant already decided."""
    if actor.pk in (grant.requested_by_id, grant.user_id):
        raise RuleViolation(
            gettext("自分が申請した付与や自分自身への付与は、別の管理者が判断します。"),
            code="same_administrator",
        )
    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.status != RoleGrant.Status.PENDING:
            raise RuleViolation(gettext("この申請はすでに判断されています。"), code="decided")
        user = User.objects.select_for_update().get(pk=grant.user_id)
        before = grant_of(user)
        if approve:
            user.role, user.agency_id, user.is_active = grant.role, grant.agency_id, True
            user.is_staff = user.role == "admin"  # the admin site's flag mirrors the role
            user.full_clean()
            user.save(update_fields=["role", "agency", "is_active", "is_staff"])
        grant.status = RoleGrant.Status.APPROVED if approve else RoleGrant.Status.REJECTED
        grant.decided_by, grant.decided_at = actor, timezone.now()
        grant.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            "user.grant_approved" if approve else "user.grant_rejected",
            actor=actor,
            target=user,
            request=request,
            data={
                "grant": grant.pk,
                "requested_by": grant.requested_by_id,
                "before": before,
                "after": grant_of(user),
            },
        )
    return grant


def may_reset_credential(*, actor: User, user: User, action: str) -> bool:
    """May `actor` do `action` (a key of CREDENTIAL_HALVES) to `user`? Not when `actor` did the
    other half since the user last signed in (read from the audit trail, which records both)."""
    other_half = AuditEvent.objects.filter(
        actor=actor, action=CREDENTIAL_HALVES[action], target_type="user", target_id=str(user.pk)
    )
    if user.last_login is not None:
        other_half = other_half.filter(at__gt=user.last_login)
    return not other_half.exists()
