"""HSDS round trip: export → import into an empty directory → the identical directory."""

import json

from django.forms.models import model_to_dict

from yorisoi.resources import hsds, services
from yorisoi.resources.models import (
    CapacityUnit,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceTaxonomy,
)

MODELS = [Organization, Service, Location, ServiceAtLocation, Schedule, ServiceTaxonomy,
          CapacityUnit, ServiceCapacity]  # fmt: skip
SKIP = {"created_at", "updated_at", "created_by", "version", "taxonomy_terms"}


def _snapshot():
    return {
        model.__name__: {
            str(obj.pk): {k: v for k, v in model_to_dict(obj).items() if k not in SKIP}
            for obj in model.objects.all()
        }
        for model in MODELS
    }


def _empty_directory():
    for model in [ServiceCapacity, CapacityUnit, ServiceTaxonomy, Schedule, ServiceAtLocation,
                  Location, Service, Organization]:  # fmt: skip
        model.objects.all().delete()


def test_export_then_import_into_an_empty_directory_gives_the_same_directory(directory, ichiro):
    directory["ibasho"].alternate_name = "ひだまり"
    directory["ibasho"].minimum_age = 15
    directory["ibasho"].save()
    Schedule.objects.create(
        service=directory["ibasho"], freq="MONTHLY", byday="2SA", opens_at="13:30",
        closes_at="15:00", valid_from="2026-04-01", valid_to="2027-03-31", description="祝日休み",
    )  # fmt: skip
    loc = Location.objects.get(service_at_locations__service=directory["shigoto"])
    loc.latitude, loc.longitude, loc.postal_code = "34.965100", "136.624400", "510-8601"
    loc.save()
    before = _snapshot()
    document = json.loads(json.dumps(services.hsds_export(actor=ichiro)))  # through JSON text

    _empty_directory()
    assert not Service.objects.exists()
    outcome = services.hsds_import(actor=ichiro, data=document)

    assert outcome.created["services"] == 3
    assert outcome.created["schedules"] == 4
    assert outcome.created["service_capacity"] == 3 and outcome.created["units"] == 1
    assert _snapshot() == before  # field by field, every table
    assert hsds.export() == document
    searched = Service.objects.get(pk=directory["ibasho"].pk)
    assert searched.search_text  # the text search works on imported records too


def test_importing_the_same_file_twice_changes_nothing(directory, ichiro):
    document = hsds.export()
    _empty_directory()
    services.hsds_import(actor=ichiro, data=document)
    versions = dict(Service.objects.values_list("pk", "version"))
    history = Service.history.count()

    again = services.hsds_import(actor=ichiro, data=document)

    assert again.created == {} and again.updated == {}
    assert dict(Service.objects.values_list("pk", "version")) == versions
    assert Service.history.count() == history


def test_reimport_updates_changed_records_and_replaces_their_schedules(directory, ichiro):
    document = hsds.export()
    row = next(s for s in document["services.csv"] if s["id"] == str(directory["ibasho"].pk))
    row["name"] = "北の居場所（改称）"
    sched = next(s for s in document["schedules.csv"] if s["service_id"] == row["id"])
    sched["byday"] = "WE,FR"

    outcome = services.hsds_import(actor=ichiro, data=document)

    ibasho = Service.objects.get(pk=row["id"])
    assert outcome.updated["services"] == 1 and outcome.updated["schedules"] == 1
    assert ibasho.name == "北の居場所（改称）" and ibasho.version == 2
    assert [s.byday for s in ibasho.schedules.all()] == ["WE,FR"]
