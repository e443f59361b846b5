"""What a source record asks of whom, from its current state: one pure function per source kind.

Each function takes the record and the related rows it needs (already loaded) and returns the
work items as `Row`s; it reads nothing else and writes nothing. The services keep the table
with them (refresh.py) and `rebuild_work_items` recomputes it with the very same functions.

One row per source and agency: when a record waits for an agency for several reasons, the
most pressing one is kept (PRESSING), so the today list shows each thing once.
"""

from datetime import date
from typing import NamedTuple

from django.utils import timezone

from yorisoi.intake.business_days import add_business_days
from yorisoi.intake.selectors import PASS_AROUND_DECLINES

from .models import NORMAL_RANK, URGENCY_RANK, Kind

# Strings of the sources' choices (intake/cases/participation models). Compared as values so
# that a migration can run these functions over its historical models.
PENDING, DECLINED = "pending", "declined"
ESCALATED = "escalated"
ACTIVE_CASE = {"intake", "assessment", "planning", "support", "review"}
SCHEDULED = "scheduled"
SUPPORT_MEETING = "support_meeting"
OPEN_FOLLOW_UP = "open"

# Most pressing first: for one source and one agency only the first reason becomes a row.
PRESSING = [
    Kind.DECLINED_RETURNED,
    Kind.TO_ANSWER,
    Kind.ESCALATION,
    Kind.NEW,
    Kind.HELD,
    Kind.AWAITING_ANSWER,
    Kind.PASS_AROUND,
    Kind.DECLINE_TO_ACKNOWLEDGE,
    Kind.OVERDUE_REFERRAL,
    Kind.PLEDGE,
    Kind.MEETING,
]


class Row(NamedTuple):
    kind: str
    agency_id: object
    due_on: date
    coordinator_only: bool = False
    staff_id: object = None
    shows_from: date | None = None
    urgency: int = NORMAL_RANK
    last_activity_at: object = None
    consultation_id: object = None
    referral_id: object = None
    case_id: object = None
    action_item_id: object = None
    meeting_id: object = None
    participant_id: object = None
    placement_id: object = None
    follow_up_id: object = None


FIELDS = Row._fields


def _day(moment) -> date:
    return timezone.localtime(moment).date()


def answer_due(sent_at, pending_limit: int) -> date:
    """R2: the answer deadline, the last office day of the limit: the date the screens and the
    API show as 回答期限 (intake.selectors.referral_deadline computes it the same way)."""
    return add_business_days(_day(sent_at), pending_limit)


def overdue_from(sent_at, pending_limit: int) -> date:
    """The first day a pending referral counts as overdue: more than `pending_limit` office days
    have passed since it was sent (queues.overdue_cutoff)."""
    return add_business_days(_day(sent_at), pending_limit + 1)


def _most_pressing(rows: list[Row]) -> list[Row]:
    """One row per agency (and per coordinator audience): the most pressing reason."""
    chosen: dict = {}
    for row in sorted(rows, key=lambda r: PRESSING.index(r.kind)):
        chosen.setdefault(row.agency_id, row)
    return list(chosen.values())


def consultation_rows(
    consultation, referrals, *, coordinating_agency_id, pending_limit: int
) -> list[Row]:
    """R1/R2/R3 for a consultation and its referrals: who must decide it, hold it, answer or
    acknowledge its referrals; the coordinator's escalations, declines, overdue referrals and
    たらいまわし risk. An agency's own reason wins over the coordinator's for the same agency."""
    c = consultation
    common = {
        "urgency": URGENCY_RANK.get(c.urgency, NORMAL_RANK),
        "last_activity_at": c.last_activity_at,
        "consultation_id": c.pk,
    }
    is_open = c.closed_at is None
    referrals = sorted(referrals, key=lambda r: r.sent_at)
    pending = next((r for r in referrals if r.status == PENDING), None)
    declined = [r for r in referrals if r.status == DECLINED]
    own: list[Row] = []
    if is_open and pending is None:
        if c.outcome == "":
            kind = Kind.NEW
        elif c.outcome == ESCALATED and c.responsible_agency_id == coordinating_agency_id:
            kind = Kind.ESCALATION
        else:
            kind = Kind.HELD
        own.append(Row(kind, c.responsible_agency_id, c.next_action_on, **common))
    if pending is not None:
        due = answer_due(pending.sent_at, pending_limit)
        for kind, agency in ((Kind.TO_ANSWER, pending.to_agency_id),
                             (Kind.AWAITING_ANSWER, pending.from_agency_id)):  # fmt: skip
            own.append(Row(kind, agency, due, referral_id=pending.pk, **common))
    for r in declined:
        if r.sender_acknowledged_at is None:
            own.append(
                Row(Kind.DECLINED_RETURNED, r.from_agency_id, _day(r.answered_at),
                    referral_id=r.pk, **common)
            )  # fmt: skip
    # The responsible agency's rows name its 担当者 (R3: the holder), so that 自分の担当 finds them.
    rows = [
        r._replace(staff_id=c.holder_id) if r.agency_id == c.responsible_agency_id else r
        for r in _most_pressing(own)
    ]
    if coordinating_agency_id is None or any(r.agency_id == coordinating_agency_id for r in rows):
        return rows
    coordinator: list[Row] = []
    for r in declined:
        if r.coordinator_acknowledged_at is None:
            coordinator.append(
                Row(Kind.DECLINE_TO_ACKNOWLEDGE, coordinating_agency_id, _day(r.answered_at),
                    True, referral_id=r.pk, **common)
            )  # fmt: skip
    if is_open and len(declined) >= PASS_AROUND_DECLINES:
        coordinator.append(
            Row(Kind.PASS_AROUND, coordinating_agency_id, c.next_action_on, True, **common)
        )
    if pending is not None:
        coordinator.append(
            Row(Kind.OVERDUE_REFERRAL, coordinating_agency_id,
                answer_due(pending.sent_at, pending_limit), True,
                shows_from=overdue_from(pending.sent_at, pending_limit),
                referral_id=pending.pk, **common)
        )  # fmt: skip
    return rows + _most_pressing(coordinator)


def case_rows(case, action_items, participants, staff_by_agency=None) -> list[Row]:
    """R3 for a collaborative case: the lead agency's next action while the case is active; the
    open action items its meetings gave to agencies; for each participant with an account, the
    meeting to attend, or first the confidentiality pledge to sign (R5, 社会福祉法106条の6).
    `participants` come with their meeting and user loaded. `staff_by_agency` names, per
    involved agency, the 担当職員 its active involvement has: the lead's next action and an
    agency's action items are theirs."""
    if case.status not in ACTIVE_CASE:
        return []
    staff = staff_by_agency or {}
    common = {"last_activity_at": case.last_activity_at, "case_id": case.pk}
    rows = [
        Row(Kind.CASE_ACTION, case.lead_agency_id, case.next_action_on,
            shows_from=case.next_action_on, staff_id=staff.get(case.lead_agency_id), **common)
    ]  # fmt: skip
    for item in action_items:
        if item.done_at is None:
            rows.append(
                Row(Kind.ACTION_ITEM, item.owner_agency_id, item.due_on,
                    staff_id=staff.get(item.owner_agency_id), action_item_id=item.pk,
                    meeting_id=item.meeting_id, **common)
            )  # fmt: skip
    for p in participants:
        meeting = p.meeting
        if p.user_id is None:
            continue
        pledge = (
            meeting.kind.legal_type == SUPPORT_MEETING
            and p.pledged_at is None
            and meeting.sharing_ended_at is None
        )
        if pledge or meeting.status == SCHEDULED:
            rows.append(
                Row(Kind.PLEDGE if pledge else Kind.MEETING, p.user.agency_id,
                    _day(meeting.held_at), staff_id=p.user_id, meeting_id=meeting.pk,
                    participant_id=p.pk, **common)
            )  # fmt: skip
    return rows


def placement_rows(placement, need, follow_ups) -> list[Row]:
    """R8: each open follow-up of a placement, for the agency holding the need, from its day."""
    return [
        Row(Kind.FOLLOW_UP, need.responsible_agency_id, f.due_on, shows_from=f.due_on,
            placement_id=placement.pk, follow_up_id=f.pk)
        for f in follow_ups
        if f.status == OPEN_FOLLOW_UP
    ]  # fmt: skip
