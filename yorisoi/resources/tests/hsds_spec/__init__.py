"""The official HSDS schemas and examples (see README.md here), for the tests to check against."""

import json
from functools import cache
from pathlib import Path

import jsonschema_rs

HERE = Path(__file__).parent
BASE = "https://specs.openreferral.org/hsds/"


def example(version: str, name: str):
    return json.loads((HERE / version / "examples" / name).read_text(encoding="utf-8"))


def tables(version: str) -> dict[str, str]:
    """File name (organizations.csv) → table name (organization), from the spec's datapackage."""
    package = example(version, "csv/datapackage.json")
    return {r["path"]: r["name"] for r in package["resources"]}


@cache
def _validators(version: str) -> dict:
    schemas = {
        p.stem: json.loads(p.read_text()) for p in (HERE / version / "schema").glob("*.json")
    }
    registry = jsonschema_rs.Registry(
        [(f"{BASE}{version}/{name}.json", schema) for name, schema in schemas.items()]
    )
    return {
        name: jsonschema_rs.validator_for(
            schema,
            validate_formats=True,
            registry=registry,
            base_uri=f"{BASE}{version}/{name}.json",
        )
        for name, schema in schemas.items()
    }


def errors(version: str, table: str, record) -> list[str]:
    """Every way `record` fails the spec's schema for `table` (a table name: service …)."""
    validator = _validators(version)[table]
    return [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(record)]


# A table whose schema requires a record nested in it, which a table names by reference:
# HSDS 3.1 service_capacity requires `unit`, its CSV (and yorisoi's tabular JSON) has `unit_id`.
# The check nests the referenced row, as the spec's nested form holds it, before validating.
NESTED_BY_REFERENCE = {"service_capacity": ("unit", "unit_id", "units.csv")}


def _as_validated(table: str, row: dict, document: dict) -> dict:
    nested = NESTED_BY_REFERENCE.get(table)
    if nested is None or nested[0] in row:
        return row
    key, link, file = nested
    target = next((r for r in document.get(file, []) if r.get("id") == row.get(link)), None)
    return {**row, key: target} if target is not None else row


def tabular_errors(version: str, document: dict) -> dict[str, list[str]]:
    """Per record ("services.csv[3]"), the schema errors of a tabular document (file-name keys)."""
    names = tables(version)
    out = {}
    for key, rows in document.items():
        table = names.get(key)
        if table is None:
            continue
        for i, row in enumerate(rows):
            problems = errors(version, table, _as_validated(table, row, document))
            if problems:
                out[f"{key}[{i}]"] = problems
    return out
