"""Reads of the social-resource directory, always from access.visible_services(user).

The list keeps a constant number of queries whatever its length: organisation by join, the
categories, places and schedules by one prefetch each.
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import time

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.fields.json import KT

from yorisoi import access
from yorisoi.http.validation import NUL
from yorisoi.people.names import normalize_for_search

from .models import (
    WEEKDAYS,
    HsdsRecord,
    OutsideTermMapping,
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
        # The category, its sub-categories, and outside terms mapped to either (issue 17).
        family = [query.category.pk, *query.category.children.values_list("pk", flat=True)]
        through_outside = categories_through_outside_terms(categories=family)
        services = services.filter(
            Q(taxonomy_terms=query.category)
            | Q(taxonomy_terms__parent=query.category)
            | Q(pk__in=list(through_outside))
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


# --- outside terms (issue 17 part 3) --------------------------------------------------------
#
# A taxonomy_term of another taxonomy is kept by the HSDS import as received (HsdsRecord, table
# taxonomy_term), and so is each attribute linking a service to it (table attribute). Those who
# keep the directory map such a term to one of the city's categories (OutsideTermMapping); the
# readers below then find its services under that category.


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def categories_through_outside_terms(*, categories=None) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Service id → the city's categories it carries through mapped outside terms (only
    `categories`, when given). A service's own categories (ServiceTaxonomy) are not in it; an
    id here may name no service (an attribute of another table): callers keep their own."""
    mappings = OutsideTermMapping.objects.filter(mapped_to__isnull=False)
    if categories is not None:
        mappings = mappings.filter(mapped_to__in=categories)
    mapped = dict(mappings.values_list("term__record_id", "mapped_to_id"))
    if not mapped:
        return {}
    links = (
        HsdsRecord.objects.filter(
            table="attribute", mapped=False, data__taxonomy_term_id__in=list(mapped)
        )
        .annotate(link=KT("data__link_id"), term=KT("data__taxonomy_term_id"))
        .values_list("link", "term")
    )
    out: dict[uuid.UUID, set[uuid.UUID]] = {}
    for link, term in links:
        service_id = _uuid_or_none(link)
        if service_id is not None and term in mapped:
            out.setdefault(service_id, set()).add(mapped[term])
    return out


def outside_terms(*, user) -> QuerySet:
    """The outside terms (HsdsRecord rows), for those who keep the directory: a taxonomy's
    terms together (by its id: the `taxonomy` name is optional in HSDS), by name."""
    if not access.can_manage_resources(user):
        return HsdsRecord.objects.none()
    return (
        HsdsRecord.objects.filter(table="taxonomy_term", mapped=False)
        .select_related("mapping__mapped_to")
        .order_by(KT("data__taxonomy_id"), KT("data__name"), "record_id")
    )


def outside_term(*, user, term_id: str) -> HsdsRecord | None:
    """One outside term by its HSDS id, or None."""
    if NUL in term_id:  # PostgreSQL cannot even compare with it
        return None
    return outside_terms(user=user).filter(record_id=term_id).first()


@dataclass(frozen=True)
class OutsideTerm:
    """An outside term as the mapping screen and the API show it."""

    record: HsdsRecord
    id: str  # its HSDS id
    taxonomy: str
    code: str
    name: str
    services: int  # how many of the city's services carry it
    mapped_to: TaxonomyTerm | None
    version: int  # of its mapping; 0 when it was never mapped


def _text(value) -> str:
    return "" if value is None else str(value)


def described(records) -> list[OutsideTerm]:
    """`records` (a page of outside_terms) with their taxonomy's name and how many services
    carry each: three queries for the page, whatever its length."""
    records = list(records)
    ids = [r.record_id for r in records]
    links = set()
    if ids:
        links = set(
            HsdsRecord.objects.filter(
                table="attribute", mapped=False, data__taxonomy_term_id__in=ids
            )
            .annotate(link=KT("data__link_id"), term=KT("data__taxonomy_term_id"))
            .values_list("term", "link")
        )
    services = {_uuid_or_none(link) for _term, link in links} - {None}
    real = set(Service.objects.filter(pk__in=services).values_list("pk", flat=True))
    carried = Counter(term for term, link in links if _uuid_or_none(link) in real)
    taxonomy_ids = {_text(r.data.get("taxonomy_id")) for r in records} - {""}
    taxonomies = {
        rec.record_id: _text(rec.data.get("name"))
        for rec in HsdsRecord.objects.filter(table="taxonomy", record_id__in=taxonomy_ids)
    }
    out = []
    for r in records:
        mapping = getattr(r, "mapping", None)
        taxonomy_id = _text(r.data.get("taxonomy_id"))
        out.append(
            OutsideTerm(
                record=r,
                id=r.record_id,
                taxonomy=taxonomies.get(taxonomy_id)
                or _text(r.data.get("taxonomy"))
                or taxonomy_id,
                code=_text(r.data.get("code")),
                name=_text(r.data.get("name")),
                services=carried[r.record_id],
                mapped_to=mapping.mapped_to if mapping else None,
                version=mapping.version if mapping else 0,
            )
        )
    return out
