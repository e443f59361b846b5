"""One pure function per source kind: what a record asks of whom, from its state alone."""

from datetime import UTC, date, datetime
from types import SimpleNamespace as Obj

from yorisoi.work.derive import (
    answer_due,
    case_rows,
    consultation_rows,
    overdue_from,
    placement_rows,
)
from yorisoi.work.models import Kind

HOME, OTHER, COORD = 1, 2, 9
TODAY = date(2026, 12, 1)  # a Tuesday
NOON = datetime(2026, 12, 1, 3, tzinfo=UTC)  # 12:00 in Japan


def consultation(**fields):
    return Obj(**{
        "pk": "c1", "urgency": "normal", "last_activity_at": NOON, "closed_at": None,
        "outcome": "", "responsible_agency_id": HOME, "next_action_on": TODAY,
        "holder_id": None, **fields,
    })  # fmt: skip


def referral(**fields):
    return Obj(**{
        "pk": "r1", "status": "pending", "sent_at": NOON, "from_agency_id": HOME,
        "to_agency_id": OTHER, "answered_at": None, "sender_acknowledged_at": None,
        "coordinator_acknowledged_at": None, **fields,
    })  # fmt: skip


def rows(c, referrals=()):
    found = consultation_rows(c, list(referrals), coordinating_agency_id=COORD, pending_limit=3)
    return {(r.kind, r.agency_id) for r in found}


def test_a_new_consultation_waits_for_its_agencys_decision():
    assert rows(consultation()) == {(Kind.NEW, HOME)}


def test_a_held_consultation_waits_for_its_next_action_and_a_closed_one_for_nothing():
    assert rows(consultation(outcome="continued")) == {(Kind.HELD, HOME)}
    assert rows(consultation(outcome="resolved", closed_at=NOON)) == set()


def test_an_escalation_waits_for_the_coordinating_division():
    c = consultation(outcome="escalated", responsible_agency_id=COORD)
    assert rows(c) == {(Kind.ESCALATION, COORD)}


def test_a_pending_referral_waits_for_an_answer_and_is_awaited_by_the_sender():
    found = rows(consultation(), [referral()])
    assert (Kind.TO_ANSWER, OTHER) in found and (Kind.AWAITING_ANSWER, HOME) in found
    # … and reaches the coordinator only once it is overdue (shows_from).
    (late,) = [
        r for r in consultation_rows(consultation(), [referral()], coordinating_agency_id=COORD,
                                     pending_limit=3)
        if r.kind == Kind.OVERDUE_REFERRAL
    ]  # fmt: skip
    assert late.agency_id == COORD and late.coordinator_only
    assert (late.due_on, late.shows_from) == (date(2026, 12, 4), date(2026, 12, 7))  # Fri, Mon


def test_answer_due_counts_office_days():
    # Sent on Tuesday 1 Dec: three office days pass on Friday 4 Dec; overdue from Monday 7 Dec.
    assert answer_due(NOON, 3) == date(2026, 12, 4)
    assert overdue_from(NOON, 3) == date(2026, 12, 7)


def test_a_declined_referral_goes_back_to_the_sender_and_to_the_coordinator():
    declined = referral(status="declined", answered_at=NOON)
    assert rows(consultation(), [declined]) == {
        (Kind.DECLINED_RETURNED, HOME),  # one row: more pressing than deciding it anew
        (Kind.DECLINE_TO_ACKNOWLEDGE, COORD),
    }
    acknowledged = referral(status="declined", answered_at=NOON, sender_acknowledged_at=NOON,
                            coordinator_acknowledged_at=NOON)  # fmt: skip
    assert rows(consultation(), [acknowledged]) == {(Kind.NEW, HOME)}


def test_two_declines_flag_a_risk_of_being_passed_around():
    declines = [
        referral(pk=f"r{i}", status="declined", answered_at=NOON, sender_acknowledged_at=NOON,
                 coordinator_acknowledged_at=NOON)
        for i in range(2)
    ]  # fmt: skip
    assert rows(consultation(), declines) == {(Kind.NEW, HOME), (Kind.PASS_AROUND, COORD)}


def test_the_coordinators_own_consultation_is_not_listed_twice():
    c = consultation(responsible_agency_id=COORD)
    declined = referral(status="declined", answered_at=NOON, from_agency_id=COORD)
    assert rows(c, [declined]) == {(Kind.DECLINED_RETURNED, COORD)}


def test_urgency_and_last_activity_travel_with_the_row():
    (row,) = consultation_rows(consultation(urgency="urgent"), [], coordinating_agency_id=COORD,
                               pending_limit=3)  # fmt: skip
    assert row.urgency == 0 and row.last_activity_at == NOON


def _case(**fields):
    return Obj(**{"pk": "k1", "status": "support", "lead_agency_id": HOME,
                  "next_action_on": TODAY, "last_activity_at": NOON, **fields})  # fmt: skip


def _participant(legal_type, **fields):
    meeting = Obj(pk="m1", kind=Obj(legal_type=legal_type), sharing_ended_at=None,
                  status="scheduled", held_at=NOON)  # fmt: skip
    return Obj(**{"pk": 5, "meeting": meeting, "user_id": 7, "user": Obj(agency_id=OTHER),
                  "pledged_at": None, **fields})  # fmt: skip


def test_a_case_asks_its_lead_for_the_next_action_and_its_owners_for_their_action_items():
    item = Obj(pk="a1", done_at=None, owner_agency_id=OTHER, due_on=TODAY, meeting_id="m1")
    done = Obj(pk="a2", done_at=NOON, owner_agency_id=OTHER, due_on=TODAY, meeting_id="m1")
    found = {(r.kind, r.agency_id) for r in case_rows(_case(), [item, done], [])}
    assert found == {(Kind.CASE_ACTION, HOME), (Kind.ACTION_ITEM, OTHER)}
    assert case_rows(_case(status="closed"), [item], []) == []


def test_a_support_meeting_participant_signs_the_pledge_first_then_attends():
    (pledge,) = case_rows(_case(), [], [_participant("support_meeting")])[1:]
    assert (pledge.kind, pledge.staff_id, pledge.agency_id) == (Kind.PLEDGE, 7, OTHER)
    (attend,) = case_rows(_case(), [], [_participant("support_meeting", pledged_at=NOON)])[1:]
    assert attend.kind == Kind.MEETING
    assert case_rows(_case(), [], [_participant("multilayer_meeting")])[1].kind == Kind.MEETING


def test_open_follow_ups_wait_for_the_needs_agency_from_their_day():
    placement, need = Obj(pk="p1"), Obj(responsible_agency_id=HOME)
    follow_ups = [Obj(pk=1, status="open", due_on=TODAY), Obj(pk=2, status="done", due_on=TODAY)]
    (row,) = placement_rows(placement, need, follow_ups)
    assert (row.kind, row.agency_id, row.shows_from) == (Kind.FOLLOW_UP, HOME, TODAY)


def test_the_holder_is_named_on_the_responsible_agencys_row_only():
    held = consultation(outcome="continued", holder_id="u1")
    sent = consultation_rows(
        held, [referral(from_agency_id=HOME, to_agency_id=OTHER)],
        coordinating_agency_id=COORD, pending_limit=3,
    )  # fmt: skip
    by_agency = {r.agency_id: r for r in sent}
    assert by_agency[HOME].staff_id == "u1"
    assert by_agency[OTHER].staff_id is None
