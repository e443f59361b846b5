"""Reads of participation support: always from access.visible_participation_needs (R6), and
the matching (rank_resources) — deterministic, explainable, constant in queries.

Matching reads the directory as plain rows (values_list: services, capacities, categories —
with those carried through outside terms mapped to the city's, issue 17 —, places, schedules,
districts — one query each, whatever the number of resources), scores every
candidate in Python and loads the details of the best `limit` only (one more query plus the
prefetches). 5,000 resources: see bench/matching.py.
"""

import gc
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import time
from functools import lru_cache

from django.db import connections
from django.db.models import CharField, F, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _lazy

from yorisoi import access
from yorisoi.directory.models import District
from yorisoi.resources import signals as directory_version
from yorisoi.resources.models import (
    BYDAY_TOKEN,
    PERSON_UNIT_ID,
    WEEKDAY_LABELS,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceStatus,
    ServiceTaxonomy,
    TaxonomyTerm,
)
from yorisoi.resources.selectors import categories_through_outside_terms, with_details

from .models import (
    FollowUp,
    FollowUpStatus,
    ParticipationNeed,
    Placement,
    ResourceGap,
    TimeOfDay,
)

# The weights of the soft scores, in one place (tests/test_matching.py names each).
SCORE = {
    "interest": 40,  # one of the person's categories
    "interest_parent": 30,  # a sub-category of one of them (居場所 ⊃ ひきこもりの方の居場所)
    "other_category": -10,  # interests given, none matched
    "same_district": 20,
    "same_area": 10,
    "per_open_day": 10,  # per wished day it is open (at most MAX_DAYS_SCORE)
    "no_open_day": -20,  # 希望の曜日に開いていない (when days are not required)
    "time_fits": 5,
    "time_misfit": -10,
    "barrier_free": 15,
    "not_barrier_free": -15,
    "small": 10,
    "large": -10,
    "quiet": 5,
    "free": 5,
}
MAX_DAYS_SCORE = 20
SMALL_CAPACITY, LARGE_CAPACITY = 10, 30
# What a place's accessibility text says (resources.Location.accessibility is free text).
BARRIER_FREE_WORDS = ("段差なし", "バリアフリー", "車いす", "車椅子", "エレベーターあり")
NOT_BARRIER_FREE_WORDS = ("エレベーターなし", "段差あり", "階段のみ")
QUIET_WORDS = ("静か", "個室")
# Fees are per visit (HSDS cost_option); a month counts as four weekly visits.
VISITS_PER_MONTH = 4
PERIODS = {
    TimeOfDay.MORNING: (time(0), time(12)),
    TimeOfDay.AFTERNOON: (time(12), time(17)),
    TimeOfDay.EVENING: (time(17), time(23, 59)),
}


@dataclass
class Ranked:
    service: Service | None
    score: int
    reasons: list[str] = field(default_factory=list)
    service_id: object = None


# The reasons a worker reads, by key: worded only for the resources shown (speed).
REASONS = {
    "interest": _lazy("関心（%(name)s）に合う"),
    "other_category": _lazy("関心の分類とは異なる"),
    "days": _lazy("%(days)sに開いている"),
    "no_day": _lazy("希望の曜日に開いていない"),
    "time_fits": _lazy("%(period)sに開いている"),
    "time_misfit": _lazy("希望の時間帯（%(period)s）に開いていない"),
    "same_district": _lazy("本人の地区（%(name)s）"),
    "same_area": _lazy("近くの地域（%(name)s）"),
    "barrier_free": _lazy("バリアフリー"),
    "not_barrier_free": _lazy("段差・階段がある"),
    "barrier_unknown": _lazy("バリアフリーかわからない"),
    "small": _lazy("少人数"),
    "large": _lazy("大人数（定員%(n)s人）"),
    "full": _lazy("満員（空き 0人）"),
    "available": _lazy("空き %(n)s人"),
    "quiet": _lazy("静かな部屋がある"),
    "free": _lazy("費用 0円"),
    "fee": _lazy("費用 %(yen)s円／回"),
}


def _word(codes) -> list[str]:
    return [str(REASONS[key]) % params if params else str(REASONS[key]) for key, params in codes]


def _overlaps(opens, closes, period) -> bool:
    if opens is None:
        return True  # no hours given: do not hold it against the resource
    start, end = period
    return opens < end and (closes or opens) > start


@lru_cache(maxsize=512)
def _days_of(byday: str) -> frozenset:
    return frozenset(m["day"] for t in byday.split(",") if (m := BYDAY_TOKEN.match(t.strip())))


@dataclass(slots=True)
class _Row:
    id: str
    name: str
    status: str
    fee: int | None
    capacity: int | None = None  # 定員 in people (service_capacity maximum)
    available: int | None = None  # 空き in people (service_capacity available)
    terms: list = field(default_factory=list)
    places: list = field(default_factory=list)  # (district_id, accessibility)
    schedules: list = field(default_factory=list)  # (days, opens, closes)


class _Context:
    """What the scoring needs about the need and the master data (read once per ranking)."""

    def __init__(self, need: ParticipationNeed):
        self.need = need
        self.interests = dict(_raw(_ids(need.interests.all(), "pk", "name")))
        self.terms = dict(_raw(_ids(TaxonomyTerm.objects, "pk", "parent_id")))
        self.districts = {
            pk: (name, area, area_name)
            for pk, name, area, area_name in District.objects.values_list(
                "pk", "name", "area_id", "area__name"
            )
        }
        home = self.districts.get(need.district_id)
        self.home_area = home[1] if home else None
        self.days = need.days
        self.day_set = frozenset(self.days)
        self.period = PERIODS.get(need.time_of_day)
        self.period_label = need.get_time_of_day_display()


def _score(ctx: _Context, row: _Row) -> tuple[int, list] | None:
    """Score one resource for the need: (score, reason codes); None when a hard filter
    excludes it. Plain tuples, not objects: this runs for every resource."""
    need = ctx.need
    score, codes = 0, []
    # Hard: over the person's budget.
    if need.max_cost_per_month is not None and row.fee:
        if row.fee * VISITS_PER_MONTH > need.max_cost_per_month:
            return None
    # Hard: only the person's area (same_area_only).
    district_ids = [d for d, _a in row.places if d is not None]
    areas = {ctx.districts[d][1] for d in district_ids if d in ctx.districts}
    if need.same_area_only and ctx.home_area is not None and ctx.home_area not in areas:
        return None
    # Schedule: which of the wished days it is open, and at the wished time.
    open_days, time_fits = set(), False
    period = ctx.period
    for days, opens, closes in row.schedules:
        matching = days & ctx.day_set if ctx.days else days
        open_days |= matching
        if matching and period and _overlaps(opens, closes, period):
            time_fits = True
    if ctx.days:
        if not open_days:
            if need.days_required:
                return None
            score += SCORE["no_open_day"]
            codes.append(("no_day", None))
        else:
            ordered = [d for d in ctx.days if d in open_days]
            score += min(MAX_DAYS_SCORE, SCORE["per_open_day"] * len(ordered))
            codes.append(("days", {"days": ordered}))
    if period and row.schedules:
        if time_fits:
            score += SCORE["time_fits"]
            codes.append(("time_fits", {"period": ctx.period_label}))
        else:
            score += SCORE["time_misfit"]
            codes.append(("time_misfit", {"period": ctx.period_label}))
    # Categories, with parent terms: an interest in 居場所 matches ひきこもりの方の居場所.
    if ctx.interests:
        best, why = None, ""
        for term in row.terms:
            if term in ctx.interests:
                best, why = SCORE["interest"], ctx.interests[term]
                break
            parent = ctx.terms.get(term)
            if parent in ctx.interests and best is None:
                best, why = SCORE["interest_parent"], ctx.interests[parent]
        if best is None:
            score += SCORE["other_category"]
            codes.append(("other_category", None))
        else:
            score += best
            codes.insert(0, ("interest", {"name": why}))
    # District nearness: same district > same area > elsewhere.
    if need.district_id is not None and district_ids:
        if need.district_id in district_ids:
            score += SCORE["same_district"]
            codes.append(("same_district", {"name": ctx.districts[need.district_id][0]}))
        elif ctx.home_area is not None and ctx.home_area in areas:
            score += SCORE["same_area"]
            codes.append(("same_area", {"name": ctx.districts[need.district_id][2]}))
    if need.needs_barrier_free or need.prefers_small:
        access_text = " ".join(a for _d, a in row.places)
    if need.needs_barrier_free:
        if any(w in access_text for w in NOT_BARRIER_FREE_WORDS):
            score += SCORE["not_barrier_free"]
            codes.append(("not_barrier_free", None))
        elif any(w in access_text for w in BARRIER_FREE_WORDS):
            score += SCORE["barrier_free"]
            codes.append(("barrier_free", None))
        else:
            score += SCORE["not_barrier_free"]
            codes.append(("barrier_unknown", None))
    if need.prefers_small:
        if row.capacity is not None and row.capacity <= SMALL_CAPACITY:
            score += SCORE["small"]
            codes.append(("small", None))
        elif row.capacity is not None and row.capacity >= LARGE_CAPACITY:
            score += SCORE["large"]
            codes.append(("large", {"n": row.capacity}))
        if any(w in access_text for w in QUIET_WORDS):
            score += SCORE["quiet"]
            codes.append(("quiet", None))
    # Vacancies in people, as the resource's keepers last reported them: a full one says so
    # (and rank_resources lists it after every resource with a place free).
    if row.available == 0:
        codes.append(("full", None))
    elif row.available is not None:
        codes.append(("available", {"n": row.available}))
    if row.fee == 0:
        score += SCORE["free"]
        codes.append(("free", None))
    elif row.fee:
        codes.append(("fee", {"yen": row.fee}))
    return score, codes


def _finish(row_id, score: int, codes: list) -> Ranked:
    """The Ranked result with its reasons in words (only for the resources shown)."""
    codes = [(key, {"days": _day_labels(p["days"])} if key == "days" else p) for key, p in codes]
    return Ranked(service=None, score=score, reasons=_word(codes), service_id=row_id)


def _day_labels(days) -> str:
    return "・".join(str(WEEKDAY_LABELS[d]) for d in days)


def _raw(queryset) -> list[tuple]:
    """Run a values_list query without Django's per-row converters (speed: 5,000 rows)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@lru_cache(maxsize=256)
def _time(value):
    """SQLite hands times back as text, PostgreSQL as time objects."""
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(value)


def _uuid(raw) -> uuid.UUID:
    return uuid.UUID(raw)


def _ids(queryset, *names):
    """values_list with every id column as text: str keys hash in C, UUID objects do not
    (a third of the time on 5,000 resources with PostgreSQL)."""
    cast = {
        f"t_{n}": Cast(n, CharField())
        for n in names
        if n.endswith(("id", "_at")) or n == "pk"  # times too: SQLite parses them per row
    }
    return (
        queryset.order_by()
        .annotate(**cast)
        .values_list(*[f"t_{n}" if f"t_{n}" in cast else n for n in names])
    )


def _rows(services: QuerySet) -> dict:
    """The candidate resources as plain rows, in five plain table reads whatever their number
    (no joins: a scan of each table and a join by id here is several times faster on 5,000
    resources than index lookups per row). Keys are ids as text."""
    rows = {
        pk: _Row(pk, name, status, fee)
        for pk, name, status, fee in _raw(_ids(services, "pk", "name", "status", "fee_amount"))
    }
    # Capacities in people (HSDS 3.1 service_capacity, unit 人), summed per service.
    for service_id, available, maximum in _raw(
        _ids(
            ServiceCapacity.objects.filter(unit_id=PERSON_UNIT_ID),
            "service_id",
            "available",
            "maximum",
        )
    ):
        row = rows.get(service_id)
        if row is None:
            continue
        row.available = (row.available or 0) + available
        if maximum is not None:
            row.capacity = (row.capacity or 0) + maximum
    for service_id, term_id in _raw(
        _ids(ServiceTaxonomy.objects, "service_id", "taxonomy_term_id")
    ):
        if service_id in rows:
            rows[service_id].terms.append(term_id)
    # And those it carries through an outside term mapped to one of the city's (issue 17).
    through_outside = categories_through_outside_terms()
    if through_outside:
        # Ids as text as _ids spells them here (the backend decides: with or without dashes).
        service_keys = {uuid.UUID(k): k for k in rows}
        term_keys = {uuid.UUID(k): k for (k,) in _raw(_ids(TaxonomyTerm.objects, "pk"))}
        for service_id, categories in through_outside.items():
            row = rows.get(service_keys.get(service_id))
            if row is None:
                continue
            for term_id in categories:
                key = term_keys[term_id]
                if key not in row.terms:
                    row.terms.append(key)
    places = {
        pk: (district, text or "")
        for pk, district, text in _raw(_ids(Location.objects, "pk", "district", "accessibility"))
    }
    at = {}  # service_at_location id → service id
    for pk, service_id, location_id in _raw(
        _ids(ServiceAtLocation.objects, "pk", "service_id", "location_id")
    ):
        if service_id in rows:
            at[pk] = service_id
            rows[service_id].places.append(places[location_id])
    for service_id, at_id, byday, opens, closes in _raw(
        _ids(
            Schedule.objects,
            "service_id",
            "service_at_location_id",
            "byday",
            "opens_at",
            "closes_at",
        )
    ):
        row = rows.get(service_id if service_id is not None else at.get(at_id))
        if row is not None:
            row.schedules.append((_days_of(byday), _time(opens), _time(closes)))
    return rows


# The directory as rows, kept between rankings: (database alias, version token, rows).
_cache: dict[str, tuple] = {}


def _directory(using: str) -> list:
    """Every resource as a _Row, read from the database only when the directory changed
    since the last ranking in this process (resources.signals: one query to know)."""
    token = directory_version.current(using=using)
    cached = _cache.get(using)
    if cached is not None and cached[0] == token:
        return cached[1]
    rows = list(_rows(Service.objects.using(using)).values())
    _cache[using] = (token, rows)
    return rows


@contextmanager
def _no_cyclic_gc():
    """A ranking allocates some 50,000 short-lived, acyclic objects (rows, tuples, scores);
    meanwhile the cyclic garbage collector would walk the whole heap several times — half of
    the time measured by bench/matching.py. Reference counting frees them all anyway."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def rank_resources(need: ParticipationNeed, limit: int = 10) -> list[Ranked]:
    """The social resources that fit `need`, best first, each with its score and the reasons
    a worker can read (「関心（居場所）に合う」「水曜・金曜に開いている」「本人の地区（富洲原）」…).

    Hard filters: inactive, over the monthly budget, outside the area when the person can go
    only nearby, no wished day open when the days are required. Soft scores: SCORE above.
    A full resource (空き 0 in people, service_capacity) comes after every other, marked 満員.
    Ties break by name then id: the same need gives the same list every time.
    """
    ctx = _Context(need)
    with _no_cyclic_gc():
        ranked = []
        for row in _directory(Service.objects.db):
            if row.status != ServiceStatus.ACTIVE:
                continue
            scored = _score(ctx, row)
            if scored is not None:
                ranked.append((row.available == 0, -scored[0], row.name, row.id, scored[1]))
        ranked.sort(key=lambda item: item[:4])
        best = [_finish(row_id, -neg, codes) for _f, neg, _n, row_id, codes in ranked[:limit]]
        del ranked
    ids = [_uuid(r.service_id) for r in best]
    details = {s.pk: s for s in with_details(Service.objects.filter(pk__in=ids))}
    for r, pk in zip(best, ids, strict=True):
        r.service, r.service_id = details[pk], pk
    return best


def score_service(need: ParticipationNeed, service: Service) -> Ranked | None:
    """One resource scored as rank_resources would (kept with a proposal)."""
    rows = _rows(Service.objects.filter(pk=service.pk))
    if not rows:
        return None
    scored = _score(_Context(need), next(iter(rows.values())))
    if scored is None:
        return None
    ranked = _finish(service.pk, *scored)
    ranked.service = service
    return ranked


# --- needs, placements, follow-ups, gaps ------------------------------------------------------


def need_list(*, user, scope: str = "mine") -> QuerySet:
    needs = access.visible_participation_needs(user)
    if scope == "mine":
        needs = needs.filter(responsible_agency_id=user.agency_id)
    return needs.select_related("person", "responsible_agency", "case", "district").order_by(
        "-created_at", "id"
    )


def need_detail(*, user, need_id) -> ParticipationNeed:
    """Raises ParticipationNeed.DoesNotExist for a missing and a hidden need alike."""
    return (
        access.visible_participation_needs(user)
        .select_related("person", "case", "responsible_agency", "district", "district__area")
        .prefetch_related("interests")
        .get(pk=need_id)
    )


def visible_placements(user) -> QuerySet:
    """The placements of the needs the user may see (R6): the screens and the API look one up
    here, hidden and missing alike."""
    return Placement.objects.filter(need__in=access.visible_participation_needs(user).values("pk"))


def visible_follow_ups(user) -> QuerySet:
    """The follow-ups of the needs the user may see (R6)."""
    return FollowUp.objects.filter(
        placement__need__in=access.visible_participation_needs(user).values("pk")
    )


def placements_of(need) -> QuerySet:
    return need.placements.select_related("service", "service__organization").prefetch_related(
        Prefetch("follow_ups", queryset=FollowUp.objects.order_by("due_on", "id"))
    )


def due_follow_ups(user, today) -> QuerySet:
    """The queue (R8): open follow-ups due by `today` of the needs the user's agency holds."""
    return upcoming_follow_ups(user).filter(due_on__lte=today)


def upcoming_follow_ups(user) -> QuerySet:
    """Every open follow-up of the needs the user's agency holds (the "my follow-ups" list)."""
    return (
        FollowUp.objects.filter(
            status=FollowUpStatus.OPEN,
            placement__need__in=access.visible_participation_needs(user)
            .filter(responsible_agency_id=user.agency_id)
            .values("pk"),
        )
        .select_related("placement__service", "placement__need__person")
        .order_by("due_on", "id")
    )


def gaps_for_case(case) -> QuerySet:
    """Agenda item ④ of the 重層的支援会議: the gaps recorded for this case (directly or
    through one of its needs). The caller has already checked that the case is readable."""
    return (
        ResourceGap.objects.filter(Q(case=case) | Q(need__case=case))
        .select_related("category", "district", "agency")
        .order_by("-recorded_at", "id")
    )


def gap_counts(*, year: int) -> list[dict]:
    """The evaluation (PDCA): gaps per category and district in a fiscal year (April–March).
    Counts only; no personal data."""
    from datetime import date

    from django.db.models import Count

    return list(
        ResourceGap.objects.filter(
            recorded_at__date__gte=date(year, 4, 1), recorded_at__date__lt=date(year + 1, 4, 1)
        )
        .values(category_name=F("category__name"), district_name=F("district__name"))
        .annotate(count=Count("id"))
        .order_by("category_name", "district_name")
    )
