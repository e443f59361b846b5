"""Tamper-evident trail, step 3 of 3: every event has its place in the chain, once; the
append-only triggers (0002) are back."""

from django.db import migrations, models

from yorisoi.audit.migrations import _append_only as append_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_existing_events")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name="連番"),
        ),
        migrations.RunPython(append_only.restore, append_only.lift),
    ]
