"""The progress record (支援経過記録): written by the agencies working on a case, or by the agency
holding a consultation (one model, ProgressRecord, for both); corrected only by the agency that
wrote it, with history (R7).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.audit.log import record
from yorisoi.concurrency import lock_version
from yorisoi.intake import services as intake

from ..models import (
    Case,
    ProgressRecord,
)
from .base import _access, _assign, _audit, _editable, _locked, _require, _touch


def _checked(entry: ProgressRecord) -> None:
    errors = {}
    try:
        entry.full_clean(exclude=["case", "consultation"])
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if entry.occurred_at and entry.occurred_at > timezone.now():
        errors.setdefault("occurred_at", []).append(
            ValidationError(_("未来の日時の記録は書けません。"))
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_add(
    *,
    actor,
    kind: str,
    text: str,
    case: Case | None = None,
    consultation=None,
    occurred_at=None,
    next_action="",
    next_action_on=None,
    version=None,
    request=None,
):
    """支援経過記録, on a case or on a consultation (exactly one).

    A case: every agency that may act on it writes into the one timeline; a next-action date,
    if given, becomes the case's (R3). A consultation: the agency holding it writes, and the
    record must give the next action's date, not in the past, which becomes the consultation's
    (R3, intake.services.consultation_contact_recorded; `version` as seen, R7)."""
    if (case is None) == (consultation is None):
        raise ValueError("a record is of a case or of a consultation")
    entry = ProgressRecord(
        kind=kind,
        text=text,
        occurred_at=occurred_at or timezone.now(),
        agency_id=actor.agency_id,
        author=actor,
        next_action=(next_action or "").strip(),
        next_action_on=next_action_on,
    )
    if consultation is not None:
        today = timezone.localdate()
        # The rule's refusals (not theirs, closed, stale) come before the field errors.
        intake.consultation_contact_recorded(
            actor=actor,
            consultation=consultation,
            version=version,
            next_action_on=max(next_action_on or today, today),
            next_action=entry.next_action,
            request=request,
        )
        errors = {}
        try:
            _checked(entry)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            intake._check_next_action_on(next_action_on)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
        entry.consultation = consultation
        entry.save()
        record(
            "record.added",
            actor=actor,
            target=consultation,
            basis="own_agency",
            request=request,
            data={"record": str(entry.pk)},
        )
        return entry
    rights = _access(actor, case, "record")
    current = _locked(case)
    entry.case = current
    _checked(entry)
    entry.save()
    if next_action_on is not None:
        current.next_action_on = next_action_on
    _touch(current)
    _audit("record.added", actor=actor, target=current, rights=rights, request=request)
    return entry


@transaction.atomic
def record_correct(*, actor, entry: ProgressRecord, version: int, request=None, **fields):
    """A correction by the writing agency; the earlier wording stays in the history (R7)."""
    allowed = {"kind", "text", "occurred_at", "next_action"}
    _editable(fields, allowed)
    if entry.consultation_id is not None:
        consultation = access.visible_consultations(actor).filter(pk=entry.consultation_id).first()
        if consultation is None:
            raise ProgressRecord.DoesNotExist
        rights = None
    else:
        rights = _access(actor, entry.case, "record")
    _require(
        access.acts_for(actor, entry.agency_id),
        _("記録を訂正できるのは記録した機関だけです。"),
    )
    current = lock_version(
        ProgressRecord.objects,
        entry.pk,
        version=version,
        message=_("ほかの人が先にこの記録を訂正しました。最新の内容を確認してください。"),
        fields=allowed,
        given=entry,
    )
    _assign(current, fields)
    current.version += 1
    current.save()
    if rights is None:
        record(
            "record.corrected",
            actor=actor,
            target=current.consultation,
            basis="own_agency",
            request=request,
            data={"record": str(current.pk)},
        )
    else:
        _audit("record.corrected", actor=actor, target=current.case, rights=rights, request=request)
    return current


def consultation_records_read(*, actor, consultation, ids, request=None) -> None:
    """Audit a read of a consultation's progress records (the correction page on the screen,
    GET /consultations/{id}/records in the API): which records, on which basis."""
    record(
        "consultation.records_viewed",
        actor=actor,
        target=consultation,
        basis=access.consultation_basis(actor, consultation),
        request=request,
        ids=list(ids),
    )
