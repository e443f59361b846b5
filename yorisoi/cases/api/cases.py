"""The case over HTTP (多機関協働): list, open, read, edit, status, lead and involved agencies, tracks,
support decision, closure, suspension and reopening.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Status

from yorisoi import access
from yorisoi.accounts.models import User
from yorisoi.audit.log import (
    record_reads,
)
from yorisoi.http.errors import ErrorOut
from yorisoi.http.paging import PageQuery, page_of
from yorisoi.http.validation import agency_by_code
from yorisoi.people.models import Person

from .. import selectors, services
from ..models import (
    Involvement,
    Track,
)
from .base import (
    _ERRORS,
    CASE,
    _agency,
    _case_meeting,
    _on_visible_case,
    _raise,
    _record_viewed,
    _text,
    _visible_case,
    router,
)
from .builders import _case_out, case_summary, involvement_out, track_out
from .schemas import (
    CaseCloseIn,
    CaseLeadIn,
    CaseListQuery,
    CaseMoveIn,
    CaseOpenIn,
    CaseOut,
    CasePageOut,
    CaseUpdateIn,
    EndIn,
    InvolvementAddIn,
    InvolvementOut,
    InvolvementStaffIn,
    InvolvementUpdateIn,
    ReopenIn,
    SupportDecisionIn,
    SuspendIn,
    TrackOut,
    TrackStartIn,
)


@router.get(
    "/cases",
    response={200: CasePageOut},
    url_name="case_list",
    summary="ケースの一覧",
)
def case_list(request, paging: Query[PageQuery], filters: Query[CaseListQuery]):
    """見ることのできる多機関協働のケースの一覧（次の対応予定日の早い順、画面と同じ順）。

    status: active（進行中、既定）/ closed（終結・中断）/ all。number でケース番号の完全一致。
    返したケースのIDは、閲覧の根拠ごとに監査ログ（case.listed）に記録されます。
    """
    user = request.auth
    cases = selectors.case_list(user=user, status=filters.status)
    if filters.number:
        cases = cases.filter(number=filters.number)
    result = page_of(cases, paging)
    bases = access.case_bases(user, [c.pk for c in result["items"]])
    record_reads("case.listed", actor=user, request=request, bases=bases)
    result["items"] = [case_summary(c, bases[c.pk]) for c in result["items"]]
    return result


@router.post(
    "/cases",
    response={201: CaseOut, **_ERRORS},
    url_name="case_open",
    summary="ケースを開始する",
)
def case_open(request, payload: CaseOpenIn):
    """多機関協働のケースを開始します（福祉総務課のみ。ほかは 409 `forbidden`）。

    本人（person_ids）・世帯（household_id）・きっかけの相談（origin_consultation_id）は
    見ることのできるものだけを指定できます。見られないものは存在しない場合と同じ 422 です。
    person_ids を省略して household_id を指定すると世帯員全員が本人になります。
    多機関協働へ上がっていない相談は 409 `not_escalated` です。主担当機関は省略時は自機関、
    次の対応予定日は省略時は今日です（R3）。
    """
    user = request.auth
    errors = {}
    household = None
    if payload.household_id is not None:
        household = access.visible_households(user).filter(pk=payload.household_id).first()
        if household is None:
            errors["household_id"] = [
                ValidationError("選んだ世帯が見つかりません。", code="not_found")
            ]
    persons = []
    if payload.person_ids:
        found = {p.pk: p for p in access.visible_people(user).filter(pk__in=payload.person_ids)}
        if household is not None:
            members = Person.objects.filter(
                pk__in=payload.person_ids, memberships__household=household
            )
            found.update({p.pk: p for p in members})
        if set(payload.person_ids) - set(found):
            errors["person_ids"] = [
                ValidationError("選んだ本人が見つかりません。", code="not_found")
            ]
        persons = [found[pk] for pk in payload.person_ids if pk in found]
    origin = None
    if payload.origin_consultation_id is not None:
        origin = (
            access.visible_consultations(user).filter(pk=payload.origin_consultation_id).first()
        )
        if origin is None:
            errors["origin_consultation_id"] = [
                ValidationError("選んだ相談が見つかりません。", code="not_found")
            ]
    lead = agency_by_code(payload.lead_agency, field="lead_agency", errors=errors, required=False)
    _raise(errors)
    case = services.case_open(
        actor=user,
        title=_text(payload.title),
        persons=persons,
        household=household,
        origin=origin,
        lead_agency=lead,
        lead_role=_text(payload.lead_role),
        summary=_text(payload.summary),
        next_action_on=payload.next_action_on,
        request=request,
    )
    return Status(201, _case_out(user, case.pk))


@router.get(
    CASE,
    response={200: CaseOut, 404: ErrorOut},
    url_name="case_detail",
    summary="ケースの内容",
)
def case_detail(request, case_id: UUID):
    """ケースの本人、世帯、主担当機関、関係機関と役割分担、事業の利用、本人ごとの同意の状況、
    情報共有の根拠（有効な同意、続いている支援会議、呼び出した人の閲覧の根拠）、version。

    誓約した支援会議の参加者（民生委員を含む）も見られます。見ることのできないケースは、
    存在しない場合と同じ 404 です。閲覧は監査ログ（case.viewed、閲覧の根拠つき）に記録されます。
    """
    user = request.auth
    case = _visible_case(user, case_id)
    rights = access.case_access(user, case)
    if not rights.read:
        raise Http404
    _record_viewed(user, case, rights.basis, request, "detail")
    return _case_out(user, case.pk, rights)


@router.patch(
    CASE,
    response={200: CaseOut, **_ERRORS},
    url_name="case_update",
    summary="ケース名・概要・次の対応予定日を変える",
)
def case_update(request, case_id: UUID, payload: CaseUpdateIn):
    """送った項目だけを変えます（主担当機関と福祉総務課）。version が古ければ 409
    `concurrent_edit` と、相手が変えた項目（changes）を返します（R7）。"""
    user = request.auth
    case = _visible_case(user, case_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    for key in ("title", "summary"):
        if key in fields:
            fields[key] = _text(fields[key])
    if "next_action_on" in fields and fields["next_action_on"] is None:
        _raise({"next_action_on": [ValidationError("次の対応予定日は必須です。", "required")]})
    services.case_update(actor=user, case=case, version=payload.version, request=request, **fields)
    return _case_out(user, case.pk)


@router.post(
    f"{CASE}/status",
    response={200: CaseOut, **_ERRORS},
    url_name="case_move",
    summary="ケースの段階を進める",
)
def case_move(request, case_id: UUID, payload: CaseMoveIn):
    """受付 → アセスメント → プラン作成 … と段階を進めます。終結・中断・支援開始は会議の決定で
    行うため 409 `needs_meeting`、ない遷移は 409 `invalid_transition` です。"""
    user = request.auth
    case = _visible_case(user, case_id)
    services.case_move(
        actor=user,
        case=case,
        version=payload.version,
        to_status=payload.to_status,
        note=_text(payload.note),
        request=request,
    )
    return _case_out(user, case.pk)


@router.post(
    f"{CASE}/lead",
    response={200: CaseOut, **_ERRORS},
    url_name="case_lead",
    summary="主担当機関を替える",
)
def case_lead(request, case_id: UUID, payload: CaseLeadIn):
    """主担当機関はいつも1つです（R3）。前の主担当機関は役割を保ったまま関係機関に残ります。"""
    user = request.auth
    case = _visible_case(user, case_id)
    agency = _agency(payload.agency, field="agency")
    services.case_set_lead(
        actor=user, case=case, version=payload.version, agency=agency, role=payload.role,
        request=request,
    )  # fmt: skip
    return _case_out(user, case.pk)


@router.post(
    f"{CASE}/agencies",
    response={201: InvolvementOut, **_ERRORS},
    url_name="involvement_add",
    summary="関係機関を加える",
)
def involvement_add(request, case_id: UUID, payload: InvolvementAddIn):
    """関係機関と役割分担を加えます。関係機関がケースを見られるのは、本人全員の同意がその機関を
    含むあいだだけです（R4/R6）。すでに関係機関なら 409 `already_involved`。"""
    user = request.auth
    case = _visible_case(user, case_id)
    agency = _agency(payload.agency, field="agency")
    row = services.involvement_add(
        actor=user,
        case=case,
        agency=agency,
        role=_text(payload.role),
        contact_name=_text(payload.contact_name),
        contact_phone=_text(payload.contact_phone),
        request=request,
    )
    return Status(201, involvement_out(row))


@router.patch(
    "/cases/agencies/{int:involvement_id}",
    response={200: InvolvementOut, **_ERRORS},
    url_name="involvement_update",
    summary="役割分担を変える",
)
def involvement_update(request, involvement_id: int, payload: InvolvementUpdateIn):
    """役割分担・担当者・連絡先を変えます。version が古ければ 409 `concurrent_edit`（changes つき）。"""
    user = request.auth
    row = _on_visible_case(Involvement.objects.select_related("case"), user, involvement_id)
    fields = {
        key: _text(value)
        for key, value in payload.model_dump(exclude_unset=True, exclude={"version"}).items()
    }
    row = services.involvement_update(
        actor=user, involvement=row, version=payload.version, request=request, **fields
    )
    return involvement_out(Involvement.objects.select_related("agency").get(pk=row.pk))


@router.post(
    "/cases/agencies/{int:involvement_id}/staff",
    response={200: InvolvementOut, **_ERRORS},
    url_name="involvement_staff",
    summary="関係機関の担当職員を決める",
)
def involvement_staff(request, involvement_id: int, payload: InvolvementStaffIn):
    """関係機関が自機関の担当職員（利用中の職員の利用者ID）を決めます。その機関の職員で
    なければ 403、職員でない人を選ぶと 422、version が古ければ 409 `concurrent_edit`。"""
    user = request.auth
    row = _on_visible_case(Involvement.objects.select_related("case"), user, involvement_id)
    staff = User.objects.filter(pk=payload.staff).first()
    row = services.involvement_assign_staff(
        actor=user, involvement=row, version=payload.version, staff=staff, request=request
    )
    return involvement_out(Involvement.objects.select_related("agency", "staff").get(pk=row.pk))


@router.post(
    "/cases/agencies/{int:involvement_id}/end",
    response={200: InvolvementOut, **_ERRORS},
    url_name="involvement_end",
    summary="関係機関の関わりを終える",
)
def involvement_end(request, involvement_id: int, payload: EndIn):
    """関わりを終えた機関には、その日から同意があってもケースが見えなくなります。主担当機関は
    409 `lead`（先に主担当を替えます）。記録は残ります。"""
    user = request.auth
    row = _on_visible_case(Involvement.objects.select_related("case"), user, involvement_id)
    row = services.involvement_end(
        actor=user, involvement=row, ended_on=payload.ended_on, request=request
    )
    return involvement_out(Involvement.objects.select_related("agency").get(pk=row.pk))


@router.post(
    f"{CASE}/tracks",
    response={201: TrackOut, **_ERRORS},
    url_name="track_start",
    summary="事業の利用を始める",
)
def track_start(request, case_id: UUID, payload: TrackStartIn):
    """アウトリーチ、参加支援、伴走支援などの事業の利用を始めます。利用中なら 409 `track_open`。"""
    user = request.auth
    case = _visible_case(user, case_id)
    track = services.track_start(
        actor=user,
        case=case,
        program=payload.program,
        started_on=payload.started_on,
        note=_text(payload.note),
        request=request,
    )
    return Status(201, track_out(track))


@router.post(
    "/cases/tracks/{int:track_id}/end",
    response={200: TrackOut, **_ERRORS},
    url_name="track_end",
    summary="事業の利用を終える",
)
def track_end(request, track_id: int, payload: EndIn):
    """例: 役割分担が決まったら多機関協働を終え、主担当機関の伴走支援が続きます。"""
    user = request.auth
    track = _on_visible_case(Track.objects.select_related("case"), user, track_id)
    track = services.track_end(
        actor=user, track=track, ended_on=payload.ended_on, note=_text(payload.note),
        request=request,
    )  # fmt: skip
    return track_out(track)


@router.post(
    f"{CASE}/support-decision",
    response={200: CaseOut, **_ERRORS},
    url_name="support_decision",
    summary="支援決定を記録する",
)
def support_decision(request, case_id: UUID, payload: SupportDecisionIn):
    """市の支援決定を記録します（福祉総務課）。重層的支援会議は支援決定のあとでだけ開けます。
    記録済みなら 409 `done`。"""
    user = request.auth
    case = _visible_case(user, case_id)
    services.support_decision_record(
        actor=user, case=case, decided_on=payload.decided_on, request=request
    )
    return _case_out(user, case.pk)


def _end(request, case_id, payload, service, **text):
    """Closure and suspension: decided at the meeting of this case that payload.meeting_id names
    (R5; the service checks its kind and purpose)."""
    user = request.auth
    case = _visible_case(user, case_id)
    errors = {}
    meeting = _case_meeting(case, payload.meeting_id, errors=errors)
    _raise(errors)
    service(
        actor=user, case=case, version=payload.version, meeting=meeting, request=request, **text
    )
    return _case_out(user, case.pk)


@router.post(
    f"{CASE}/close",
    response={200: CaseOut, **_ERRORS},
    url_name="case_close",
    summary="ケースを終結する",
)
def case_close(request, case_id: UUID, payload: CaseCloseIn):
    """終結は、目的が「終結の判断」の重層的支援会議で決めます（R5）。支援会議では 409
    `needs_multilayer_meeting`、目的が違えば `wrong_purpose`、同意がなければ `no_consent`。
    終結時の評価（evaluation）は必須です。"""
    return _end(
        request, case_id, payload, services.case_close, evaluation=_text(payload.evaluation)
    )


@router.post(
    f"{CASE}/suspend",
    response={200: CaseOut, **_ERRORS},
    url_name="case_suspend",
    summary="ケースを中断する",
)
def case_suspend(request, case_id: UUID, payload: SuspendIn):
    """中断は、目的が「中断の判断」の重層的支援会議で決めます（R5）。中断の理由は必須です。"""
    return _end(request, case_id, payload, services.case_suspend, reason=_text(payload.reason))


@router.post(
    f"{CASE}/reopen",
    response={200: CaseOut, **_ERRORS},
    url_name="case_reopen",
    summary="ケースを再開する",
)
def case_reopen(request, case_id: UUID, payload: ReopenIn):
    """終結・中断したケースを、履歴を保ったままアセスメントから再開します。進行中なら 409
    `case_active`。再開の理由は必須です。"""
    user = request.auth
    case = _visible_case(user, case_id)
    services.case_reopen(
        actor=user, case=case, version=payload.version, reason=_text(payload.reason),
        next_action_on=payload.next_action_on, request=request,
    )  # fmt: skip
    return _case_out(user, case.pk)
