from django.db import migrations


def load_categories(apps, schema_editor):
    from yorisoi.outreach.categories import load

    load(apps.get_model("outreach", "OutreachCategory"))


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]

    operations = [migrations.RunPython(load_categories, migrations.RunPython.noop)]
