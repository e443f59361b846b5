"""The progress record (支援経過記録) over HTTP: the timeline, writing a record, correcting one's own (R7)."""

from uuid import UUID

from ninja import Query, Status

from yorisoi import access
from yorisoi.http.errors import ErrorOut
from yorisoi.http.paging import PageQuery, page_of

from .. import selectors, services
from ..models import (
    ProgressRecord,
)
from .base import _ERRORS, CASE, _on_visible_case, _record_viewed, _text, _visible_case, router
from .builders import record_out, timeline_entry_out
from .schemas import RecordCorrectIn, RecordIn, RecordOut, TimelinePageOut, TimelineQuery


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
