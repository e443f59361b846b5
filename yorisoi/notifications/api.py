"""In-app notifications over HTTP: the same list and "mark read" as the お知らせ screen. A
notification carries a kind and ids only; what it points to opens only to those who may read
it (the consultation, referral, meeting or participation need routes check access themselves)."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Query, Router, Schema

from yorisoi.http.paging import PageQuery, page_of
from yorisoi.http.validation import RowId

from . import selectors, services

router = Router(tags=["お知らせ"])


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="referral_received, referral_declined, referral_overdue, "
                      "escalation_received, meeting_invited, action_item_assigned, "
                      "follow_up_due")  # fmt: skip
    kind_label: str
    consultation_id: UUID | None = Field(
        description="開ける相談のときだけ。ほかの機関どうしのつなぎの期限切れでは null"
    )
    referral_id: UUID | None
    meeting_id: UUID | None
    follow_up_id: UUID | None = Field(description="follow_up_due のときのフォローアップ")
    participation_need_id: UUID | None = Field(
        description="follow_up_due のとき、参加支援のニーズ（/participation/needs/{need_id}）"
    )
    created_at: datetime
    read_at: datetime | None


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    count: int
    page: int
    page_size: int


class NotificationFilter(PageQuery):
    unread: bool = Field(False, description="true なら未読だけ")


class MarkReadIn(Schema):
    ids: list[RowId] = Field(description="既読にするお知らせのID")


class MarkReadOut(Schema):
    marked: int = Field(description="既読にした件数（すでに既読・他人のものは数えない）")


@router.get(
    "/notifications",
    response={200: NotificationPageOut},
    url_name="notification_list",
    summary="自分宛てのお知らせ",
)
def notification_list(request, query: Query[NotificationFilter]):
    """新しい順。"""
    notifications = request.auth.notifications.select_related("follow_up__placement")
    if query.unread:
        notifications = notifications.filter(read_at__isnull=True)
    page = page_of(notifications, query)
    page["items"] = selectors.notifications_page(request.auth, page["items"])
    page["items"] = [
        {
            "id": n.pk,
            "kind": n.kind,
            "kind_label": str(n.get_kind_display()),
            "consultation_id": n.consultation_id if n.opens_consultation else None,
            "referral_id": n.referral_id,
            "meeting_id": n.meeting_id,
            "follow_up_id": n.follow_up_id,
            "participation_need_id": n.follow_up.placement.need_id if n.follow_up_id else None,
            "created_at": n.created_at,
            "read_at": n.read_at,
        }
        for n in page["items"]
    ]
    return page


@router.post(
    "/notifications/read",
    response={200: MarkReadOut},
    url_name="notification_mark_read",
    summary="お知らせを既読にする",
)
def notification_mark_read(request, payload: MarkReadIn):
    return {"marked": services.mark_read(user=request.auth, notification_ids=payload.ids)}
