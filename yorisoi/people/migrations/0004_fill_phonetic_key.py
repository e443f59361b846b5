"""Fill Person.phonetic_key for the people registered before it existed (issue 12)."""

from django.db import migrations

from yorisoi.linkage import normalise

BATCH = 2000


def _key(family_kana, given_kana):
    # As people.models.phonetic_key at the time of writing (a migration keeps its own copy).
    family, given = normalise.split_name(family_kana, given_kana)
    return (normalise.kana_key(family) + normalise.kana_key(given))[:210]


def fill(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    changed = []
    rows = Person.objects.only("pk", "family_name_kana", "given_name_kana").order_by("pk")
    for person in rows.iterator(chunk_size=BATCH):
        person.phonetic_key = _key(person.family_name_kana, person.given_name_kana)
        if person.phonetic_key:
            changed.append(person)
        if len(changed) >= BATCH:
            Person.objects.bulk_update(changed, ["phonetic_key"])
            changed = []
    if changed:
        Person.objects.bulk_update(changed, ["phonetic_key"])


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_phonetic_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
