"""The progress record (支援経過記録) over HTTP: the timeline, writing a record, correcting one's own (R7)."""

from uuid import UUID

from django.http import Http404
from ninja import Query, Status

from yorisoi import access
from yorisoi.http.errors import ErrorOut, one_or_404
from yorisoi.http.paging import PageQuery, page_of

from .. import selectors, services
from ..models import (
    ProgressRecord,
)
from .base import _ERRORS, CASE, _record_viewed, _text, _visible_case, router
from .builders import record_out, timeline_entry_out
from .schemas import (
    ConsultationRecordIn,
    RecordCorrectIn,
    RecordIn,
    RecordOut,
    RecordPageOut,
    TimelinePageOut,
    TimelineQuery,
)

CONSULTATION = "/consultations/{uuid:consultation_id}"


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
    """記録した機関が訂正します。ケースの記録も相談の記録も同じです。前の文面は履歴に残ります
    （R7）。見られない記録は 404、記録した機関でなければ 403、version が古ければ 409
    `concurrent_edit`（changes つき）。"""
    user = request.auth
    entry = access.correctable_record(user, record_id)
    if entry is None:
        raise Http404
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "text" in fields:
        fields["text"] = _text(fields["text"])
    entry = services.record_correct(
        actor=user, entry=entry, version=payload.version, request=request, **fields
    )
    return record_out(ProgressRecord.objects.select_related("agency").get(pk=entry.pk))


# --- 支援経過記録 on a consultation (the same ProgressRecord and service as a case's) --------


def _visible_consultation(user, consultation_id):
    return one_or_404(access.visible_consultations(user), pk=consultation_id)


@router.get(
    f"{CONSULTATION}/records",
    response={200: RecordPageOut, 404: ErrorOut},
    url_name="consultation_record_list",
    summary="相談の支援経過記録",
    tags=["包括的相談支援"],
)
def consultation_record_list(request, consultation_id: UUID, paging: Query[PageQuery]):
    """相談の支援経過記録（新しい順）。相談を見られる人だけが読めます。見られない相談は 404。
    閲覧は監査ログ（consultation.records_viewed、閲覧の根拠つき）に記録されます。"""
    user = request.auth
    consultation = _visible_consultation(user, consultation_id)
    rows = (
        access.visible_consultation_records(user)
        .filter(consultation_id=consultation.pk)
        .select_related("agency", "author")
        .order_by("-occurred_at", "-created_at")
    )
    result = page_of(rows, paging)
    services.consultation_records_read(
        actor=user, consultation=consultation, ids=[r.pk for r in result["items"]], request=request
    )
    result["items"] = [record_out(r) for r in result["items"]]
    return result


@router.post(
    f"{CONSULTATION}/records",
    response={201: RecordOut, **_ERRORS},
    url_name="consultation_record_add",
    summary="相談の経過を記録する",
    tags=["包括的相談支援"],
)
def consultation_record_add(request, consultation_id: UUID, payload: ConsultationRecordIn):
    """担当機関が連絡・訪問などの経過を記録し、次の対応と予定日を決めます（R3）。予定日は
    相談の次の対応予定日になります。予定日がない・過去なら 422、終結した相談は 409 `closed`、
    担当機関でなければ 403、version が古ければ 409 `concurrent_edit`。"""
    user = request.auth
    consultation = _visible_consultation(user, consultation_id)
    entry = services.record_add(
        actor=user,
        consultation=consultation,
        version=payload.version,
        kind=payload.kind,
        text=_text(payload.text),
        occurred_at=payload.occurred_at,
        next_action=_text(payload.next_action),
        next_action_on=payload.next_action_on,
        request=request,
    )
    return Status(201, record_out(ProgressRecord.objects.select_related("agency").get(pk=entry.pk)))
