"""今日やること: the user's one work list (R3), read from the work-item table.

Each row once, ranked by due date then urgency; tabs filter it, their counts come from one
aggregate query; a page of rows is shown through the policy (R6): the person's name only where
the user may open the record (access.consultation_bases / case_bases / participation_bases /
person_bases), else the outline the policy allows (access.referral_outline), and the bases
of a page are returned for the audit trail. The screen (front.views.today) and the API
(GET /api/v1/today) both call `today_list`. A constant number of queries per page.

What depends on the clock is computed here, from stored dates: overdue by N days, answer due
in N office days (R2, business_days), stalled (R3).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from yorisoi import access
from yorisoi.accounts.models import User
from yorisoi.cases.models import ActionItem, Meeting
from yorisoi.directory.models import Agency
from yorisoi.intake import queues
from yorisoi.intake.business_days import business_days_after
from yorisoi.intake.selectors import pending_limit
from yorisoi.participation.models import Placement

from .models import Kind, WorkItem

PAGE_SIZE = 25
SUMMARY_LENGTH = 40

# Tab → (label, which rows). Every user's tabs first, then the coordinating division's.
TABS = {
    "all": gettext_lazy("すべて"),
    "overdue": gettext_lazy("期限切れ"),
    "new": gettext_lazy("新規"),
    "referrals": gettext_lazy("つなぎ回答"),
    "cases": gettext_lazy("ケース"),
    "follow_ups": gettext_lazy("フォローアップ"),
    "meetings": gettext_lazy("会議"),
    "stalled": gettext_lazy("停滞"),
}
COORDINATOR_TABS = {
    "escalations": gettext_lazy("エスカレーション"),
    "declines": gettext_lazy("受け入れできない"),
    "pass_around": gettext_lazy("たらいまわしの恐れ"),
}
COORDINATOR_KINDS = {
    Kind.ESCALATION,
    Kind.DECLINE_TO_ACKNOWLEDGE,
    Kind.OVERDUE_REFERRAL,
    Kind.PASS_AROUND,
}
SCOPES = ("agency", "mine")  # 機関全体 / 自分の担当


def _tab_filters(today: date) -> dict:
    return {
        "all": Q(),
        "overdue": Q(due_on__lt=today),
        "new": Q(kind=Kind.NEW),
        "referrals": Q(kind__in=[Kind.TO_ANSWER, Kind.DECLINED_RETURNED, Kind.AWAITING_ANSWER]),
        "cases": Q(kind=Kind.CASE_ACTION),
        "follow_ups": Q(kind=Kind.FOLLOW_UP),
        "meetings": Q(kind__in=[Kind.MEETING, Kind.PLEDGE, Kind.ACTION_ITEM]),
        "stalled": Q(last_activity_at__lt=queues.stalled_before()),
        "escalations": Q(kind=Kind.ESCALATION),
        "declines": Q(kind=Kind.DECLINE_TO_ACKNOWLEDGE),
        "pass_around": Q(kind=Kind.PASS_AROUND),
    }


def has_work_list(user) -> bool:
    """Caseworkers of an agency have one; administrators, analysts and 民生委員 do not."""
    return access.reads_people(user)


def tabs_for(user) -> dict:
    return {**TABS, **COORDINATOR_TABS} if access.is_coordinator(user) else dict(TABS)


# The list opens on the user's own: what they hold and what nobody holds yet (issue 14).
DEFAULT_SCOPE = "mine"


def work_items(user, *, scope: str = "agency", today: date | None = None):
    """The rows that wait for the user: their agency's, or with scope "mine" those whose 担当者
    they are and those nobody holds yet (a referral to answer, the coordinator's rows), which
    someone at the agency must take up."""
    if not has_work_list(user):
        return WorkItem.objects.none()
    today = today or timezone.localdate()
    # A case whose next action is still ahead shows once it is due, or once it stalls (R3).
    rows = WorkItem.objects.filter(agency_id=user.agency_id).filter(
        Q(shows_from__isnull=True)
        | Q(shows_from__lte=today)
        | Q(kind=Kind.CASE_ACTION, last_activity_at__lt=queues.stalled_before())
    )
    if not access.is_coordinator(user):
        rows = rows.filter(coordinator_only=False)
    if scope == "mine":
        rows = rows.filter(Q(staff_id=user.pk) | Q(staff_id__isnull=True))
    return rows


def due_count(user, today: date | None = None) -> int:
    """For the menu's badge: what is due today or overdue. One indexed query; none for users
    without a work list."""
    if not has_work_list(user):
        return 0
    today = today or timezone.localdate()
    return work_items(user, scope=DEFAULT_SCOPE, today=today).filter(due_on__lte=today).count()


def tab_counts(user, *, scope: str = DEFAULT_SCOPE, today: date | None = None) -> dict:
    """{tab: how many rows} of the user's list, in one aggregate query: the tabs' counts on
    the home page, and the daily digest (front.tasks)."""
    today = today or timezone.localdate()
    filters = _tab_filters(today)
    rows = work_items(user, scope=scope, today=today)
    return rows.aggregate(**{key: Count("pk", filter=filters[key]) for key in tabs_for(user)})


@dataclass
class TodayItem:
    """One line: who, what, why now — as far as the policy lets this user know (R6)."""

    id: int
    kind: str
    what: str
    who: str  # a name only where the user may open the record, else agencies / a number
    url: str | None
    why: str
    due_on: date
    overdue_days: int
    urgency: str
    stalled: bool
    staff: str
    consultation_id: object = None
    referral_id: object = None
    case_id: object = None
    need_id: object = None
    meeting_id: object = None
    outline: bool = False  # the user may not open the record: only the outline is shown
    summary: str = ""  # the first words of the consultation, where the user may open it


@dataclass
class TodayList:
    tab: str
    scope: str
    tabs: list  # [(key, label, count)]
    items: list[TodayItem]
    count: int
    page: int
    pages: int
    page_size: int
    bases: dict = field(default_factory=dict)  # {"consultation": {id: basis}, "case": …, "need": …}

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages


URGENCY_LABELS = {0: gettext_lazy("緊急"), 1: gettext_lazy("早めの対応が必要"), 2: ""}


def today_list(
    user, *, tab: str = "all", scope: str = DEFAULT_SCOPE, page: int = 1, page_size: int = PAGE_SIZE,
    today: date | None = None,
) -> TodayList:  # fmt: skip
    """One page of the user's list. An unknown tab or scope is refused (ValueError)."""
    today = today or timezone.localdate()
    tabs = tabs_for(user)
    if tab not in tabs or scope not in SCOPES:
        raise ValueError(tab)
    filters = _tab_filters(today)
    rows = work_items(user, scope=scope, today=today)
    counts = tab_counts(user, scope=scope, today=today)
    count = counts[tab]
    pages = max(1, -(-count // page_size))
    page = min(max(1, page), pages)
    offset = (page - 1) * page_size
    # Three relations are joined; the others are loaded by id for the page's rows (_attach): a
    # dozen outer joins cost PostgreSQL ~30 ms to plan (7 joins: ~8 ms) for a query that runs
    # in ~1 ms (bench/today.py --profile).
    chosen = list(
        rows.filter(filters[tab])
        .select_related("consultation__person", "referral", "case")
        .order_by("due_on", "urgency", "pk")[offset : offset + page_size]
    )
    _attach_related(chosen)
    items, bases = _present(user, chosen, today)
    return TodayList(
        tab=tab,
        scope=scope,
        tabs=[(key, label, counts[key]) for key, label in tabs.items()],
        items=items,
        count=count,
        page=page,
        pages=pages,
        page_size=page_size,
        bases=bases,
    )


def _attach(objects, field, queryset) -> None:
    """Set each object's `field` (a foreign key) from one query for the ids the objects hold.
    The query runs even when they hold none (`pk IS NULL` matches nothing), so a page costs
    the same number of queries whatever kinds of rows it shows."""
    ids = {getattr(o, f"{field}_id") for o in objects} - {None}
    found = {x.pk: x for x in queryset.filter(Q(pk__in=ids) | Q(pk__isnull=True))}
    for o in objects:
        key = getattr(o, f"{field}_id")
        if key is not None:
            setattr(o, field, found[key])


def _attach_related(rows) -> None:
    """What a page's lines name beyond the joined relations: one query each (5 per page)."""
    referrals = [r.referral for r in rows if r.referral_id]
    agency_ids = {a for r in referrals for a in (r.from_agency_id, r.to_agency_id)}
    agencies = {a.pk: a for a in Agency.objects.filter(Q(pk__in=agency_ids) | Q(pk__isnull=True))}
    for r in referrals:
        r.from_agency, r.to_agency = agencies[r.from_agency_id], agencies[r.to_agency_id]
    _attach(rows, "staff", User.objects.all())
    _attach(rows, "action_item", ActionItem.objects.all())
    _attach(rows, "meeting", Meeting.objects.select_related("kind"))
    placements = Placement.objects.select_related("need__person", "service")
    _attach(rows, "placement", placements)


def _present(user, rows, today):
    """The page's rows through the policy: one query per kind of record for the bases."""
    consultations = access.consultation_bases(
        user, {r.consultation_id for r in rows if r.consultation_id}
    )
    cases = access.case_bases(user, {r.case_id for r in rows if r.case_id})
    need_ids = {r.placement.need_id for r in rows if r.placement_id}
    needs = access.participation_bases(user, need_ids)
    people = access.person_bases(
        user,
        {
            r.placement.need.person_id
            for r in rows
            if r.placement_id and r.placement.need_id in needs
        },
    )
    quiet_since = queues.stalled_before()
    items = []
    for row in rows:
        item = _item(user, row, today, consultations, cases, needs, people)
        if item is None:
            continue  # nothing of it may be told to this user
        item.stalled = bool(row.last_activity_at and row.last_activity_at < quiet_since)
        items.append(item)
    bases = {"consultation": consultations, "case": cases, "need": needs}
    return items, bases


def _why(row, today) -> tuple[str, int]:
    """Why now, and the days overdue (0 when not overdue)."""
    overdue = (today - row.due_on).days if row.due_on < today else 0
    if row.kind == Kind.PLEDGE:
        return _("誓約書の署名"), overdue
    if row.kind == Kind.MEETING:
        return _("会議 %(day)s") % {"day": row.due_on.strftime("%m/%d")}, 0
    if row.kind in (Kind.DECLINED_RETURNED, Kind.DECLINE_TO_ACKNOWLEDGE):
        return _("受け入れできないと回答がありました"), 0
    if row.kind == Kind.PASS_AROUND:
        return _("受け入れできないが2回以上"), 0
    if overdue:
        return ngettext("%(days)s日超過", "%(days)s日超過", overdue) % {"days": overdue}, overdue
    if row.due_on == today:
        return _("今日が期限"), 0
    if row.kind == Kind.TO_ANSWER and row.referral_id:
        sent_on = timezone.localtime(row.referral.sent_at).date()
        left = max(0, pending_limit() - business_days_after(sent_on, today))
        text = ngettext(
            "新しいつなぎ・回答期限まであと%(days)s開庁日",
            "新しいつなぎ・回答期限まであと%(days)s開庁日",
            left,
        )
        return text % {"days": left}, 0
    if row.kind == Kind.AWAITING_ANSWER:
        return _("回答待ち"), 0
    if row.kind == Kind.NEW:
        return _("新しい相談"), 0
    if row.kind == Kind.FOLLOW_UP:
        return _("フォローアップ"), 0
    return _("%(day)sまで") % {"day": row.due_on.strftime("%m/%d")}, 0


def _item(user, row, today, consultations, cases, needs, people) -> TodayItem | None:
    why, overdue = _why(row, today)
    item = TodayItem(
        id=row.pk,
        kind=row.kind,
        what=row.get_kind_display(),
        who="",
        url=None,
        why=why,
        due_on=row.due_on,
        overdue_days=overdue,
        urgency=str(URGENCY_LABELS.get(row.urgency, "")),
        stalled=False,
        staff=str(row.staff) if row.staff_id else "",
    )
    if row.consultation_id:
        r = row.referral
        if row.consultation_id in consultations:
            c = row.consultation
            item.who = c.person.full_name if c.person_id else c.subject_note[:30]
            item.url = reverse("intake:consultation_detail", args=[c.pk])
            item.consultation_id, item.referral_id = c.pk, row.referral_id
            item.summary = c.summary[:SUMMARY_LENGTH]
            if r is not None:
                item.what += f"（{r.from_agency} → {r.to_agency}）"
                if r.status == "declined":
                    item.what += _("　理由: %(reason)s") % {"reason": r.decline_reason[:40]}
            return item
        outline = access.referral_outline(user, r) if r is not None else None
        if outline is None:
            return None
        item.outline, item.referral_id = True, outline.id
        item.who = f"{outline.from_agency} → {outline.to_agency}"
        item.what += _("（%(status)s、送付 %(day)s）") % {
            "status": outline.status_display,
            "day": timezone.localtime(outline.sent_at).strftime("%Y-%m-%d"),
        }
        return item
    if row.case_id:
        item.case_id = row.case_id if row.case_id in cases else None
        if row.meeting_id:
            item.what += f"（{row.meeting.kind.name}）"
        if row.action_item_id and row.case_id in cases:
            item.what += f"：{row.action_item.description[:40]}"
        if row.case_id in cases:
            item.who = f"{row.case.number} {row.case.title}"
            item.url = reverse("cases:case_detail", args=[row.case_id])
        else:  # e.g. a 支援会議 before the pledge: the meeting, not the case (R5, R6)
            item.outline = True
            item.who = row.meeting.kind.name if row.meeting_id else ""
        if row.meeting_id and (row.kind != Kind.MEETING or row.case_id not in cases):
            item.meeting_id = row.meeting_id
            item.url = reverse("cases:meeting_detail", args=[row.meeting_id])
        return item
    if row.placement_id:
        need = row.placement.need
        if need.pk not in needs:
            return None
        item.need_id = need.pk
        item.who = need.person.full_name if need.person_id in people else _("参加支援のニーズ")
        item.url = reverse("participation:need_detail", args=[need.pk])
        item.what += f"（{row.placement.service.name}）"
        return item
    return None
