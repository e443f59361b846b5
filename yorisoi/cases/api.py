"""Collaborative cases (多機関協働) over HTTP: /api/v1/cases/…

The same rules as the screens, through the same functions: reads start from
access.visible_cases() (or access.case_access()), state changes go through services.py (which
check rights, enforce R3–R5/R7 and audit them) and every read of case content is written to the
audit trail with its legal basis: own_agency, coordinator, consent or art106_6_meeting (R6).

- Cases, meetings, consents, progress records and action items are addressed by UUID;
  involvements, tracks, goals and meeting participants by number (they answer 404 unless the
  caller may read their case); agencies, domains and meeting kinds by `code`; users (meeting
  participants) by their numeric id.
- A case the caller may not read answers 404 with the same body as an id that does not exist,
  and so does everything hung on it. One exception, by design (R5): a participant of a
  支援会議 sees that meeting's date, place and kind, and the pledge, before the case opens.
- Errors: a rule that says no is 409 with its `code` (no_consent, no_support_decision,
  needs_multilayer_meeting, wrong_purpose, forbidden …); someone else saved first is 409
  `concurrent_edit` with `changes` (what they changed); bad input is 422 per field.
- Lists are paged like every list route: `?page=1&page_size=25` (yorisoi/http/paging.py).
"""

import base64
import binascii
import functools
from collections import defaultdict
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from ninja import Query, Router, Status

from yorisoi import access
from yorisoi.audit.log import (
    record,
    record_reads,
)
from yorisoi.directory.models import LegalMeetingType
from yorisoi.http.errors import ErrorOut
from yorisoi.http.paging import PageQuery, page_of
from yorisoi.people.models import Person

from . import selectors, services
from .api_schemas import (
    CaseCloseIn,
    CaseLeadIn,
    CaseListQuery,
    CaseMoveIn,
    CaseOpenIn,
    CaseOut,
    CasePageOut,
    CaseUpdateIn,
    ConsentIn,
    ConsentOut,
    ConsentPageOut,
    EndIn,
    InvolvementAddIn,
    InvolvementOut,
    InvolvementUpdateIn,
    RecordCorrectIn,
    RecordIn,
    RecordOut,
    ReopenIn,
    SupportDecisionIn,
    SuspendIn,
    TimelinePageOut,
    TimelineQuery,
    TrackOut,
    TrackStartIn,
    WithdrawIn,
    case_summary,
    consent_out,
    consent_summary,
    involvement_out,
    record_out,
    timeline_entry_out,
    track_out,
)
from .models import (
    Case,
    Consent,
    Involvement,
    Meeting,
    ProgressRecord,
    Track,
)

router = Router(tags=["多機関協働"])

CASE = "/cases/{uuid:case_id}"
MEETING = "/cases/meetings/{uuid:meeting_id}"

_ERRORS = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _hidden_is_not_found(view):
    """Services answer Case.DoesNotExist to an actor who may not read the case: 404 here."""

    @functools.wraps(view)
    def run(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc

    return run


router.add_decorator(_hidden_is_not_found)


# --- lookups: everything starts from access.visible_cases ---------------------------------


def _visible(user):
    return access.visible_cases(user).select_related("lead_agency")


def _visible_case(user, case_id) -> Case:
    case = _visible(user).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def _on_visible_case(queryset, user, pk):
    """A row hung on a case: found only if the caller may read that case (else 404)."""
    row = queryset.filter(pk=pk, case__in=access.visible_cases(user).values("pk")).first()
    if row is None:
        raise Http404
    return row


def _agency(code, *, field, errors, required=True):
    if not code:
        if required:
            errors[field] = [ValidationError("機関を指定してください。", code="required")]
        return None
    agency = access.selectable_agencies().filter(code=code).first()
    if agency is None:
        errors[field] = [
            ValidationError(
                "機関コードが見つかりません。/api/v1/agencies の code を指定してください。",
                code="invalid_choice",
            )
        ]
    return agency


def _case_meeting(case, meeting_id, *, errors, field="meeting_id"):
    meeting = Meeting.objects.select_related("kind").filter(pk=meeting_id, case=case).first()
    if meeting is None:
        errors[field] = [ValidationError("このケースの会議が見つかりません。", code="not_found")]
    return meeting


def _raise(errors: dict):
    if errors:
        raise ValidationError(errors)


def _text(value) -> str:
    return value or ""


# --- the legal basis of each read (R6) -----------------------------------------------------


def _record_viewed(user, case, basis, request, part, ids=None):
    record(
        "case.viewed",
        actor=user,
        target=case,
        basis=basis,
        request=request,
        ids=ids,
        data={"part": part},
    )


# --- output builders -----------------------------------------------------------------------


def _case_out(user, case_id, rights=None) -> dict:
    case = (
        Case.objects.select_related("lead_agency")
        .prefetch_related(
            "subjects__person",
            "involvements__agency",
            "tracks",
            Prefetch("consents", queryset=Consent.objects.prefetch_related("agencies")),
        )
        .get(pk=case_id)
    )
    rights = rights or access.case_access(user, case)
    consents = defaultdict(list)
    for consent in case.consents.all():
        consents[consent.person_id].append(consent)
    subjects = list(case.subjects.all())
    active_support_meetings = case.meetings.filter(
        kind__legal_type=LegalMeetingType.SUPPORT_MEETING, sharing_ended_at__isnull=True
    ).count()
    summaries = [consent_summary(s.person_id, consents[s.person_id]) for s in subjects]
    return {
        **case_summary(case, rights.basis),
        "summary": case.summary,
        "household_id": case.household_id,
        "origin_consultation_id": case.origin_id,
        "end_note": case.end_note,
        "subjects": [
            {
                "person_id": s.person_id,
                "full_name": s.person.full_name,
                "full_name_kana": s.person.full_name_kana,
                "birth_date": s.person.birth_date,
            }
            for s in subjects
        ],
        "involvements": [involvement_out(i) for i in case.involvements.all()],
        "tracks": [track_out(t) for t in case.tracks.all()],
        # The outline a 民生委員 reads has no consents (access.CaseAccess.case_file).
        "consents": summaries if rights.case_file else None,
        "sharing": {
            "has_active_consent": bool(subjects)
            and all(s["has_active_consent"] for s in summaries),
            "active_support_meetings": active_support_meetings,
            "support_decided_on": case.support_decided_on,
            "basis": rights.basis,
        },
        "rights": {
            "edit": rights.edit,
            "record": rights.record,
            "assess": rights.assess,
            "consent": rights.consent,
            "meetings": rights.meetings,
        },
    }


# --- cases ---------------------------------------------------------------------------------


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
    lead = _agency(payload.lead_agency, field="lead_agency", errors=errors, required=False)
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
    errors = {}
    agency = _agency(payload.agency, field="agency", errors=errors)
    _raise(errors)
    services.case_set_lead(
        actor=user, case=case, version=payload.version, agency=agency, role=payload.role,
        request=request,
    )  # fmt: skip
    return _case_out(user, case.pk)


# --- involved agencies and tracks ----------------------------------------------------------


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
    errors = {}
    agency = _agency(payload.agency, field="agency", errors=errors)
    _raise(errors)
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


# --- consent (R4) --------------------------------------------------------------------------


@router.get(
    f"{CASE}/consents",
    response={200: ConsentPageOut, 404: ErrorOut},
    url_name="consent_list",
    summary="同意の記録",
)
def consent_list(request, case_id: UUID, paging: Query[PageQuery]):
    """本人ごとの同意の記録（撤回されたものも、同意日の新しい順）。同意書の写しの内容は返しません。

    閲覧は監査ログ（case.viewed、part=consents、閲覧の根拠つき）に記録されます。
    """
    user = request.auth
    case = _visible_case(user, case_id)
    rows = (
        Consent.objects.filter(case=case)
        .select_related("obtained_by")
        .prefetch_related("agencies")
        .defer("scan")
        .order_by("-given_on", "-recorded_at", "pk")
    )
    result = page_of(rows, paging)
    basis = access.case_basis(user, case)
    _record_viewed(user, case, basis, request, "consents", ids=[c.pk for c in result["items"]])
    result["items"] = [consent_out(c) for c in result["items"]]
    return result


@router.post(
    f"{CASE}/consents",
    response={201: ConsentOut, **_ERRORS},
    url_name="consent_record",
    summary="同意を記録する",
)
def consent_record(request, case_id: UUID, payload: ConsentIn):
    """本人ごとに、範囲（all_involved / named と機関コード）、方法（書面・口頭）、同意日、
    補足を記録します（R4）。同意書の写しは scan_base64（PDF・JPEG・PNG、5MBまで）で送れます。"""
    user = request.auth
    case = _visible_case(user, case_id)
    errors = {}
    subject = case.subjects.select_related("person").filter(person_id=payload.person_id).first()
    if subject is None:
        errors["person_id"] = [
            ValidationError("このケースの本人が見つかりません。", code="not_found")
        ]
    agencies = []
    for n, code in enumerate(payload.agencies):
        agencies.append(_agency(code, field=f"agencies.{n}", errors=errors))
    scan = None
    if payload.scan_base64:
        try:
            scan = base64.b64decode(payload.scan_base64, validate=True)
        except (binascii.Error, ValueError):
            errors["scan_base64"] = [
                ValidationError("Base64 の形式が正しくありません。", code="invalid")
            ]
    _raise(errors)
    consent = services.consent_record(
        actor=user,
        case=case,
        person=subject.person,
        method=_text(payload.method),
        given_on=payload.given_on,
        scope=payload.scope or "all_involved",
        agencies=agencies,
        note=_text(payload.note),
        scan=scan,
        scan_name=_text(payload.scan_name),
        scan_type=_text(payload.scan_type),
        request=request,
    )
    return Status(201, consent_out(consent))


@router.get(
    "/cases/consents/{uuid:consent_id}/scan",
    response={200: None, 404: ErrorOut},
    url_name="consent_scan",
    summary="同意書の写しをダウンロードする",
    openapi_extra={
        "responses": {
            "200": {
                "description": "同意書の写し（PDF・JPEG・PNG）",
                "content": {t: {} for t in ("application/pdf", "image/jpeg", "image/png")},
            }
        }
    },
)
def consent_scan(request, consent_id: UUID):
    """画面と同じく、主担当機関・福祉総務課・同意を記録できる人だけ。写しがない、または見られない
    同意は 404。ダウンロードは監査ログ（consent.scan_viewed）に記録されます。"""
    user = request.auth
    consent = _on_visible_case(Consent.objects.all(), user, consent_id)
    rights = access.case_access(user, consent.case)
    if not rights.scans or consent.scan is None:
        raise Http404
    record("consent.scan_viewed", actor=user, target=consent, basis=rights.basis, request=request)
    return selectors.consent_scan_response(consent)


@router.post(
    "/cases/consents/{uuid:consent_id}/withdraw",
    response={200: ConsentOut, **_ERRORS},
    url_name="consent_withdraw",
    summary="同意の撤回を記録する",
)
def consent_withdraw(request, consent_id: UUID, payload: WithdrawIn):
    """撤回は記録として残り、その時点から効力を持ちます: 同意で見ていた関係機関には、すぐに
    ケースが見えなくなります（R4/R6）。すでに撤回済みなら 409 `withdrawn`。"""
    user = request.auth
    consent = _on_visible_case(Consent.objects.select_related("case"), user, consent_id)
    consent = services.consent_withdraw(
        actor=user,
        consent=consent,
        withdrawn_on=payload.withdrawn_on,
        note=_text(payload.note),
        request=request,
    )
    return consent_out(consent)


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


# --- progress record -----------------------------------------------------------------------


@router.get(
    f"{CASE}/timeline",
    response={200: TimelinePageOut, 404: ErrorOut},
    url_name="timeline",
    summary="支援経過記録",
)
def timeline(request, case_id: UUID, paging: Query[PageQuery], filters: Query[TimelineQuery]):
    """支援経過記録（各機関の記録）とケースの出来事（段階、会議、プラン…）を新しい順に1本で。

    agency（機関コード）と kind（種類）で絞り込めます。
    閲覧は監査ログ（case.viewed、part=timeline、閲覧の根拠つき）に記録されます。
    """
    user = request.auth
    case = _visible_case(user, case_id)
    entries = selectors.case_timeline(
        user=user, case=case, agency=filters.agency or "", kind=filters.kind or ""
    )
    result = page_of(entries, paging)
    ids = [e.record_id for e in result["items"] if e.record_id]
    versions = {
        str(pk): version
        for pk, version in ProgressRecord.objects.filter(pk__in=ids).values_list("pk", "version")
    }
    _record_viewed(user, case, access.case_basis(user, case), request, "timeline", ids=ids)
    result["items"] = [timeline_entry_out(e, versions) for e in result["items"]]
    return result


@router.post(
    f"{CASE}/records",
    response={201: RecordOut, **_ERRORS},
    url_name="record_add",
    summary="支援経過記録を書く",
)
def record_add(request, case_id: UUID, payload: RecordIn):
    """ケースに関わる各機関が同じ支援経過記録に書きます。未来の日時は 422。"""
    user = request.auth
    case = _visible_case(user, case_id)
    entry = services.record_add(
        actor=user,
        case=case,
        kind=payload.kind,
        text=_text(payload.text),
        occurred_at=payload.occurred_at,
        request=request,
    )
    return Status(201, record_out(ProgressRecord.objects.select_related("agency").get(pk=entry.pk)))


@router.patch(
    "/cases/records/{uuid:record_id}",
    response={200: RecordOut, **_ERRORS},
    url_name="record_correct",
    summary="支援経過記録を訂正する",
)
def record_correct(request, record_id: UUID, payload: RecordCorrectIn):
    """記録した機関が訂正します。前の文面は履歴に残ります（R7）。version が古ければ 409
    `concurrent_edit`（changes つき）。"""
    user = request.auth
    entry = _on_visible_case(ProgressRecord.objects.select_related("case"), user, record_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "text" in fields:
        fields["text"] = _text(fields["text"])
    entry = services.record_correct(
        actor=user, entry=entry, version=payload.version, request=request, **fields
    )
    return record_out(ProgressRecord.objects.select_related("agency").get(pk=entry.pk))


# --- closure, suspension, reopening (R5) ---------------------------------------------------


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
    user = request.auth
    case = _visible_case(user, case_id)
    errors = {}
    meeting = _case_meeting(case, payload.meeting_id, errors=errors)
    _raise(errors)
    services.case_close(
        actor=user, case=case, version=payload.version, meeting=meeting,
        evaluation=_text(payload.evaluation), request=request,
    )  # fmt: skip
    return _case_out(user, case.pk)


@router.post(
    f"{CASE}/suspend",
    response={200: CaseOut, **_ERRORS},
    url_name="case_suspend",
    summary="ケースを中断する",
)
def case_suspend(request, case_id: UUID, payload: SuspendIn):
    """中断は、目的が「中断の判断」の重層的支援会議で決めます（R5）。中断の理由は必須です。"""
    user = request.auth
    case = _visible_case(user, case_id)
    errors = {}
    meeting = _case_meeting(case, payload.meeting_id, errors=errors)
    _raise(errors)
    services.case_suspend(
        actor=user, case=case, version=payload.version, meeting=meeting,
        reason=_text(payload.reason), request=request,
    )  # fmt: skip
    return _case_out(user, case.pk)


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
