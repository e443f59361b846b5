"""The screens, and the plan's worked example 2 as a journey through them: a woman in her 50s
(long-term withdrawal) is matched to a 地域活動支援センター with a follow-up schedule and the
long-term goal of work. (The outreach part and the 支援会議 are the outreach and cases apps';
the browser test of the whole story is tests/e2e.)"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yorisoi.participation import selectors, services
from yorisoi.participation.models import FollowUp, Placement, PlacementStatus, ResourceGap
from yorisoi.testing import client_for

from .world import need, six_resources, term, woman

pytestmark = pytest.mark.django_db


def test_worked_example_2_from_need_to_follow_ups(hana):
    resources = six_resources()
    person = woman(hana)
    c = client_for(hana)
    assert c.get(f"/participation/new/?person={person.pk}").status_code == 200
    r = c.post(
        f"/participation/new/?person={person.pk}",
        {
            "person": person.pk,
            "interests": [term("chiiki-katsudo-shien-center").pk, term("ibasho").pk],
            "short_term_goal": "まず週1回、地域活動支援センターに通う",
            "long_term_goal": "いずれは働きたい",
            "available_days": ["WE"],
            "time_of_day": "any",
            "prefers_small": "on",
            "responsible_agency": hana.agency_id,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    page = c.get(r["Location"])
    html = page.content.decode()
    assert "地域活動支援センター北" in html and "関心（地域活動支援センター）に合う" in html
    assert "いずれは働きたい" in html
    need_id = r["Location"].rstrip("/").split("/")[-1]
    center = resources["center"]
    assert c.post(f"/participation/{need_id}/propose/", {"service": center.pk}).status_code == 302
    placement = Placement.objects.get(need_id=need_id, service=center)
    for move in ("contact", "trial", "start"):
        placement.refresh_from_db()
        r = c.post(
            f"/participation/placements/{placement.pk}/move/",
            {"move": move, "version": placement.version, "resource_contact": "支援員 田中"},
        )
        assert r.status_code == 302
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.STARTED
    assert placement.resource_contact == "支援員 田中"
    assert [(f.due_on - placement.started_on).days for f in placement.follow_ups.all()] == [
        14,
        30,
        90,
    ]
    queue = c.get("/participation/follow-ups/")
    assert queue.status_code == 200 and "地域活動支援センター北" in queue.content.decode()


def test_end_without_reason_is_refused_on_screen(hana):
    resources = six_resources()
    n = need(hana)
    p = services.placement_propose(actor=hana, need=n, service=resources["hidamari"])
    c = client_for(hana)
    r = c.post(f"/participation/placements/{p.pk}/move/", {"move": "end", "version": p.version})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == PlacementStatus.PROPOSED


def test_record_a_gap_prefilled_from_the_need(hana):
    six_resources()
    n = need(hana)
    c = client_for(hana)
    page = c.get(f"/participation/{n.pk}/gap/").content.decode()
    assert "まず週1回、地域活動支援センターに通う" in page
    r = c.post(
        f"/participation/{n.pk}/gap/",
        {"need_text": "北部に夕方の居場所がない", "category": term("ibasho").pk},
    )
    assert r.status_code == 302
    assert ResourceGap.objects.get().need == n
    assert c.post(f"/participation/{n.pk}/gap/", {"need_text": ""}).status_code == 422


def test_follow_up_done_from_my_list(hana):
    resources = six_resources()
    n = need(hana)
    p = services.placement_propose(actor=hana, need=n, service=resources["hidamari"])
    p = services.placement_contact(actor=hana, placement=p)
    services.placement_start(actor=hana, placement=p, on=timezone.localdate() - timedelta(14))
    f = FollowUp.objects.filter(placement=p).order_by("due_on").first()
    r = client_for(hana).post(
        f"/participation/follow-ups/{f.pk}/done/", {"outcome": "going_well", "next": "queue"}
    )
    assert r.status_code == 302 and r["Location"].endswith("/participation/follow-ups/")
    f.refresh_from_db()
    assert f.status == "done" and f.done_by == hana


def _count(c, url):
    # The need page ranks resources; count its worst case, with the directory not yet in memory.
    selectors._cache.clear()
    with CaptureQueriesContext(connection) as q:
        assert c.get(url).status_code == 200
    return len(q)


def test_lists_and_need_page_keep_a_constant_number_of_queries(hana):
    resources = six_resources()
    c = client_for(hana)
    first = need(hana)
    p = services.placement_propose(actor=hana, need=first, service=resources["hidamari"])
    services.placement_start(
        actor=hana, placement=services.placement_contact(actor=hana, placement=p)
    )
    small = [_count(c, u) for u in ("/participation/", "/participation/follow-ups/",
                                    f"/participation/{first.pk}/")]  # fmt: skip
    for _ in range(5):
        n = need(hana)
        p = services.placement_propose(actor=hana, need=n, service=resources["center"])
        services.placement_start(
            actor=hana, placement=services.placement_contact(actor=hana, placement=p)
        )
        services.placement_propose(actor=hana, need=first, service=resources["crafts"]) if (
            not first.placements.filter(service=resources["crafts"]).exists()
        ) else None
    large = [_count(c, u) for u in ("/participation/", "/participation/follow-ups/",
                                    f"/participation/{first.pk}/")]  # fmt: skip
    assert large == small
