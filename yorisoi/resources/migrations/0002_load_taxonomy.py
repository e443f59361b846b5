"""Ship the categories of social resources (data/taxonomy.json) with the schema."""

from django.db import migrations


def load(apps, schema_editor):
    from yorisoi.resources import taxonomy

    taxonomy.load(model=apps.get_model("resources", "TaxonomyTerm"))


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
