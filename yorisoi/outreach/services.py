"""State changes of outreach targets (アウトリーチ). One transaction each, audited.

Views and the API call these; a rule that says no raises RuleViolation (→ form error / 409),
bad input raises ValidationError (→ field errors / 422), a stale version ConcurrentEditError
(R7). A target the actor may not read raises OutreachTarget.DoesNotExist (→ 404).
"""

from datetime import timedelta

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
from yorisoi.intake import services as intake_services
from yorisoi.intake.models import Channel

from .models import (
    HAND_OVER_FROM,
    OUTCOME_RAISES,
    OUTCOME_SUPPORTS,
    STAGE_ORDER,
    STAGE_TRANSITIONS,
    STATUS_TRANSITIONS,
    ContactAttempt,
    ContactOutcome,
    Method,
    OutreachTarget,
    Stage,
    StageChange,
    Status,
)

# What target_create / target_update accept (the rest moves only through its own service).
TARGET_FIELDS = (
    "label",
    "category",
    "address",
    "description",
    "worried_by_type",
    "worried_by_note",
    "district",
    "responsible_agency",
    "next_contact_on",
    "case",
    "origin",
)
EDIT_FIELDS = tuple(f for f in TARGET_FIELDS if f != "origin")


def _require(allowed: bool, message: str, code: str = "forbidden"):
    if not allowed:
        raise RuleViolation(message, code=code)


def _access(actor, target, what: str | None) -> access.OutreachAccess:
    """The actor's rights on the target as it is now; one they may not read does not exist."""
    rights = access.outreach_access(actor, OutreachTarget.objects.get(pk=target.pk))
    if not rights.read:
        raise OutreachTarget.DoesNotExist
    if what:
        _require(getattr(rights, what), _("この操作はできません（権限がありません）。"))
    return rights


def _locked(target: OutreachTarget, version: int | None = None) -> OutreachTarget:
    """R7: the change applies only to the version the editor saw."""
    return lock_version(
        OutreachTarget.objects,
        target.pk,
        version=version,
        message=_("ほかの人が先にこの対象を更新しました。最新の内容を確認してください。"),
        fields=EDIT_FIELDS,
        given=target,
    )


def _save(target: OutreachTarget):
    target.version += 1
    target.full_clean()
    target.save()


def _unknown(fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(_("変更できない項目があります: %s") % ", ".join(sorted(unknown)))


def _check_links(actor, *, case=None, origin=None, person=None):
    """Links only to records the actor may read (R6): a hidden one is "not found"."""
    if case is not None and not access.visible_cases(actor).filter(pk=case.pk).exists():
        raise ValidationError({"case": _("ケースが見つかりません。")})
    if case is not None and not access.case_access(actor, case).record:
        # Seen (a 支援会議's 民生委員, a closed case) but not open to the actor's records.
        raise ValidationError({"case": _("このケースには記録できません。")})
    if origin is not None and not access.visible_consultations(actor).filter(pk=origin.pk).exists():
        raise ValidationError({"origin": _("相談が見つかりません。")})
    if person is not None and not access.visible_people(actor).filter(pk=person.pk).exists():
        raise ValidationError({"person": _("本人が見つかりません。")})


def _check_agency(agency):
    if agency is not None and not agency.active:
        raise ValidationError({"responsible_agency": _("有効な機関を選んでください。")})


def _check_category(category):
    if category is not None and not category.active:
        raise ValidationError({"category": _("有効な分類を選んでください。")})


def _audit(action, *, actor, target, basis, request=None, **kwargs):
    record(action, actor=actor, target=target, basis=basis, request=request, **kwargs)


def _stage_change(target, *, actor, to_stage, contact=None, note=""):
    change = StageChange(
        target=target,
        from_stage=target.stage,
        to_stage=to_stage,
        contact=contact,
        note=note,
        changed_by=actor,
    )
    change.full_clean()
    change.save()
    target.stage = to_stage
    return change


# --- the target -----------------------------------------------------------------------------


@transaction.atomic
def target_create(*, actor, request=None, **fields) -> OutreachTarget:
    """Anyone doing casework may start an outreach target; their agency holds it unless they
    name another (R3: someone always holds it)."""
    _require(access.can_create_people(actor), _("この役割ではアウトリーチの対象を登録できません。"))
    _unknown(fields, TARGET_FIELDS)
    _check_links(actor, case=fields.get("case"), origin=fields.get("origin"))
    _check_agency(fields.get("responsible_agency"))
    _check_category(fields.get("category"))
    if fields.get("responsible_agency") is None:
        fields["responsible_agency"] = Agency.objects.get(pk=actor.agency_id)
    if fields.get("next_contact_on") is None:
        fields["next_contact_on"] = timezone.localdate()
    target = OutreachTarget(**fields, created_by=actor)
    target.full_clean()
    target.save()
    _audit(
        "outreach.target_created", actor=actor, target=target, basis="own_agency", request=request
    )
    return target


@transaction.atomic
def target_update(*, actor, target, version: int, request=None, **fields) -> OutreachTarget:
    rights = _access(actor, target, "edit")
    _unknown(fields, EDIT_FIELDS)
    current = _locked(target, version)
    if "case" in fields and fields["case"] is not None and fields["case"].pk != current.case_id:
        _check_links(actor, case=fields["case"])
    _check_agency(fields.get("responsible_agency"))
    if "category" in fields and fields["category"].pk != current.category_id:
        _check_category(fields["category"])
    if "responsible_agency" in fields and fields["responsible_agency"] is None:
        raise ValidationError({"responsible_agency": _("担当機関を選んでください。")})
    for key, value in fields.items():
        setattr(current, key, value)
    _save(current)
    _audit(
        "outreach.target_updated", actor=actor, target=current, basis=rights.basis, request=request
    )
    return current


# --- contacts and the trust stage ------------------------------------------------------------


@transaction.atomic
def contact_add(
    *,
    actor,
    target,
    outcome: str,
    method: str = Method.VISIT,
    agencies=(),
    contacted_at=None,
    observations: str = "",
    next_contact_on=None,
    request=None,
) -> ContactAttempt:
    """Log one visit or contact attempt. The actor's agency always went (it is added); the
    stage rises as far as OUTCOME_RAISES says, never down; the next planned contact moves
    to what was planned now (R3)."""
    rights = _access(actor, target, "log_contact")
    current = _locked(target)
    if outcome not in ContactOutcome.values:
        raise ValidationError({"outcome": _("結果を選んでください。")})
    if method not in Method.values:
        raise ValidationError({"method": _("方法を選んでください。")})
    when = contacted_at or timezone.now()
    if when > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"contacted_at": _("未来の日時は記録できません。")})
    if next_contact_on is not None and next_contact_on < timezone.localdate(when):
        raise ValidationError(
            {"next_contact_on": _("次の予定日は訪問・連絡の日以降にしてください。")}
        )
    agency_ids = {a.pk for a in agencies} | {actor.agency_id}
    if access.selectable_agencies().filter(pk__in=agency_ids).count() != len(agency_ids):
        raise ValidationError({"agencies": _("有効な機関を選んでください。")})
    contact = ContactAttempt(
        target=current,
        contacted_at=when,
        method=method,
        outcome=outcome,
        observations=observations,
        next_contact_on=next_contact_on,
        recorded_by=actor,
    )
    contact.full_clean()
    contact.save()
    contact.agencies.set(agency_ids)
    raises = OUTCOME_RAISES[ContactOutcome(outcome)]
    if (
        raises is not None
        and current.stage != Stage.CONNECTED
        and STAGE_ORDER[raises] > STAGE_ORDER[Stage(current.stage)]
    ):
        _stage_change(current, actor=actor, to_stage=raises, contact=contact)
    if current.last_contact_at is None or when > current.last_contact_at:
        current.last_contact_at = when
    if next_contact_on is not None:
        current.next_contact_on = next_contact_on
    _save(current)
    _audit(
        "outreach.contact_logged",
        actor=actor,
        target=current,
        basis=rights.basis,
        request=request,
        data={"contact": str(contact.pk), "outcome": outcome},
    )
    return contact


def supported_stage(target) -> Stage:
    """The highest stage the target's contacts are evidence for (OUTCOME_SUPPORTS)."""
    best = Stage.NOT_CONTACTED
    for outcome in set(target.contacts.values_list("outcome", flat=True)):
        stage = OUTCOME_SUPPORTS[ContactOutcome(outcome)]
        if STAGE_ORDER[stage] > STAGE_ORDER[best]:
            best = stage
    return best


def check_stage_move(target, to_stage) -> None:
    """THE stage rule: only the moves in STAGE_TRANSITIONS, and up only as far as the
    evidence (the best contact outcome) supports. Down is allowed (trust can be lost)."""
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("段階を選んでください。")})
    current, wanted = Stage(target.stage), Stage(to_stage)
    if wanted not in STAGE_TRANSITIONS[current]:
        raise RuleViolation(
            _("「%(current)s」から「%(target)s」には変更できません。")
            % {"current": current.label, "target": wanted.label},
            code="illegal_transition",
        )
    if STAGE_ORDER[wanted] > STAGE_ORDER[current]:
        supported = supported_stage(target)
        if STAGE_ORDER[wanted] > STAGE_ORDER[supported]:
            raise RuleViolation(
                _(
                    "「%(target)s」にするには、それを裏づける訪問・連絡の記録が必要です"
                    "（いまの記録で言えるのは「%(supported)s」までです）。"
                )
                % {"target": wanted.label, "supported": supported.label},
                code="stage_not_supported",
            )


@transaction.atomic
def stage_move(*, actor, target, version: int, to_stage: str, note: str = "", request=None):
    rights = _access(actor, target, "edit")
    current = _locked(target, version)
    check_stage_move(current, to_stage)
    if STAGE_ORDER[Stage(to_stage)] < STAGE_ORDER[Stage(current.stage)] and not note.strip():
        raise ValidationError({"note": _("段階を下げる理由を入力してください。")})
    _stage_change(current, actor=actor, to_stage=to_stage, note=note.strip())
    _save(current)
    _audit(
        "outreach.stage_moved",
        actor=actor,
        target=current,
        basis=rights.basis,
        request=request,
        data={"to": to_stage},
    )
    return current


# --- identify, hand over, close ---------------------------------------------------------------


@transaction.atomic
def person_link(*, actor, target, version: int, person, request=None) -> OutreachTarget:
    """The person is identified: link the subject record (one the actor may read, R6)."""
    rights = _access(actor, target, "edit")
    current = _locked(target, version)
    _check_links(actor, person=person)
    current.person = person
    _save(current)
    _audit(
        "outreach.person_linked",
        actor=actor,
        target=current,
        basis=rights.basis,
        request=request,
        data={"person": str(person.pk)},
    )
    return current


@transaction.atomic
def target_hand_over(
    *, actor, target, version: int, note: str, to_agency=None, request=None
) -> OutreachTarget:
    """Trust is formed: hand over to support with agencies. Stage 支援につながった, status
    handed_over. Where it goes (chosen here, one place):
    - the target belongs to a case (e.g. opened from the 支援会議 of worked example 2): the
      case's outreach track is started (cases.services.track_start) unless it runs already,
      and linked; the case's lead agency and roles carry on;
    - otherwise a consultation is recorded at the actor's agency about the person and either
      referred to `to_agency` (closed-loop referral, R2) or, with no agency named, escalated
      to multi-agency collaboration (福祉総務課, R1) — the coordinator then opens the case.
    """
    rights = _access(actor, target, "edit")
    current = _locked(target, version)
    if not (note or "").strip():
        raise ValidationError({"note": _("引き継ぎの内容を入力してください。")})
    _require(
        Status.HANDED_OVER in STATUS_TRANSITIONS[Status(current.status)],
        _("この対象は引き継げません（対応中ではありません）。"),
        "illegal_transition",
    )
    _require(
        Stage(current.stage) in HAND_OVER_FROM,
        _("引き継げるのは信頼関係が「関係形成」になってからです。"),
        "trust_not_formed",
    )
    if current.case_id is not None:
        case = current.case
        track = case.tracks.filter(program=Program.OUTREACH, ended_on__isnull=True).first()
        if track is None:
            track = case_services.track_start(
                actor=actor, case=case, program=Program.OUTREACH, note=note, request=request
            )
        current.handover_track = track
    else:
        _require(
            access.acts_for(actor, current.responsible_agency_id),
            _("ケースのない対象を引き継げるのは担当機関だけです。"),
        )
        consultation = intake_services.consultation_create(
            actor=actor,
            channel=Channel.VISIT,
            consulter_type=current.worried_by_type,
            person=current.person,
            subject_note="" if current.person else current.description,
            summary=note.strip(),
            request=request,
        )
        if to_agency is not None:
            intake_services.referral_send(
                actor=actor,
                consultation=consultation,
                to_agency=to_agency,
                kind="referral",
                reason=note.strip(),
                request=request,
            )
        else:
            consultation = intake_services.consultation_escalate(
                actor=actor, consultation=consultation, version=consultation.version, note=note
            )
        current.handover_consultation = consultation
    _stage_change(current, actor=actor, to_stage=Stage.CONNECTED, note=note.strip())
    current.status = Status.HANDED_OVER
    current.ended_at = timezone.now()
    current.end_note = note.strip()
    _save(current)
    _audit("outreach.handed_over", actor=actor, target=current, basis=rights.basis, request=request)
    return current


@transaction.atomic
def target_close(*, actor, target, version: int, reason: str, request=None) -> OutreachTarget:
    """End without hand-over (moved away, died, another service took over …): reason needed."""
    rights = _access(actor, target, "edit")
    current = _locked(target, version)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("終了の理由を入力してください。")})
    _require(
        Status.CLOSED in STATUS_TRANSITIONS[Status(current.status)],
        _("この対象は終了できません。"),
        "illegal_transition",
    )
    current.status = Status.CLOSED
    current.ended_at = timezone.now()
    current.end_note = reason.strip()
    _save(current)
    _audit("outreach.closed", actor=actor, target=current, basis=rights.basis, request=request)
    return current


@transaction.atomic
def target_reopen(*, actor, target, version: int, next_contact_on=None, request=None):
    rights = _access(actor, target, None)
    _require(rights.steer, _("再開できるのは担当機関か福祉総務課だけです。"))
    current = _locked(target, version)
    _require(
        Status.OPEN in STATUS_TRANSITIONS[Status(current.status)],
        _("この対象は再開できません。"),
        "illegal_transition",
    )
    current.status = Status.OPEN
    current.ended_at = None
    current.end_note = ""
    current.next_contact_on = next_contact_on or timezone.localdate()
    _save(current)
    _audit("outreach.reopened", actor=actor, target=current, basis=rights.basis, request=request)
    return current
