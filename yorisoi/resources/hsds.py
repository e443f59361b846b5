"""Open Referral HSDS 3.x import and export of the social-resource directory.

**Export** is the spec's tabular form: one JSON object whose keys are the spec's file names
(`"organizations.csv"`, `"service_at_location.csv"` …, as in the spec's examples/tabular.json),
each a list of flat rows, plus `"hsds_version"` and `"profile"` (the URI of yorisoi's profile,
which declares the extension fields below). The same tables download as the spec's CSV
datapackage (a zip; hsds_shapes.write_datapackage). Every record validates against the
official schemas (tests/hsds_spec): a value that is empty is left out, never null or "";
numbers are numbers.

yorisoi's extensions (`x_…`, declared by the profile): organizations and services
`x_phone`, services `x_fee_amount` (yen per visit), `x_contact_name`; locations `x_district`
(a district code of the city's master data). A service's vacancies are HSDS 3.1's own
service_capacity and unit tables (the tables of a 3.1 document; a 3.0 reader does not know
them and leaves them). yorisoi's x_capacity of before (a head count) is still read: as a
capacity in people, when the file has none for that service.

The import is in hsds_importing.py; both share the tables, fields and value conversions here.

Where yorisoi deliberately differs from the spec (tests/hsds_spec checks the rest):
- a service needs an organization (organization_id or a nested one): every screen and the
  matching name who runs a service;
- the tables yorisoi holds need UUID ids (the spec's own format); other tables' ids are kept
  as any string;
- a location holds one address and one accessibility row in its own columns; further rows are
  kept and exported but not editable; a schedule of a location alone is kept, unused;
- nulls and "" in typed fields are dropped on import (HSDS allows neither);
- a field that breaks the schema in a table yorisoi does not use is kept and exported as
  received;
- through the CSV zip a number where the spec says text comes back as text;
- x_phone, x_fee_amount, x_contact_name and x_district are extension fields (declared by
  PROFILE_URI, a placeholder URN until the city publishes its profile), not phones,
  cost_options or metadata tables;
- the city's own taxonomy terms are matched by id or by code and never overwritten by an import;
- metadata.resource_id is not checked for dangling references;
- the 3.1-only tables (service_capacity, unit, url) are exported only when they have rows,
  under hsds_version "3.0";
- a record repeated with the same content (nested files repeat records) is merged; repeats that
  disagree are an error;
- an import may say more places are free than the maximum (the spec's own example has 12 of
  10); a report typed here may not;
- the read API (hsds_api.py) refuses free-text `search` on services (a worker's words would
  land in URLs and access logs), has no ndjson, postcode, proximity or minimal, and serves at
  most 200 per page.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from . import hsds_shapes
from .models import (
    CapacityUnit,
    Freq,
    HsdsRecord,
    Location,
    LocationType,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceTaxonomy,
    TaxonomyTerm,
)

HSDS_VERSION = "3.0"
# What the profile declares: the x_ fields above. A URN, not a web address: it names the
# profile without promising a page (HSDS 3 asks for a URI).
PROFILE_URI = "urn:yorisoi:hsds-profile:ja-jp:1.0"
EXTENSIONS = {"organization": {"x_phone"}, "location": {"x_district"},
              "service": {"x_fee_amount", "x_contact_name", "x_phone"}}  # fmt: skip
# yorisoi's extension of before service_capacity: a head count, read as a capacity in people.
LEGACY_CAPACITY = "x_capacity"
MOVED_CAPACITY = "定員から移行（空きは未確認）"  # as migration 0006 says it

TEXT, INT, DECIMAL, TIME, DATE, DATETIME, REF = (
    "text", "int", "decimal", "time", "date", "datetime", "ref"
)  # fmt: skip
# HSDS field → (model attribute, kind), per table yorisoi holds in its own models.
FIELDS = {
    "organization": {
        "id": ("id", REF), "name": ("name", TEXT), "alternate_name": ("alternate_name", TEXT),
        "description": ("description", TEXT), "email": ("email", TEXT),
        "website": ("website", TEXT), "x_phone": ("phone", TEXT),
    },
    "service": {
        "id": ("id", REF), "organization_id": ("organization_id", REF), "name": ("name", TEXT),
        "alternate_name": ("alternate_name", TEXT), "description": ("description", TEXT),
        "url": ("url", TEXT), "email": ("email", TEXT), "status": ("status", TEXT),
        "eligibility_description": ("eligibility_description", TEXT),
        "minimum_age": ("minimum_age", INT), "maximum_age": ("maximum_age", INT),
        "application_process": ("application_process", TEXT),
        "fees_description": ("fees_description", TEXT), "x_fee_amount": ("fee_amount", INT),
        "x_contact_name": ("contact_name", TEXT), "x_phone": ("phone", TEXT),
    },
    "location": {
        "id": ("id", REF), "organization_id": ("organization_id", REF),
        "location_type": ("location_type", TEXT), "name": ("name", TEXT),
        "description": ("description", TEXT), "transportation": ("transportation", TEXT),
        "latitude": ("latitude", DECIMAL), "longitude": ("longitude", DECIMAL),
    },
    # A location's first address and accessibility live in the location's own columns.
    "address": {
        "location_id": ("id", REF), "address_1": ("address_1", TEXT), "city": ("city", TEXT),
        "state_province": ("state_province", TEXT), "postal_code": ("postal_code", TEXT),
    },
    "accessibility": {"location_id": ("id", REF), "description": ("accessibility", TEXT)},
    "service_at_location": {
        "id": ("id", REF), "service_id": ("service_id", REF),
        "location_id": ("location_id", REF), "description": ("description", TEXT),
    },
    "schedule": {
        "id": ("id", REF), "service_id": ("service_id", REF),
        "service_at_location_id": ("service_at_location_id", REF), "freq": ("freq", TEXT),
        "interval": ("interval", INT), "byday": ("byday", TEXT), "opens_at": ("opens_at", TIME),
        "closes_at": ("closes_at", TIME), "valid_from": ("valid_from", DATE),
        "valid_to": ("valid_to", DATE), "description": ("description", TEXT),
    },
    "attribute": {
        "id": ("id", REF), "link_id": ("service_id", REF),
        "taxonomy_term_id": ("taxonomy_term_id", REF),
    },
    # HSDS 3.1
    "unit": {
        "id": ("id", REF), "name": ("name", TEXT), "scheme": ("scheme", TEXT),
        "identifier": ("identifier", TEXT), "uri": ("uri", TEXT),
    },
    "service_capacity": {
        "id": ("id", REF), "service_id": ("service_id", REF), "unit_id": ("unit_id", REF),
        "available": ("available", INT), "maximum": ("maximum", INT),
        "description": ("description", TEXT), "updated": ("updated", DATETIME),
    },
}  # fmt: skip
# A reference column → the table it points into (HSDS 3.1). attribute.link_id may point
# into any table; metadata.resource_id is not checked (it names rows of any table, even gone).
REFERENCES = {
    "organization_id": "organization", "parent_organization_id": "organization",
    "service_id": "service", "location_id": "location",
    "service_at_location_id": "service_at_location", "contact_id": "contact",
    "program_id": "program", "taxonomy_term_id": "taxonomy_term", "taxonomy_id": "taxonomy",
    "unit_id": "unit",
}  # fmt: skip
MODELS = {"organization": Organization, "service": Service, "location": Location,
          "service_at_location": ServiceAtLocation, "schedule": Schedule,
          "attribute": ServiceTaxonomy, "taxonomy_term": TaxonomyTerm, "unit": CapacityUnit,
          "service_capacity": ServiceCapacity}  # fmt: skip
DEFAULTS = {("schedule", "freq"): Freq.WEEKLY, ("schedule", "interval"): 1,
            ("location", "location_type"): LocationType.PHYSICAL}  # fmt: skip
# What yorisoi cannot do without (HSDS requires less of a service: see check()).
REQUIRED = {"organization": ["name"], "service": ["name", "status"], "unit": ["name"]}
QUANTUM = Decimal("0.000001")  # the coordinates' 6 decimal places (Location)


def _label(table: str) -> str:
    """How the counts name a table: the spec's file name without .csv (services …)."""
    return hsds_shapes.tables()[table]["file"].removesuffix(".csv")


class HsdsProblems(Exception):
    """The document was refused; `problems` lists every problem found, per record."""

    def __init__(self, problems: list[dict]):
        super().__init__("\n".join(p["text"] for p in problems))
        self.problems = problems


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))

    def count(self, bucket: dict, table: str):
        bucket[_label(table)] = bucket.get(_label(table), 0) + 1


# --- values: read from a row, written to a row -----------------------------------------------


def _uuid(value) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, AttributeError, TypeError):
        return None


def _ref(value) -> uuid.UUID | None:
    """A foreign key as the model holds it (a UUID object compares equal to the column)."""
    text = _uuid(value) if value else None
    return uuid.UUID(text) if text else None


def _int(value):
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        raise ValueError
    if isinstance(value, float) and not value.is_integer():
        raise ValueError
    return int(value)


def _parse(kind, value, default=None):
    """A received value as the model column holds it. Raises ValueError, InvalidOperation."""
    if value in (None, ""):
        return default if default is not None else ("" if kind == TEXT else None)
    if kind == TEXT:
        return str(value)
    if kind == INT:
        return _int(value)
    if kind == DECIMAL:
        if isinstance(value, bool):
            raise ValueError
        return Decimal(str(value)).quantize(QUANTUM)
    if kind == TIME:
        return time.fromisoformat(str(value))
    if kind == DATE:
        return date.fromisoformat(str(value))
    if kind == DATETIME:
        moment = datetime.fromisoformat(str(value))
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    return _ref(value)


def _values(table, row) -> dict:
    """The model attributes a received row means (see FIELDS)."""
    return {
        attr: _parse(kind, row.get(key), DEFAULTS.get((table, key)))
        for key, (attr, kind) in FIELDS[table].items()
    }


def _json(kind, value):
    """A model value as HSDS writes it; None when there is nothing to write."""
    if value in (None, ""):
        return None
    if kind == DECIMAL:
        return float(value)
    if kind == TIME:
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if kind in (DATE, DATETIME):
        return value.isoformat()
    if kind == REF:
        return str(value)
    return value


def _clean(table: str, row: dict) -> dict:
    """No null and no empty string (the schemas refuse both for typed fields), except an
    empty text the spec requires (organization.description …)."""
    required = set(hsds_shapes.tables()[table]["required"])
    return {k: v for k, v in row.items() if v is not None and (v != "" or k in required)}


def _row(table: str, obj, stored: dict | None, extra: dict | None = None) -> dict:
    """The row for a record yorisoi holds: as it was received, with what has changed here
    since then laid over it (a value unchanged keeps its received spelling: "10:00:00")."""
    row = dict(stored or {})
    try:
        received = _values(table, stored) if stored is not None else {}
    except (ValueError, TypeError, InvalidOperation):
        received = {}
    for key, (attr, kind) in FIELDS[table].items():
        current = getattr(obj, attr)
        if attr in received and received[attr] == current:
            continue
        row[key] = _json(kind, current)
    for key, value in (extra or {}).items():
        row[key] = value
    spec = hsds_shapes.tables()[table]
    for key in spec["required"]:
        # A required nested record (service_capacity.unit) is a reference in a table (unit_id).
        if row.get(key) is None and key not in spec["nested"]:
            row[key] = ""
    return _clean(table, row)


# --- export ---------------------------------------------------------------------------------


def _derived_id(location_id, kind: str) -> str:
    return str(uuid.uuid5(uuid.UUID(str(location_id)), kind))


def export() -> dict:
    """The whole directory in the spec's tabular form (file-name keys), rows ordered by id."""
    stored: dict[str, dict[str, HsdsRecord]] = {name: {} for name in hsds_shapes.tables()}
    by_location: dict[str, dict[str, dict]] = {"address": {}, "accessibility": {}}
    for rec in HsdsRecord.objects.order_by("table", "record_id"):
        stored.setdefault(rec.table, {})[rec.record_id] = rec
        if rec.mapped and rec.table in by_location:
            by_location[rec.table][str(_ref(rec.data.get("location_id")))] = rec.data
    rows: dict[str, list[dict]] = {name: [] for name in hsds_shapes.tables()}
    held: dict[str, set[str]] = {name: set() for name in hsds_shapes.tables()}

    def add(table, obj, extra=None):
        rec = stored[table].get(str(obj.pk))
        rows[table].append(_row(table, obj, rec.data if rec and rec.mapped else None, extra))
        held[table].add(str(obj.pk))

    for o in Organization.objects.order_by("id"):
        add("organization", o)
    for s in Service.objects.order_by("id"):
        add("service", s)
    for loc in Location.objects.select_related("district").order_by("id"):
        add("location", loc, {"x_district": loc.district.code if loc.district_id else None})
        for table, present, defaults in (
            ("address", any(getattr(loc, a) for a, _ in FIELDS["address"].values() if a != "id"),
             {"country": "JP", "address_type": "physical"}),
            ("accessibility", bool(loc.accessibility), {}),
        ):  # fmt: skip
            received = by_location[table].get(str(loc.id))
            if not present and received is None:
                continue
            row_id = (received or {}).get("id") or _derived_id(loc.id, table)
            extra = {"id": row_id} if received else {"id": row_id, **defaults}
            rows[table].append(_row(table, loc, received, extra))
            held[table].add(str(row_id))
    for x in ServiceAtLocation.objects.order_by("id"):
        add("service_at_location", x)
    for sch in Schedule.objects.order_by("id"):
        add("schedule", sch)
    for t in TaxonomyTerm.objects.order_by("id"):
        rows["taxonomy_term"].append(_clean("taxonomy_term", {
            "id": str(t.id), "code": t.code, "name": t.name, "description": t.description,
            "taxonomy": t.taxonomy, "parent_id": str(t.parent_id) if t.parent_id else None,
        }))  # fmt: skip
        held["taxonomy_term"].add(str(t.id))
    for a in ServiceTaxonomy.objects.order_by("id"):
        add("attribute", a, {"link_entity": "service"})
    for u in CapacityUnit.objects.order_by("id"):
        add("unit", u)
    for cap in ServiceCapacity.objects.order_by("id"):
        add("service_capacity", cap)
    # What yorisoi does not hold itself, exactly as it was received.
    for table, records in stored.items():
        for record_id, rec in records.items():
            if not rec.mapped and record_id not in held.get(table, ()):
                rows.setdefault(table, []).append(rec.data)
    document = {"hsds_version": HSDS_VERSION, "profile": PROFILE_URI}
    for table, spec in hsds_shapes.tables().items():
        if spec["since"] == HSDS_VERSION or rows.get(table):
            document[spec["file"]] = sorted(rows.get(table, []), key=lambda r: str(r.get("id")))
    return document


def datapackage(document: dict) -> bytes:
    """The exported tables as the spec's CSV datapackage (zip)."""
    descriptor = {
        "name": "yorisoi-social-resources", "title": "社会資源（よりそい）",
        "profile": "tabular-data-package", "hsds_version": HSDS_VERSION,
        "hsds_profile": PROFILE_URI,
    }  # fmt: skip
    return hsds_shapes.write_datapackage(document, descriptor=descriptor)
