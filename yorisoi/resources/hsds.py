"""Open Referral HSDS 3.x import and export of the social-resource directory.

The exchange format is a **bundle of HSDS tables** in one JSON object (the tabular shape of
HSDS, `schema/compiled/tabular.json`, as JSON arrays rather than CSV files):

    {
      "hsds_version": "3.0",
      "profile": "yorisoi",
      "organizations":        [{id, name, alternate_name, description, email, website, x_phone}],
      "services":             [{id, organization_id, name, alternate_name, description, url,
                                email, status, eligibility_description, minimum_age,
                                maximum_age, application_process, fees_description,
                                x_fee_amount, x_capacity, x_contact_name, x_phone}],
      "locations":            [{id, organization_id, location_type, name, description,
                                transportation, latitude, longitude, x_district}],
      "addresses":            [{id, location_id, address_1, city, state_province, postal_code,
                                country, address_type}],
      "accessibility":        [{id, location_id, description}],
      "service_at_locations": [{id, service_id, location_id, description}],
      "schedules":            [{id, service_id, service_at_location_id, freq, interval, byday,
                                opens_at, closes_at, valid_from, valid_to, description}],
      "taxonomy_terms":       [{id, code, name, description, taxonomy, parent_id}],
      "attributes":           [{id, link_id, link_type, link_entity, taxonomy_term_id}]
    }

Field names are HSDS's; `x_…` fields are yorisoi extensions HSDS has no column for
(`x_district` is a district code from the master data, `x_capacity` a head count,
`x_fee_amount` yen per visit). Ids are UUID strings and stay stable across export and import.
Addresses and accessibility are one per location here; their ids are derived from the
location's id.

Import is all or nothing (R7): the whole document is checked first (required fields, id
format, duplicate ids, references, unknown taxonomy terms or districts, broken schedules,
values the models refuse) and every problem is reported per record, e.g.
`services[3] (id 1f…): 名称（name）がありません。`; only a clean document is written, in one
transaction. It is a merge by id: records in the file are created or updated, records not in
the file are left alone; a service's categories and schedules become exactly the file's.
Importing the same file twice changes nothing. Taxonomy terms are master data: a term in the
file must be known here (by id or by code), otherwise the file is refused.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from yorisoi.directory.models import District
from yorisoi.http.validation import NUL, null_character_paths

from . import services as resource_services  # the module: services imports this one too
from .models import (
    Freq,
    Location,
    LocationType,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    ServiceTaxonomy,
    TaxonomyTerm,
    byday_problem,
)

HSDS_VERSION = "3.0"
TABLES = [
    "organizations",
    "services",
    "locations",
    "addresses",
    "accessibility",
    "service_at_locations",
    "schedules",
    "taxonomy_terms",
    "attributes",
]
REQUIRED = {
    "organizations": ["id", "name"],
    "services": ["id", "organization_id", "name", "status"],
    "locations": ["id", "name"],
    "addresses": ["id", "location_id"],
    "accessibility": ["id", "location_id"],
    "service_at_locations": ["id", "service_id", "location_id"],
    "schedules": ["id"],
    "taxonomy_terms": ["id", "name"],
    "attributes": ["id", "link_id", "taxonomy_term_id"],
}
ORGANIZATION_FIELDS = {"name": "name", "alternate_name": "alternate_name",
                       "description": "description", "email": "email", "website": "website",
                       "x_phone": "phone"}  # fmt: skip
SERVICE_FIELDS = {"name": "name", "alternate_name": "alternate_name",
                  "description": "description", "url": "url", "email": "email",
                  "status": "status", "eligibility_description": "eligibility_description",
                  "minimum_age": "minimum_age", "maximum_age": "maximum_age",
                  "application_process": "application_process",
                  "fees_description": "fees_description", "x_fee_amount": "fee_amount",
                  "x_capacity": "capacity", "x_contact_name": "contact_name",
                  "x_phone": "phone"}  # fmt: skip
LOCATION_FIELDS = {"location_type": "location_type", "name": "name",
                   "description": "description", "transportation": "transportation",
                   "latitude": "latitude", "longitude": "longitude"}  # fmt: skip
ADDRESS_FIELDS = {"address_1": "address_1", "city": "city",
                  "state_province": "state_province", "postal_code": "postal_code"}  # fmt: skip
SCHEDULE_FIELDS = ["freq", "interval", "byday", "opens_at", "closes_at", "valid_from",
                   "valid_to", "description"]  # fmt: skip
INTEGER_FIELDS = {"minimum_age", "maximum_age", "fee_amount", "capacity", "interval"}


def _derived_id(location_id, kind: str) -> str:
    return str(uuid.uuid5(uuid.UUID(str(location_id)), kind))


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

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))


# --- export ---------------------------------------------------------------------------------


def _time(value):
    return value.strftime("%H:%M") if value else None


def _decimal(value):
    return None if value is None else str(value)


def export() -> dict:
    """The whole directory as an HSDS table bundle. Rows ordered by id (diff-friendly)."""
    organizations = [
        {"id": str(o.id), **{k: getattr(o, a) for k, a in ORGANIZATION_FIELDS.items()}}
        for o in Organization.objects.order_by("id")
    ]
    services = [
        {
            "id": str(s.id),
            "organization_id": str(s.organization_id),
            **{k: getattr(s, a) for k, a in SERVICE_FIELDS.items()},
        }
        for s in Service.objects.order_by("id")
    ]
    locations, addresses, accessibility = [], [], []
    for loc in Location.objects.select_related("district").order_by("id"):
        row = {k: getattr(loc, a) for k, a in LOCATION_FIELDS.items()}
        row["latitude"], row["longitude"] = _decimal(loc.latitude), _decimal(loc.longitude)
        locations.append(
            {
                "id": str(loc.id),
                "organization_id": str(loc.organization_id) if loc.organization_id else None,
                **row,
                "x_district": loc.district.code if loc.district_id else None,
            }
        )
        if any(getattr(loc, a) for a in ADDRESS_FIELDS.values()):
            addresses.append(
                {
                    "id": _derived_id(loc.id, "address"),
                    "location_id": str(loc.id),
                    **{k: getattr(loc, a) for k, a in ADDRESS_FIELDS.items()},
                    "country": "JP",
                    "address_type": "physical",
                }
            )
        if loc.accessibility:
            accessibility.append(
                {
                    "id": _derived_id(loc.id, "accessibility"),
                    "location_id": str(loc.id),
                    "description": loc.accessibility,
                }
            )
    sals = [
        {
            "id": str(x.id),
            "service_id": str(x.service_id),
            "location_id": str(x.location_id),
            "description": x.description,
        }
        for x in ServiceAtLocation.objects.order_by("id")
    ]
    schedules = []
    for sch in Schedule.objects.order_by("id"):
        schedules.append(
            {
                "id": str(sch.id),
                "service_id": str(sch.service_id) if sch.service_id else None,
                "service_at_location_id": (
                    str(sch.service_at_location_id) if sch.service_at_location_id else None
                ),
                "freq": sch.freq,
                "interval": sch.interval,
                "byday": sch.byday,
                "opens_at": _time(sch.opens_at),
                "closes_at": _time(sch.closes_at),
                "valid_from": sch.valid_from.isoformat() if sch.valid_from else None,
                "valid_to": sch.valid_to.isoformat() if sch.valid_to else None,
                "description": sch.description,
            }
        )
    terms = [
        {
            "id": str(t.id),
            "code": t.code,
            "name": t.name,
            "description": t.description,
            "taxonomy": t.taxonomy,
            "parent_id": str(t.parent_id) if t.parent_id else None,
        }
        for t in TaxonomyTerm.objects.order_by("id")
    ]
    attributes = [
        {
            "id": str(a.id),
            "link_id": str(a.service_id),
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": str(a.taxonomy_term_id),
        }
        for a in ServiceTaxonomy.objects.order_by("id")
    ]
    return {
        "hsds_version": HSDS_VERSION,
        "profile": "yorisoi",
        "organizations": organizations,
        "services": services,
        "locations": locations,
        "addresses": addresses,
        "accessibility": accessibility,
        "service_at_locations": sals,
        "schedules": schedules,
        "taxonomy_terms": terms,
        "attributes": attributes,
    }


# --- import: check everything first ---------------------------------------------------------


class _Checker:
    def __init__(self, data):
        self.data = data
        self.problems: list[dict] = []
        self.ids: dict[str, set[str]] = {t: set() for t in TABLES}

    def add(self, table, index, row_id, message):
        where = f"{table}[{index}]" if index is not None else table
        label = f"{where} (id {row_id})" if row_id else where
        self.problems.append(
            {"record": where, "id": row_id or "", "message": str(message),
             "text": f"{label}: {message}"}
        )  # fmt: skip

    def rows(self, table):
        value = self.data.get(table, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(table, None, None, "配列（リスト）で指定してください。")
            return []
        return value


def _uuid(value) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, AttributeError, TypeError):
        return None


def _ref(value) -> uuid.UUID | None:
    """A foreign key as the model holds it (a UUID object compares equal to the column)."""
    text = _uuid(value) if value else None
    return uuid.UUID(text) if text else None


def _parse_time(value) -> time | None:
    if value in (None, ""):
        return None
    return time.fromisoformat(str(value))


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    return date.fromisoformat(str(value))


def _int(value):
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError
    return int(value)


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


def _plain(row, mapping) -> dict:
    values = {}
    for key, attr in mapping.items():
        value = row.get(key)
        if attr in INTEGER_FIELDS:
            values[attr] = _int(value)
        elif attr in ("latitude", "longitude"):
            values[attr] = None if value in (None, "") else Decimal(str(value))
        else:
            values[attr] = "" if value is None else str(value)
    return values


def check(data) -> dict:
    """Every problem in the document, or the parsed rows ready to write. Raises HsdsProblems."""
    if not isinstance(data, dict):
        raise HsdsProblems(
            [{"record": "", "id": "", "message": "JSONオブジェクトではありません。",
              "text": "JSONオブジェクトではありません。"}]
        )  # fmt: skip
    c = _Checker(data)
    parsed: dict[str, dict] = {t: {} for t in TABLES}
    # Pass 1: required fields, id format, duplicates.
    raw: dict[str, list[tuple[int, str, dict]]] = {t: [] for t in TABLES}
    for table in TABLES:
        for i, row in enumerate(c.rows(table)):
            if not isinstance(row, dict):
                c.add(table, i, None, "オブジェクトで指定してください。")
                continue
            row_id = _uuid(row.get("id")) if row.get("id") else None
            shown = row_id or (str(row.get("id")).replace(NUL, "") if row.get("id") else None)
            # PostgreSQL cannot store U+0000 and SQLite would keep it: refused, as the screens'
            # forms and the API's bodies refuse it (http/validation.py).
            nul = [".".join(str(p) for p in path) for path in null_character_paths(row)]
            for name in nul:
                c.add(table, i, shown, f"{name.replace(NUL, '')}: NUL文字（U+0000）は使えません。")
            if nul:
                continue
            missing = [f for f in REQUIRED[table] if row.get(f) in (None, "")]
            for f in missing:
                c.add(table, i, shown, f"必須項目 {f} がありません。")
            if row.get("id") and row_id is None:
                c.add(table, i, shown, "id はUUIDで指定してください。")
            if row_id:
                if row_id in c.ids[table]:
                    c.add(table, i, shown, "id が重複しています。")
                    continue
                c.ids[table].add(row_id)
            if not missing and row_id:
                raw[table].append((i, row_id, row))
    # Taxonomy: every term must be one we know (master data), by id or by code.
    known_by_id = {str(t.id): t for t in TaxonomyTerm.objects.all()}
    known_by_code = {t.code: t for t in known_by_id.values()}
    term_map: dict[str, TaxonomyTerm] = {}
    for i, row_id, row in raw["taxonomy_terms"]:
        term = known_by_id.get(row_id) or known_by_code.get(str(row.get("code") or ""))
        if term is None:
            c.add("taxonomy_terms", i, row_id,
                  f"不明な分類です（{row.get('code') or row.get('name')}）。"
                  "この市の分類（/resources/taxonomy）にある分類だけを使えます。")  # fmt: skip
        else:
            term_map[row_id] = term
    districts = {d.code: d for d in District.objects.all()}

    def exists(model, table, ref) -> bool:
        ref = _uuid(ref)
        return bool(ref) and (ref in c.ids[table] or model.objects.filter(pk=ref).exists())

    for i, row_id, row in raw["organizations"]:
        try:
            values = _plain(row, ORGANIZATION_FIELDS)
        except (ValueError, InvalidOperation):
            c.add("organizations", i, row_id, "値の形式が正しくありません。")
            continue
        for p in _model_problems(Organization(id=row_id, **values), exclude=[]):
            c.add("organizations", i, row_id, p)
        parsed["organizations"][row_id] = values
    for i, row_id, row in raw["services"]:
        if not exists(Organization, "organizations", row["organization_id"]):
            c.add("services", i, row_id, "organization_id の団体が見つかりません。")
        if row.get("status") not in ServiceStatus.values:
            c.add("services", i, row_id,
                  f"status は {', '.join(ServiceStatus.values)} のいずれかです。")  # fmt: skip
            continue
        try:
            values = _plain(row, SERVICE_FIELDS)
        except (ValueError, InvalidOperation):
            c.add("services", i, row_id, "年齢・定員・費用は整数で指定してください。")
            continue
        for p in _model_problems(Service(id=row_id, **values), exclude=["organization"]):
            c.add("services", i, row_id, p)
        values["organization_id"] = _ref(row["organization_id"])
        parsed["services"][row_id] = values
    addresses = {}
    for table in ("addresses", "accessibility"):
        for i, row_id, row in raw[table]:
            if _uuid(row["location_id"]) not in c.ids["locations"]:
                c.add(table, i, row_id, "location_id の場所がこのファイルにありません。")
            addresses.setdefault(_uuid(row["location_id"]), {})[table] = row
    for i, row_id, row in raw["locations"]:
        if row.get("organization_id") and not exists(
            Organization, "organizations", row["organization_id"]
        ):
            c.add("locations", i, row_id, "organization_id の団体が見つかりません。")
        if row.get("location_type", "physical") not in LocationType.values:
            c.add("locations", i, row_id, "location_type は physical, postal, virtual です。")
            continue
        code = row.get("x_district")
        if code and code not in districts:
            c.add("locations", i, row_id, f"不明な地区コードです（{code}）。")
        try:
            values = _plain({"location_type": "physical", **row}, LOCATION_FIELDS)
        except (ValueError, InvalidOperation):
            c.add("locations", i, row_id, "緯度・経度は数値で指定してください。")
            continue
        extra = addresses.get(row_id, {})
        values.update(_plain(extra.get("addresses", {}), ADDRESS_FIELDS))
        values["accessibility"] = str(extra.get("accessibility", {}).get("description") or "")
        for p in _model_problems(Location(id=row_id, **values), exclude=["organization"]):
            c.add("locations", i, row_id, p)
        values["organization_id"] = _ref(row.get("organization_id"))
        values["district"] = districts.get(code) if code else None
        parsed["locations"][row_id] = values
    for i, row_id, row in raw["service_at_locations"]:
        if not exists(Service, "services", row["service_id"]):
            c.add("service_at_locations", i, row_id, "service_id の社会資源が見つかりません。")
        if not exists(Location, "locations", row["location_id"]):
            c.add("service_at_locations", i, row_id, "location_id の場所が見つかりません。")
        parsed["service_at_locations"][row_id] = {
            "service_id": _ref(row["service_id"]),
            "location_id": _ref(row["location_id"]),
            "description": str(row.get("description") or ""),
        }
    for i, row_id, row in raw["schedules"]:
        service_id, sal_id = row.get("service_id"), row.get("service_at_location_id")
        if not service_id and not sal_id:
            c.add("schedules", i, row_id, "service_id か service_at_location_id が必要です。")
        if service_id and not exists(Service, "services", service_id):
            c.add("schedules", i, row_id, "service_id の社会資源が見つかりません。")
        if sal_id and not exists(ServiceAtLocation, "service_at_locations", sal_id):
            c.add("schedules", i, row_id, "service_at_location_id の実施場所が見つかりません。")
        freq = row.get("freq") or Freq.WEEKLY
        if freq not in Freq.values:
            c.add("schedules", i, row_id, "freq は WEEKLY か MONTHLY です。")
            continue
        try:
            values = {
                "freq": freq,
                "interval": _int(row.get("interval")) or 1,
                "byday": str(row.get("byday") or "").replace(" ", ""),
                "opens_at": _parse_time(row.get("opens_at")),
                "closes_at": _parse_time(row.get("closes_at")),
                "valid_from": _parse_date(row.get("valid_from")),
                "valid_to": _parse_date(row.get("valid_to")),
                "description": str(row.get("description") or ""),
            }
        except (ValueError, TypeError):
            c.add("schedules", i, row_id,
                  "時刻は HH:MM、日付は YYYY-MM-DD、間隔は整数で指定してください。")  # fmt: skip
            continue
        problem = byday_problem(values["byday"], values["freq"])
        if problem:
            c.add("schedules", i, row_id, f"byday: {problem}")
        for p in _model_problems(Schedule(id=row_id, **values), ["service", "service_at_location"]):
            if not (problem and p.startswith("byday")):
                c.add("schedules", i, row_id, p)
        values["service_id"] = _ref(service_id)
        values["service_at_location_id"] = _ref(sal_id)
        parsed["schedules"][row_id] = values
    for i, row_id, row in raw["attributes"]:
        if not exists(Service, "services", row["link_id"]):
            c.add("attributes", i, row_id, "link_id の社会資源が見つかりません。")
        term_id = _uuid(row["taxonomy_term_id"])
        term = term_map.get(term_id) or known_by_id.get(term_id or "")
        if term is None and term_id not in c.ids["taxonomy_terms"]:
            c.add("attributes", i, row_id, "taxonomy_term_id の分類が見つかりません。")
        if term is not None:
            parsed["attributes"][row_id] = {"service_id": _ref(row["link_id"]), "term": term}
    if c.problems:
        raise HsdsProblems(c.problems)
    return parsed


# --- import: write -------------------------------------------------------------------------


def _upsert(model, pk, values, result, label, *, versioned=False) -> tuple[object, bool]:
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        obj = model(pk=pk, **values)
        obj.save()
        result.created[label] = result.created.get(label, 0) + 1
        return obj, True
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if not changed:
        result.unchanged += 1
        return obj, False
    for k in changed:
        setattr(obj, k, values[k])
    if versioned:
        obj.version += 1
    obj.save()
    result.updated[label] = result.updated.get(label, 0) + 1
    return obj, True


@transaction.atomic
def write(parsed, *, actor=None) -> tuple[ImportResult, set]:
    """Write a checked document (see check()). Returns the counts and the touched services."""

    result = ImportResult()
    touched = set()
    for pk, values in parsed["organizations"].items():
        _upsert(Organization, pk, values, result, "organizations")
    for pk, values in parsed["services"].items():
        obj = Service.objects.filter(pk=pk).first()
        if obj is None:
            values = {**values, "created_by": actor}
        _upsert(Service, pk, values, result, "services", versioned=True)
        touched.add(pk)
    for pk, values in parsed["locations"].items():
        _upsert(Location, pk, values, result, "locations")
    for pk, values in parsed["service_at_locations"].items():
        _upsert(ServiceAtLocation, pk, values, result, "service_at_locations")
    # A service's categories and schedules become exactly the file's.
    in_file = list(parsed["services"])
    schedules = parsed["schedules"]
    stale = Schedule.objects.filter(service_id__in=in_file).exclude(pk__in=list(schedules))
    stale |= Schedule.objects.filter(service_at_location__service_id__in=in_file).exclude(
        pk__in=list(schedules)
    )
    removed = stale.count()
    stale.delete()
    for pk, values in schedules.items():
        _upsert(Schedule, pk, values, result, "schedules")
    wanted = {(a["service_id"], a["term"].pk): pk for pk, a in parsed["attributes"].items()}
    for link in ServiceTaxonomy.objects.filter(service_id__in=in_file):
        if (link.service_id, link.taxonomy_term_id) not in wanted:
            link.delete()
            removed += 1
    for (service_id, term_id), pk in wanted.items():
        link = ServiceTaxonomy.objects.filter(service_id=service_id, taxonomy_term_id=term_id)
        if link.exists():
            result.unchanged += 1
            continue
        ServiceTaxonomy.objects.create(id=pk, service_id=service_id, taxonomy_term_id=term_id)
        result.created["attributes"] = result.created.get("attributes", 0) + 1
    if removed:
        result.updated["removed"] = removed
    for service in Service.objects.filter(pk__in=touched):
        resource_services.refresh_search_text(service)
    return result, touched
