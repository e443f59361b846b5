"""The placement state machine (proposed → coordinating → trial → started → settled | ended)
and R8: follow-ups scheduled at the start, cancelled (kept) at settle or end."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yorisoi.errors import ConcurrentEditError, RuleViolation
from yorisoi.participation import services
from yorisoi.participation.models import FollowUp, FollowUpStatus, PlacementStatus
from yorisoi.participation.selectors import due_follow_ups

from .world import need, six_resources

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement(hana):
    resources = six_resources()
    return services.placement_propose(actor=hana, need=need(hana), service=resources["hidamari"])


def _started(hana, placement, on=None):
    p = services.placement_contact(actor=hana, placement=placement, resource_contact="田中さん")
    p = services.placement_trial(actor=hana, placement=p)
    return services.placement_start(actor=hana, placement=p, on=on)


def test_a_proposal_keeps_its_score_and_reasons(placement):
    assert placement.status == PlacementStatus.PROPOSED
    assert placement.score == 90
    assert "関心（居場所）に合う" in placement.reasons


def test_the_full_path_dates_each_step(hana, placement):
    p = _started(hana, placement)
    assert p.status == PlacementStatus.STARTED
    assert p.resource_contact == "田中さん"
    assert p.contacted_on and p.trial_on and p.started_on
    p = services.placement_settle(actor=hana, placement=p)
    assert p.status == PlacementStatus.SETTLED and p.settled_on == timezone.localdate()


@pytest.mark.parametrize("move", ["trial", "start", "settle"])
def test_illegal_moves_from_proposed_are_refused(hana, placement, move):
    with pytest.raises(RuleViolation) as exc:
        services.MOVES[move](actor=hana, placement=placement)
    assert exc.value.code == "illegal_transition"


def test_ending_needs_a_reason_and_ends_for_good(hana, placement):
    with pytest.raises(ValidationError):
        services.placement_end(actor=hana, placement=placement, reason="  ")
    p = services.placement_end(actor=hana, placement=placement, reason="本人が行きたくないと話した")
    assert p.status == PlacementStatus.ENDED and p.end_reason
    with pytest.raises(RuleViolation):
        services.placement_contact(actor=hana, placement=p)


def test_a_stale_version_is_refused(hana, placement):
    services.placement_contact(actor=hana, placement=placement, version=placement.version)
    with pytest.raises(ConcurrentEditError):
        services.placement_trial(actor=hana, placement=placement, version=placement.version)


def test_the_same_resource_cannot_be_proposed_twice_while_open(hana, placement):
    with pytest.raises(RuleViolation):
        services.placement_propose(actor=hana, need=placement.need, service=placement.service)


def test_start_schedules_follow_ups_at_the_configured_intervals(hana, placement, settings):
    settings.YORISOI_FOLLOW_UP_DAYS = [7, 21]
    start = timezone.localdate() - timedelta(days=10)
    p = _started(hana, placement, on=start)
    assert [f.due_on for f in p.follow_ups.order_by("due_on")] == [
        start + timedelta(days=7),
        start + timedelta(days=21),
    ]


def test_default_follow_ups_are_two_weeks_one_and_three_months(hana, placement):
    p = _started(hana, placement)
    days = [(f.due_on - p.started_on).days for f in p.follow_ups.order_by("due_on")]
    assert days == [14, 30, 90]


def test_due_follow_ups_queue_until_settled_then_cancelled_not_deleted(hana, placement, saki):
    start = timezone.localdate() - timedelta(days=20)
    p = _started(hana, placement, on=start)
    today = timezone.localdate()
    assert [f.due_on for f in due_follow_ups(hana, today)] == [start + timedelta(days=14)]
    assert list(due_follow_ups(saki, today)) == []  # another agency's queue stays empty
    services.placement_settle(actor=hana, placement=p)
    assert list(due_follow_ups(hana, today + timedelta(days=100))) == []
    assert FollowUp.objects.filter(placement=p, status=FollowUpStatus.CANCELLED).count() == 3


def test_end_cancels_the_open_follow_ups_but_keeps_the_done_one(hana, placement):
    start = timezone.localdate() - timedelta(days=20)
    p = _started(hana, placement, on=start)
    first = p.follow_ups.order_by("due_on").first()
    services.follow_up_done(actor=hana, follow_up=first, outcome="going_well", note="楽しそう")
    services.placement_end(actor=hana, placement=p, reason="体調を崩して通えなくなった")
    statuses = list(p.follow_ups.order_by("due_on").values_list("status", flat=True))
    assert statuses == ["done", "cancelled", "cancelled"]


def test_a_follow_up_done_needs_an_outcome_and_happens_once(hana, placement):
    p = _started(hana, placement)
    f = p.follow_ups.first()
    with pytest.raises(ValidationError):
        services.follow_up_done(actor=hana, follow_up=f, outcome="")
    services.follow_up_done(actor=hana, follow_up=f, outcome="some_concerns")
    with pytest.raises(RuleViolation):
        services.follow_up_done(actor=hana, follow_up=f, outcome="going_well")


def test_a_due_follow_up_waits_in_my_queue_until_done(hana, placement, saki):
    """R8 in "my queue": the responsible agency sees the follow-up on its day (audited);
    another agency does not."""
    from django.urls import reverse

    from yorisoi.audit.models import AuditEvent
    from yorisoi.testing import client_for

    start = timezone.localdate() - timedelta(days=20)  # the two-week follow-up is due
    p = _started(hana, placement, on=start)
    page = client_for(hana).get(reverse("front:queue")).content.decode()
    assert "参加支援のフォローアップ" in page and p.service.name in page
    assert AuditEvent.objects.filter(actor=hana, action="participation.queue_viewed").exists()
    assert p.service.name not in client_for(saki).get(reverse("front:queue")).content.decode()
