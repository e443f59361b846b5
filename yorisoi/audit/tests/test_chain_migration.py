"""The chain's migrations (0003–0006) number and chain the events recorded before them, and
go back cleanly: run here over existing events, on whichever database the tests use."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader

from yorisoi.audit import chain
from yorisoi.audit.log import record
from yorisoi.audit.models import AuditEvent

BEFORE_THE_CHAIN = "0002_append_only_triggers"
EARLIER_EVENTS = [
    # at, action, target_type, target_id, basis, channel, ip_address, data
    ("2026-10-01 09:00:00.123456+00:00", "person.viewed", "person", "7", "own_agency", "web",
     "192.0.2.1", '{"b": 1, "a": "相談"}'),
    ("2026-10-01 09:00:00.123456+00:00", "person.listed", "", "", "", "api", None,
     '{"ids": ["3", "1"], "count": 2}'),
    ("2026-10-02 23:59:59+00:00", "export.made", "report", "x", "", "cli", "2001:db8::1", "{}"),
]  # fmt: skip


def _migrate(target):
    call_command("migrate", "audit", target, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_events_recorded_before_the_chain_are_chained_in_the_order_stored():
    latest = _latest_migration()
    _migrate(BEFORE_THE_CHAIN)  # backwards through 0006–0003: each step is reversible
    try:
        assert "seq" not in _columns()
        with connection.cursor() as cursor:
            for row in EARLIER_EVENTS:
                cursor.execute(
                    "INSERT INTO audit_auditevent (at, action, target_type, target_id, basis,"
                    " channel, ip_address, data) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    row,
                )
    finally:
        _migrate(latest)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [(e.seq, e.action) for e in events] == [
        (1, "person.viewed"),
        (2, "person.listed"),
        (3, "export.made"),
    ]
    assert chain.chain_verify().ok
    appended = record("person.listed", actor=None)  # the next event carries on the chain
    assert (appended.seq, chain.chain_verify().count) == (4, 4)
    # The append-only triggers are back after the migrations lifted them.
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")


def _columns():
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, "audit_auditevent")
    return {column.name for column in description}


def _latest_migration():
    return max(name for app, name in MigrationLoader(connection).graph.leaf_nodes("audit"))
