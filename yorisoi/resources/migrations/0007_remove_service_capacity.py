"""x_capacity's column goes once 0006 has moved its values into service_capacity."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("resources", "0006_capacity_from_x_capacity")]

    operations = [
        migrations.RemoveField(model_name="historicalservice", name="capacity"),
        migrations.RemoveField(model_name="service", name="capacity"),
    ]
