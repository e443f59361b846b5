"""Issue 17 part 4: the yorisoi extension x_capacity (Service.capacity, a head count) becomes
HSDS 3.1 service_capacity in the unit 人 (shipped here).

Nobody ever said how many places were free, only how many there were: a moved capacity says
so in its description, its `available` is the old number (HSDS requires one) and its `updated`
the service's last change, so the directory shows how old it is. service_capacity and unit
rows an earlier import kept as received stay so (importing the file again maps them).
Backwards, `capacity` takes the head-count capacity's maximum again (its available when it has
none), every capacity and unit is removed, and kept rows of those tables count as unmapped.
"""

from django.db import migrations

PERSON_UNIT_ID = "3c0f5a8e-2d1b-5e4a-9c7f-0a1b2c3d4e5f"  # models.PERSON_UNIT_ID
MOVED = "定員から移行（空きは未確認）"


def forwards(apps, schema_editor):
    Unit = apps.get_model("resources", "CapacityUnit")
    Service = apps.get_model("resources", "Service")
    Capacity = apps.get_model("resources", "ServiceCapacity")
    unit, _ = Unit.objects.get_or_create(
        id=PERSON_UNIT_ID, defaults={"name": "人", "identifier": "person"}
    )
    Capacity.objects.bulk_create(
        Capacity(service_id=pk, unit=unit, available=n, maximum=n, description=MOVED,
                 updated=updated_at)
        for pk, n, updated_at in Service.objects.filter(capacity__isnull=False)
        .values_list("pk", "capacity", "updated_at")
        .iterator()
    )  # fmt: skip


def backwards(apps, schema_editor):
    Service = apps.get_model("resources", "Service")
    Capacity = apps.get_model("resources", "ServiceCapacity")
    Unit = apps.get_model("resources", "CapacityUnit")
    for capacity in Capacity.objects.filter(unit_id=PERSON_UNIT_ID).order_by("service", "id"):
        Service.objects.filter(pk=capacity.service_id, capacity__isnull=True).update(
            capacity=capacity.maximum if capacity.maximum is not None else capacity.available
        )
    apps.get_model("resources", "HistoricalServiceCapacity").objects.all().delete()
    # Rows received in these 3.1 tables were kept as received before 0005, not mapped.
    apps.get_model("resources", "HsdsRecord").objects.filter(
        table__in=["service_capacity", "unit"]
    ).update(mapped=False)
    Capacity.objects.all().delete()
    Unit.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("resources", "0005_service_capacity")]

    operations = [migrations.RunPython(forwards, backwards)]
