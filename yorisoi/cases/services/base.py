"""What every case service does: check the right (access.case_access), lock the case on the version
seen (R7), and write the case event and the audit event with its legal basis.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.audit.log import record
from yorisoi.concurrency import lock_version
from yorisoi.errors import RuleViolation
from yorisoi.work import refresh as work

from ..models import (
    Case,
    CaseEvent,
)

CASE_FIELDS = {"title", "summary", "next_action_on"}


def _require(allowed: bool, message: str, code: str = "forbidden"):
    if not allowed:
        raise RuleViolation(message, code=code)


def _editable(fields: dict, allowed) -> None:
    """An edit names only the fields its service may change (else the caller's mistake)."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


def _assign(row, fields: dict) -> None:
    """The edited values onto the locked row, checked (full_clean) before it is saved."""
    for key, value in fields.items():
        setattr(row, key, value)
    row.full_clean()


def _access(actor, case, what: str) -> access.CaseAccess:
    """The actor's rights on the case as it is now (read afresh: a stale copy must not grant
    its old rights); a case they may not read does not exist for them."""
    rights = access.case_access(actor, Case.objects.get(pk=case.pk))
    if not rights.read:
        raise Case.DoesNotExist
    _require(getattr(rights, what), _("この操作はできません（権限がありません）。"))
    return rights


def _locked(case: Case, version: int | None = None) -> Case:
    return lock_version(
        Case.objects,
        case.pk,
        version=version,
        message=_("ほかの人が先にこのケースを更新しました。最新の内容を確認してください。"),
        fields=CASE_FIELDS,
        given=case,
    )


def _touch(case: Case):
    case.last_activity_at = timezone.now()
    case.version += 1
    case.save()
    work.refresh_case(case)


def _event(case, actor, kind, text="", **fields) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=actor, agency_id=actor.agency_id, kind=kind, text=text, **fields
    )


def _audit(action, *, actor, target, rights, request=None, **kwargs):
    record(action, actor=actor, target=target, basis=rights.basis, request=request, **kwargs)
