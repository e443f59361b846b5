"""State changes of collaborative cases. Each service runs in one transaction, checks the
rule it enforces, writes what happened (CaseEvent for the progress record, audit event with
the legal basis) and raises RuleViolation / ConcurrentEditError with a Japanese message.

Who may do what is asked of access.case_access (R6); the rules R3–R5 and R7 are here.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.audit.log import BASIS_COORDINATOR, record
from yorisoi.concurrency import lock_version
from yorisoi.directory.models import LegalMeetingType
from yorisoi.errors import ConcurrentEditError, RuleViolation
from yorisoi.intake.models import Outcome
from yorisoi.notifications import services as notify

from .models import (
    CASE_TRANSITIONS,
    ActionItem,
    Assessment,
    AssessmentIssue,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    CaseSubject,
    Consent,
    ConsentScope,
    GoalRating,
    GoalReview,
    Involvement,
    Meeting,
    MeetingParticipant,
    MeetingPurpose,
    MeetingStatus,
    PlanAction,
    PlanGoal,
    Program,
    ProgressRecord,
    SupportPlan,
    Track,
)

CASE_FIELDS = {"title", "summary", "next_action_on"}
ASSESSMENT_FIELDS = ("household_situation", "strengths", "risks", "wishes")
MINUTES_FIELDS = {
    "place",
    "held_at",
    "shared_information",
    "support_arrangement",
    "agenda_plan",
    "agenda_fitness",
    "agenda_evaluation",
    "agenda_resources",
    "unmet_needs",
    "minutes",
    "decisions",
}
MAX_SCAN_BYTES = 5 * 1024 * 1024
SCAN_TYPES = {"application/pdf", "image/jpeg", "image/png"}


# --- helpers --------------------------------------------------------------------------------


def _require(allowed: bool, message: str, code: str = "forbidden"):
    if not allowed:
        raise RuleViolation(message, code=code)


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


def _event(case, actor, kind, text="", **fields) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=actor, agency_id=actor.agency_id, kind=kind, text=text, **fields
    )


def _audit(action, *, actor, target, rights, request=None, **kwargs):
    record(action, actor=actor, target=target, basis=rights.basis, request=request, **kwargs)


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


def subjects_without_consent(case) -> list:
    """Subjects of the case with no active consent at all (R5 asks for it)."""
    consenting = set(
        Consent.objects.filter(case=case, withdrawn_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    return [
        s.person for s in case.subjects.select_related("person") if s.person_id not in consenting
    ]


def has_active_consent(case) -> bool:
    return case.subjects.exists() and not subjects_without_consent(case)


# --- the case -------------------------------------------------------------------------------


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
        origin.closed_at = timezone.now()
        origin.last_activity_at = origin.closed_at
        origin.version += 1
        origin.save(update_fields=["closed_at", "last_activity_at", "version"])
    record("case.opened", actor=actor, target=case, basis=BASIS_COORDINATOR, request=request)
    return case


@transaction.atomic
def case_update(*, actor, case: Case, version: int, request=None, **fields) -> Case:
    """Title, summary and the next action (R3: never empty). R7 via the version."""
    unknown = set(fields) - CASE_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    rights = _access(actor, case, "edit")
    current = _locked(case, version)
    for key, value in fields.items():
        setattr(current, key, value)
    current.full_clean()
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


# --- involved agencies and tracks ----------------------------------------------------------


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
    if set(fields) - allowed:
        raise ValueError(f"unknown fields: {sorted(set(fields) - allowed)}")
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
    for key, value in fields.items():
        setattr(current, key, value)
    current.full_clean()
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


# --- consent (R4) ---------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor,
    case: Case,
    person,
    method: str,
    given_on: date,
    scope: str = ConsentScope.ALL_INVOLVED,
    agencies: Iterable = (),
    note: str = "",
    scan: bytes | None = None,
    scan_name: str = "",
    scan_type: str = "",
    request=None,
) -> Consent:
    """R4: per subject — scope, written/oral, date, who obtained it, optional scan."""
    rights = _access(actor, case, "consent")
    current = _locked(case)
    _require(
        current.subjects.filter(person=person).exists(),
        _("このケースの本人ではありません。"),
        "not_a_subject",
    )
    agencies = list(agencies)
    if scope == ConsentScope.NAMED and not agencies:
        raise ValidationError({"agencies": _("共有してよい機関を1つ以上選んでください。")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("同意を得た日に未来の日付は入れられません。")})
    if scan is not None:
        if len(scan) > MAX_SCAN_BYTES:
            raise ValidationError({"scan": _("同意書の写しは5MBまでです。")})
        if scan_type not in SCAN_TYPES:
            raise ValidationError({"scan": _("同意書の写しは PDF・JPEG・PNG のいずれかです。")})
    consent = Consent(
        case=current,
        person=person,
        scope=scope,
        method=method,
        given_on=given_on,
        obtained_by=actor,
        note=note,
        scan=scan,
        scan_name=scan_name[:200],
        scan_type=scan_type if scan is not None else "",
    )
    consent.full_clean()
    consent.save()
    if scope == ConsentScope.NAMED:
        consent.agencies.set(agencies)
    _event(current, actor, CaseEventKind.CONSENT, _("%(person)s: 同意を記録（%(method)s、%(scope)s）") % {
        "person": person, "method": consent.get_method_display(),
        "scope": consent.get_scope_display()})  # fmt: skip
    _touch(current)
    _audit("consent.recorded", actor=actor, target=consent, rights=rights, request=request)
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, withdrawn_on=None, note="", request=None):
    """R4: a withdrawal keeps the history and takes effect from this moment: access.py stops
    opening the case to other agencies on this consent at once."""
    rights = _access(actor, consent.case, "withdraw_consent")
    current = Consent.objects.select_for_update().get(pk=consent.pk)
    _require(current.is_active, _("この同意はすでに撤回されています。"), "withdrawn")
    current.withdrawn_at = timezone.now()
    current.withdrawn_on = withdrawn_on or timezone.localdate()
    current.withdrawal_note = note
    current.withdrawal_recorded_by = actor
    current.full_clean()
    current.save()
    _event(current.case, actor, CaseEventKind.CONSENT, _("%(person)s: 同意の撤回を記録") % {
        "person": current.person})  # fmt: skip
    _touch(_locked(current.case))
    _audit("consent.withdrawn", actor=actor, target=current, rights=rights, request=request)
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


# --- meetings (R5) --------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    actor,
    case: Case,
    kind,
    held_at,
    place: str = "",
    purpose: str = "",
    participants: Iterable = (),
    request=None,
) -> Meeting:
    """R5. A 重層的支援会議 needs the support decision (支援決定), every subject's active
    consent and one of the four purposes. A 支援会議 needs neither consent nor a purpose: it is
    for cases without consent; its participants see the case only after their pledge."""
    rights = _access(actor, case, "meetings")
    current = _locked(case)
    _require(current.is_active, _("終結・中断したケースの会議は開けません。"), "case_ended")
    _require(kind.active, _("この会議の種類は使われていません。"), "inactive_kind")
    if kind.legal_type == LegalMeetingType.MULTILAYER_MEETING:
        _require(
            current.support_decided_on is not None,
            _("重層的支援会議の前に、支援決定を記録してください。"),
            "no_support_decision",
        )
        missing = subjects_without_consent(current)
        _require(
            not missing,
            _(
                "重層的支援会議は本人の同意があるケースだけで開けます。同意のない本人: %(names)s。"
                "同意がないときは支援会議を開いてください。"
            )
            % {"names": "、".join(str(p) for p in missing)},
            "no_consent",
        )
        if purpose not in MeetingPurpose.values:
            raise ValidationError({"purpose": _("重層的支援会議の目的を選んでください。")})
    else:
        purpose = ""
    meeting = Meeting(
        case=current,
        kind=kind,
        purpose=purpose,
        held_at=held_at,
        place=place,
        created_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    participants = list(dict.fromkeys(participants))
    for user in participants:
        _require_participant_role(user)
        _participant_add(meeting, user=user)
    notify.meeting_invited(meeting, participants)
    _event(current, actor, CaseEventKind.MEETING, str(meeting), meeting=meeting)
    _touch(current)
    _audit("meeting.scheduled", actor=actor, target=meeting, rights=rights, request=request)
    return meeting


def _require_participant_role(user):
    """Analysts and administrators never sit in a case meeting (R6)."""
    _require(
        access.can_take_part_in_meetings(user),
        _("この利用者は会議の参加者にできません。"),
        "not_a_participant_role",
    )


def _participant_add(meeting, *, user=None, name="", organisation="") -> MeetingParticipant:
    participant = MeetingParticipant(
        meeting=meeting,
        user=user,
        agency_id=getattr(user, "agency_id", None),
        name=name if user is None else "",
        organisation=organisation,
    )
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def meeting_participant_add(
    *, actor, meeting: Meeting, user=None, name: str = "", organisation: str = "", request=None
) -> MeetingParticipant:
    """A participant with a yorisoi account (agency staff, 民生委員) or one named by hand."""
    rights = _access(actor, meeting.case, "meetings")
    if user is None and not name.strip():
        raise ValidationError({"name": _("参加者を選ぶか、氏名を入力してください。")})
    if user is not None:
        _require_participant_role(user)
        _require(
            not meeting.participants.filter(user=user).exists(),
            _("この人はすでに参加者です。"),
            "already_participant",
        )
    participant = _participant_add(meeting, user=user, name=name, organisation=organisation)
    if user is not None:
        notify.meeting_invited(meeting, [user])
    _audit("meeting.participant_added", actor=actor, target=meeting, rights=rights, request=request)
    return participant


@transaction.atomic
def meeting_pledge(*, actor, participant: MeetingParticipant, request=None) -> MeetingParticipant:
    """社会福祉法106条の6: a 支援会議 participant pledges confidentiality before the case opens
    to them. A user pledges for themselves; the secretariat (福祉総務課) records the written
    pledge of a participant without an account."""
    current = MeetingParticipant.objects.select_for_update().get(pk=participant.pk)
    own = current.user_id is not None and current.user_id == actor.pk
    secretariat = current.user_id is None and access.is_coordinator(actor)
    _require(own or secretariat, _("誓約は参加者本人が行います。"))
    _require(
        current.meeting.kind.legal_type == LegalMeetingType.SUPPORT_MEETING,
        _("守秘義務の誓約は支援会議の参加者が行います（重層的支援会議は本人の同意によります）。"),
        "not_a_support_meeting",
    )
    _require(current.pledged_at is None, _("誓約はすでに記録されています。"), "pledged")
    _require(
        current.meeting.sharing_ended_at is None,
        _("この会議の情報共有は終了しています。"),
        "sharing_ended",
    )
    current.pledged_at = timezone.now()
    current.pledge_recorded_by = actor
    current.save(update_fields=["pledged_at", "pledge_recorded_by"])
    record(
        "meeting.pledged",
        actor=actor,
        target=current.meeting,
        basis="art106_6_meeting",
        request=request,
    )
    return current


@transaction.atomic
def meeting_record(
    *, actor, meeting: Meeting, version: int, held: bool = True, request=None, **fields
) -> Meeting:
    """Minutes, decisions and the agenda items; R7 through the version."""
    unknown = set(fields) - MINUTES_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    rights = _access(actor, meeting.case, "meetings")
    current = lock_version(
        Meeting.objects,
        meeting.pk,
        version=version,
        message=_("ほかの人が先にこの会議の記録を更新しました。最新の内容を確認してください。"),
        fields=MINUTES_FIELDS,
        given=meeting,
    )
    for key, value in fields.items():
        setattr(current, key, value)
    if held:
        current.status = MeetingStatus.HELD
    current.full_clean()
    current.version += 1
    current.save()
    _touch(_locked(current.case))
    _audit("meeting.recorded", actor=actor, target=current, rights=rights, request=request)
    return current


@transaction.atomic
def meeting_end_sharing(*, actor, meeting: Meeting, request=None) -> Meeting:
    """The end of a 支援会議's scope: its participants lose the case at once (R6)."""
    rights = _access(actor, meeting.case, "meetings")
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require(current.sharing_ended_at is None, _("情報共有はすでに終了しています。"), "ended")
    current.sharing_ended_at = timezone.now()
    current.version += 1
    current.save(update_fields=["sharing_ended_at", "version"])
    _event(current.case, actor, CaseEventKind.MEETING, _("%(meeting)s の情報共有を終了") % {
        "meeting": current}, meeting=current)  # fmt: skip
    _audit("meeting.sharing_ended", actor=actor, target=current, rights=rights, request=request)
    return current


@transaction.atomic
def action_item_add(
    *, actor, meeting: Meeting, description: str, owner_agency, due_on: date, owner_name="",
    request=None,
) -> ActionItem:  # fmt: skip
    """A meeting's action item; it waits in the owning agency's queue until done."""
    rights = _access(actor, meeting.case, "meetings")
    item = ActionItem(
        meeting=meeting,
        case=meeting.case,
        description=description,
        owner_agency=owner_agency,
        owner_name=owner_name,
        due_on=due_on,
    )
    item.full_clean()
    item.save()
    notify.action_item_assigned(item)
    _audit("action_item.added", actor=actor, target=meeting, rights=rights, request=request)
    return item


@transaction.atomic
def action_item_done(*, actor, item: ActionItem, request=None) -> ActionItem:
    rights = _access(actor, item.case, "record")
    current = ActionItem.objects.select_for_update().get(pk=item.pk)
    _require(
        access.acts_for(actor, current.owner_agency_id) or rights.meetings,
        _("完了にできるのは担当機関か福祉総務課だけです。"),
    )
    _require(current.done_at is None, _("この対応はすでに完了しています。"), "done")
    current.done_at = timezone.now()
    current.done_by = actor
    current.save(update_fields=["done_at", "done_by"])
    _touch(_locked(current.case))
    _audit("action_item.done", actor=actor, target=current.case, rights=rights, request=request)
    return current


# --- assessment and plan --------------------------------------------------------------------


def latest_assessment(case) -> Assessment | None:
    return case.assessments.order_by("-number").first()


def latest_plan(case) -> SupportPlan | None:
    return case.plans.order_by("-number").first()


@transaction.atomic
def assessment_save(
    *,
    actor,
    case: Case,
    based_on: int | None,
    issues: Iterable = (),
    request=None,
    **fields,
) -> Assessment:
    """A new version of the assessment. R7: `based_on` is the version the writer started from
    (None for the first); if someone saved another version meanwhile, nothing is saved and the
    error lists what they changed."""
    unknown = set(fields) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    rights = _access(actor, case, "assess")
    current = _locked(case)
    latest = latest_assessment(current)
    if (latest.number if latest else None) != based_on:
        seen = current.assessments.filter(number=based_on).first() if based_on else None
        changes = []
        if latest is not None:
            for name in ASSESSMENT_FIELDS:
                if getattr(seen, name, "") != getattr(latest, name):
                    label = Assessment._meta.get_field(name).verbose_name
                    changes.append({"field": name, "label": label, "theirs": getattr(latest, name)})
        raise ConcurrentEditError(
            _(
                "ほかの人が先にアセスメントの第%(n)s版を保存しました。"
                "あなたの入力は保存していません。相手の変更を確認してから、もう一度保存してください。"
            )
            % {"n": latest.number if latest else "-"},
            changes=changes,
        )
    assessment = Assessment(
        case=current,
        number=(latest.number + 1) if latest else 1,
        created_by=actor,
        created_by_agency_id=actor.agency_id,
        **{name: fields.get(name, "") for name in ASSESSMENT_FIELDS},
    )
    assessment.full_clean()
    assessment.save()
    rows = [AssessmentIssue(assessment=assessment, domain=d, description=t) for d, t in issues]
    for row in rows:
        row.full_clean(exclude=["assessment"])
    AssessmentIssue.objects.bulk_create(rows)
    if current.status == CaseStatus.INTAKE:
        _move(current, actor, CaseStatus.ASSESSMENT)
    _event(current, actor, CaseEventKind.ASSESSMENT, _("アセスメント 第%(n)s版") % {
        "n": assessment.number})  # fmt: skip
    _touch(current)
    _audit("assessment.saved", actor=actor, target=assessment, rights=rights, request=request)
    return assessment


def _decided_at(meeting: Meeting, case: Case, purposes) -> None:
    """R5: plans, closure and suspension are decided at a 重層的支援会議 of this case."""
    _require(meeting.case_id == case.pk, _("このケースの会議ではありません。"), "wrong_meeting")
    _require(
        meeting.kind.legal_type == LegalMeetingType.MULTILAYER_MEETING,
        _("この決定は重層的支援会議で行います（支援会議では決められません）。"),
        "needs_multilayer_meeting",
    )
    _require(
        meeting.purpose in purposes,
        _("この会議の目的（%(purpose)s）ではこの決定はできません。")
        % {"purpose": meeting.get_purpose_display() or "－"},
        "wrong_purpose",
    )
    _require(
        has_active_consent(case),
        _("本人の同意が撤回されているため、重層的支援会議で決定できません。"),
        "no_consent",
    )


@transaction.atomic
def plan_create(
    *,
    actor,
    case: Case,
    meeting: Meeting,
    based_on: int | None,
    next_review_on: date,
    goals: Iterable = (),
    actions: Iterable = (),
    uses_outreach: bool = False,
    uses_participation: bool = False,
    person_agreed: bool = False,
    note: str = "",
    request=None,
) -> SupportPlan:
    """R5: a support plan and each revision are decided at a 重層的支援会議 (plan creation for
    the first version, plan review for the next). Every version is kept (R7)."""
    rights = _access(actor, case, "meetings")
    current = _locked(case)
    _require(current.is_active, _("終結・中断したケースのプランは作れません。"), "case_ended")
    meeting = Meeting.objects.select_related("kind").get(pk=meeting.pk)
    latest = latest_plan(current)
    purposes = [MeetingPurpose.PLAN_REVIEW] if latest else [MeetingPurpose.PLAN_CREATION]
    _decided_at(meeting, current, purposes)
    if (latest.number if latest else None) != based_on:
        raise ConcurrentEditError(
            _("ほかの人が先に支援プランの第%(n)s版を保存しました。内容を確認してください。")
            % {"n": latest.number if latest else "-"}
        )
    goals, actions = list(goals), list(actions)
    if not goals:
        raise ValidationError({"goals": _("目標を1つ以上入力してください。")})
    if next_review_on <= timezone.localdate():
        raise ValidationError({"next_review_on": _("次回の見直し予定日は明日以降にしてください。")})
    plan = SupportPlan(
        case=current,
        number=(latest.number + 1) if latest else 1,
        meeting=meeting,
        next_review_on=next_review_on,
        uses_outreach=uses_outreach,
        uses_participation=uses_participation,
        person_agreed=person_agreed,
        note=note,
        created_by=actor,
    )
    plan.full_clean()
    plan.save()
    goal_rows = [
        PlanGoal(plan=plan, term=term, text=text, order=n)
        for n, (term, text) in enumerate(goals, start=1)
    ]
    action_rows = [
        PlanAction(plan=plan, agency=agency, description=text, due_on=due_on, order=n)
        for n, (agency, text, due_on) in enumerate(actions, start=1)
    ]
    for row in goal_rows + action_rows:
        row.full_clean(exclude=["plan"])
    PlanGoal.objects.bulk_create(goal_rows)
    PlanAction.objects.bulk_create(action_rows)
    today = timezone.localdate()
    for wanted, program in ((uses_outreach, Program.OUTREACH),
                            (uses_participation, Program.PARTICIPATION)):  # fmt: skip
        if wanted and not current.tracks.filter(program=program, ended_on__isnull=True).exists():
            Track.objects.create(case=current, program=program, started_on=today)
    if current.status in (CaseStatus.INTAKE, CaseStatus.ASSESSMENT):
        _move(current, actor, CaseStatus.PLANNING, str(meeting), meeting=meeting)
    if current.status != CaseStatus.SUPPORT:
        _move(current, actor, CaseStatus.SUPPORT, str(plan), meeting=meeting)
    current.next_action_on = min(current.next_action_on, next_review_on)
    _event(current, actor, CaseEventKind.PLAN, _("支援プラン 第%(n)s版") % {"n": plan.number},
           meeting=meeting)  # fmt: skip
    _touch(current)
    _audit("plan.created", actor=actor, target=plan, rights=rights, request=request)
    return plan


@transaction.atomic
def goals_review(*, actor, meeting: Meeting, ratings: Iterable, request=None) -> list[GoalReview]:
    """At a review each goal of the current plan is rated (achieved / partly / not yet) with a
    note; the case moves to review until the next plan version."""
    case = meeting.case
    rights = _access(actor, case, "meetings")
    current = _locked(case)
    meeting = Meeting.objects.select_related("kind").get(pk=meeting.pk)
    _decided_at(meeting, current, [MeetingPurpose.PLAN_REVIEW, MeetingPurpose.CLOSURE])
    plan = latest_plan(current)
    _require(plan is not None, _("評価する支援プランがありません。"), "no_plan")
    goals = {g.pk: g for g in plan.goals.all()}
    rows = []
    for goal, rating, note in ratings:
        _require(goal.pk in goals, _("現在のプランの目標ではありません。"), "wrong_goal")
        if rating not in GoalRating.values:
            raise ValidationError({"rating": _("評価を選んでください。")})
        rows.append(
            GoalReview(goal=goal, meeting=meeting, rating=rating, note=note, reviewed_by=actor)
        )
    _require(
        {r.goal_id for r in rows} == set(goals),
        _("すべての目標を評価してください。"),
        "incomplete_review",
    )
    GoalReview.objects.bulk_create(rows)
    if current.status == CaseStatus.SUPPORT:
        _move(current, actor, CaseStatus.REVIEW, str(meeting), meeting=meeting)
    _touch(current)
    _audit("plan.reviewed", actor=actor, target=plan, rights=rights, request=request)
    return rows


# --- closure, suspension, reopening ---------------------------------------------------------


def _end(*, actor, case, version, meeting, text, status, purpose, request):
    rights = _access(actor, case, "meetings")
    current = _locked(case, version)
    _require(current.is_active, _("このケースはすでに終結または中断しています。"), "case_ended")
    meeting = Meeting.objects.select_related("kind").get(pk=meeting.pk)
    _decided_at(meeting, current, [purpose])
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


# --- progress record ------------------------------------------------------------------------


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
    if set(fields) - allowed:
        raise ValueError(f"unknown fields: {sorted(set(fields) - allowed)}")
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
    for key, value in fields.items():
        setattr(current, key, value)
    current.full_clean()
    current.version += 1
    current.save()
    _audit("record.corrected", actor=actor, target=current.case, rights=rights, request=request)
    return current
