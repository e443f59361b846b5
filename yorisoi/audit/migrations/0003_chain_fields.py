"""Tamper-evident trail (chain.py), step 1 of 3: the chain's columns.

Adding columns rebuilds the table on SQLite, which drops its triggers; and step 2 writes the
chain into the rows already there. So the append-only triggers (0002) are lifted here and put
back by step 3.
"""

from django.db import migrations, models

from yorisoi.audit.migrations import _append_only as append_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.RunPython(append_only.lift, append_only.restore),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True, verbose_name="連番"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="ハッシュ"
            ),
            preserve_default=False,
        ),
    ]
