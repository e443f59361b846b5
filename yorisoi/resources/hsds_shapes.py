"""The shapes an HSDS 3.x document comes in, read into one: rows per table.

HSDS producers publish the same tables in several shapes, and the import accepts each:

- **tabular JSON**: one object whose keys name tables — the spec's file names
  (`"organizations.csv"`, as in the spec's examples/tabular.json), the file names without
  `.csv` (`"organizations"`, `"service_at_location"`), the table names (`"organization"`) or
  yorisoi's former plurals (`"service_at_locations"`);
- **the CSV datapackage**: a zip of `datapackage.json` and one CSV file per table;
- **nested "full" records**: a service, organization, location, service_at_location,
  taxonomy or taxonomy_term with its related records inside (service_full.json), a list of
  them, or the API's page (`{"total_items": …, "contents": [...]}`).

Every shape becomes `{table name: [(where, row), …]}` with flat rows, where `where` names the
record as the file does (`services.csv[3]`, `service[0].phones[1]`). The table descriptions
(fields, types, nesting) come from the spec (data/hsds_tables.json, generated from HSDS 3.1,
CC BY-SA 4.0).
"""

import csv
import io
import json
import zipfile
from functools import cache
from pathlib import Path

from yorisoi.http import limits

TABLES_FILE = Path(__file__).parent / "data" / "hsds_tables.json"
META_KEYS = {"hsds_version", "profile", "version", "openapi_url"}
# A zip of CSV text compresses well; what it may unpack to is bounded all the same (zip bombs).
MAX_DATAPACKAGE_BYTES = 5 * limits.MAX_HSDS_BYTES
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page",
             "empty", "contents"}  # fmt: skip


@cache
def tables() -> dict[str, dict]:
    """HSDS table name → {file, since, required, fields {name: type}, nested {key: [table, many]}}."""
    return json.loads(TABLES_FILE.read_text(encoding="utf-8"))["tables"]


@cache
def table_keys() -> dict[str, str]:
    """Every key a tabular document may name a table by → the table name."""
    keys = {}
    for name, table in tables().items():
        stem = table["file"].removesuffix(".csv")
        for key in (name, f"{name}s", stem, table["file"]):
            keys[key] = name
    return keys


class Rows:
    """The rows of a document per table, and what was noticed while reading it."""

    def __init__(self):
        self.rows: dict[str, list[tuple[str, dict]]] = {name: [] for name in tables()}
        self.problems: list[tuple[str, str]] = []  # (where, message): the file is refused
        self.warnings: list[str] = []  # kept or left out, but said

    def add(self, table, where, row):
        self.rows[table].append((where, row))

    def count(self) -> int:
        return sum(len(r) for r in self.rows.values())


# --- nested records ------------------------------------------------------------------------


def root_table(record: dict) -> str | None:
    """Which table a nested record at the top of a document is (the spec's *_full shapes)."""
    if "status" in record:
        return "service"
    if "location_type" in record:
        return "location"
    if "service" in record or "location" in record or "service_id" in record:
        return "service_at_location"
    if "taxonomy_detail" in record or "code" in record or "term_uri" in record:
        return "taxonomy_term"
    if "services" in record or "website" in record or "tax_status" in record:
        return "organization"
    if "version" in record and "uri" in record:
        return "taxonomy"
    return None


TYPED = {"number", "boolean", "date", "time", "datetime", "string:uuid", "string:email",
         "string:uri"}  # fmt: skip


def _flatten(out: Rows, table: str, record: dict, where: str, parent=None):
    """Add `record` and, taken out of it, its nested records (with the link to it filled in
    where the child's table has a column for it and the producer left it out). HSDS has no
    null, and an empty string is no email, date or number: such values are left out."""
    spec = tables()[table]
    row = {}
    children = []
    for key, value in record.items():
        if value is None or (value == "" and spec["fields"].get(key) in TYPED):
            continue
        nested = spec["nested"].get(key)
        if nested is None or key in spec["fields"]:
            row[key] = value
            continue
        child_table, many = nested
        if value is None:
            continue
        items = value if many else [value]
        if not isinstance(items, list):
            out.problems.append((f"{where}.{key}", "配列（リスト）で指定してください。"))
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                out.problems.append((f"{where}.{key}[{i}]", "オブジェクトで指定してください。"))
                continue
            children.append(
                (child_table, many, item, f"{where}.{key}" + (f"[{i}]" if many else ""))
            )
    if parent is not None:
        parent_table, parent_id = parent
        link = f"{parent_table}_id"
        if link in spec["fields"] and link not in row:
            row[link] = parent_id
        if table == "attribute" and "link_id" not in row:
            row["link_id"] = parent_id
            row.setdefault("link_entity", parent_table)
    out.add(table, where, row)
    for child_table, many, item, child_where in children:
        if not many:
            # A record holding one other (service.organization): the link is on this side.
            link = "taxonomy_id" if child_table == "taxonomy" else f"{child_table}_id"
            if link in spec["fields"] and link not in row and item.get("id"):
                row[link] = item["id"]
            _flatten(out, child_table, item, child_where)
        else:
            _flatten(out, child_table, item, child_where, parent=(table, record.get("id")))


def _nested(out: Rows, records: list, where: str):
    for i, record in enumerate(records):
        label = f"{where}[{i}]"
        if not isinstance(record, dict):
            out.problems.append((label, "オブジェクトで指定してください。"))
            continue
        table = root_table(record)
        if table is None:
            out.problems.append((label, "どの表のレコードか分かりません（service, organization, "
                                        "location, service_at_location, taxonomy_term など）。"))  # fmt: skip
            continue
        _flatten(out, table, record, f"{table}[{i}]" if where == "" else label)


# --- tabular JSON --------------------------------------------------------------------------


def read(document) -> Rows:
    """Rows per table from a parsed JSON document of any of the shapes above."""
    out = Rows()
    if isinstance(document, list):
        _nested(out, document, "")
        return out
    if not isinstance(document, dict):
        out.problems.append(("", "JSONオブジェクトではありません。"))
        return out
    if isinstance(document.get("contents"), list) and set(document) <= PAGE_KEYS:
        _nested(out, document["contents"], "contents")
        return out
    if "id" in document:  # one record (tables have no id)
        _nested(out, [document], "")
        return out
    keys = table_keys()
    for key, value in document.items():
        if key in META_KEYS:
            continue
        table = keys.get(key)
        if table is None:
            out.warnings.append(f"{key}: HSDSにない表のため読み込んでいません。")
            continue
        if value is None:
            continue
        if not isinstance(value, list):
            out.problems.append((key, "配列（リスト）で指定してください。"))
            continue
        for i, row in enumerate(value):
            if not isinstance(row, dict):
                out.problems.append((f"{key}[{i}]", "オブジェクトで指定してください。"))
                continue
            _flatten(out, table, row, f"{key}[{i}]")
    return out


# --- the CSV datapackage -------------------------------------------------------------------


def _cell(kind: str, text: str):
    """A CSV cell as the JSON value HSDS means: numbers as numbers, everything else text."""
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return text  # the check reports it with the record named
        return (
            int(number)
            if number.is_integer() and "." not in text and "e" not in text.lower()
            else number
        )
    if kind == "boolean":
        return {"true": True, "false": False}.get(text.lower(), text)
    return text


def read_datapackage(content: bytes) -> Rows:
    """Rows per table from a datapackage zip (datapackage.json and the tables as CSV)."""
    out = Rows()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        out.problems.append(("", "ZIPファイルとして読めません。"))
        return out
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > MAX_DATAPACKAGE_BYTES:
            out.problems.append(("", "ZIPの中身が大きすぎます。"))
            return out
        by_name = {i.filename.rsplit("/", 1)[-1]: i for i in infos}
        paths, declared = {}, {}
        if "datapackage.json" in by_name:
            try:
                package = json.loads(archive.read(by_name["datapackage.json"]).decode("utf-8"))
                for r in package["resources"]:
                    path = r["path"].rsplit("/", 1)[-1]
                    paths[path] = r["name"]
                    # The package's own types, for the columns the spec does not have.
                    declared[path] = {
                        f["name"]: f.get("type", "string")
                        for f in r.get("schema", {}).get("fields", [])
                    }
            except (ValueError, KeyError, TypeError, AttributeError):
                out.problems.append(("datapackage.json", "datapackage.json が読めません。"))
                return out
        keys = table_keys()
        for filename, info in sorted(by_name.items()):
            if filename == "datapackage.json":
                continue
            table = keys.get(filename) or keys.get(paths.get(filename, ""))
            if table is None:
                out.warnings.append(f"{filename}: HSDSにない表のため読み込んでいません。")
                continue
            try:
                text = archive.read(info).decode("utf-8-sig")
            except UnicodeDecodeError:
                out.problems.append((filename, "UTF-8 のCSVとして読めません。"))
                continue
            fields = {**declared.get(filename, {}), **tables()[table]["fields"]}
            for i, record in enumerate(csv.DictReader(io.StringIO(text))):
                row = {
                    key: _cell(fields.get(key, "string"), value)
                    for key, value in record.items()
                    if key is not None and value not in (None, "")
                }
                out.add(table, f"{filename}[{i}]", row)
    return out


def _type(kind: str) -> dict:
    base, _, fmt = kind.partition(":")
    return {"type": base, "format": fmt} if fmt else {"type": base}


def write_datapackage(document: dict, *, descriptor: dict) -> bytes:
    """The tabular document (file-name keys) as a datapackage zip: every table of the spec as
    CSV with the spec's columns first and any further fields (extensions) after them."""
    buffer = io.BytesIO()
    resources = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, table in tables().items():
            rows = document.get(table["file"], [])
            columns = list(table["fields"])
            extra = sorted({k for row in rows for k in row} - set(columns))
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(columns + extra)
            for row in rows:
                writer.writerow(["" if row.get(c) is None else _csv_value(row[c])
                                 for c in columns + extra])  # fmt: skip
            archive.writestr(table["file"], text.getvalue())
            fields = [{"name": c, **_type(table["fields"][c])} for c in columns]
            fields += [{"name": c, **_type("number" if all(_is_number(r.get(c)) for r in rows if c in r) else "string")}
                       for c in extra]  # fmt: skip
            resources.append({
                "name": name, "path": table["file"], "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id"},
            })  # fmt: skip
        archive.writestr(
            "datapackage.json",
            json.dumps({**descriptor, "resources": resources}, ensure_ascii=False, indent=2),
        )
    return buffer.getvalue()


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _csv_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
