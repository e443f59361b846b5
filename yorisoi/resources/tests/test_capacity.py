"""Vacancies (空き): HSDS 3.1 service_capacity, reported by those who keep the directory,
shown in the list and on the page with when they were last reported, exported and imported
as the spec's service_capacity and unit tables."""

import copy

import pytest
from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.errors import ConcurrentEditError, RuleViolation
from yorisoi.resources import hsds, services
from yorisoi.resources.models import PERSON_UNIT_ID, CapacityUnit, ServiceCapacity
from yorisoi.resources.tests import hsds_spec
from yorisoi.testing import client_for


def _capacity(service):
    return ServiceCapacity.objects.get(service=service, unit_id=PERSON_UNIT_ID)


def test_a_manager_reports_vacancies_on_the_screen_and_the_list_and_page_show_them(
    directory, masaki
):
    service = directory["ibasho"]
    client = client_for(masaki)
    url = reverse("resources:capacity_update", args=[service.pk])
    form = client.get(url).content.decode()
    assert 'name="version" value="1"' in form and 'value="10"' in form

    response = client.post(url, {"version": "1", "available": "3", "maximum": "15",
                                 "description": "見学のみ可"})  # fmt: skip

    assert response.status_code == 302
    capacity = _capacity(service)
    assert (capacity.available, capacity.maximum, capacity.version) == (3, 15, 2)
    page = client.get(reverse("resources:service_detail", args=[service.pk])).content.decode()
    listed = client.get(reverse("resources:service_list")).content.decode()
    for html in (page, listed):
        assert "空き 3／15人" in html and "見学のみ可" in html
        assert f"最終更新日 {capacity.updated.astimezone():%Y-%m-%d}" in html
    event = AuditEvent.objects.get(action="resource.capacity_updated")
    assert event.target_id == str(service.pk) and event.data["available"] == 3


def test_a_stale_report_is_refused_and_nothing_is_overwritten(directory, masaki, ichiro):
    service = directory["ibasho"]
    services.capacity_update(actor=ichiro, service=service, version=1, available=0, maximum=10)
    response = client_for(masaki).post(
        reverse("resources:capacity_update", args=[service.pk]),
        {"version": "1", "available": "5", "maximum": "10"},
    )
    assert response.status_code == 409
    assert "ほかの人が先に空き状況を更新しました" in response.content.decode()
    assert _capacity(service).available == 0
    with pytest.raises(ConcurrentEditError):
        services.capacity_update(actor=masaki, service=service, version=1, available=2)


def test_more_free_than_places_is_refused_with_the_field(directory, masaki):
    url = reverse("resources:capacity_update", args=[directory["ibasho"].pk])
    response = client_for(masaki).post(url, {"version": "1", "available": "12", "maximum": "10"})
    assert response.status_code == 422
    assert "空きは定員以下の数にしてください。" in response.content.decode()
    assert _capacity(directory["ibasho"]).available == 10


def test_the_first_report_of_a_resource_without_one_starts_at_version_zero(directory, masaki):
    service = directory["ibasho"]
    ServiceCapacity.objects.filter(service=service).delete()
    with pytest.raises(ConcurrentEditError):
        services.capacity_update(actor=masaki, service=service, version=1, available=2)
    created = services.capacity_update(actor=masaki, service=service, version=0, available=2)
    assert created.unit_id == PERSON_UNIT_ID and created.version == 1 and created.maximum is None


def test_staff_and_analysts_read_vacancies_but_do_not_report_them(directory, hana, ken):
    service = directory["ibasho"]
    for user in (hana, ken):
        client = client_for(user)
        page = client.get(reverse("resources:service_detail", args=[service.pk])).content
        assert "空き 10／10人".encode() in page and "空き状況を更新する".encode() not in page
        url = reverse("resources:capacity_update", args=[service.pk])
        assert client.get(url).status_code == 403
        put = client.put(f"/api/v1/resources/{service.pk}/capacity",
                         {"available": 0, "version": 1}, content_type="application/json")  # fmt: skip
        assert put.status_code == 403
    with pytest.raises(RuleViolation):
        services.capacity_update(actor=hana, service=service, version=1, available=0)
    assert _capacity(service).available == 10


def test_the_api_reports_vacancies_with_the_version_check(directory, ichiro):
    service = directory["shigoto"]
    client = client_for(ichiro)
    url = f"/api/v1/resources/{service.pk}/capacity"
    body = client.get(f"/api/v1/resources/{service.pk}").json()
    assert body["capacities"][0]["available"] == 10 and body["capacities"][0]["unit"] == "人"

    response = client.put(url, {"available": 0, "maximum": 10, "version": 1},
                          content_type="application/json")  # fmt: skip

    assert response.status_code == 200
    (capacity,) = response.json()["capacities"]
    assert capacity["available"] == 0 and capacity["version"] == 2 and capacity["updated"]
    stale = client.put(url, {"available": 1, "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "concurrent_edit"
    bad = client.put(url, {"available": -1, "version": 2}, content_type="application/json")
    assert bad.status_code == 422
    over = client.put(url, {"available": 11, "maximum": 10, "version": 2},
                      content_type="application/json")  # fmt: skip
    assert over.status_code == 422 and over.json()["errors"][0]["field"] == "available"
    listed = client.get("/api/v1/resources", {"category": "shuro-taiken"}).json()
    assert listed["items"][0]["capacities"][0]["available"] == 0


def test_the_export_writes_service_capacity_and_unit_rows_that_pass_3_1(directory):
    document = hsds.export()

    assert "x_capacity" not in str(document)
    (unit,) = document["units.csv"]
    assert unit == {"id": str(PERSON_UNIT_ID), "name": "人", "identifier": "person"}
    rows = document["service_capacity.csv"]
    assert len(rows) == 3 and {r["unit_id"] for r in rows} == {str(PERSON_UNIT_ID)}
    assert rows[0]["available"] == 10 and rows[0]["updated"].endswith("+00:00")
    assert hsds_spec.tabular_errors("3.1", document) == {}
    assert hsds_spec.tabular_errors("3.0", document) == {}  # 3.0 has no such tables


def test_the_official_3_1_capacity_imports_with_its_unit_and_exports_again(directory, ichiro):
    example = hsds_spec.example("3.1", "service_full.json")
    capacity = copy.deepcopy(example["capacities"][0])
    service = directory["ibasho"]
    document = hsds.export()
    document["units.csv"].append({k: v for k, v in capacity.pop("unit").items()})
    capacity.update(service_id=str(service.pk), unit_id=document["units.csv"][-1]["id"])
    capacity["id"] = "0b7c4d5e-1111-4a2b-8c3d-9e8f7a6b5c4d"
    document["service_capacity.csv"].append(capacity)

    services.hsds_import(actor=ichiro, data=document)

    kept = ServiceCapacity.objects.get(pk=capacity["id"])
    assert kept.unit.name == "Kilogram" and (kept.available, kept.maximum) == (12, 10)
    again = next(r for r in hsds.export()["service_capacity.csv"] if r["id"] == capacity["id"])
    assert again == capacity  # "updated" spelled as received
    # Two capacities now: the page shows both, the matching reads only people.
    page = client_for(ichiro).get(reverse("resources:service_detail", args=[service.pk]))
    assert "空き 12／10Kilogram" in page.content.decode()


def test_a_capacity_yorisoi_cannot_hold_is_kept_as_received_and_said(directory, ichiro):
    document = hsds.export()
    row = {"id": "5d1e2f3a-2222-4b3c-9d4e-0f1a2b3c4d5e", "service_id": str(directory["ibasho"].pk),
           "unit_id": str(PERSON_UNIT_ID), "available": 2.5, "updated": "2026-01-01T00:00:00Z"}  # fmt: skip
    document["service_capacity.csv"].append(row)

    outcome = services.hsds_import(actor=ichiro, data=document)

    assert any("空き状況として読めない" in w for w in outcome.warnings)
    assert not ServiceCapacity.objects.filter(pk=row["id"]).exists()
    assert row in hsds.export()["service_capacity.csv"]


def test_yorisois_x_capacity_of_before_is_read_as_a_capacity_in_people(terms, ichiro):
    org = "1d2c3b4a-0000-4000-8000-000000000001"
    service = "1d2c3b4a-0000-4000-8000-000000000002"
    document = {
        "organizations.csv": [{"id": org, "name": "旧形式の団体", "description": ""}],
        "services.csv": [{"id": service, "organization_id": org, "name": "旧形式の居場所",
                          "status": "active", "x_capacity": 12}],
    }  # fmt: skip

    outcome = services.hsds_import(actor=ichiro, data=document)

    assert not any("x_capacity" in w for w in outcome.warnings)
    capacity = ServiceCapacity.objects.get(service_id=service)
    assert (capacity.available, capacity.maximum, capacity.unit_id) == (12, 12, PERSON_UNIT_ID)
    assert "未確認" in capacity.description
    exported = hsds.export()
    assert "x_capacity" not in next(r for r in exported["services.csv"] if r["id"] == service)
    # The same file again changes nothing (its vacancies may have been reported since).
    services.capacity_update(actor=ichiro, service=capacity.service, version=1, available=3,
                             maximum=12)  # fmt: skip
    services.hsds_import(actor=ichiro, data=document)
    assert ServiceCapacity.objects.get(service_id=service).available == 3
    assert CapacityUnit.objects.count() == 1
