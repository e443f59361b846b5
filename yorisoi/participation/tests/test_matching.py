"""Matching (rank_resources): order, reasons a worker can read, hard filters, constant
queries. The world: six hand-built resources (world.six_resources)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yorisoi.participation.selectors import rank_resources

from .world import need, resource, six_resources, term

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(hana):
    return six_resources()


def _names(ranked):
    return [r.service.name for r in ranked]


def test_ranked_best_first_with_readable_reasons(world, hana):
    ranked = rank_resources(need(hana))
    assert _names(ranked) == [
        "ひだまりの会",  # 居場所 (sub-category), her district, Wed/Fri, small, quiet, free
        "南のほっとスペース",  # 居場所, but open only on Monday
        "地域活動支援センター北",  # another category, nearby area, Wednesday
        "手芸サークル",  # another category, Wednesday, 100 yen
    ]
    best = ranked[0]
    assert best.reasons == [
        "関心（居場所）に合う",
        "水曜・金曜に開いている",
        "本人の地区（富洲原）",
        "少人数",
        "静かな部屋がある",
        "空き 6人",
        "費用 0円",
    ]
    assert best.score == 30 + 20 + 20 + 10 + 5 + 5
    assert "希望の曜日に開いていない" in ranked[1].reasons
    assert "近くの地域（北部）" in ranked[2].reasons
    assert "関心の分類とは異なる" in ranked[2].reasons
    assert "費用 100円／回" in ranked[3].reasons


def test_the_same_need_gives_the_same_list(world, hana):
    n = need(hana)
    first = [(r.service.pk, r.score, r.reasons) for r in rank_resources(n)]
    assert first == [(r.service.pk, r.score, r.reasons) for r in rank_resources(n)]


def test_hard_filters_inactive_and_over_budget_are_never_proposed(world, hana):
    names = _names(rank_resources(need(hana)))
    assert "休止中の居場所" not in names  # inactive
    assert "有料サロン" not in names  # 500 yen × 4 visits > 1,000 yen a month
    assert "有料サロン" in _names(rank_resources(need(hana, max_cost_per_month=None)))


def test_required_days_filter_out_a_resource_closed_on_every_wished_day(world, hana):
    names = _names(rank_resources(need(hana, days_required=True)))
    assert "南のほっとスペース" not in names
    assert "ひだまりの会" in names


def test_same_area_only_keeps_the_north(world, hana):
    names = _names(rank_resources(need(hana, same_area_only=True)))
    assert names == ["ひだまりの会", "地域活動支援センター北"]


def test_barrier_free_need_reads_the_place(world, hana):
    ranked = {r.service.name: r for r in rank_resources(need(hana, needs_barrier_free=True))}
    assert "バリアフリー" in ranked["ひだまりの会"].reasons
    assert "段差・階段がある" in ranked["手芸サークル"].reasons
    assert "バリアフリーかわからない" in ranked["南のほっとスペース"].reasons


def test_time_of_day_scores_and_says_so(world, hana):
    ranked = {r.service.name: r for r in rank_resources(need(hana, time_of_day="evening"))}
    assert "希望の時間帯（夕方・夜）に開いていない" in ranked["ひだまりの会"].reasons
    ranked = {r.service.name: r for r in rank_resources(need(hana, time_of_day="morning"))}
    assert "午前に開いている" in ranked["ひだまりの会"].reasons


def test_interest_in_the_exact_category_beats_the_parent(world, hana):
    ranked = rank_resources(need(hana, interests=[term("chiiki-katsudo-shien-center")]))
    assert ranked[0].service.name == "地域活動支援センター北"
    assert ranked[0].reasons[0] == "関心（地域活動支援センター）に合う"


def test_a_full_resource_ranks_after_the_others_and_says_so(world, hana):
    """Vacancies are the resource's HSDS 3.1 service_capacity in people (空き 0: 満員)."""
    capacity = world["hidamari"].capacities.get()
    capacity.available = 0
    capacity.save()

    ranked = rank_resources(need(hana))

    full = next(r for r in ranked if r.service.name == "ひだまりの会")
    assert "満員（空き 0人）" in full.reasons and "空き 6人" not in full.reasons
    assert full.score == 30 + 20 + 20 + 10 + 5 + 5  # as good a fit as before, but full
    assert _names(ranked)[-1] == "ひだまりの会"


def test_a_resource_without_a_reported_capacity_is_neither_small_nor_full(hana):
    resource("定員の知れない居場所", category="ibasho", where="tomisuhara", byday="WE",
             capacity=None)  # fmt: skip
    (only,) = rank_resources(need(hana))
    assert not any("空き" in r or "少人数" in r or "満員" in r for r in only.reasons)


def test_limit(world, hana):
    assert len(rank_resources(need(hana), limit=2)) == 2


def test_constant_queries_whatever_the_number_of_resources(world, hana):
    n = need(hana)
    with CaptureQueriesContext(connection) as small:
        rank_resources(n)
    for i in range(30):
        resource(f"追加の居場所{i:02d}", category="ibasho", where="tomida", byday="WE")
    with CaptureQueriesContext(connection) as large:
        assert len(rank_resources(n)) == 10
    assert len(large) == len(small)


def test_the_directory_kept_in_memory_follows_every_change(world, hana, ichiro):
    """rank_resources keeps the directory between rankings (bench/matching.py); a change made
    through the resource screens, or any save or delete, is seen by the next ranking."""
    from yorisoi.resources import services as resource_services
    from yorisoi.resources.models import Schedule, Service

    n = need(hana)
    assert _names(rank_resources(n))[0] == "ひだまりの会"
    hidamari = world["hidamari"]
    resource_services.service_deactivate(actor=ichiro, service=hidamari, version=hidamari.version)
    assert "ひだまりの会" not in _names(rank_resources(n))

    # A schedule edited on its own (no save of the service): the south one now opens Wed/Fri.
    schedule = Schedule.objects.get(service=world["south"])
    schedule.byday = "WE,FR"
    schedule.save()
    south = next(r for r in rank_resources(n) if r.service.name == "南のほっとスペース")
    assert "水曜・金曜に開いている" in south.reasons

    resource("新しい居場所", category="ibasho-hikikomori", where="tomisuhara", byday="WE,FR")
    assert _names(rank_resources(n))[0] == "新しい居場所"

    # Vacancies reported on their own (service_capacity): full now, listed last.
    new = Service.objects.get(name="新しい居場所")
    resource_services.capacity_update(actor=ichiro, service=new, version=1, available=0,
                                      maximum=10)  # fmt: skip
    assert _names(rank_resources(n))[-1] == "新しい居場所"


def test_a_ranking_reads_the_directory_once_then_one_query_tells_it_is_current(world, hana):
    from yorisoi.participation import selectors

    n = need(hana)
    selectors._cache.clear()
    with CaptureQueriesContext(connection) as first:
        rank_resources(n)
    with CaptureQueriesContext(connection) as again:
        rank_resources(n)
    # services, capacities, categories, outside-term mappings, locations, links, schedules
    assert len(again) == len(first) - 7
