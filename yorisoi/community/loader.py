"""Load a city's community-building programs and sites (TOML) — the same approach as
yorisoi/directory/loader.py.

All or nothing: the whole file is checked first and every problem is reported with the table
and row it was found in; only a clean file is written, in one transaction. Rows the file no
longer lists are deactivated, never deleted (R7). Loading the same file twice changes nothing.
Areas and districts are the directory's (load_master first).
"""

from pathlib import Path

from django.db import transaction

from yorisoi.directory.loader import LoadResult, MasterDataError, check_tables, read, sync
from yorisoi.directory.models import Area, District

from .models import CommunityProgram, Site

DEFAULT_FILE = Path(__file__).parent / "data" / "yokkaichi.toml"
TABLES = ["programs", "sites"]
REQUIRED = {"programs": ["code", "letter", "name"], "sites": ["code", "program", "name"]}


class CommunityDataError(MasterDataError):
    pass


def validate(data: dict, *, areas: dict, districts: dict) -> list[str]:
    """Every problem of the file, per table and row. `areas`/`districts`: code → object."""
    problems, codes = check_tables(data, REQUIRED)
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


@transaction.atomic
def load(path: Path = DEFAULT_FILE) -> LoadResult:
    data = read(path, error=CommunityDataError)
    areas = {a.code: a for a in Area.objects.all()}
    districts = {d.code: d for d in District.objects.select_related("area")}
    problems = validate(data, areas=areas, districts=districts)
    if problems:
        raise CommunityDataError(problems)
    result = LoadResult()
    programs = sync(
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

    sync(Site, data.get("sites", []), result, "sites", site)
    return result
