"""Reads of the social-resource directory, always from access.visible_services(user).

The list keeps a constant number of queries whatever its length: organisation by join, the
categories, places and schedules by one prefetch each.
"""

from dataclasses import dataclass
from datetime import time

from django.db.models import Prefetch, Q, QuerySet

from yorisoi import access
from yorisoi.people.names import normalize_for_search

from .models import (
    WEEKDAYS,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceStatus,
    TaxonomyTerm,
)


@dataclass(frozen=True)
class ResourceQuery:
    category: TaxonomyTerm | None = None  # includes its children
    district_id: int | None = None
    day: str = ""  # MO … SU
    at: time | None = None  # open at this time (with `day`, on that day)
    text: str = ""
    include_inactive: bool = False


def with_details(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("organization").prefetch_related(
        Prefetch("taxonomy_terms", queryset=TaxonomyTerm.objects.order_by("order", "code")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related(
                "location", "location__district"
            ).order_by("id"),
        ),
        Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "id")),
        Prefetch(
            "capacities", queryset=ServiceCapacity.objects.select_related("unit").order_by("id")
        ),
    )


def _open_schedules(day: str, at: time | None) -> QuerySet:
    schedules = Schedule.objects.all()
    if day:
        schedules = schedules.filter(byday__contains=day)
    if at is not None:
        schedules = schedules.filter(opens_at__lte=at, closes_at__gt=at)
    return schedules


def search(*, user, query: ResourceQuery) -> QuerySet:
    services = access.visible_services(user)
    if not query.include_inactive:
        services = services.filter(status=ServiceStatus.ACTIVE)
    if query.category is not None:
        services = services.filter(
            Q(taxonomy_terms=query.category) | Q(taxonomy_terms__parent=query.category)
        )
    if query.district_id:
        services = services.filter(service_at_locations__location__district_id=query.district_id)
    if (query.day and query.day in WEEKDAYS) or query.at is not None:
        open_ = _open_schedules(query.day if query.day in WEEKDAYS else "", query.at)
        services = services.filter(
            Q(pk__in=open_.values("service_id"))
            | Q(pk__in=open_.values("service_at_location__service_id"))
        )
    text = normalize_for_search(query.text or "")
    if text:
        services = services.filter(search_text__contains=text)
    # The joins above can repeat a service: keep one row each, by id.
    return with_details(Service.objects.filter(pk__in=services.values("pk"))).order_by("name", "id")


def categories() -> QuerySet:
    return TaxonomyTerm.objects.filter(active=True).select_related("parent")


def detail(*, user, service_id) -> Service | None:
    return with_details(access.visible_services(user)).filter(pk=service_id).first()
