"""Every record yorisoi exports passes the official HSDS 3.0 and 3.1 schemas (tests/hsds_spec)."""

import io
import json
import random
import zipfile
from datetime import date, time

import pytest
from django.utils import timezone

from yorisoi.resources import demo, hsds
from yorisoi.resources.models import (
    CapacityUnit,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceCapacity,
)
from yorisoi.resources.tests import hsds_spec


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_the_whole_demo_export_passes_the_official_schemas(terms, version):
    demo.generate_resources(30, seed=5)
    document = hsds.export()

    assert len(document["services.csv"]) == 30
    assert hsds_spec.tabular_errors(version, document) == {}


def test_a_randomised_directory_with_empty_and_edge_values_passes_the_official_schemas(terms):
    seed = random.randrange(10_000)  # noqa: S311 — varied test data
    demo.generate_resources(12, seed=seed)
    org = Organization.objects.create(name="空欄の多い団体")  # no description, email, website
    bare = Service.objects.create(organization=org, name="空欄の多い資源")
    full = Service.objects.create(
        organization=org, name="全部ある資源", url="https://example.jp/a", email="a@example.jp",
        minimum_age=0, maximum_age=120, fee_amount=0, phone="059-000-0000",
    )  # fmt: skip
    ServiceCapacity.objects.create(service=full, unit=CapacityUnit.person(), available=0,
                                   updated=timezone.now())  # fmt: skip
    Location.objects.create(organization=None, name="住所だけ", postal_code="510-0001",
                            latitude="-34.100000", longitude="136.000001")  # fmt: skip
    Schedule.objects.create(service=bare, freq="MONTHLY", byday="-1FR", opens_at=time(9, 0, 30),
                            valid_from=date(2026, 4, 1))  # fmt: skip
    Schedule.objects.create(service=full)
    document = hsds.export()

    assert hsds_spec.tabular_errors("3.0", document) == {}, f"seed {seed}"
    assert hsds_spec.tabular_errors("3.1", document) == {}, f"seed {seed}"
    row = next(r for r in document["services.csv"] if r["id"] == str(full.pk))
    assert row["minimum_age"] == 0  # numbers as numbers, 0 kept
    capacity = next(r for r in document["service_capacity.csv"] if r["service_id"] == str(full.pk))
    assert capacity["available"] == 0 and "maximum" not in capacity
    place = next(r for r in document["locations.csv"] if r["name"] == "住所だけ")
    assert place["latitude"] == -34.1 and place["longitude"] == 136.000001


def test_the_export_is_the_spec_tabular_form_with_a_profile_uri(terms):
    demo.generate_resources(3, seed=1)
    document = hsds.export()

    names = set(hsds_spec.tables("3.0"))
    assert names <= set(document)  # every table of the spec, under its file name
    assert document["profile"].startswith("urn:") or "://" in document["profile"]
    assert all(v is not None for rows in document.values() if isinstance(rows, list)
               for row in rows for v in row.values())  # fmt: skip


def test_the_csv_datapackage_holds_every_table_and_reads_back_the_same(terms):
    demo.generate_resources(5, seed=2)
    document = hsds.export()

    content = hsds.datapackage(document)

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        package = json.loads(archive.read("datapackage.json"))
        assert {r["path"] for r in package["resources"]} >= set(hsds_spec.tables("3.0"))
        assert package["hsds_profile"] == document["profile"]
    rows = hsds.hsds_shapes.read_datapackage(content)
    for table, items in rows.rows.items():
        file = hsds.hsds_shapes.tables()[table]["file"]
        # A CSV cell cannot tell an empty required text ("") from none.
        expected = [{k: v for k, v in r.items() if v != ""} for r in document.get(file, [])]
        assert sorted((r for _w, r in items), key=lambda r: r["id"]) == expected
