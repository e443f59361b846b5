"""Recording community-building activities and trainings (地域づくり, plan Ⅱ(4)).

Counts only. Nothing is deleted: a mistake is corrected (the earlier figures stay in the
history, R7) or the entry is flagged 取り消し with a reason and drops out of the figures.
Who may record and correct is access.py's (can_record_community, can_correct_community).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.access.bases import BASIS_COORDINATOR, BASIS_OWN_AGENCY
from yorisoi.audit.log import record
from yorisoi.concurrency import lock_version
from yorisoi.errors import RuleViolation

from .models import Activity, Training

ACTIVITY_FIELDS = {"held_on", "kind", "participants", "volunteers", "note"}
TRAINING_FIELDS = {"name", "held_on", "people_trained", "note"}
CANCEL_FIELDS = {"cancelled", "cancel_reason"}


def _require_recorder(actor):
    if not access.can_record_community(actor):
        raise RuleViolation(_("地域づくりの活動を記録する権限がありません。"), code="forbidden")


def _not_in_future(day):
    if day and day > timezone.localdate():
        raise ValidationError({"held_on": _("未来の日付は記録できません。")})


def _basis(actor, entry):
    return BASIS_OWN_AGENCY if access.acts_for(actor, entry.agency_id) else BASIS_COORDINATOR


def _save_new(entry, *, actor, action, request, data):
    """A new entry, recorded by the actor for their agency: checked, saved and audited."""
    entry.agency_id = actor.agency_id
    entry.recorded_by = actor
    entry.full_clean()
    _not_in_future(entry.held_on)
    entry.save()
    record(action, actor=actor, target=entry, basis=BASIS_OWN_AGENCY, request=request, data=data)
    return entry


@transaction.atomic
def activity_record(
    *, actor, site, held_on, kind, participants, volunteers, note="", request=None
) -> Activity:
    """One activity held at a site, with how many took part (no names)."""
    _require_recorder(actor)
    if not site.active:
        raise RuleViolation(_("この拠点は現在使われていません。"), code="inactive_site")
    entry = Activity(
        site=site,
        held_on=held_on,
        kind=kind,
        participants=participants,
        volunteers=volunteers,
        note=note,
    )
    return _save_new(
        entry,
        actor=actor,
        action="community.activity_recorded",
        request=request,
        data={"site": site.code, "participants": participants, "volunteers": volunteers},
    )


@transaction.atomic
def training_record(
    *, actor, program, name, held_on, people_trained, note="", request=None
) -> Training:
    """A training a program held (e.g. ヘルスリーダー養成講座) and how many completed it."""
    _require_recorder(actor)
    if not program.active:
        raise RuleViolation(_("この事業は現在使われていません。"), code="inactive_program")
    entry = Training(
        program=program, name=name, held_on=held_on, people_trained=people_trained, note=note
    )
    return _save_new(
        entry,
        actor=actor,
        action="community.training_recorded",
        request=request,
        data={"program": program.code, "people_trained": people_trained},
    )


def _correct(model, allowed, *, actor, entry, version, fields, action, request):
    """R7: the version the editor saw must still be current; the earlier figures stay in the
    history. A cancellation (取り消し) is a correction too: the entry stays, flagged."""
    unknown = set(fields) - allowed - CANCEL_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if not access.can_correct_community(actor, entry):
        raise RuleViolation(
            _("訂正できるのは記録した機関と福祉総務課だけです。"), code="not_recorder"
        )
    current = lock_version(
        model.objects,
        entry.pk,
        version=version,
        message=_("ほかの人が先にこの記録を訂正しました。最新の内容を確認してください。"),
        fields=allowed | CANCEL_FIELDS,
        given=entry,
    )
    for key, value in fields.items():
        setattr(current, key, value)
    if not current.cancelled:
        current.cancel_reason = ""
    current.full_clean()
    if "held_on" in fields:
        _not_in_future(current.held_on)
    current.version += 1
    current.save()
    record(
        action,
        actor=actor,
        target=current,
        basis=_basis(actor, current),
        request=request,
        data={"fields": sorted(fields), "cancelled": current.cancelled},
    )
    return current


@transaction.atomic
def activity_correct(*, actor, activity: Activity, version: int, request=None, **fields):
    """Correct an activity's date, kind, counts or note, or flag it 取り消し (with a reason)."""
    return _correct(
        Activity,
        ACTIVITY_FIELDS,
        actor=actor,
        entry=activity,
        version=version,
        fields=fields,
        action="community.activity_corrected",
        request=request,
    )


@transaction.atomic
def training_correct(*, actor, training: Training, version: int, request=None, **fields):
    """Correct a training's name, date, count or note, or flag it 取り消し (with a reason)."""
    return _correct(
        Training,
        TRAINING_FIELDS,
        actor=actor,
        entry=training,
        version=version,
        fields=fields,
        action="community.training_corrected",
        request=request,
    )
