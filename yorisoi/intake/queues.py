"""R3 Someone always holds it: the consultations and referrals waiting for an agency (and for
the coordinator). The agency's whole work list adds its cases and follow-ups (front.work).

Each section is one query, whatever the number of items (list pages keep a constant number
of queries). Referral limits count office days (business_days.py).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from yorisoi import access

from .business_days import business_days_after
from .models import Consultation, Outcome, Referral, ReferralStatus
from .selectors import PASS_AROUND_DECLINES, AnswerDeadline, pending_limit, referral_deadline

DEFAULT_STALLED_DAYS = 14  # settings.YORISOI_STALLED_DAYS


def stalled_before() -> datetime:
    """Items quiet since before this moment are stalled (R3)."""
    return timezone.now() - timedelta(days=stalled_days())


def stalled_days() -> int:
    return getattr(settings, "YORISOI_STALLED_DAYS", DEFAULT_STALLED_DAYS)


def overdue_cutoff(today: date) -> datetime:
    """Referrals sent before this moment are past the pending limit today."""
    day = today
    while business_days_after(day, today) <= pending_limit():
        day -= timedelta(days=1)
    # sent on `day` or earlier → more than the limit of office days have passed
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _open(consultations):
    """Open consultations with the flag the sections need. No GROUP BY and no join, so that
    ORDER BY … LIMIT runs before anything else (bench/my_queue.py); the page fetches the
    people of the shown rows in one query (attach_people)."""
    pending = Referral.objects.filter(consultation=OuterRef("pk"), status=ReferralStatus.PENDING)
    return consultations.filter(closed_at__isnull=True).annotate(has_pending=Exists(pending))


def attach_people(consultations) -> None:
    """One query for the people of all the consultations a page shows."""
    prefetch_related_objects([c for c in consultations if c.person_id], "person")


@dataclass
class QueueItem:
    """One row of a consultation section as the policy lets the user see it (R6).

    `consultation` is None when the user may not open it: then only `outline` is shown (the
    coordinator chasing a referral between two other agencies), never a name or summary."""

    consultation: Consultation | None
    referral: Referral | None = None
    outline: access.ReferralOutline | None = None
    overdue: bool = False
    days_waiting: int | None = None  # office days a pending referral has waited for its answer
    deadline: AnswerDeadline | None = None  # a pending referral's 回答期限 (selectors)


def queue_items(user, rows_by_section: dict, *, cutoff: datetime, today: date):
    """The rows of the sections a page shows, through the policy: ({section: [QueueItem]},
    {consultation id: basis} of every consultation shown). The bases come from one query for
    the whole page; the screen and the API both list what this returns and audit its bases."""

    def consultation_id(row):
        return row.consultation_id if isinstance(row, Referral) else row.pk

    bases = access.consultation_bases(
        user, {consultation_id(row) for rows in rows_by_section.values() for row in rows}
    )
    items = {}
    for key, rows in rows_by_section.items():
        items[key] = []
        for row in rows:
            referral = row if isinstance(row, Referral) else None
            item = QueueItem(consultation=referral.consultation if referral else row)
            if referral is not None:
                item.referral = referral
                if referral.status == ReferralStatus.PENDING:
                    item.deadline = referral_deadline(referral, today=today)
                    item.days_waiting = item.deadline.office_days_waiting
                    item.overdue = item.deadline.overdue
            if consultation_id(row) not in bases:
                item.consultation, item.referral = None, None
                item.outline = access.referral_outline(user, referral) if referral else None
                if item.outline is None:
                    continue  # nothing of it may be told to this user
            items[key].append(item)
    attach_people(i.consultation for rows in items.values() for i in rows if i.consultation)
    return items, bases


def _referrals():
    return Referral.objects.select_related(
        "consultation", "consultation__person", "from_agency", "to_agency"
    )


@dataclass
class Queue:
    new: QuerySet
    holding: QuerySet
    to_answer: QuerySet
    declined_returned: QuerySet
    awaiting_answer: QuerySet
    overdue_actions: QuerySet
    stalled: QuerySet
    overdue_cutoff: datetime
    coordinator: dict = field(default_factory=dict)
    consultation_totals: dict = field(default_factory=dict)

    def total(self, name: str) -> int:
        """A section's size; the consultation sections were all counted in one query."""
        if name in self.consultation_totals:
            return self.consultation_totals[name]
        return self.sections()[name].count()

    def sections(self):
        return {
            "new": self.new,
            "holding": self.holding,
            "to_answer": self.to_answer,
            "declined_returned": self.declined_returned,
            "awaiting_answer": self.awaiting_answer,
            "overdue_actions": self.overdue_actions,
            "stalled": self.stalled,
            **self.coordinator,
        }


def agency_queue(*, user, today: date | None = None) -> Queue:
    """What waits for the user's agency. Only consultations the user may see (R6)."""
    today = today or timezone.localdate()
    agency = user.agency_id
    mine = _open(access.held_consultations(user))
    quiet_since = stalled_before()
    queue = Queue(
        new=mine.filter(outcome="", has_pending=False).order_by("received_at"),
        # What the agency holds after intake (continued here, transferred to it, escalated to
        # the coordinator): its caseload, soonest next action first (R3).
        holding=mine.exclude(outcome="").filter(has_pending=False).order_by("next_action_on"),
        to_answer=_referrals()
        .filter(to_agency_id=agency, status=ReferralStatus.PENDING)
        .order_by("sent_at"),
        declined_returned=_referrals()
        .filter(
            from_agency_id=agency,
            status=ReferralStatus.DECLINED,
            sender_acknowledged_at__isnull=True,
        )
        .order_by("answered_at"),
        awaiting_answer=_referrals()
        .filter(from_agency_id=agency, status=ReferralStatus.PENDING)
        .order_by("sent_at"),
        overdue_actions=mine.filter(next_action_on__lt=today).order_by("next_action_on"),
        stalled=mine.filter(last_activity_at__lt=quiet_since).order_by("last_activity_at"),
        overdue_cutoff=overdue_cutoff(today),
    )
    coordinator = access.is_coordinator(user)
    filters = {
        "new": Q(outcome="", has_pending=False),
        "holding": ~Q(outcome="") & Q(has_pending=False),
        "overdue_actions": Q(next_action_on__lt=today),
        "stalled": Q(last_activity_at__lt=quiet_since),
    }
    if coordinator:
        filters["escalations"] = Q(outcome=Outcome.ESCALATED, has_pending=False)
    queue.consultation_totals = mine.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in filters.items()}
    )
    if coordinator:
        passed_around = (
            Referral.objects.filter(status=ReferralStatus.DECLINED)
            .values("consultation")
            .annotate(n=Count("pk"))
            .filter(n__gte=PASS_AROUND_DECLINES)
            .values("consultation")
        )
        queue.coordinator = {
            "escalations": mine.filter(outcome=Outcome.ESCALATED, has_pending=False).order_by(
                "outcome_at"
            ),
            "all_declines": _referrals()
            .filter(status=ReferralStatus.DECLINED, coordinator_acknowledged_at__isnull=True)
            .order_by("answered_at"),
            "overdue_referrals": _referrals()
            .filter(status=ReferralStatus.PENDING, sent_at__lt=queue.overdue_cutoff)
            .order_by("sent_at"),
            "pass_around": _open(Consultation.objects.filter(pk__in=passed_around)).order_by(
                "received_at"
            ),
        }
    return queue
