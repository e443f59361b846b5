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


def tabular_errors(version: str, document: dict) -> dict[str, list[str]]:
    """Per record ("services.csv[3]"), the schema errors of a tabular document (file-name keys)."""
    names = tables(version)
    out = {}
    for key, rows in document.items():
        table = names.get(key)
        if table is None:
            continue
        for i, row in enumerate(rows):
            problems = errors(version, table, row)
            if problems:
                out[f"{key}[{i}]"] = problems
    return out
