"""Lift and restore the append-only triggers of 0002 around migrations that must rewrite the
audit table (0003–0005). The SQL is 0002's own. Not a migration (the leading underscore)."""

import importlib

_triggers = importlib.import_module("yorisoi.audit.migrations.0002_append_only_triggers")
_UP = {"sqlite": _triggers.SQLITE_UP, "postgresql": _triggers.POSTGRES_UP}
_DOWN = {"sqlite": _triggers.SQLITE_DOWN, "postgresql": _triggers.POSTGRES_DOWN}


def _run(schema_editor, statements_by_vendor):
    for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def lift(apps, schema_editor):
    _run(schema_editor, _DOWN)


def restore(apps, schema_editor):
    _run(schema_editor, _DOWN)  # SQLite has no CREATE OR REPLACE TRIGGER
    _run(schema_editor, _UP)
