"""Meetings over HTTP (R5): my meetings, a case's meetings, scheduling, the record of a meeting,
participants, the 支援会議 pledge, the end of sharing, action items.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Query, Status

from yorisoi import access
from yorisoi.accounts.models import User
from yorisoi.audit.log import (
    record,
    record_reads,
)
from yorisoi.directory.models import MeetingKind
from yorisoi.errors import RuleViolation
from yorisoi.http.errors import ErrorOut
from yorisoi.http.paging import PageQuery, page_of

from .. import services
from ..models import (
    ActionItem,
    Meeting,
    MeetingParticipant,
)
from .base import (
    _ERRORS,
    CASE,
    MEETING,
    _agency,
    _case_page,
    _meeting_or_pledge_page,
    _on_visible_case,
    _raise,
    _readable_meeting,
    _text,
    _visible_case,
    meetings_router,
)
from .builders import action_item_out, meeting_summary, participant_out
from .schemas import (
    ActionItemIn,
    ActionItemOut,
    MeetingCreateIn,
    MeetingOut,
    MeetingPageOut,
    MeetingRecordIn,
    MyMeetingPageOut,
    ParticipantIn,
    ParticipantOut,
    PledgeIn,
)


def _meeting_out(meeting, rights, participation) -> dict:
    pledged = None if participation is None else participation.pledged_at is not None
    body = {
        "id": meeting.pk,
        "kind": meeting.kind.code,
        "kind_name": meeting.kind.name,
        "legal_type": meeting.kind.legal_type,
        "held_at": meeting.held_at,
        "place": meeting.place,
        "pledged": pledged,
        "pledge_required": not rights.read and pledged is False,
    }
    if not rights.read:
        # 社会福祉法106条の6: nothing of the case before the participant's pledge.
        return {**body, "access": "pledge_only"}
    participants = meeting.participants.select_related("user", "agency")
    items = meeting.action_items.select_related("owner_agency")
    return {
        **body,
        "access": "full",
        "case_id": meeting.case_id,
        "case_number": meeting.case.number,
        "case_title": meeting.case.title,
        "purpose": meeting.purpose,
        "status": meeting.status,
        **{name: getattr(meeting, name) for name in services.MINUTES},
        "sharing_ended_at": meeting.sharing_ended_at,
        "participants": [participant_out(p) for p in participants],
        "action_items": [action_item_out(i) for i in items],
        "version": meeting.version,
    }


def _meeting_detail(user, meeting_id, request) -> dict:
    meeting, rights, participation = _meeting_or_pledge_page(user, meeting_id)
    if rights.read:
        record(
            "meeting.viewed",
            actor=user,
            target=meeting,
            basis=rights.basis,
            request=request,
        )
    return _meeting_out(meeting, rights, participation)


@meetings_router.get(
    "/cases/meetings/mine",
    response={200: MyMeetingPageOut},
    url_name="my_meetings",
    summary="自分が参加する会議",
)
def my_meetings(request, paging: Query[PageQuery]):
    """呼び出した人が参加者になっている会議（日時の新しい順）。

    誓約前の支援会議など、ケースを見られない会議ではケースの情報（case_id など）は null です
    （pledge_required が true）。/cases/meetings/{meeting_id}/pledge で誓約できます。
    ケースの情報を返したときは、閲覧の根拠ごとに監査ログ（meeting.listed）に記録されます。
    """
    user = request.auth
    rows = (
        MeetingParticipant.objects.filter(user_id=user.pk)
        .select_related("meeting__kind", "meeting__case__lead_agency")
        .order_by("-meeting__held_at", "pk")
    )
    result = page_of(rows, paging)
    visible = access.case_bases(user, {p.meeting.case_id for p in result["items"]})
    record_reads("meeting.listed", actor=user, request=request, bases=visible)
    items = []
    for p in result["items"]:
        meeting, seen = p.meeting, p.meeting.case_id in visible
        items.append(
            {
                "id": meeting.pk,
                "kind": meeting.kind.code,
                "kind_name": meeting.kind.name,
                "legal_type": meeting.kind.legal_type,
                "held_at": meeting.held_at,
                "place": meeting.place,
                "pledged": p.pledged_at is not None,
                "pledge_required": not seen and access.awaits_pledge(p, meeting),
                "case_id": meeting.case_id if seen else None,
                "case_number": meeting.case.number if seen else None,
                "case_title": meeting.case.title if seen else None,
            }
        )
    result["items"] = items
    return result


@meetings_router.get(
    f"{CASE}/meetings",
    response={200: MeetingPageOut, 404: ErrorOut},
    url_name="meeting_list",
    summary="ケースの会議",
)
def meeting_list(request, case_id: UUID, paging: Query[PageQuery]):
    """ケースの会議（日時の新しい順）。閲覧は監査ログ（case.viewed、part=meetings）に記録されます。"""
    case = _visible_case(request.auth, case_id)
    rows = Meeting.objects.filter(case=case).select_related("kind").order_by("-held_at", "pk")
    return _case_page(request, case, rows, paging, part="meetings", out=meeting_summary)


@meetings_router.post(
    f"{CASE}/meetings",
    response={201: MeetingOut, **_ERRORS},
    url_name="meeting_create",
    summary="会議を開く",
)
def meeting_create(request, case_id: UUID, payload: MeetingCreateIn):
    """会議を予定します（福祉総務課）。kind は会議の種類のコードです。

    重層的支援会議は支援決定（なければ 409 `no_support_decision`）と本人全員の有効な同意
    （なければ 409 `no_consent`。同意がないときは支援会議を開きます）と目的（purpose）が
    必要です。参加者は利用者ID（participant_user_ids）で指定し、アカウントのない人は
    /participants で氏名を加えます。支援会議の参加者は誓約のあとでケースを見られます。
    """
    user = request.auth
    case = _visible_case(user, case_id)
    errors = {}
    kind = MeetingKind.objects.filter(code=payload.kind).first()
    if kind is None:
        errors["kind"] = [
            ValidationError("会議の種類のコードが見つかりません。", code="invalid_choice")
        ]
    ids = list(dict.fromkeys(payload.participant_user_ids))
    # Only those who may open a case page take part (never an analyst or an administrator).
    seatable = User.objects.filter(pk__in=ids, is_active=True, role__in=access.CASE_READERS)
    users = {u.pk: u for u in seatable}
    if set(ids) - set(users):
        errors["participant_user_ids"] = [
            ValidationError("選んだ参加者が見つかりません。", code="not_found")
        ]
    _raise(errors)
    meeting = services.meeting_schedule(
        actor=user,
        case=case,
        kind=kind,
        held_at=payload.held_at,
        place=_text(payload.place),
        purpose=_text(payload.purpose),
        participants=[users[pk] for pk in ids],
        request=request,
    )
    return Status(201, _meeting_detail(user, meeting.pk, request))


@meetings_router.get(
    MEETING,
    response={200: MeetingOut, 404: ErrorOut},
    url_name="meeting_detail",
    summary="会議の内容",
)
def meeting_detail(request, meeting_id: UUID):
    """会議の内容（参加者、誓約、議事録、決定事項、会議で決めた対応）。

    誓約前の支援会議の参加者には、日時・場所・種類と pledged=false だけを返します
    （access = pledge_only）。ケースを見られないほかの人には、存在しない場合と同じ 404 です。
    閲覧は監査ログ（meeting.viewed、閲覧の根拠つき）に記録されます。
    """
    return _meeting_detail(request.auth, meeting_id, request)


@meetings_router.patch(
    MEETING,
    response={200: MeetingOut, **_ERRORS},
    url_name="meeting_record",
    summary="会議の記録を書く",
)
def meeting_record(request, meeting_id: UUID, payload: MeetingRecordIn):
    """議事録、共有した情報、支援の方針、議題①〜④、不足している社会資源、決定事項を書きます
    （送った項目だけ）。held=true で開催済みにします。version が古ければ 409 `concurrent_edit`
    （changes つき）。"""
    user = request.auth
    meeting = _readable_meeting(user, meeting_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "held"})
    fields = {k: v if k == "held_at" else _text(v) for k, v in fields.items()}
    if "held_at" in fields and fields["held_at"] is None:
        _raise({"held_at": [ValidationError("日時は必須です。", code="required")]})
    services.meeting_record(
        actor=user, meeting=meeting, version=payload.version, held=payload.held,
        request=request, **fields,
    )  # fmt: skip
    return _meeting_detail(user, meeting_id, request)


@meetings_router.post(
    f"{MEETING}/participants",
    response={201: ParticipantOut, **_ERRORS},
    url_name="meeting_participant_add",
    summary="会議の参加者を加える",
)
def meeting_participant_add(request, meeting_id: UUID, payload: ParticipantIn):
    """利用者（user_id）か、アカウントのない人（name と organisation）を加えます。"""
    user = request.auth
    meeting = _readable_meeting(user, meeting_id)
    participant_user = None
    if payload.user_id is not None:
        participant_user = User.objects.filter(pk=payload.user_id, is_active=True).first()
        if participant_user is None:
            _raise({"user_id": [ValidationError("選んだ利用者が見つかりません。", "not_found")]})
    row = services.meeting_participant_add(
        actor=user, meeting=meeting, user=participant_user, name=_text(payload.name),
        organisation=_text(payload.organisation), request=request,
    )  # fmt: skip
    row = MeetingParticipant.objects.select_related("user", "agency").get(pk=row.pk)
    return Status(201, participant_out(row))


@meetings_router.post(
    f"{MEETING}/pledge",
    response={200: MeetingOut, **_ERRORS},
    url_name="meeting_pledge",
    summary="守秘義務を誓約する",
)
def meeting_pledge(request, meeting_id: UUID, payload: PledgeIn):
    """社会福祉法106条の6: 支援会議の参加者は守秘義務を誓約してからケースを見ます。
    参加者本人が誓約します（participant_id を省略）。アカウントのない参加者の書面の誓約は
    福祉総務課が participant_id を指定して記録します。会議を見られても参加者でなければ 403、
    誓約済みなら 409 `pledged`。情報共有が終わった支援会議は、ケースを見られない参加者には
    画面と同じく存在しない会議と同じ 404 です（福祉総務課が記録するときは 409 `sharing_ended`）。
    誓約のあとの会議の内容を返します。"""
    user = request.auth
    meeting, _rights, participation = _meeting_or_pledge_page(user, meeting_id)
    if payload.participant_id is None:
        if participation is None:  # the meeting opens to them, the pledge is not theirs
            raise RuleViolation("この会議の参加者ではありません。", code="forbidden")
        participant = participation
    else:
        participant = meeting.participants.filter(pk=payload.participant_id).first()
        if participant is None:
            _raise({"participant_id": [ValidationError("参加者が見つかりません。", "not_found")]})
    services.meeting_pledge(actor=user, participant=participant, request=request)
    return _meeting_detail(user, meeting_id, request)


@meetings_router.post(
    f"{MEETING}/end-sharing",
    response={200: MeetingOut, **_ERRORS},
    url_name="meeting_end_sharing",
    summary="支援会議の情報共有を終える",
)
def meeting_end_sharing(request, meeting_id: UUID):
    """支援会議の情報共有の範囲を終えます（福祉総務課）。参加者はその時点からケースを見られません。"""
    user = request.auth
    meeting = _readable_meeting(user, meeting_id)
    services.meeting_end_sharing(actor=user, meeting=meeting, request=request)
    return _meeting_detail(user, meeting_id, request)


@meetings_router.post(
    f"{MEETING}/actions",
    response={201: ActionItemOut, **_ERRORS},
    url_name="action_item_add",
    summary="会議で決めた対応を加える",
)
def action_item_add(request, meeting_id: UUID, payload: ActionItemIn):
    """担当機関（コード）と期限つきの対応。完了するまで担当機関の対応待ちに並びます。"""
    user = request.auth
    meeting = _readable_meeting(user, meeting_id)
    owner = _agency(payload.owner_agency, field="owner_agency")
    item = services.action_item_add(
        actor=user, meeting=meeting, description=_text(payload.description), owner_agency=owner,
        due_on=payload.due_on, owner_name=_text(payload.owner_name), request=request,
    )  # fmt: skip
    return Status(201, action_item_out(item))


@meetings_router.post(
    "/cases/actions/{uuid:item_id}/done",
    response={200: ActionItemOut, **_ERRORS},
    url_name="action_item_done",
    summary="会議で決めた対応を完了にする",
)
def action_item_done(request, item_id: UUID):
    """担当機関か福祉総務課が完了にします。完了済みなら 409 `done`。"""
    user = request.auth
    item = _on_visible_case(ActionItem.objects.select_related("case"), user, item_id)
    item = services.action_item_done(actor=user, item=item, request=request)
    return action_item_out(ActionItem.objects.select_related("owner_agency").get(pk=item.pk))
