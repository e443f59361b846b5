"""Changes to the social-resource directory (社会資源). Screens and API call these.

Who may change it is access.can_manage_resources (the coordinator and agency managers).
Nothing is deleted (R7): a resource is deactivated; edits carry the version the editor saw and
are kept in history. The HSDS import is all or nothing (hsds_importing.py). The directory holds no
personal data, so the audit events carry no legal basis; they record who changed what.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.audit.log import record
from yorisoi.concurrency import lock_version
from yorisoi.errors import ConcurrentEditError, RuleViolation
from yorisoi.people.names import normalize_for_search

from . import hsds, hsds_importing
from .models import (
    CapacityUnit,
    HsdsRecord,
    Location,
    Organization,
    OutsideTermMapping,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceStatus,
    ServiceTaxonomy,
    TaxonomyTerm,
)

SERVICE_FIELDS = {
    "name", "alternate_name", "description", "url", "email", "eligibility_description",
    "minimum_age", "maximum_age", "application_process", "fees_description", "fee_amount",
    "contact_name", "phone", "status",
}  # fmt: skip
LOCATION_FIELDS = {
    "name", "postal_code", "address_1", "city", "state_province", "district", "latitude",
    "longitude", "accessibility", "transportation", "description",
}  # fmt: skip
SCHEDULE_FIELDS = {
    "freq", "interval", "byday", "opens_at", "closes_at", "valid_from", "valid_to", "description",
}  # fmt: skip


def _require_manager(actor):
    if not access.can_manage_resources(actor):
        raise RuleViolation(
            _("社会資源の登録・変更は福祉総務課と各機関の管理者が行います。"), code="forbidden"
        )


def refresh_search_text(service: Service) -> None:
    """The folded text the search compares with (people.names.normalize_for_search)."""
    parts = [service.name, service.alternate_name, service.description,
             service.eligibility_description, service.organization.name]  # fmt: skip
    for loc in Location.objects.filter(service_at_locations__service=service):
        parts += [loc.name, loc.address_1]
    text = normalize_for_search(" ".join(p for p in parts if p))
    if text != service.search_text:
        Service.objects.filter(pk=service.pk).update(search_text=text)
        service.search_text = text


def _check(fields: dict, allowed: set, what: str):
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown {what} fields: {sorted(unknown)}")


@transaction.atomic
def organization_create(*, actor, name: str, request=None, **fields) -> Organization:
    _require_manager(actor)
    org = Organization(name=name, **fields)
    org.full_clean()
    org.save()
    record("resource_organization.created", actor=actor, target=org, request=request)
    return org


def _save_location(service: Service, location: dict | None) -> None:
    """The service's main place (its first service_at_location), created or corrected."""
    if location is None:
        return
    _check(location, LOCATION_FIELDS, "location")
    link = service.service_at_locations.select_related("location").order_by("id").first()
    if link is None:
        if not location.get("name") and not location.get("address_1"):
            return
        loc = Location(organization=service.organization)
    else:
        loc = link.location
    for key, value in location.items():
        setattr(loc, key, value)
    if not loc.name:
        loc.name = service.name
    try:
        loc.full_clean()
    except ValidationError as exc:
        raise ValidationError({f"location_{k}": v for k, v in exc.message_dict.items()}) from exc
    loc.save()
    if link is None:
        ServiceAtLocation.objects.create(service=service, location=loc)


def _save_schedules(service: Service, schedules: list[dict] | None) -> None:
    """Replace the service's own schedules with these (corrections kept by history)."""
    if schedules is None:
        return
    rows = []
    for i, values in enumerate(schedules):
        _check(values, SCHEDULE_FIELDS, "schedule")
        sch = Schedule(service=service, **values)
        try:
            sch.full_clean()
        except ValidationError as exc:
            raise ValidationError(
                {f"schedules.{i}.{k}": v for k, v in exc.message_dict.items()}
            ) from exc
        rows.append(sch)
    current = list(service.schedules.all())
    same = len(current) == len(rows) and all(
        all(getattr(a, f) == getattr(b, f) for f in SCHEDULE_FIELDS)
        for a, b in zip(current, rows, strict=True)
    )
    if same:
        return
    for old in current:
        old.delete()
    for sch in rows:
        sch.save()


def _save_terms(service: Service, terms) -> None:
    if terms is None:
        return
    wanted = {t.pk for t in terms}
    ServiceTaxonomy.objects.filter(service=service).exclude(taxonomy_term_id__in=wanted).delete()
    have = set(
        ServiceTaxonomy.objects.filter(service=service).values_list("taxonomy_term_id", flat=True)
    )
    for term_id in wanted - have:
        ServiceTaxonomy.objects.create(service=service, taxonomy_term_id=term_id)


@transaction.atomic
def service_create(
    *,
    actor,
    organization: Organization,
    fields: dict,
    location: dict | None = None,
    schedules: list[dict] | None = None,
    terms=None,
    request=None,
) -> Service:
    """Register a social resource with its main place, schedules and categories."""
    _require_manager(actor)
    _check(fields, SERVICE_FIELDS, "service")
    service = Service(organization=organization, created_by=actor, **fields)
    service.full_clean()
    service.save()
    _save_location(service, location)
    _save_schedules(service, schedules)
    _save_terms(service, terms)
    refresh_search_text(service)
    record("resource.created", actor=actor, target=service, request=request)
    return service


def _locked(service: Service, version: int) -> Service:
    return lock_version(
        Service.objects.select_related("organization"),
        service.pk,
        version=version,
        message=_("ほかの人が先にこの社会資源を更新しました。最新の内容を確認してください。"),
    )


@transaction.atomic
def service_update(
    *,
    actor,
    service: Service,
    version: int,
    fields: dict,
    organization: Organization | None = None,
    location: dict | None = None,
    schedules: list[dict] | None = None,
    terms=None,
    request=None,
) -> Service:
    """Correct a resource (R7: the version the editor saw must still be the latest)."""
    _require_manager(actor)
    _check(fields, SERVICE_FIELDS, "service")
    current = _locked(service, version)
    for key, value in fields.items():
        setattr(current, key, value)
    if organization is not None:
        current.organization = organization
    current.full_clean()
    current.version += 1
    current.save()
    _save_location(current, location)
    _save_schedules(current, schedules)
    _save_terms(current, terms)
    refresh_search_text(current)
    record("resource.updated", actor=actor, target=current, request=request)
    return current


@transaction.atomic
def service_deactivate(*, actor, service: Service, version: int, request=None) -> Service:
    """No hard delete (R7): the resource stays, marked inactive, and leaves the default search."""
    _require_manager(actor)
    current = _locked(service, version)
    if current.status == ServiceStatus.INACTIVE:
        return current
    current.status = ServiceStatus.INACTIVE
    current.version += 1
    current.save()
    record("resource.deactivated", actor=actor, target=current, request=request)
    return current


CAPACITY_FIELDS = ("available", "maximum", "description")


@transaction.atomic
def capacity_update(
    *,
    actor,
    service: Service,
    version: int,
    available: int,
    maximum: int | None = None,
    description: str = "",
    unit: CapacityUnit | None = None,
    request=None,
) -> ServiceCapacity:
    """Report a resource's vacancies (空き): its capacity in `unit` (人 unless said), HSDS 3.1
    service_capacity, stamped with the time of this report (`updated`).

    R7: `version` is the capacity's version the editor saw, 0 when the resource had none in
    that unit; someone else's report in between is a ConcurrentEditError. A new report never
    has more places free than it has places (an imported row may: the spec's own example says
    12 free of 10, and imports keep what was published)."""
    _require_manager(actor)
    unit = unit or CapacityUnit.person()
    conflict = _("ほかの人が先に空き状況を更新しました。最新の内容を確認してください。")
    # The service row's lock makes two first reports in one unit one after the other.
    Service.objects.select_for_update().get(pk=service.pk)
    found = ServiceCapacity.objects.filter(service=service, unit=unit).order_by("id").first()
    if found is None:
        if version != 0:
            raise ConcurrentEditError(conflict)
        current = ServiceCapacity(service=service, unit=unit)
    else:
        current = lock_version(
            ServiceCapacity.objects, found.pk, version=version, message=conflict,
            fields=CAPACITY_FIELDS, given=found,
        )  # fmt: skip
        current.version += 1
    current.available, current.maximum = available, maximum
    current.description = description or ""
    current.updated = timezone.now()
    if maximum is not None and available is not None and available > maximum:
        raise ValidationError({"available": _("空きは定員以下の数にしてください。")})
    current.full_clean()
    current.save()
    record(
        "resource.capacity_updated",
        actor=actor,
        target=service,
        request=request,
        data={"available": available, "maximum": maximum, "unit": str(unit.pk)},
    )
    return current


@transaction.atomic
def outside_term_map(
    *, actor, term: HsdsRecord, mapped_to: TaxonomyTerm | None, version: int, request=None
) -> OutsideTermMapping:
    """Say which of the city's categories an outside term (a term of another taxonomy, kept
        as received by the HSDS import) stands for, or — `mapped_to` None — that it stands for
        none. Its services are then found under that category (selectors); the export still
        writes the term they came with.

        R7: `version` is the mapping's version the editor saw, 0 when the term was never mapped;
        someone else's mapping in between is a ConcurrentEditError. Clearing keeps the row, with
        its history. Returns the mapping as it stands (unsaved, version 0: a term never mapped, left
    unmapped)."""
    _require_manager(actor)
    conflict = _("ほかの人が先にこの分類の対応づけを変更しました。最新の内容を確認してください。")
    if term.table != "taxonomy_term" or term.mapped:
        raise RuleViolation(_("外部の分類ではありません。"), code="invalid")
    if mapped_to is not None and not mapped_to.active:
        raise ValidationError({"mapped_to": _("使われていない分類には対応づけられません。")})
    # The term's row lock makes two first mappings of one term one after the other.
    HsdsRecord.objects.select_for_update().get(pk=term.pk)
    found = OutsideTermMapping.objects.filter(term=term).first()
    if found is None:
        if version != 0:
            raise ConcurrentEditError(conflict)
        current = OutsideTermMapping(term=term, version=0)
        if mapped_to is None:
            return current
    else:
        current = lock_version(
            OutsideTermMapping.objects, found.pk, version=version, message=conflict,
            fields=("mapped_to",), given=found,
        )  # fmt: skip
        if current.mapped_to_id == (mapped_to.pk if mapped_to else None):
            return current
    current.version += 1
    current.mapped_to = mapped_to
    current.updated_by = actor
    current.full_clean()
    current.save()
    record(
        "resource.outside_term_mapped",
        actor=actor,
        target=current,
        request=request,
        data={"term": term.record_id, "mapped_to": str(mapped_to.pk) if mapped_to else None},
    )
    return current


@dataclass
class ImportOutcome:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    unchanged: int = 0
    warnings: list = field(default_factory=list)


@transaction.atomic
def hsds_import(*, actor, data, request=None) -> ImportOutcome:
    """Import an HSDS document (any shape hsds_shapes.py reads). All or nothing: raises
    hsds.HsdsProblems with every problem per record, and writes nothing, unless the whole
    document is clean. Importing the same document twice changes nothing."""
    _require_manager(actor)
    parsed = hsds_importing.check(data)
    result, _touched = hsds_importing.write(parsed, actor=actor)
    record(
        "resources.imported",
        actor=actor,
        target_type="service",
        request=request,
        data={"created": result.created, "updated": result.updated},
    )
    return ImportOutcome(
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        warnings=result.warnings,
    )


def hsds_export(*, actor, request=None) -> dict:
    """The whole directory in HSDS's tabular form (public information; the export is logged)."""
    if not access.reads_resources(actor):
        raise RuleViolation(_("社会資源を閲覧する権限がありません。"), code="forbidden")
    data = hsds.export()
    record(
        "resources.exported",
        actor=actor,
        target_type="service",
        request=request,
        data={"count": len(data["services.csv"])},
    )
    return data
