"""Open Referral HSDS 3.x import of the social-resource directory (the export and the tables
both use: hsds.py).

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
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yorisoi.directory.models import District
from yorisoi.http.validation import NUL, null_character_paths

from . import hsds_shapes, signals
from . import services as resource_services  # the module: services imports this one too
from .hsds import (
    EXTENSIONS,
    FIELDS,
    LEGACY_CAPACITY,
    MODELS,
    MOVED_CAPACITY,
    REFERENCES,
    REQUIRED,
    HsdsProblems,
    ImportResult,
    _int,
    _ref,
    _uuid,
    _values,
)
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
