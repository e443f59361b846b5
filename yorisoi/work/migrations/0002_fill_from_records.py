"""Fill the work-item table for the records that exist already, with the same derive functions
the services use (refresh.rebuild_all over this migration's historical models)."""

from django.db import migrations


def fill(apps, schema_editor):
    from yorisoi.work.refresh import rebuild_all

    rebuild_all(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("work", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
