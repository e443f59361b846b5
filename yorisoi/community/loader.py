"""Load a city's community-building programs and sites (TOML) — the same approach as
yorisoi/directory/loader.py.

All or nothing: the whole file is checked first and every problem is reported with the table
and row it was found in; only a clean file is written, in one transaction. Rows the file no
longer lists are deactivated, never deleted (R7). Loading the same file twice changes nothing.
Areas and districts are the directory's (load_master first).
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from yorisoi.directory.models import Area, District

from .models import CommunityProgram, Site

DEFAULT_FILE = Path(__file__).parent / "data" / "yokkaichi.toml"
TABLES = ["programs", "sites"]
REQUIRED = {"programs": ["code", "letter", "name"], "sites": ["code", "program", "name"]}


class CommunityDataError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deactivated: dict[str, int] = field(default_factory=dict)


def validate(data: dict, *, areas: dict, districts: dict) -> list[str]:
    """Every problem of the file, per table and row. `areas`/`districts`: code → object."""
    problems = []
    codes: dict[str, set] = {}
    for table in TABLES:
        rows = data.get(table, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            problems.append(f"[[{table}]] は表の配列で書いてください。")
            codes[table] = set()
            continue
        seen = set()
        for n, row in enumerate(rows, start=1):
            where = f"[[{table}]] {n}行目"
            for key in REQUIRED[table]:
                if not str(row.get(key, "")).strip():
                    problems.append(f"{where}: {key} がありません。")
            code = row.get("code")
            if code in seen:
                problems.append(f"{where}: code「{code}」が重複しています。")
            seen.add(code)
        codes[table] = seen
    for n, row in enumerate(_rows(data, "programs"), start=1):
        names = row.get("training_names", [])
        if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
            problems.append(f"[[programs]] {n}行目: training_names は文字列の配列にしてください。")
    for n, row in enumerate(_rows(data, "sites"), start=1):
        where = f"[[sites]] {n}行目（{row.get('code')}）"
        program = row.get("program")
        if program and program not in codes.get("programs", set()):
            problems.append(f"{where}: program「{program}」は [[programs]] にありません。")
        area, district = row.get("area"), row.get("district")
        if area is not None and area not in areas:
            problems.append(f"{where}: area「{area}」は地域（マスタデータ）にありません。")
        if district is not None and district not in districts:
            problems.append(f"{where}: district「{district}」は地区（マスタデータ）にありません。")
        if area in areas and district in districts:
            belongs = districts[district].area
            if belongs is not None and belongs.code != area:
                problems.append(
                    f"{where}: 地区「{district}」は地域「{belongs.code}」に属します"
                    f"（area「{area}」と食い違います）。"
                )
    return problems


def _rows(data, table):
    rows = data.get(table, [])
    return rows if isinstance(rows, list) and all(isinstance(r, dict) for r in rows) else []


def read(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise CommunityDataError([f"ファイルが見つかりません: {path}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise CommunityDataError([f"TOMLの書式に誤りがあります: {exc}"]) from exc


def _sync(model, rows, result, key, build):
    """Create or update each row by code; deactivate rows of this model the file omits."""
    created = updated = 0
    wanted = [row["code"] for row in rows]
    deactivated = model.objects.exclude(code__in=wanted).filter(active=True).update(active=False)
    for order, row in enumerate(rows, start=1):
        values = {**build(row), "order": order, "active": True}
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
    areas = {a.code: a for a in Area.objects.all()}
    districts = {d.code: d for d in District.objects.select_related("area")}
    problems = validate(data, areas=areas, districts=districts)
    if problems:
        raise CommunityDataError(problems)
    result = LoadResult()
    programs = _sync(
        CommunityProgram,
        data.get("programs", []),
        result,
        "programs",
        lambda r: {
            "letter": r["letter"],
            "name": r["name"],
            "operators": r.get("operators", ""),
            "description": r.get("description", "").strip(),
            "training_names": list(r.get("training_names", [])),
        },
    )

    def site(r):
        district = districts.get(r.get("district"))
        # A district belongs to one area: the area follows from it when the file omits it.
        area = areas.get(r.get("area")) or (district.area if district else None)
        return {
            "program": programs[r["program"]],
            "name": r["name"],
            "kind": r.get("kind", ""),
            "area": area,
            "district": district,
        }

    _sync(Site, data.get("sites", []), result, "sites", site)
    return result
