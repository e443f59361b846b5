"""R5 The two meeting kinds: a 支援会議 (社会福祉法106条の6) without consent, whose participants pledge
confidentiality before the case opens to them, and a 重層的支援会議 that needs every subject's consent
and decides plans, closure and suspension.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.audit.log import record
from yorisoi.concurrency import lock_version
from yorisoi.directory.models import LegalMeetingType
from yorisoi.notifications import services as notify
from yorisoi.work import refresh as work

from ..models import (
    ActionItem,
    Case,
    CaseEventKind,
    Meeting,
    MeetingParticipant,
    MeetingPurpose,
    MeetingStatus,
)
from .base import _access, _assign, _audit, _editable, _event, _locked, _require, _touch
from .consent import has_active_consent, subjects_without_consent

MINUTES = (
    "shared_information",
    "support_arrangement",
    "agenda_plan",
    "agenda_fitness",
    "agenda_evaluation",
    "agenda_resources",
    "unmet_needs",
    "minutes",
    "decisions",
)


# What the record of a meeting may change: the minutes, and when and where it was held.
MINUTES_FIELDS = {"place", "held_at", *MINUTES}


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
    work.refresh_case(meeting.case)
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
    work.refresh_case(current.meeting.case)
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
    _editable(fields, MINUTES_FIELDS)
    rights = _access(actor, meeting.case, "meetings")
    current = lock_version(
        Meeting.objects,
        meeting.pk,
        version=version,
        message=_("ほかの人が先にこの会議の記録を更新しました。最新の内容を確認してください。"),
        fields=MINUTES_FIELDS,
        given=meeting,
    )
    if held:
        current.status = MeetingStatus.HELD
    _assign(current, fields)
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
    work.refresh_case(current.case)
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
    work.refresh_case(meeting.case)
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


def require_decided_at(meeting: Meeting, case: Case, purposes) -> None:
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
