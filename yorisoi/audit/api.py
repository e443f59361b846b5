"""Who saw what, over HTTP: the audit trail of one case, and the whole trail by person, user and
day (the screen's selector), for the coordinating division."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Query, Router, Schema

from yorisoi import access
from yorisoi.access.bases import BASIS_COORDINATOR, BASIS_LABELS
from yorisoi.http.errors import ErrorOut, one_or_404
from yorisoi.http.paging import PageQuery, WindowOut, page_of, window_page_of

from .log import record
from .selectors import case_trail, readable, trail_lines

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


class TrailFilterQuery(Schema):
    person: UUID | None = Field(None, description="本人のID（この本人に関する記録だけ）")
    user: int | None = Field(None, ge=1, le=2**31 - 1, description="利用者のID")
    since: date | None = Field(None, description="開始日（この日を含む）")
    until: date | None = Field(None, description="終了日（この日を含む）")


class TrailLineOut(Schema):
    day: date
    first_at: datetime
    last_at: datetime
    times: int = Field(description="同じ日・同じ利用者・同じ記録・同じ根拠の回数")
    actor: str
    agency: str
    action: str
    action_label: str
    target_type: str
    record: str = Field(description="対象（本人の絞り込みでは、ほかの本人のIDは出しません）")
    basis: str
    basis_label: str


class TrailLinesOut(WindowOut):
    """数えずに返す一覧（issue 16: 監査ログは毎日増えます）。全件数は最後のページでだけ分かります。"""

    items: list[TrailLineOut]


@router.get(
    "/audit/trail",
    response={200: TrailLinesOut, 404: ErrorOut},
    url_name="audit_trail",
    summary="閲覧・操作の記録（日ごと・利用者ごと。福祉総務課のみ）",
)
def audit_trail(request, filters: Query[TrailFilterQuery], paging: Query[PageQuery]):
    """監査ログを日ごと・利用者ごとにまとめたもの（画面と同じ集計）。同じ日に同じ記録を同じ根拠で
    何度も開いたときは1行で、回数を示します。`person` で本人に関する記録（本人の記録、本人が
    表示された一覧・検索、本人の世帯・相談・ケース）に絞ります。見えない本人は 404。"""
    user = request.auth
    person = None
    if filters.person is not None:
        person = one_or_404(access.visible_people(user), pk=filters.person)
    lines = trail_lines(person=person, actor_id=filters.user, since=filters.since,
                        until=filters.until)  # fmt: skip
    page = window_page_of(lines, paging)
    page["items"] = [vars(line) for line in readable(page["items"], person=person)]
    record(
        "audit.trail_viewed",
        actor=user,
        target=person,
        basis=BASIS_COORDINATOR,
        request=request,
        data={
            "actor": filters.user,
            "since": filters.since.isoformat() if filters.since else None,
            "until": filters.until.isoformat() if filters.until else None,
        },
    )
    return page
