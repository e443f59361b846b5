"""The API contract of /api/v1/resources… (same rules as the screens)."""

from yorisoi.resources import hsds
from yorisoi.resources.models import Service, ServiceStatus
from yorisoi.testing import client_for

NEW = {
    "name": "よりそい農園", "organization_name": "NPO法人みどり", "categories": ["shuro-taiken"],
    "fee_amount": 0, "fees_description": "無料",
    "location": {"name": "北部農園", "district": "tomida", "accessibility": "段差あり"},
    "schedules": [{"byday": "TU,FR", "opens_at": "09:00", "closes_at": "11:00"}],
}  # fmt: skip


def test_list_filters_and_pages(directory, ken):
    client = client_for(ken)
    body = client.get("/api/v1/resources", {"category": "ibasho", "page_size": 1}).json()
    assert body["count"] == 1 and body["page_size"] == 1
    item = body["items"][0]
    assert item["name"] == "北の居場所"
    assert item["categories"] == ["ibasho-hikikomori"]
    assert item["districts"] == ["tomisuhara"]
    assert item["schedules"] == ["毎週 水曜 10:00–15:00"]
    body = client.get("/api/v1/resources", {"day": "MO", "at": "14:00"}).json()
    assert [i["name"] for i in body["items"]] == ["中央のしごと体験"]
    assert client.get("/api/v1/resources", {"category": "nope"}).status_code == 422


def test_text_search_is_posted(directory, hana):
    response = client_for(hana).post(
        "/api/v1/resources/search", {"text": "しごと"}, content_type="application/json"
    )
    assert [i["name"] for i in response.json()["items"]] == ["中央のしごと体験"]


def test_create_update_deactivate(terms, masaki):
    client = client_for(masaki)
    response = client.post("/api/v1/resources", NEW, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["categories"][0]["code"] == "shuro-taiken"
    assert body["locations"][0]["district"] == "tomida"
    assert body["schedules"][0]["display"] == "毎週 火曜・金曜 09:00–11:00"
    url = f"/api/v1/resources/{body['id']}"
    changed = client.patch(url, {"fee_amount": 8, "version": 1}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["fee_amount"] == 8
    assert changed.json()["name"] == "よりそい農園"  # not sent, not changed
    stale = client.patch(url, {"fee_amount": 9, "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "concurrent_edit"
    gone = client.post(f"{url}/deactivate", {"version": 2}, content_type="application/json")
    assert gone.status_code == 200 and gone.json()["status"] == ServiceStatus.INACTIVE


def test_bad_input_is_422(terms, masaki):
    client = client_for(masaki)
    bad = {**NEW, "categories": ["casino"], "schedules": [{"byday": "XX"}]}
    response = client.post("/api/v1/resources", bad, content_type="application/json")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"categories"}
    bad = {**NEW, "schedules": [{"byday": "WE", "opens_at": "12:00", "closes_at": "11:00"}]}
    response = client.post("/api/v1/resources", bad, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("schedules.0")
    assert not Service.objects.exists()


def test_hsds_export_and_import(directory, ichiro):
    client = client_for(ichiro)
    doc = client.get("/api/v1/resources/hsds").json()
    assert doc["hsds_version"] == "3.0" and len(doc["services.csv"]) == 3
    response = client.post("/api/v1/resources/hsds", doc, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["created"] == {} and response.json()["updated"] == {}
    doc["services.csv"][0]["status"] = "sleeping"
    response = client.post("/api/v1/resources/hsds", doc, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "hsds_invalid" and body["errors"][0]["field"] == "services.csv[0]"
    assert hsds.export()["services.csv"][0]["status"] != "sleeping"


def test_every_operation_is_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        if not path.startswith("/api/v1/resources"):
            continue
        for op in methods.values():
            assert op["summary"] and op.get("description"), path


def test_the_api_list_keeps_a_constant_number_of_queries(directory, terms, hana):
    from datetime import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import make_resource

    client = client_for(hana)
    client.get("/api/v1/resources")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/resources")
    for i in range(10):
        make_resource(f"追加{i}", term=terms["salon"], district_code="hazu", byday="FR",
                      opens=time(9), closes=time(10))  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/resources").json()
    assert body["count"] == 12
    assert len(many) == len(few)


def test_a_time_with_an_offset_is_read_as_the_citys_wall_clock(directory, ken):
    """`at=14:00+09:00` answered 500 on SQLite (it cannot compare times with an offset)."""
    client = client_for(ken)
    for at in ("14:00+09:00", "05:00Z", "05:00:00+00:00"):  # all 14:00 in Tokyo
        response = client.get("/api/v1/resources", {"day": "MO", "at": at})
        assert response.status_code == 200, (at, response.content)
        assert [i["name"] for i in response.json()["items"]] == ["中央のしごと体験"], at
    response = client.get("/api/v1/resources", {"day": "MO", "at": "14:00-09:00"})  # 23:00
    assert response.json()["items"] == []


def test_opening_hours_with_an_offset_are_saved_as_wall_clock_times(terms, masaki):
    schedules = [{"byday": "TU", "opens_at": "00:00Z", "closes_at": "02:00+00:00"}]
    response = client_for(masaki).post(
        "/api/v1/resources", {**NEW, "schedules": schedules}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["schedules"][0]["display"] == "毎週 火曜 09:00–11:00"
