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

**Import** reads every shape producers publish (hsds_shapes.py: tabular JSON with plural,
singular or .csv keys, the CSV datapackage, nested "full" records). Rows yorisoi can hold go
into its tables (organization, service, location with its first address and accessibility,
service_at_location, schedule, service_capacity with its unit, and a service's attributes whose
term is one of the city's categories). Every row, of every table of the spec, is also kept as received (HsdsRecord), so
that what yorisoi does not use is exported again unchanged and what it does use comes back
as it came (country "US", address_type "postal", "10:00:00") unless someone changed it here.
Taxonomy terms of another taxonomy are kept as such (external terms), not refused. Fields the
spec does not have and tables it does not have are reported as warnings, never dropped
silently; a file with no HSDS rows in it is refused as such.

Import is all or nothing (R7): the whole document is checked first (ids, duplicates,
references — a reference to a record that is neither in the file nor here is an error naming
the record —, statuses, values the models refuse) and every problem is reported per record,
e.g. `services.csv[3] (id 1f…): organization_id の参照先がありません。`; only a clean
document is written, in one transaction. It is a merge by id: records in the file are created
or updated, records not in the file are left alone; a service's categories and schedules
become exactly the file's. Importing the same file twice changes nothing.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yorisoi.directory.models import District
from yorisoi.http.validation import NUL, null_character_paths

from . import hsds_shapes, signals
from . import services as resource_services  # the module: services imports this one too
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
    ServiceStatus,
    ServiceTaxonomy,
    TaxonomyTerm,
    byday_problem,
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


# --- import: check everything first ---------------------------------------------------------


class _Checker:
    def __init__(self, rows: hsds_shapes.Rows):
        self.problems: list[dict] = []
        for where, message in rows.problems:
            self.add(where, None, message)

    def add(self, where, row_id, message):
        label = f"{where} (id {row_id})" if row_id else where
        self.problems.append(
            {"record": where, "id": row_id or "", "message": str(message),
             "text": f"{label}: {message}" if label else str(message)}
        )  # fmt: skip


def _model_problems(instance, exclude) -> list[str]:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        out = []
        for name, messages in exc.message_dict.items():
            for message in messages:
                out.append(message if name == "__all__" else f"{name}: {message}")
        return out
    return []


def _unknown_fields(rows: hsds_shapes.Rows) -> list[str]:
    notes = Counter()
    for table, items in rows.rows.items():
        spec = hsds_shapes.tables()[table]
        known = set(spec["fields"]) | EXTENSIONS.get(table, set())
        if table == "service":
            known.add(LEGACY_CAPACITY)
        for _where, row in items:
            for key in row:
                if key not in known:
                    notes[(spec["file"], key)] += 1
    return [
        f"{file}: HSDSにない項目 {key}（{n}件）は、そのまま保存して書き出しにも含めます。"
        for (file, key), n in sorted(notes.items())
    ]


def _existing(table: str, ids: set[str]) -> set[str]:
    """Which of `ids` this directory already has in `table` (its own tables or kept rows)."""
    found = set(
        HsdsRecord.objects.filter(table=table, record_id__in=ids).values_list(
            "record_id", flat=True
        )
    )
    model = MODELS.get(table)
    uuids = {u for u in (_uuid(i) for i in ids) if u}
    if model is not None and uuids:
        found |= {str(pk) for pk in model.objects.filter(pk__in=uuids).values_list("pk", flat=True)}
    return found


def check(document) -> dict:
    """Every problem in the document, or the parsed rows ready to write. Raises HsdsProblems.

    `document` is parsed JSON of any shape hsds_shapes.read takes, or the Rows of a
    datapackage (hsds_shapes.read_datapackage)."""
    rows = document if isinstance(document, hsds_shapes.Rows) else hsds_shapes.read(document)
    c = _Checker(rows)
    parsed = {"records": {}, "warnings": list(rows.warnings) + _unknown_fields(rows),
              **{t: {} for t in FIELDS}}  # fmt: skip
    # Pass 1: ids, duplicates, NUL. A record repeated unchanged (nested shapes repeat the
    # organization of every service) is one record.
    items: dict[str, list[tuple[str, str, dict]]] = {t: [] for t in hsds_shapes.tables()}
    for table, received in rows.rows.items():
        seen: dict[str, dict] = {}
        for where, row in received:
            raw_id = row.get("id")
            shown = str(raw_id).replace(NUL, "") if raw_id not in (None, "") else None
            nul = [".".join(str(p) for p in path) for path in null_character_paths(row)]
            for name in nul:
                c.add(where, shown, f"{name.replace(NUL, '')}: NUL文字（U+0000）は使えません。")
            if nul:
                continue
            if shown is None:
                c.add(where, None, "必須項目 id がありません。")
                continue
            if not isinstance(raw_id, str):
                c.add(where, shown, "id は文字列で指定してください。")
                continue
            if table in FIELDS and _uuid(raw_id) is None:
                c.add(where, shown, "id はUUIDで指定してください。")
                continue
            missing = [f for f in REQUIRED.get(table, ()) if row.get(f) in (None, "")]
            for f in missing:
                c.add(where, shown, f"必須項目 {f} がありません。")
            if missing:
                continue
            first = seen.get(raw_id)
            if first is not None:
                # The same record again (nested shapes repeat it, each time with the link
                # to where it is nested): one record, unless two values disagree.
                clash = sorted(k for k in row.keys() & first.keys() if row[k] != first[k])
                if clash:
                    c.add(where, shown, f"id が重複しています（{', '.join(clash)} が違います）。")
                first.update({k: v for k, v in row.items() if k not in first})
                continue
            seen[raw_id] = row
            items[table].append((where, raw_id, row))
    ids = {t: {i for _w, i, _r in v} for t, v in items.items()}
    all_ids = set().union(*ids.values())
    # References: in the file or already here, or the record that holds them is refused.
    wanted: dict[str, set[str]] = {}
    for table, entries in items.items():
        for _where, _id, row in entries:
            for key, target in REFERENCES.items():
                if row.get(key) not in (None, ""):
                    wanted.setdefault(target, set()).add(str(row[key]))
            if table == "taxonomy_term" and row.get("parent_id"):
                wanted.setdefault("taxonomy_term", set()).add(str(row["parent_id"]))
    here = {t: _existing(t, refs - ids.get(t, set())) for t, refs in wanted.items()}
    link_targets = {str(r["link_id"]) for _w, _i, r in items["attribute"] if r.get("link_id")}
    links_here = set()
    if link_targets - all_ids:
        for t in hsds_shapes.tables():
            links_here |= _existing(t, link_targets - all_ids)

    def exists(target, ref) -> bool:
        ref = str(ref)
        return ref in ids.get(target, set()) or ref in here.get(target, set())

    for table, entries in items.items():
        for where, row_id, row in entries:
            refs = [(k, t) for k, t in REFERENCES.items() if k in row]
            if table == "taxonomy_term" and "parent_id" in row:
                refs.append(("parent_id", "taxonomy_term"))
            for key, target in refs:
                if not exists(target, row[key]):
                    c.add(where, row_id, f"{key} の参照先（{target} {row[key]}）がファイルにも"
                                         "この市の社会資源にもありません。")  # fmt: skip
            if table == "attribute" and row.get("link_id"):
                link = str(row["link_id"])
                if link not in all_ids and link not in links_here:
                    c.add(where, row_id, f"link_id の参照先（{link}）がファイルにもこの市の"
                                         "社会資源にもありません。")  # fmt: skip
    # Taxonomy: a term of the city's categories (by id, or by code in the city's taxonomy)
    # links services to it; any other term is kept as an external term.
    city = {str(t.id): t for t in TaxonomyTerm.objects.all()}
    city_by_code = {t.code: t for t in city.values()}
    term_map: dict[str, TaxonomyTerm] = {}
    for _where, row_id, row in items["taxonomy_term"]:
        by_code = city_by_code.get(str(row.get("code") or ""))
        if by_code and row.get("taxonomy") in (None, "", by_code.taxonomy):
            term_map[row_id] = by_code
        elif row_id in city:
            term_map[row_id] = city[row_id]
    districts = {d.code: d for d in District.objects.all()}

    def values(table, where, row_id, row) -> dict | None:
        try:
            return _values(table, row)
        except (ValueError, TypeError, InvalidOperation):
            c.add(where, row_id, "値の形式が正しくありません（数値・日付・時刻・idを確かめて"
                                 "ください）。")  # fmt: skip
            return None

    def keep(table, row_id, row, mapped):
        parsed["records"][(table, row_id)] = (row, mapped)

    for where, row_id, row in items["organization"]:
        v = values("organization", where, row_id, row)
        if v is None:
            continue
        for p in _model_problems(Organization(**v), exclude=[]):
            c.add(where, row_id, p)
        parsed["organization"][v.pop("id")] = v
        keep("organization", row_id, row, True)
    for where, row_id, row in items["service"]:
        if not row.get("organization_id"):
            c.add(where, row_id, "運営団体（organization_id）がありません。よりそいでは社会資源"
                                 "ごとに運営団体が必要です。")  # fmt: skip
            continue
        if row.get("status") not in ServiceStatus.values:
            c.add(where, row_id, f"status は {', '.join(ServiceStatus.values)} のいずれかです。")
            continue
        v = values("service", where, row_id, row)
        if v is None:
            continue
        for p in _model_problems(Service(**v), exclude=["organization"]):
            c.add(where, row_id, p)
        parsed["service"][v.pop("id")] = v
        keep("service", row_id, row, True)
    for where, row_id, row in items["location"]:
        if row.get("location_type", "physical") not in LocationType.values:
            c.add(where, row_id, "location_type は physical, postal, virtual です。")
            continue
        code = row.get("x_district")
        if code and code not in districts:
            c.add(where, row_id, f"不明な地区コードです（{code}）。")
        v = values("location", where, row_id, row)
        if v is None:
            continue
        v["district"] = districts.get(code) if code else None
        parsed["location"][v["id"]] = v
        keep("location", row_id, row, True)
    # A location's first address and first accessibility row go into the location's columns.
    for table in ("address", "accessibility"):
        for where, row_id, row in items[table]:
            location_id = _ref(row.get("location_id"))
            location = parsed["location"].get(location_id)
            mapped = location is not None and table not in location.get("_taken", set())
            if mapped:
                v = values(table, where, row_id, row)
                if v is None:
                    continue
                v.pop("id")
                location.update(v)
                location.setdefault("_taken", set()).add(table)
            keep(table, row_id, row, mapped)
    for pk, v in parsed["location"].items():
        v.pop("_taken", None)
        for p in _model_problems(Location(**v), exclude=["organization", "district"]):
            where = next(w for w, i, _r in items["location"] if _ref(i) == pk)
            c.add(where, str(pk), p)
        v.pop("id")
    for where, row_id, row in items["service_at_location"]:
        mapped = bool(row.get("service_id") and row.get("location_id"))
        if mapped:
            v = values("service_at_location", where, row_id, row)
            if v is None:
                continue
            parsed["service_at_location"][v.pop("id")] = v
        keep("service_at_location", row_id, row, mapped)
    sal_here = {str(pk) for pk in ServiceAtLocation.objects.values_list("pk", flat=True)}
    for where, row_id, row in items["schedule"]:
        sal = row.get("service_at_location_id")
        sal_held = not sal or _ref(sal) in parsed["service_at_location"] or _uuid(sal) in sal_here
        mapped = bool(row.get("service_id") or sal) and sal_held
        if mapped:
            if row.get("freq", Freq.WEEKLY) not in Freq.values:
                c.add(where, row_id, "freq は WEEKLY か MONTHLY です。")
                continue
            v = values("schedule", where, row_id, row)
            if v is None:
                continue
            v["byday"] = v["byday"].replace(" ", "")
            problem = byday_problem(v["byday"], v["freq"])
            if problem:
                c.add(where, row_id, f"byday: {problem}")
            for p in _model_problems(Schedule(**v), ["service", "service_at_location"]):
                if not (problem and p.startswith("byday")):
                    c.add(where, row_id, p)
            if not sal:
                v["service_at_location_id"] = None
            parsed["schedule"][v.pop("id")] = v
        keep("schedule", row_id, row, mapped)
    for _where, row_id, row in items["taxonomy_term"]:
        if row_id not in term_map:
            keep("taxonomy_term", row_id, row, False)  # an external term, kept as it came
    services_here = {str(pk) for pk in Service.objects.values_list("pk", flat=True)}
    pairs = set()
    for _where, row_id, row in items["attribute"]:
        term_id = str(row.get("taxonomy_term_id") or "")
        term = term_map.get(term_id) or city.get(_uuid(term_id) or "")
        link = _uuid(row.get("link_id"))
        to_service = row.get("link_entity", "service") == "service" and (
            _ref(link) in parsed["service"] or link in services_here
        )
        mapped = term is not None and to_service and (link, term.pk) not in pairs
        if mapped:
            pairs.add((link, term.pk))
            parsed["attribute"][_ref(row_id)] = {"service_id": _ref(link), "term": term}
        keep("attribute", row_id, row, mapped)
    for where, row_id, row in items["unit"]:
        v = values("unit", where, row_id, row)
        if v is None:
            continue
        for p in _model_problems(CapacityUnit(**v), exclude=[]):
            c.add(where, row_id, p)
        parsed["unit"][v.pop("id")] = v
        keep("unit", row_id, row, True)
    units_here = {str(pk) for pk in CapacityUnit.objects.values_list("pk", flat=True)}
    for where, row_id, row in items["service_capacity"]:
        try:
            v = _values("service_capacity", row)
        except (ValueError, TypeError, InvalidOperation):
            v = None
        held = v is not None and (
            (v["service_id"] in parsed["service"] or str(v["service_id"]) in services_here)
            and (v["unit_id"] in parsed["unit"] or str(v["unit_id"]) in units_here)
        )
        counts = v is not None and v["available"] is not None and v["available"] >= 0
        counts = counts and (v["maximum"] is None or v["maximum"] >= 0)
        if held and counts and v["updated"] is not None:
            parsed["service_capacity"][v.pop("id")] = v
            keep("service_capacity", row_id, row, True)
            continue
        parsed["warnings"].append(
            f"{where} (id {row_id}): 空き状況として読めないため（人数は0以上の整数、updated "
            "が必要です）、受け取ったまま保存して書き出しにも含めます。"
        )
        keep("service_capacity", row_id, row, False)
    # yorisoi's x_capacity of before: a capacity in people, unless the file gives one.
    given = {v["service_id"] for v in parsed["service_capacity"].values()}
    for where, row_id, row in items["service"]:
        if LEGACY_CAPACITY not in row or _ref(row_id) not in parsed["service"]:
            continue
        value = row.pop(LEGACY_CAPACITY)
        if _ref(row_id) in given or value in (None, ""):
            continue
        try:
            n = _int(value)
        except ValueError:
            n = None
        if n is None or n < 0:
            c.add(where, row_id, f"{LEGACY_CAPACITY} は0以上の整数で指定してください。")
            continue
        capacity_id = uuid.uuid5(_ref(row_id), LEGACY_CAPACITY)
        existing = ServiceCapacity.objects.filter(pk=capacity_id).first()
        if existing is not None and existing.maximum == n:
            continue  # read before: its vacancies may have been reported since
        parsed["service_capacity"][capacity_id] = {
            "service_id": _ref(row_id), "unit_id": None, "available": n, "maximum": n,
            "description": MOVED_CAPACITY, "updated": timezone.now(),
        }  # fmt: skip
    for table, entries in items.items():
        if table not in FIELDS and table != "taxonomy_term":
            for _where, row_id, row in entries:
                keep(table, row_id, row, False)
    if not c.problems and not items_count(items):
        c.add("", None, "HSDSの行が一つもないため、何も読み込めません。"
                        + "".join(f" {w}" for w in parsed["warnings"]))  # fmt: skip
    if c.problems:
        raise HsdsProblems(c.problems)
    return parsed


def items_count(items) -> int:
    return sum(len(v) for v in items.values())


# --- import: write -------------------------------------------------------------------------


def _upsert(model, pk, values, result, table, *, versioned=False) -> bool:
    """Create or update one row; True when something changed."""
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        model(pk=pk, **values).save()
        result.count(result.created, table)
        return True
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if not changed:
        return False
    for k in changed:
        setattr(obj, k, values[k])
    if versioned:
        obj.version += 1
    obj.save()
    result.count(result.updated, table)
    return True


@transaction.atomic
def write(parsed, *, actor=None) -> tuple[ImportResult, set]:
    """Write a checked document (see check()). Returns the counts and the touched services."""

    result = ImportResult(warnings=parsed["warnings"])
    changed: set[tuple[str, str]] = set()
    touched = set()

    def put(model, table, rows, **kw):
        for pk, values in rows.items():
            if _upsert(model, pk, values, result, table, **kw):
                changed.add((table, str(pk)))

    put(Organization, "organization", parsed["organization"])
    for pk, values in parsed["service"].items():
        if not Service.objects.filter(pk=pk).exists():
            values["created_by"] = actor
        touched.add(pk)
    put(Service, "service", parsed["service"], versioned=True)
    put(Location, "location", parsed["location"])
    put(ServiceAtLocation, "service_at_location", parsed["service_at_location"])
    put(CapacityUnit, "unit", parsed["unit"])
    for values in parsed["service_capacity"].values():
        if values["unit_id"] is None:  # read from x_capacity
            values["unit_id"] = CapacityUnit.person().pk
    put(ServiceCapacity, "service_capacity", parsed["service_capacity"], versioned=True)
    # A service's categories and schedules become exactly the file's.
    in_file = list(parsed["service"])
    schedules = parsed["schedule"]
    stale = Schedule.objects.filter(service_id__in=in_file).exclude(pk__in=list(schedules))
    stale |= Schedule.objects.filter(service_at_location__service_id__in=in_file).exclude(
        pk__in=list(schedules)
    )
    gone = [("schedule", str(pk)) for pk in stale.values_list("pk", flat=True)]
    stale.delete()
    put(Schedule, "schedule", schedules)
    wanted = {(a["service_id"], a["term"].pk): pk for pk, a in parsed["attribute"].items()}
    for link in ServiceTaxonomy.objects.filter(service_id__in=in_file):
        if (link.service_id, link.taxonomy_term_id) not in wanted:
            gone.append(("attribute", str(link.pk)))
            link.delete()
    for (service_id, term_id), pk in wanted.items():
        if ServiceTaxonomy.objects.filter(service_id=service_id, taxonomy_term_id=term_id).exists():
            continue
        ServiceTaxonomy.objects.create(id=pk, service_id=service_id, taxonomy_term_id=term_id)
        result.count(result.created, "attribute")
        changed.add(("attribute", str(pk)))
    for table, pk in gone:
        HsdsRecord.objects.filter(table=table, record_id=pk).delete()
    if gone:
        result.updated["removed"] = len(gone)
    # Every row as received. A location's address counts as the location's change.
    for (table, record_id), (row, mapped) in parsed["records"].items():
        rec = HsdsRecord.objects.filter(table=table, record_id=record_id).first()
        if rec is not None and rec.data == row and rec.mapped == mapped:
            if (table, str(_ref(record_id))) not in changed:
                result.unchanged += 1
            continue
        if mapped and table in ("address", "accessibility"):
            # One address (accessibility) per location lives in its columns: the one before
            # it, if another, is no longer the location's.
            HsdsRecord.objects.filter(table=table, mapped=True).exclude(record_id=record_id).filter(
                data__location_id=row["location_id"]
            ).delete()
        HsdsRecord.objects.update_or_create(
            table=table, record_id=record_id, defaults={"data": row, "mapped": mapped}
        )
        if (table, str(_ref(record_id))) in changed:
            continue
        if rec is None and mapped:
            result.unchanged += 1  # the form it came in, of a record that did not change
            continue
        result.count(result.created if rec is None else result.updated, table)
    for service in Service.objects.filter(pk__in=touched):
        resource_services.refresh_search_text(service)
    if result.changed:
        signals.bump()  # a kept attribute may link a service to a mapped outside term
    return result, touched
