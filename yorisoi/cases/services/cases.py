"""The case itself (多機関協働): opening, editing, its status (CASE_TRANSITIONS), the lead and involved
agencies with their roles, the program tracks, the support decision, and closure, suspension and
reopening — decided at a held 重層的支援会議 (R5).
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.access.bases import BASIS_COORDINATOR
from yorisoi.audit.log import record
from yorisoi.concurrency import lock_version
from yorisoi.intake import services as intake
from yorisoi.intake.models import Outcome
from yorisoi.work import refresh as work

from ..models import (
    CASE_TRANSITIONS,
    Case,
    CaseEventKind,
    CaseStatus,
    CaseSubject,
    Involvement,
    Meeting,
    MeetingPurpose,
    MeetingStatus,
    Program,
    Track,
)
from .base import (
    CASE_FIELDS,
    _access,
    _assign,
    _audit,
    _editable,
    _event,
    _locked,
    _require,
    _touch,
)
from .meetings import require_decided_at


def _next_number(today: date) -> str:
    prefix = f"{today.year}-"
    last = (
        Case.objects.select_for_update()
        .filter(number__startswith=prefix)
        .aggregate(n=Max("number"))["n"]
    )
    serial = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


def _move(case, actor, to_status, text="", meeting=None):
    """Status is a state machine: CASE_TRANSITIONS says which moves exist."""
    _require(
        to_status in CASE_TRANSITIONS[case.status],
        _("「%(from)s」から「%(to)s」には進めません。")
        % {"from": case.get_status_display(), "to": CaseStatus(to_status).label},
        "invalid_transition",
    )
    before = case.status
    case.status = to_status
    _event(
        case,
        actor,
        CaseEventKind.STATUS,
        text,
        from_status=before,
        to_status=to_status,
        meeting=meeting,
    )


@transaction.atomic
def case_open(
    *,
    actor,
    title: str,
    persons: Iterable = (),
    household=None,
    origin=None,
    lead_agency=None,
    lead_role: str = "",
    summary: str = "",
    next_action_on: date | None = None,
    request=None,
) -> Case:
    """多機関協働: the coordinating division opens a case for a subject or a household, from an
    escalated consultation or directly. R3: it has a lead agency and a next action from the
    start; the collaboration track starts with it."""
    _require(
        access.can_open_case(actor), _("ケースを開始できるのは福祉総務課（調整担当）だけです。")
    )
    persons = list(dict.fromkeys(persons))
    if household is not None and not persons:
        persons = [m.person for m in household.memberships.select_related("person")]
    if not persons:
        raise ValidationError({"persons": _("本人を1人以上選んでください。")})
    if household is not None:
        _require(
            access.visible_households(actor).filter(pk=household.pk).exists(),
            _("選べない世帯です。"),
        )
    members = set(household.memberships.values_list("person_id", flat=True)) if household else set()
    visible = access.visible_people(actor)
    for person in persons:
        _require(
            person.pk in members or visible.filter(pk=person.pk).exists(),
            _("選べない本人が含まれています。"),
        )
    if origin is not None:
        origin = type(origin).objects.select_for_update().get(pk=origin.pk)
        _require(
            origin.outcome == Outcome.ESCALATED and origin.closed_at is None,
            _("ケースにできるのは多機関協働へ送られた受付中の相談だけです。"),
            "not_escalated",
        )
        _require(
            access.acts_for(actor, origin.responsible_agency_id),
            _("この相談は福祉総務課が担当していません。"),
        )
    lead_agency = lead_agency or actor.agency
    today = timezone.localdate()
    case = Case(
        number=_next_number(today),
        title=title,
        household=household,
        origin=origin,
        lead_agency=lead_agency,
        summary=summary,
        next_action_on=next_action_on or today,
        created_by=actor,
    )
    case.full_clean(exclude=["number"])
    case.save()
    CaseSubject.objects.bulk_create([CaseSubject(case=case, person=p) for p in persons])
    Involvement.objects.create(
        case=case,
        agency=lead_agency,
        role=lead_role or _("主担当機関として全体を調整する"),
        is_lead=True,
    )
    Track.objects.create(case=case, program=Program.COLLABORATION, started_on=today)
    _event(case, actor, CaseEventKind.OPENED, title, to_status=case.status)
    if origin is not None:
        # The escalated consultation lives on as this case (R1: it got its outcome; R3: the
        # case now holds it, so it leaves the escalation queue).
        intake.consultation_became_case(actor=actor, consultation=origin, case=case)
    work.refresh_case(case)
    record("case.opened", actor=actor, target=case, basis=BASIS_COORDINATOR, request=request)
    return case


@transaction.atomic
def case_update(*, actor, case: Case, version: int, request=None, **fields) -> Case:
    """Title, summary and the next action (R3: never empty). R7 via the version."""
    _editable(fields, CASE_FIELDS)
    rights = _access(actor, case, "edit")
    current = _locked(case, version)
    _assign(current, fields)
    _touch(current)
    _audit("case.updated", actor=actor, target=current, rights=rights, request=request)
    return current


@transaction.atomic
def case_move(*, actor, case: Case, version: int, to_status: str, note="", request=None) -> Case:
    """Move along the lifecycle by hand (assessment → planning …). Closure, suspension and
    reopening have their own services; support starts with a plan."""
    rights = _access(actor, case, "edit")
    current = _locked(case, version)
    _require(
        to_status not in (CaseStatus.CLOSED, CaseStatus.SUSPENDED, CaseStatus.SUPPORT),
        _("終結・中断・支援開始は会議の決定によって行います。"),
        "needs_meeting",
    )
    _move(current, actor, to_status, note)
    _touch(current)
    _audit("case.moved", actor=actor, target=current, rights=rights, request=request)
    return current


@transaction.atomic
def case_set_lead(*, actor, case: Case, version: int, agency, role: str, request=None) -> Case:
    """R3: exactly one lead agency. The old lead stays involved with its role (not as lead)."""
    rights = _access(actor, case, "edit")
    current = _locked(case, version)
    if agency.pk == current.lead_agency_id:
        return current
    today = timezone.localdate()
    old = current.involvements.filter(is_lead=True, ended_on__isnull=True).first()
    if old is not None:
        old.ended_on = today
        old.save(update_fields=["ended_on"])
        Involvement.objects.create(
            case=current, agency=old.agency, role=old.role, contact_name=old.contact_name,
            contact_phone=old.contact_phone, started_on=today,
        )  # fmt: skip
    existing = current.involvements.filter(agency=agency, ended_on__isnull=True).first()
    if existing is not None:
        existing.ended_on = today
        existing.save(update_fields=["ended_on"])
    Involvement.objects.create(case=current, agency=agency, role=role, is_lead=True)
    current.lead_agency = agency
    _event(current, actor, CaseEventKind.LEAD, str(agency))
    _touch(current)
    _audit("case.lead_changed", actor=actor, target=current, rights=rights, request=request)
    return current


@transaction.atomic
def involvement_add(
    *, actor, case: Case, agency, role: str, contact_name="", contact_phone="", request=None
) -> Involvement:
    rights = _access(actor, case, "edit")
    current = _locked(case)
    _require(
        not current.involvements.filter(agency=agency, ended_on__isnull=True).exists(),
        _("この機関はすでに関係機関です。"),
        "already_involved",
    )
    involvement = Involvement(
        case=current,
        agency=agency,
        role=role,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    involvement.full_clean()
    involvement.save()
    _event(current, actor, CaseEventKind.INVOLVEMENT, f"{agency}: {role}")
    _touch(current)
    _audit("case.involvement_added", actor=actor, target=current, rights=rights, request=request)
    return involvement


@transaction.atomic
def involvement_update(
    *, actor, involvement: Involvement, version: int, request=None, **fields
) -> Involvement:
    allowed = {"role", "contact_name", "contact_phone"}
    _editable(fields, allowed)
    rights = _access(actor, involvement.case, "edit")
    current = lock_version(
        Involvement.objects,
        involvement.pk,
        version=version,
        message=_("ほかの人が先に役割分担を更新しました。最新の内容を確認してください。"),
        fields=allowed,
        given=involvement,
    )
    _require(current.is_active, _("関わりを終えた機関の役割は変更できません。"), "ended")
    _assign(current, fields)
    current.version += 1
    current.save()
    _event(current.case, actor, CaseEventKind.INVOLVEMENT, f"{current.agency}: {current.role}")
    _touch(_locked(current.case))
    _audit(
        "case.involvement_updated", actor=actor, target=current.case, rights=rights, request=request
    )
    return current


@transaction.atomic
def involvement_end(*, actor, involvement: Involvement, ended_on=None, request=None):
    """The agency stops being involved; from then on consent no longer opens the case to it."""
    rights = _access(actor, involvement.case, "edit")
    current = Involvement.objects.select_for_update().get(pk=involvement.pk)
    _require(not current.is_lead, _("主担当機関の関わりは、主担当を替えてから終えます。"), "lead")
    _require(current.is_active, _("この機関の関わりはすでに終わっています。"), "ended")
    current.ended_on = ended_on or timezone.localdate()
    current.save(update_fields=["ended_on"])
    _event(current.case, actor, CaseEventKind.INVOLVEMENT, _("%(agency)s の関わりを終了") % {
        "agency": current.agency})  # fmt: skip
    _touch(_locked(current.case))
    _audit(
        "case.involvement_ended", actor=actor, target=current.case, rights=rights, request=request
    )
    return current


@transaction.atomic
def track_start(*, actor, case: Case, program: str, started_on=None, note="", request=None):
    """A program the case draws on starts (outreach, participation support …)."""
    rights = _access(actor, case, "edit")
    current = _locked(case)
    if program not in Program.values:
        raise ValidationError({"program": _("事業を選んでください。")})
    _require(
        not current.tracks.filter(program=program, ended_on__isnull=True).exists(),
        _("この事業はすでに利用中です。"),
        "track_open",
    )
    track = Track(case=current, program=program, started_on=started_on or timezone.localdate())
    track.note = note
    track.full_clean()
    track.save()
    _event(current, actor, CaseEventKind.TRACK, _("%(program)s を開始") % {"program": track})
    _touch(current)
    _audit("case.track_started", actor=actor, target=current, rights=rights, request=request)
    return track


@transaction.atomic
def track_end(*, actor, track: Track, ended_on=None, note="", request=None) -> Track:
    """E.g. collaboration ends once roles are agreed while the lead agency goes on alongside
    the person (伴走支援): the case stays one story."""
    rights = _access(actor, track.case, "edit")
    current = Track.objects.select_for_update().get(pk=track.pk)
    _require(current.ended_on is None, _("この事業はすでに終了しています。"), "track_ended")
    current.ended_on = ended_on or timezone.localdate()
    if note:
        current.note = note
    current.full_clean()
    current.save()
    _event(current.case, actor, CaseEventKind.TRACK, _("%(program)s を終了") % {"program": current})
    _touch(_locked(current.case))
    _audit("case.track_ended", actor=actor, target=current.case, rights=rights, request=request)
    return current


@transaction.atomic
def support_decision_record(*, actor, case: Case, decided_on=None, request=None) -> Case:
    """支援決定: the municipality decides to support; a 重層的支援会議 needs it first."""
    rights = _access(actor, case, "meetings")
    current = _locked(case)
    _require(current.support_decided_on is None, _("支援決定はすでに記録されています。"), "done")
    current.support_decided_on = decided_on or timezone.localdate()
    current.support_decided_by = actor
    _event(current, actor, CaseEventKind.SUPPORT_DECISION, str(current.support_decided_on))
    _touch(current)
    _audit("case.support_decided", actor=actor, target=current, rights=rights, request=request)
    return current


def _end(*, actor, case, version, meeting, text, status, purpose, request):
    rights = _access(actor, case, "meetings")
    current = _locked(case, version)
    _require(current.is_active, _("このケースはすでに終結または中断しています。"), "case_ended")
    meeting = Meeting.objects.select_related("kind").get(pk=meeting.pk)
    require_decided_at(meeting, current, [purpose])
    # Ending a case is decided by the meeting that was held, not by the one on the calendar.
    _require(
        meeting.status == MeetingStatus.HELD,
        _("終結・中断は、開催した会議の記録（議事録）を残してから決定します。"),
        "meeting_not_held",
    )
    if not text.strip():
        field = "evaluation" if status == CaseStatus.CLOSED else "reason"
        message = (
            _("終結時の評価を入力してください。")
            if status == CaseStatus.CLOSED
            else _("中断の理由を入力してください。")
        )
        raise ValidationError({field: message})
    before = current.status
    now = timezone.now()
    current.status = status
    current.ended_at = now
    current.end_note = text
    current.full_clean()
    today = timezone.localdate()
    current.tracks.filter(ended_on__isnull=True).update(ended_on=today)
    kind = CaseEventKind.CLOSED if status == CaseStatus.CLOSED else CaseEventKind.SUSPENDED
    _event(current, actor, kind, text, from_status=before, to_status=status, meeting=meeting)
    _touch(current)
    action = "case.closed" if status == CaseStatus.CLOSED else "case.suspended"
    _audit(action, actor=actor, target=current, rights=rights, request=request)
    return current


@transaction.atomic
def case_close(*, actor, case: Case, version: int, meeting: Meeting, evaluation: str, request=None):
    """終結: decided at a 重層的支援会議 for closure, with an evaluation (R5). The case leaves
    the active queues and stays readable for those entitled."""
    return _end(actor=actor, case=case, version=version, meeting=meeting, text=evaluation,
                status=CaseStatus.CLOSED, purpose=MeetingPurpose.CLOSURE, request=request)  # fmt: skip


@transaction.atomic
def case_suspend(*, actor, case: Case, version: int, meeting: Meeting, reason: str, request=None):
    """中断: decided at a 重層的支援会議 for suspension, with the reason (R5)."""
    return _end(actor=actor, case=case, version=version, meeting=meeting, text=reason,
                status=CaseStatus.SUSPENDED, purpose=MeetingPurpose.SUSPENSION,
                request=request)  # fmt: skip


@transaction.atomic
def case_reopen(*, actor, case: Case, version: int, reason: str, next_action_on=None, request=None):
    """A closed or suspended case reopens with its history; it starts again at assessment."""
    rights = _access(actor, case, "meetings")
    current = _locked(case, version)
    _require(not current.is_active, _("このケースは進行中です。"), "case_active")
    if not reason.strip():
        raise ValidationError({"reason": _("再開の理由を入力してください。")})
    before = current.status
    current.status = CaseStatus.ASSESSMENT
    current.ended_at = None
    current.next_action_on = next_action_on or timezone.localdate()
    current.full_clean()
    Track.objects.create(case=current, program=Program.COLLABORATION)
    _event(current, actor, CaseEventKind.REOPENED, reason, from_status=before,
           to_status=current.status)  # fmt: skip
    _touch(current)
    _audit("case.reopened", actor=actor, target=current, rights=rights, request=request)
    return current


@transaction.atomic
def involvement_assign_staff(
    *, actor, involvement: Involvement, version: int, staff, request=None
) -> Involvement:
    """担当職員: the involved agency names who of its own staff works on the case (an active
    caseworker of that agency, access.assignable_staff); changeable, with history (R7)."""
    rights = _access(actor, involvement.case, "read")
    _require(
        access.acts_for(actor, involvement.agency_id),
        _("担当職員を決められるのはその機関の職員だけです。"),
    )
    current = lock_version(
        Involvement.objects,
        involvement.pk,
        version=version,
        message=_("ほかの人が先に役割分担を更新しました。最新の内容を確認してください。"),
        fields={"staff"},
        given=involvement,
    )
    _require(current.is_active, _("関わりを終えた機関の担当職員は変更できません。"), "ended")
    if (
        staff is None
        or not access.assignable_staff(actor, current.agency_id).filter(pk=staff.pk).exists()
    ):
        raise ValidationError(
            {"staff": _("担当職員には、その機関の職員（利用中のアカウント）を選んでください。")}
        )
    before = current.staff_id
    current.staff = staff
    current.version += 1
    current.save()
    _event(
        current.case,
        actor,
        CaseEventKind.INVOLVEMENT,
        _("%(agency)s の担当職員: %(staff)s") % {"agency": current.agency, "staff": _name(staff)},
    )
    _touch(_locked(current.case))
    _audit(
        "case.involvement_staff",
        actor=actor,
        target=current.case,
        rights=rights,
        request=request,
        data={"from": before, "to": staff.pk},
    )
    return current


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
