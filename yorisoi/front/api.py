"""The agency's work list over HTTP. `GET /api/v1/today` is the home page's list (今日やること,
yorisoi.work); `GET /api/v1/queue`, the sections of the earlier queue screen (front.work,
intake.queues), stays for integrations moving over and is marked deprecated in the OpenAPI."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from yorisoi import access
from yorisoi.audit.log import record_reads
from yorisoi.http.errors import ErrorOut
from yorisoi.intake import queues
from yorisoi.intake.models import Consultation, Referral
from yorisoi.work import selectors as work_selectors

from .work import work_list

router = Router(tags=["受付・つなぎ"])

QUEUE_SUMMARY_LENGTH = 60


def _short(text: str) -> str:
    return text[:QUEUE_SUMMARY_LENGTH]


class QueueConsultationOut(Schema):
    id: UUID
    received_at: datetime
    summary: str = Field(description=f"相談内容（先頭{QUEUE_SUMMARY_LENGTH}文字）")
    urgency: str
    receiving_agency: str
    responsible_agency: str
    next_action_on: date
    last_activity_at: datetime


class QueueReferralOut(Schema):
    id: UUID
    consultation_id: UUID | None = Field(
        description="相談のID。ほかの機関どうしのつなぎ（福祉総務課が期限を追うだけのもの）では null"
    )
    received_at: datetime | None = Field(description="相談の受付日時。見られない相談では null")
    summary: str | None = Field(
        description=f"相談内容（先頭{QUEUE_SUMMARY_LENGTH}文字）。見られない相談では null"
    )
    kind: str
    status: str
    from_agency: str
    to_agency: str
    sent_at: datetime
    answered_at: datetime | None
    overdue: bool = Field(description="回答期限（営業日）を過ぎて回答待ちなら true")
    days_waiting: int | None = Field(
        description="回答待ちのつなぎが送られてから過ぎた営業日数（回答済みなら null）"
    )
    answer_due_on: date | None = Field(
        description="回答待ちのつなぎの回答期限（開庁日で数えた日。回答済みなら null）"
    )


QUEUE_ITEMS = 100  # per section; `counts` has the totals


class QueueOut(Schema):
    overdue_cutoff: datetime = Field(description="この日時より前に送ったつなぎは回答期限切れ")
    counts: dict[str, int] = Field(description="区分ごとの件数（items は各区分の先頭100件まで）")
    new: list[QueueConsultationOut] = Field(description="結果が未決定の新しい相談")
    holding: list[QueueConsultationOut] = Field(
        description="受付のあと自機関が担当している相談（次の対応予定日順）"
    )
    to_answer: list[QueueReferralOut] = Field(description="自機関が回答するつなぎ")
    declined_returned: list[QueueReferralOut] = Field(
        description="受け入れできないと戻ってきたつなぎ（確認待ち）"
    )
    awaiting_answer: list[QueueReferralOut] = Field(description="相手の回答を待つつなぎ")
    overdue_actions: list[QueueConsultationOut] = Field(description="次の対応予定日を過ぎた相談")
    stalled: list[QueueConsultationOut] = Field(description="動きが止まっている相談")
    escalations: list[QueueConsultationOut] | None = Field(
        None, description="（福祉総務課のみ）多機関協働へ上がった相談"
    )
    all_declines: list[QueueReferralOut] | None = Field(
        None, description="（福祉総務課のみ）受け入れできなかったすべてのつなぎ"
    )
    overdue_referrals: list[QueueReferralOut] | None = Field(
        None, description="（福祉総務課のみ）回答期限を過ぎたつなぎ"
    )
    pass_around: list[QueueConsultationOut] | None = Field(
        None, description="（福祉総務課のみ）たらいまわしの恐れがある相談"
    )
    cases_due: list["QueueCaseOut"] = Field(
        description="自機関が主担当のケースのうち、次の対応予定日を迎えたもの・停滞しているもの"
    )
    case_actions: list["QueueActionOut"] = Field(
        description="会議で決めた対応のうち、自機関が担当で未完了のもの（見られるケースのみ）"
    )


class QueueCaseOut(Schema):
    id: UUID
    number: str
    title: str
    status: str
    next_action_on: date
    last_activity_at: datetime


class QueueActionOut(Schema):
    id: UUID
    case_id: UUID
    case_number: str
    meeting_id: UUID
    description: str
    due_on: date


QueueOut.model_rebuild()


def _queue_consultation(c: Consultation) -> dict:
    return {
        "id": c.pk,
        "received_at": c.received_at,
        "summary": _short(c.summary),
        "urgency": c.urgency,
        "receiving_agency": c.receiving_agency.code,
        "responsible_agency": c.responsible_agency.code,
        "next_action_on": c.next_action_on,
        "last_activity_at": c.last_activity_at,
    }


def _queue_referral(item: queues.QueueItem) -> dict:
    """A referral row: the consultation's received date and summary only if the user may open
    it; otherwise the outline the policy allows (access.referral_outline)."""
    r, c = item.referral or item.outline, item.consultation
    return {
        "id": r.pk if item.referral else r.id,
        "consultation_id": c.pk if c else None,
        "received_at": c.received_at if c else None,
        "summary": _short(c.summary) if c else None,
        "kind": r.kind,
        "status": r.status,
        "from_agency": r.from_agency.code,
        "to_agency": r.to_agency.code,
        "sent_at": r.sent_at,
        "answered_at": r.answered_at,
        "overdue": item.overdue,
        "days_waiting": item.days_waiting,
        "answer_due_on": item.deadline.due_on if item.deadline else None,
    }


@router.get(
    "/queue",
    response={200: QueueOut},
    url_name="queue",
    summary="自機関の対応待ち（廃止予定: GET /api/v1/today を使ってください）",
    deprecated=True,
)
def queue(request):
    """廃止予定です。画面のホーム（今日やること）と同じ一覧は GET /api/v1/today が返します
    （区分はタブ、1件は1回だけ、期限と緊急度の順）。このエンドポイントは連携先の移行のために
    残しています。

    自機関が対応するもの（新しい相談、回答するつなぎ、戻ってきたつなぎ、回答待ち、
    予定日超過、停滞）。福祉総務課にはさらに多機関協働・受け入れできなかったつなぎ・
    回答期限切れ・たらいまわしの恐れの一覧が加わります。

    相談内容は先頭60文字だけを返します。見ることのできない相談の内容は返しません。
    返した相談のIDは、読んだ根拠ごとに監査ログ（consultation.queue_viewed）に記録されます。
    福祉総務課が期限を追うだけのほかの機関どうしのつなぎは、機関・日付・状態だけを返します。
    """
    user = request.auth
    today = timezone.localdate()
    work = work_list(user=user, today=today)
    q = work.consultations
    sections = q.sections()
    rows = {name: list(queryset[:QUEUE_ITEMS]) for name, queryset in sections.items()}
    items, bases = queues.queue_items(user, rows, cutoff=q.overdue_cutoff, today=today)
    body = {"overdue_cutoff": q.overdue_cutoff, "counts": {}}
    for name, queryset in sections.items():
        body["counts"][name] = q.total(name)
        if queryset.model is Referral:
            body[name] = [_queue_referral(item) for item in items[name]]
        else:
            body[name] = [_queue_consultation(item.consultation) for item in items[name]]
    due = list(work.cases["cases_due"][:QUEUE_ITEMS])
    actions = list(work.cases["case_actions"][:QUEUE_ITEMS])
    body["counts"]["cases_due"] = work.cases["cases_due"].count()
    body["counts"]["case_actions"] = work.cases["case_actions"].count()
    body["cases_due"] = [
        {f: getattr(c, f) for f in ("id", "number", "title", "status", "next_action_on",
                                    "last_activity_at")}
        for c in due
    ]  # fmt: skip
    body["case_actions"] = [
        {"id": a.pk, "case_id": a.case_id, "case_number": a.case.number,
         "meeting_id": a.meeting_id, "description": a.description, "due_on": a.due_on}
        for a in actions
    ]  # fmt: skip
    if due or actions:
        cases = access.case_bases(user, {c.pk for c in due} | {a.case_id for a in actions})
        record_reads("case.queue_viewed", actor=user, request=request, bases=cases)
    record_reads("consultation.queue_viewed", actor=user, request=request, bases=bases)
    return body


# --- 今日やること (work.selectors): the home page's list over HTTP ----------------------------


class TodayItemOut(Schema):
    id: int = Field(description="やることの番号（一覧の中でだけ使う）")
    kind: str = Field(description="種類（new, held, to_answer, declined_returned, …）")
    what: str = Field(description="何をするか")
    who: str = Field(
        description="誰のことか。開ける記録なら本人の氏名、開けない記録なら機関・会議名だけ"
    )
    why: str = Field(description="なぜ今か（今日が期限、N日超過、回答期限まであとN開庁日 …）")
    due_on: date
    overdue_days: int = Field(description="期限を過ぎた日数（過ぎていなければ 0）")
    urgency: str = Field(description="緊急度（通常なら空）")
    stalled: bool = Field(description="動きが止まっている（停滞）なら true")
    staff: str = Field(description="担当者（未定なら空）")
    outline: bool = Field(description="記録を開けず、概要だけを返すとき true")
    summary: str = Field(description="相談内容の先頭40文字（開ける相談のときだけ。ほかは空）")
    consultation_id: UUID | None = None
    referral_id: UUID | None = None
    case_id: UUID | None = None
    need_id: UUID | None = None
    meeting_id: UUID | None = None


class TodayOut(Schema):
    tab: str
    scope: str
    counts: dict[str, int] = Field(description="タブごとの件数")
    items: list[TodayItemOut]
    count: int = Field(description="選んだタブの全件数")
    page: int
    page_size: int


class TodayQuery(Schema):
    tab: Literal[
        "all", "overdue", "new", "referrals", "cases", "follow_ups", "meetings", "stalled",
        "escalations", "declines", "pass_around",
    ] = Field("all", description="絞り込み。escalations, declines, pass_around は福祉総務課だけ（ほかは404）")  # fmt: skip
    scope: Literal["agency", "mine"] = Field(
        work_selectors.DEFAULT_SCOPE,
        description="mine（既定）: 自分が担当者のものと担当者のまだいないもの、agency: 機関全体",
    )
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(work_selectors.PAGE_SIZE, ge=1, le=100)


@router.get(
    "/today",
    response={200: TodayOut, 404: ErrorOut},
    url_name="today",
    summary="今日やること",
)
def today(request, query: Query[TodayQuery]):
    """自分（または自機関）が今日やることの一覧。画面のホームと同じ並び（期限の近い順・
    緊急度の高い順）、同じタブと件数です。一つの記録は一度だけ、いちばん急ぐ理由で載ります。

    開ける記録だけ本人の氏名を返し、開けない記録（福祉総務課が期限を追うほかの機関どうしの
    つなぎなど）は機関・日付・状態だけを返します。返した記録は読んだ根拠ごとに監査ログに
    記録されます。"""
    user = request.auth
    try:
        listing = work_selectors.today_list(
            user, tab=query.tab, scope=query.scope, page=query.page, page_size=query.page_size
        )
    except ValueError:
        raise Http404 from None  # a tab this user does not have, like a missing page
    bases = listing.bases
    record_reads(
        "consultation.queue_viewed", actor=user, request=request, bases=bases["consultation"]
    )
    if bases["case"]:
        record_reads("case.queue_viewed", actor=user, request=request, bases=bases["case"])
    if bases["need"]:
        record_reads("participation.queue_viewed", actor=user, request=request, bases=bases["need"])
    return {
        "tab": listing.tab,
        "scope": listing.scope,
        "counts": {key: count for key, _label, count in listing.tabs},
        "items": [vars(item) for item in listing.items],
        "count": listing.count,
        "page": listing.page,
        "page_size": listing.page_size,
    }
