"""Load a city's master data file (TOML) into the directory tables.

All or nothing: the whole file is checked first and every problem is reported with the table
and row it was found in; only a clean file is written, in one transaction. Rows the file no
longer lists are deactivated, never deleted (R7). Loading the same file twice changes nothing.

The community loader (yorisoi/community/loader.py) loads its own file the same way, with the
pieces below: `read`, `check_tables`, `sync`, `LoadResult` and `run_command`.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from .models import (
    Agency,
    AgencyKind,
    Area,
    District,
    Domain,
    IssueCategory,
    LegalMeetingType,
    MeetingKind,
    Operation,
)

DEFAULT_FILE = Path(__file__).parent / "data" / "yokkaichi.toml"


class MasterDataError(Exception):
    """Every problem of a data file (the community loader's CommunityDataError is one too)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deactivated: dict[str, int] = field(default_factory=dict)

    def lines(self, tables) -> list[str]:
        return [
            f"{table}: 追加 {self.created.get(table, 0)}, 更新 "
            f"{self.updated.get(table, 0)}, 無効化 {self.deactivated.get(table, 0)}"
            for table in tables
        ]


TABLES = [
    "areas",
    "districts",
    "domains",
    "agency_kinds",
    "agencies",
    "issues",
    "meeting_kinds",
]
REQUIRED = {
    "areas": ["code", "name"],
    "districts": ["code", "name"],
    "domains": ["code", "name"],
    "agency_kinds": ["code", "name"],
    "agencies": ["code", "name", "kind"],
    "issues": ["code", "name", "domain"],
    "meeting_kinds": ["code", "name", "legal_type"],
}
REFERENCES = {  # table → {field: referenced table}
    "districts": {"area": "areas"},
    "agency_kinds": {"domains": "domains"},
    "agencies": {"kind": "agency_kinds", "district": "districts"},
    "issues": {"domain": "domains"},
}


def check_tables(data: dict, required: dict[str, list[str]]) -> tuple[list[str], dict[str, set]]:
    """The problems every table of a file can have (not an array of tables, a required key
    missing, a code twice), and the codes each table lists."""
    problems = []
    codes: dict[str, set] = {}
    for table, keys in required.items():
        rows = data.get(table, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            problems.append(f"[[{table}]] は表の配列で書いてください。")
            codes[table] = set()
            continue
        seen = set()
        for n, row in enumerate(rows, start=1):
            where = f"[[{table}]] {n}行目"
            for key in keys:
                if not str(row.get(key, "")).strip():
                    problems.append(f"{where}: {key} がありません。")
            code = row.get("code")
            if code in seen:
                problems.append(f"{where}: code「{code}」が重複しています。")
            seen.add(code)
        codes[table] = seen
    return problems, codes


def validate(data: dict) -> list[str]:
    problems, codes = check_tables(data, REQUIRED)
    for table, refs in REFERENCES.items():
        for n, row in enumerate(data.get(table, []), start=1):
            for key, target in refs.items():
                values = row.get(key)
                if values is None:
                    continue
                for value in values if isinstance(values, list) else [values]:
                    if value not in codes.get(target, set()):
                        problems.append(
                            f"[[{table}]] {n}行目（{row.get('code')}）: {key}「{value}」は"
                            f" [[{target}]] にありません。"
                        )
    valid_ops = set(Operation.values)
    coordinating = 0
    for n, row in enumerate(data.get("agency_kinds", []), start=1):
        for op in row.get("operations", []):
            if op not in valid_ops:
                problems.append(
                    f"[[agency_kinds]] {n}行目: operations「{op}」は {sorted(valid_ops)} の"
                    "いずれかにしてください。"
                )
        count = row.get("site_count")
        if count is not None and (not isinstance(count, int) or count < 0):
            problems.append(f"[[agency_kinds]] {n}行目: site_count は0以上の整数にしてください。")
        coordinating += bool(row.get("coordinating"))
    if coordinating > 1:
        problems.append("coordinating = true の種別は1つだけにしてください。")
    legal_types = set(LegalMeetingType.values)
    for n, row in enumerate(data.get("meeting_kinds", []), start=1):
        if row.get("legal_type") and row["legal_type"] not in legal_types:
            problems.append(
                f"[[meeting_kinds]] {n}行目: legal_type「{row['legal_type']}」は"
                f" {sorted(legal_types)} のいずれかにしてください。"
            )
    return problems


def read(path: Path, *, error=MasterDataError) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise error([f"ファイルが見つかりません: {path}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise error([f"TOMLの書式に誤りがあります: {exc}"]) from exc


def sync(model, rows, result, key, build):
    """Create or update each row by code; deactivate rows of this model the file omits."""
    created = updated = 0
    wanted = [row["code"] for row in rows]
    # Deactivate first, so a replaced row (e.g. the coordinating kind) frees its unique slot.
    deactivated = model.objects.exclude(code__in=wanted).filter(active=True).update(active=False)
    for order, row in enumerate(rows, start=1):
        values = build(row)
        if "order" in {f.name for f in model._meta.fields}:
            values["order"] = order
        values["active"] = True
        obj, was_created = model.objects.get_or_create(code=row["code"], defaults=values)
        if was_created:
            created += 1
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            obj.save()
            updated += 1
    result.created[key], result.updated[key], result.deactivated[key] = (
        created,
        updated,
        deactivated,
    )
    return {o.code: o for o in model.objects.filter(code__in=wanted)}


@transaction.atomic
def load(path: Path = DEFAULT_FILE) -> LoadResult:
    data = read(path)
    problems = validate(data)
    if problems:
        raise MasterDataError(problems)
    result = LoadResult()
    areas = sync(Area, data.get("areas", []), result, "areas", lambda r: {"name": r["name"]})
    districts = sync(
        District,
        data.get("districts", []),
        result,
        "districts",
        lambda r: {"name": r["name"], "area": areas.get(r.get("area"))},
    )
    domains = sync(
        Domain, data.get("domains", []), result, "domains", lambda r: {"name": r["name"]}
    )
    kinds = sync(
        AgencyKind,
        data.get("agency_kinds", []),
        result,
        "agency_kinds",
        lambda r: {
            "name": r["name"],
            "scope": r.get("scope", ""),
            "operations": list(r.get("operations", [])),
            "site_count": r.get("site_count"),
            "site_unit": r.get("site_unit", "カ所"),
            "coordinating": bool(r.get("coordinating", False)),
            "volunteer": bool(r.get("volunteer", False)),
        },
    )
    for row in data.get("agency_kinds", []):
        kind = kinds[row["code"]]
        wanted = {domains[c].pk for c in row.get("domains", [])}
        if set(kind.domains.values_list("pk", flat=True)) != wanted:
            kind.domains.set(wanted)
    sync(
        Agency,
        data.get("agencies", []),
        result,
        "agencies",
        lambda r: {
            "name": r["name"],
            "kind": kinds[r["kind"]],
            "district": districts.get(r.get("district")),
        },
    )
    sync(
        IssueCategory,
        data.get("issues", []),
        result,
        "issues",
        lambda r: {
            "name": r["name"],
            "domain": domains[r["domain"]],
            "national_topic": bool(r.get("national_topic", False)),
        },
    )
    sync(
        MeetingKind,
        data.get("meeting_kinds", []),
        result,
        "meeting_kinds",
        lambda r: {
            "name": r["name"],
            "legal_type": r["legal_type"],
            "description": r.get("description", ""),
        },
    )
    return result


def run_command(command, load, path: Path, *, tables, failure: str) -> None:
    """What a load_… command does: load the file, or stop with every problem of it (`failure`
    heads the list), then one line per table of what changed."""
    try:
        result = load(path)
    except MasterDataError as exc:
        raise CommandError(
            f"{failure}（何も変更していません）:\n" + "\n".join(f"- {p}" for p in exc.problems)
        ) from exc
    for line in result.lines(tables):
        command.stdout.write(line)
