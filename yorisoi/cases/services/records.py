"""The progress record (支援経過記録): written by the agencies working on the case, corrected only by the
agency that wrote it, with history (R7).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.concurrency import lock_version

from ..models import (
    Case,
    ProgressRecord,
)
from .base import _access, _assign, _audit, _editable, _locked, _require, _touch


@transaction.atomic
def record_add(*, actor, case: Case, kind: str, text: str, occurred_at=None, request=None):
    """支援経過記録: every agency that may act on the case writes into the one timeline."""
    rights = _access(actor, case, "record")
    current = _locked(case)
    entry = ProgressRecord(
        case=current,
        kind=kind,
        text=text,
        occurred_at=occurred_at or timezone.now(),
        agency_id=actor.agency_id,
        author=actor,
    )
    entry.full_clean()
    if entry.occurred_at > timezone.now():
        raise ValidationError({"occurred_at": _("未来の日時の記録は書けません。")})
    entry.save()
    _touch(current)
    _audit("record.added", actor=actor, target=current, rights=rights, request=request)
    return entry


@transaction.atomic
def record_correct(*, actor, entry: ProgressRecord, version: int, request=None, **fields):
    """A correction by the writing agency; the earlier wording stays in the history (R7)."""
    allowed = {"kind", "text", "occurred_at"}
    _editable(fields, allowed)
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
    _audit("record.corrected", actor=actor, target=current.case, rights=rights, request=request)
    return current
