"""Lists keep a constant number of queries whatever the number of sites and activities."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.community import services
from yorisoi.community.models import ActivityKind, Site
from yorisoi.testing import client_for


def _fill(actor, sites, per_site):
    for site in sites:
        for n in range(per_site):
            services.activity_record(
                actor=actor, site=site, held_on=date(2025, 5, 1) + timedelta(days=n),
                kind=ActivityKind.SALON, participants=n, volunteers=1,
            )  # fmt: skip


def _train(actor, program, count):
    for n in range(count):
        services.training_record(
            actor=actor, program=program, name="ヘルスリーダー養成講座",
            held_on=date(2025, 6, 1 + n), people_trained=n,
        )  # fmt: skip


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_overview_and_site_page_and_api_keep_constant_queries(community, tomoko):
    client = client_for(tomoko)
    sites = list(Site.objects.order_by("code")[:2])
    _fill(tomoko, sites[:1], 1)
    _train(tomoko, community["kaigo"], 1)
    urls = [
        (reverse("community:overview"), {"year": 2025}),
        (reverse("community:site_detail", args=[sites[0].pk]), {"year": 2025}),
        (reverse("community:training_list"), {"year": 2025}),
        ("/api/v1/community/activities", {"fiscal_year": 2025}),
        ("/api/v1/community/sites", {}),
        ("/api/v1/community/summary", {"fiscal_year": 2025}),
    ]
    before = [_count(client, url, params) for url, params in urls]
    _fill(tomoko, sites, 8)
    _train(tomoko, community["kaigo"], 5)
    after = [_count(client, url, params) for url, params in urls]
    assert after == before
