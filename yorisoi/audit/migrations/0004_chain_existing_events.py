"""Tamper-evident trail, step 2 of 3: chain the events already recorded, in the order they
were stored (id). Streams the table; writes in batches."""

from django.db import migrations

from yorisoi.audit.chain import CHAINED_FIELDS, GENESIS, event_hash

BATCH = 2000
STORED = [name for name in CHAINED_FIELDS if name != "seq"]
UPDATE = "UPDATE audit_auditevent SET seq = %s, hash = %s WHERE id = %s"


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    connection = schema_editor.connection
    previous, batch = GENESIS, []
    rows = AuditEvent.objects.using(connection.alias).order_by("id").values("id", *STORED)
    with connection.cursor() as cursor:
        for seq, row in enumerate(rows.iterator(chunk_size=BATCH), start=1):
            row["seq"] = seq
            previous = event_hash(previous, row)
            batch.append((seq, previous, row["id"]))
            if len(batch) == BATCH:
                cursor.executemany(UPDATE, batch)
                batch = []
        cursor.executemany(UPDATE, batch)


def unchain(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditEvent.objects.using(schema_editor.connection.alias).update(seq=None, hash="")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_fields")]

    operations = [migrations.RunPython(chain_existing, unchain)]
