"""Reads for community building: the fiscal-year figures per program and per site.

Everything starts from access.visible_community_…(user). Cancelled (取り消し) entries never
count. A fixed number of queries whatever the number of programs, sites or activities.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from yorisoi import access

from .models import CommunityProgram, fiscal_year_of


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())


def fiscal_year_range(year: int) -> tuple[date, date]:
    """First and last day of 年度 `year` (April `year` to March `year + 1`)."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def _in_year(prefix: str, year: int | None) -> Q:
    q = Q(**{f"{prefix}cancelled": False})
    if year is not None:
        start, end = fiscal_year_range(year)
        q &= Q(**{f"{prefix}held_on__gte": start, f"{prefix}held_on__lte": end})
    return q


@dataclass
class ProgramFigures:
    program: CommunityProgram
    sites: int
    activities: int
    participants: int
    volunteers: int
    trainings: int
    people_trained: int


def _sum_of(queryset, group, field):
    """A correlated subquery: SUM(field) per group, 0 when there is none."""
    total = queryset.values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def _count_of(queryset, group):
    count = queryset.values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def program_figures(user, *, year: int | None, area=None, program=None) -> list[ProgramFigures]:
    """Per program: active sites, activities, participants and volunteers, trainings and
    people trained in 年度 `year` (all years if None). One query. `area` narrows the sites
    and their activities (trainings belong to the program, not an area)."""
    sites = access.visible_community_sites(user).filter(program=OuterRef("pk"), active=True)
    activities = access.visible_community_activities(user).filter(
        _in_year("", year), site__program=OuterRef("pk")
    )
    trainings = access.visible_community_trainings(user).filter(
        _in_year("", year), program=OuterRef("pk")
    )
    if area is not None:
        sites = sites.filter(area=area)
        activities = activities.filter(site__area=area)
    programs = (
        CommunityProgram.objects.filter(active=True)
        if access.reads_community(user)
        else (CommunityProgram.objects.none())
    )
    if program is not None:
        programs = programs.filter(pk=program.pk)
    rows = programs.annotate(
        n_sites=_count_of(sites, "program"),
        n_activities=_count_of(activities, "site__program"),
        n_participants=_sum_of(activities, "site__program", "participants"),
        n_volunteers=_sum_of(activities, "site__program", "volunteers"),
        n_trainings=_count_of(trainings, "program"),
        n_trained=_sum_of(trainings, "program", "people_trained"),
    )
    return [
        ProgramFigures(
            program=p,
            sites=p.n_sites,
            activities=p.n_activities,
            participants=p.n_participants,
            volunteers=p.n_volunteers,
            trainings=p.n_trainings,
            people_trained=p.n_trained,
        )
        for p in rows
    ]


def sites_with_figures(user, *, year: int | None, program=None, area=None):
    """Sites (active first) with their activities and participants in 年度 `year`."""
    in_year = Q(activities__cancelled=False)
    if year is not None:
        start, end = fiscal_year_range(year)
        in_year &= Q(activities__held_on__gte=start, activities__held_on__lte=end)
    sites = access.visible_community_sites(user).select_related("program", "area", "district")
    if program is not None:
        sites = sites.filter(program=program)
    if area is not None:
        sites = sites.filter(area=area)
    return sites.annotate(
        n_activities=Count("activities", filter=in_year),
        n_participants=Coalesce(Sum("activities__participants", filter=in_year), Value(0)),
    ).order_by("-active", "program__order", "order", "code")


def site_activities(user, site, *, year: int | None):
    """A site's activities, cancelled ones included (they show, struck through)."""
    rows = access.visible_community_activities(user).filter(site=site)
    if year is not None:
        start, end = fiscal_year_range(year)
        rows = rows.filter(held_on__gte=start, held_on__lte=end)
    return rows.select_related("agency")


def trainings(user, *, year: int | None, program=None):
    rows = access.visible_community_trainings(user).select_related("program", "agency")
    if year is not None:
        start, end = fiscal_year_range(year)
        rows = rows.filter(held_on__gte=start, held_on__lte=end)
    if program is not None:
        rows = rows.filter(program=program)
    return rows


def fiscal_years_with_data(user) -> list[int]:
    """The years to offer in the filter: from the earliest entry to the current year."""
    current = current_fiscal_year()
    firsts = [
        access.visible_community_activities(user).aggregate(first=Min("held_on"))["first"],
        access.visible_community_trainings(user).aggregate(first=Min("held_on"))["first"],
    ]
    first = min([fiscal_year_of(d) for d in firsts if d] or [current])
    return list(range(max(current, first), max(first, current - 14) - 1, -1))
