"""Fill the work-item table for the records that exist already, with the same derive functions
the services use (refresh.rebuild_all over this migration's historical models)."""

from django.db import migrations


def fill(apps, schema_editor):
    from yorisoi.work.refresh import rebuild_all

    rebuild_all(apps.get_model)


class Migration(migrations.Migration):
    # The derive functions read the consultation's 担当者 (holder): fill after it exists.
    dependencies = [
        ("work", "0001_initial"),
        ("intake", "0007_consultation_holders"),
        ("cases", "0002_records_on_consultations"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
