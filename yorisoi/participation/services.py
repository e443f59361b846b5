"""State changes of participation support (参加支援). One transaction each, audited.

Views and the API call these. A rule that says no raises RuleViolation (→ form error / 409),
bad input ValidationError (→ 422), a stale version ConcurrentEditError (R7). A need the actor
may not read raises ParticipationNeed.DoesNotExist (→ 404).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.audit.log import record
from yorisoi.cases import services as case_services
from yorisoi.cases.models import Program
from yorisoi.concurrency import lock_version
from yorisoi.directory.models import Agency
from yorisoi.errors import RuleViolation
from yorisoi.work import refresh as work

from .models import (
    OPEN_PLACEMENT,
    PLACEMENT_TRANSITIONS,
    FollowUp,
    FollowUpOutcome,
    FollowUpStatus,
    ParticipationNeed,
    Placement,
    PlacementStatus,
    ResourceGap,
)
from .selectors import score_service

DEFAULT_FOLLOW_UP_DAYS = (14, 30, 90)

NEED_FIELDS = (
    "person",
    "case",
    "interests",
    "interests_note",
    "short_term_goal",
    "long_term_goal",
    "wishes",
    "available_days",
    "days_required",
    "time_of_day",
    "district",
    "same_area_only",
    "needs_barrier_free",
    "prefers_small",
    "max_cost_per_month",
    "responsible_agency",
)
EDIT_FIELDS = tuple(f for f in NEED_FIELDS if f not in ("person",))


def follow_up_days() -> list[int]:
    """settings.YORISOI_FOLLOW_UP_DAYS (default 2 weeks, 1 month, 3 months) — R8."""
    days = getattr(settings, "YORISOI_FOLLOW_UP_DAYS", DEFAULT_FOLLOW_UP_DAYS)
    return sorted({int(d) for d in days if int(d) > 0})


def _require(allowed: bool, message: str, code: str = "forbidden"):
    if not allowed:
        raise RuleViolation(message, code=code)


def _basis(actor, need, *, steer: bool) -> str:
    """The actor's basis on the need as it is now; one they may not read does not exist."""
    basis = access.participation_basis(actor, need)
    if basis is None:
        raise ParticipationNeed.DoesNotExist
    if steer:
        _require(
            access.can_steer_participation(actor, need),
            _("この操作ができるのは担当機関と福祉総務課だけです。"),
        )
    return basis


def _unknown(fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(_("変更できない項目があります: %s") % ", ".join(sorted(unknown)))


def _check_links(actor, *, person=None, case=None):
    if person is not None and not access.visible_people(actor).filter(pk=person.pk).exists():
        raise ValidationError({"person": _("本人が見つかりません。")})
    if case is not None and not access.visible_cases(actor).filter(pk=case.pk).exists():
        raise ValidationError({"case": _("ケースが見つかりません。")})
    if (
        person is not None
        and case is not None
        and not case.subjects.filter(person_id=person.pk).exists()
    ):
        raise ValidationError({"case": _("本人はこのケースの対象者ではありません。")})


# --- the need -------------------------------------------------------------------------------


def _start_track(actor, case, request):
    """A case's participation support is a track of its own (plan Ⅱ(5)): started with the
    first need, by those who steer the case; others leave it to the lead agency."""

    if case is None or not access.case_access(actor, case).edit:
        return
    if case.tracks.filter(program=Program.PARTICIPATION, ended_on__isnull=True).exists():
        return
    case_services.track_start(
        actor=actor, case=case, program=Program.PARTICIPATION, request=request
    )


@transaction.atomic
def need_create(*, actor, request=None, **fields) -> ParticipationNeed:
    """Anyone doing casework records a need for a person they may read; their agency holds
    it unless they name another (R3)."""
    _require(access.can_create_people(actor), _("この役割では参加支援を登録できません。"))
    _unknown(fields, NEED_FIELDS)
    interests = list(fields.pop("interests", None) or [])
    person = fields.get("person")
    if person is None:
        raise ValidationError({"person": _("本人を選んでください。")})
    _check_links(actor, person=person, case=fields.get("case"))
    if fields.get("responsible_agency") is None:
        fields["responsible_agency"] = Agency.objects.get(pk=actor.agency_id)
    if fields.get("district") is None:
        fields["district"] = person.district
    need = ParticipationNeed(**fields, created_by=actor)
    need.full_clean()
    need.save()
    need.interests.set(interests)
    _start_track(actor, need.case, request)
    record(
        "participation.need_created",
        actor=actor,
        target=need,
        basis="own_agency",
        request=request,
    )
    return need


@transaction.atomic
def need_update(*, actor, need, version: int, request=None, **fields) -> ParticipationNeed:
    basis = _basis(actor, need, steer=True)
    _unknown(fields, EDIT_FIELDS)
    current = lock_version(
        ParticipationNeed.objects,
        need.pk,
        version=version,
        message=_("ほかの人が先にこのニーズを更新しました。最新の内容を確認してください。"),
    )
    interests = fields.pop("interests", None)
    if fields.get("case") is not None and fields["case"].pk != current.case_id:
        _check_links(actor, person=current.person, case=fields["case"])
    if "responsible_agency" in fields and fields["responsible_agency"] is None:
        raise ValidationError({"responsible_agency": _("担当機関を選んでください。")})
    for key, value in fields.items():
        setattr(current, key, value)
    current.version += 1
    current.full_clean()
    current.save()
    if interests is not None:
        current.interests.set(interests)
    work.refresh_need(current)
    record("participation.need_updated", actor=actor, target=current, basis=basis, request=request)
    return current


# --- placements: proposed → coordinating → trial → started → settled | ended ------------------


@transaction.atomic
def placement_propose(*, actor, need, service, notes="", request=None) -> Placement:
    """The worker picks a resource (usually from rank_resources); the score and reasons of the
    proposal are kept with it, so the choice stays explainable later."""

    basis = _basis(actor, need, steer=True)
    _require(service.is_active, _("休止・終了した社会資源は提案できません。"), "inactive_resource")
    _require(
        not need.placements.filter(service=service, status__in=OPEN_PLACEMENT).exists(),
        _("この社会資源はすでに提案中です。"),
        "already_proposed",
    )
    scored = score_service(need, service)
    placement = Placement(
        need=need,
        service=service,
        notes=notes,
        score=scored.score if scored else None,
        reasons=list(scored.reasons) if scored else [],
        resource_contact=service.contact_name,
        created_by=actor,
    )
    placement.full_clean()
    placement.save()
    record(
        "participation.placement_proposed",
        actor=actor,
        target=need,
        basis=basis,
        request=request,
        data={"placement": str(placement.pk), "service": str(service.pk)},
    )
    return placement


DATE_OF = {
    PlacementStatus.COORDINATING: "contacted_on",
    PlacementStatus.TRIAL: "trial_on",
    PlacementStatus.STARTED: "started_on",
    PlacementStatus.SETTLED: "settled_on",
    PlacementStatus.ENDED: "ended_on",
}


def _move(actor, placement, version, to, *, on=None, note="", request=None, **extra):
    """THE placement rule: only the moves in PLACEMENT_TRANSITIONS, on the version seen."""
    current = lock_version(
        Placement.objects.select_related("need"),
        placement.pk,
        version=version,
        message=_("ほかの人が先にこの参加先を更新しました。最新の内容を確認してください。"),
    )
    basis = _basis(actor, current.need, steer=True)
    frm = PlacementStatus(current.status)
    if to not in PLACEMENT_TRANSITIONS[frm]:
        raise RuleViolation(
            _("「%(from)s」から「%(to)s」には進められません。")
            % {"from": frm.label, "to": PlacementStatus(to).label},
            code="illegal_transition",
        )
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"on": _("未来の日付は記録できません。")})
    current.status = to
    setattr(current, DATE_OF[to], day)
    for key, value in extra.items():
        setattr(current, key, value)
    if note:
        current.notes = (current.notes + "\n" if current.notes else "") + note
    current.version += 1
    current.full_clean()
    current.save()
    record(
        f"participation.placement_{to}",
        actor=actor,
        target=current.need,
        basis=basis,
        request=request,
        data={"placement": str(current.pk)},
    )
    return current


@transaction.atomic
def placement_contact(
    *, actor, placement, version=None, on=None, resource_contact="", note="", request=None
):
    """The worker contacted the resource (調整中)."""
    extra = {"resource_contact": resource_contact} if resource_contact else {}
    return _move(
        actor, placement, version, PlacementStatus.COORDINATING, on=on, note=note,
        request=request, **extra,
    )  # fmt: skip


@transaction.atomic
def placement_trial(*, actor, placement, version=None, on=None, note="", request=None):
    return _move(
        actor, placement, version, PlacementStatus.TRIAL, on=on, note=note, request=request
    )


@transaction.atomic
def placement_start(*, actor, placement, version=None, on=None, note="", request=None):
    """R8: the person started going; follow-ups are scheduled at the configured intervals
    after the start date (settings.YORISOI_FOLLOW_UP_DAYS, default 14, 30, 90 days)."""
    current = _move(
        actor, placement, version, PlacementStatus.STARTED, on=on, note=note, request=request
    )
    FollowUp.objects.bulk_create(
        FollowUp(placement=current, due_on=current.started_on + timedelta(days=d))
        for d in follow_up_days()
    )
    work.refresh_placement(current)
    return current


def _cancel_open_follow_ups(placement) -> int:
    """R8: settled or ended — open follow-ups leave the queue, cancelled (kept, not deleted)."""
    return placement.follow_ups.filter(status=FollowUpStatus.OPEN).update(
        status=FollowUpStatus.CANCELLED, cancelled_at=timezone.now()
    )


@transaction.atomic
def placement_settle(*, actor, placement, version=None, on=None, note="", request=None):
    """定着: the person goes on their own; follow-ups end."""
    current = _move(
        actor, placement, version, PlacementStatus.SETTLED, on=on, note=note, request=request
    )
    _cancel_open_follow_ups(current)
    work.refresh_placement(current)
    return current


@transaction.atomic
def placement_end(*, actor, placement, reason: str, version=None, on=None, request=None):
    """Ended before settling (the person stopped, the resource closed …): a reason is needed."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("終了の理由を入力してください。")})
    current = _move(
        actor, placement, version, PlacementStatus.ENDED, on=on, request=request,
        end_reason=reason.strip(),
    )  # fmt: skip
    _cancel_open_follow_ups(current)
    return current


MOVES = {
    "contact": placement_contact,
    "trial": placement_trial,
    "start": placement_start,
    "settle": placement_settle,
    "end": placement_end,
}


# --- follow-ups -----------------------------------------------------------------------------


@transaction.atomic
def follow_up_done(*, actor, follow_up, outcome: str, note: str = "", request=None) -> FollowUp:
    current = (
        FollowUp.objects.select_for_update().select_related("placement__need").get(pk=follow_up.pk)
    )
    basis = _basis(actor, current.placement.need, steer=True)
    _require(
        current.status == FollowUpStatus.OPEN,
        _("このフォローアップは実施済みか取りやめになっています。"),
        "follow_up_closed",
    )
    if outcome not in FollowUpOutcome.values:
        raise ValidationError({"outcome": _("結果を選んでください。")})
    current.status = FollowUpStatus.DONE
    current.outcome = outcome
    current.note = note
    current.done_at = timezone.now()
    current.done_by = actor
    current.full_clean()
    current.save()
    work.refresh_placement(current.placement)
    record(
        "participation.follow_up_done",
        actor=actor,
        target=current.placement.need,
        basis=basis,
        request=request,
        data={"follow_up": str(current.pk), "outcome": outcome},
    )
    return current


# --- resource gaps ----------------------------------------------------------------------------


@transaction.atomic
def gap_record(
    *, actor, need_text: str, category, district=None, case=None, need=None, request=None
) -> ResourceGap:
    """R8: nothing fits — the gap is recorded (feeds agenda item ④ and the evaluation)."""
    _require(access.can_create_people(actor), _("この役割では記録できません。"))
    basis = "own_agency"
    if need is not None:
        basis = _basis(actor, need, steer=False)
        case = case or need.case
        district = district or need.district
    if case is not None and not access.visible_cases(actor).filter(pk=case.pk).exists():
        raise ValidationError({"case": _("ケースが見つかりません。")})
    gap = ResourceGap(
        need_text=(need_text or "").strip(),
        category=category,
        district=district,
        case=case,
        need=need,
        agency_id=actor.agency_id,
        recorded_by=actor,
    )
    gap.full_clean()
    gap.save()
    record(
        "participation.gap_recorded",
        actor=actor,
        target=gap,
        basis=basis,
        request=request,
        data={"category": category.code},
    )
    return gap
