"""Tamper-evident trail: on PostgreSQL, lock the chain and read its head in one round trip.

An append must read the head (seq, hash) only once every earlier append has committed. Two
single statements do not do it: `SELECT … ORDER BY seq DESC LIMIT 1 FOR UPDATE` waits for the
head row's lock and then returns that same, now stale, row (the new head was inserted, the old
one never updated); lock and read in one statement share a snapshot taken before the wait. A
VOLATILE function takes a fresh snapshot for each statement inside it, after the lock
(chain.append_lock). The advisory lock is transaction-level: released at commit or rollback.
SQLite needs nothing: it runs one writing transaction at a time (settings: IMMEDIATE).
"""

from django.db import migrations

# Any fixed 64-bit number, used by nothing else: "yorisoi" in ASCII, plus 1.
LOCK_KEY = 0x796F_7269_736F_6901

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION audit_chain_head() RETURNS TABLE (seq bigint, hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    RETURN QUERY SELECT e.seq, e.hash FROM audit_auditevent e ORDER BY e.seq DESC LIMIT 1;
END;
$$
"""
POSTGRES_DOWN = "DROP FUNCTION IF EXISTS audit_chain_head()"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_chain_seq_unique")]

    operations = [
        migrations.RunPython(_on_postgresql(POSTGRES_UP), _on_postgresql(POSTGRES_DOWN)),
    ]
