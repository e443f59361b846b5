"""Who saw what, over HTTP: the audit trail of one case for the coordinating division."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Query, Router, Schema

from yorisoi import access
from yorisoi.access.bases import BASIS_COORDINATOR, BASIS_LABELS
from yorisoi.http.errors import ErrorOut, one_or_404
from yorisoi.http.paging import PageQuery, page_of

from .log import record
from .selectors import case_trail

router = Router(tags=["監査"])


class TrailEventOut(Schema):
    at: datetime
    actor: str | None = Field(description="利用者名（ユーザー名）")
    actor_agency: str | None = Field(description="所属機関のコード")
    action: str
    target_type: str
    target_id: str
    basis: str = Field(description="根拠のコード（own_agency, consent, art106_6_meeting …）")
    basis_label: str
    channel: str


class TrailPageOut(Schema):
    items: list[TrailEventOut]
    count: int
    page: int
    page_size: int


@router.get(
    "/cases/{case_id}/access-log",
    response={200: TrailPageOut, 404: ErrorOut},
    url_name="case_access_log",
    summary="ケースの閲覧・操作の記録（福祉総務課のみ）",
)
def case_access_log(request, case_id: UUID, paging: Query[PageQuery]):
    """このケースと本人・世帯・会議・同意・アセスメント・支援プランを、だれが・いつ・どの根拠で
    見たり変更したりしたか。開示請求への回答に使います。福祉総務課のほかは 403（ほかの役割の画面にはありません）。"""
    user = request.auth
    case = one_or_404(access.visible_cases(user), pk=case_id)
    page = page_of(case_trail(case), paging)
    page["items"] = [
        {
            "at": e.at,
            "actor": e.actor.username if e.actor else None,
            "actor_agency": e.actor_agency.code if e.actor_agency else None,
            "action": e.action,
            "target_type": e.target_type,
            "target_id": e.target_id,
            "basis": e.basis,
            "basis_label": str(BASIS_LABELS.get(e.basis, e.basis)),
            "channel": e.channel,
        }
        for e in page["items"]
    ]
    record("case.access_log_viewed", actor=user, target=case, basis=BASIS_COORDINATOR,
           request=request)  # fmt: skip
    return page
