"""R8: a need no resource meets is recorded as a gap, listed for its case (agenda item ④)
and counted per year; follow-ups due today are handed to the notifications (django-tasks)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from yorisoi.cases.tests.world import open_case
from yorisoi.participation import services, tasks
from yorisoi.participation.selectors import gap_counts, gaps_for_case

from .world import district, need, six_resources, term

pytestmark = pytest.mark.django_db


def test_gaps_are_listed_for_the_case_and_counted(hana, ichiro):
    case = open_case(hana, ichiro)
    father = case.subjects.first().person
    n = need(ichiro, person=father, case=case)
    assert case.tracks.filter(program="participation", ended_on__isnull=True).count() == 1
    need(ichiro, person=father, case=case, short_term_goal="二つ目")  # the track runs already
    assert case.tracks.filter(program="participation").count() == 1
    gap = services.gap_record(
        actor=ichiro, need=n, need_text="北部に夕方の少人数の居場所がない", category=term("ibasho")
    )
    direct = services.gap_record(
        actor=ichiro, case=case, need_text="男性向けの料理教室", category=term("shumi-koryu"),
        district=district("tomida"),
    )  # fmt: skip
    services.gap_record(actor=ichiro, need_text="別件", category=term("ibasho"))
    assert list(gaps_for_case(case)) == [direct, gap]
    assert gap.district == father.district and gap.case == case
    now = timezone.localdate()
    year = now.year if now.month >= 4 else now.year - 1
    counts = {(c["category_name"], c["district_name"]): c["count"] for c in gap_counts(year=year)}
    assert counts[("趣味・交流", "富田")] == 1
    assert sum(counts.values()) == 3


def test_a_gap_needs_its_text(hana):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.gap_record(actor=hana, need_text=" ", category=term("ibasho"))


def test_daily_job_notifies_the_responsible_agency_of_todays_follow_ups(hana, masaki, saki):
    resources = six_resources()
    p = services.placement_propose(actor=hana, need=need(hana), service=resources["hidamari"])
    p = services.placement_contact(actor=hana, placement=p)
    start = timezone.localdate() - timedelta(days=14)
    services.placement_start(actor=hana, placement=p, on=start)
    assert tasks.remind_follow_ups.call(day=timezone.localdate().isoformat()) == 2  # hana, masaki
    notice = hana.notifications.get(kind="follow_up_due")
    assert notice.follow_up.placement_id == p.pk
    assert not saki.notifications.exists()
    assert tasks.remind_follow_ups.call(day=timezone.localdate().isoformat()) == 0  # once only
    assert tasks.remind_follow_ups.call(day=(start + timedelta(days=15)).isoformat()) == 0
