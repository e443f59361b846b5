"""The API contract: /api/v1/community/… with a real token, as an integration would call it."""

import json

import pytest
from django.test import Client

from yorisoi.accounts.models import ApiToken
from yorisoi.community.models import Activity


def _api(user) -> Client:
    _, raw = ApiToken.issue(user=user, name="テスト連携")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _new(client, site, **kw):
    body = {"site_id": site.pk, "held_on": "2025-06-10", "kind": "salon", "participants": 12,
            "volunteers": 3, **kw}  # fmt: skip
    return _post(client, "/api/v1/community/activities", body)


def test_programs_and_sites(community, ken):
    client = _api(ken)
    programs = client.get("/api/v1/community/programs").json()
    assert [p["letter"] for p in programs] == ["ア", "イ", "ウ", "エ", "オ"]
    sites = client.get("/api/v1/community/sites", {"program": "seikatsu-shien"}).json()
    assert sites["count"] == 3
    assert {s["area"] for s in sites["items"]} == {"north", "central", "south"}
    assert client.get("/api/v1/community/sites", {"program": "nope"}).status_code == 404


def test_create_list_and_correct_an_activity(community, tomoko):
    client = _api(tomoko)
    created = _new(client, community["salon"])
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["participants"], body["fiscal_year"], body["version"]) == (12, 2025, 1)
    listing = client.get("/api/v1/community/activities", {"fiscal_year": 2025}).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == body["id"]
    assert client.get("/api/v1/community/activities", {"fiscal_year": 2024}).json()["count"] == 0
    url = f"/api/v1/community/activities/{body['id']}"
    corrected = _post(client, url, {"version": 1, "participants": 14}, "patch")
    assert corrected.status_code == 200 and corrected.json()["participants"] == 14
    stale = _post(client, url, {"version": 1, "participants": 15}, "patch")
    assert stale.status_code == 409 and stale.json()["code"] == "concurrent_edit"
    assert stale.json()["changes"][0]["field"] == "participants"
    no_reason = _post(client, url, {"version": 2, "cancelled": True}, "patch")
    assert no_reason.status_code == 422
    cancelled = _post(
        client, url, {"version": 2, "cancelled": True, "cancel_reason": "重複"}, "patch"
    )
    assert cancelled.status_code == 200 and cancelled.json()["cancelled"] is True


@pytest.mark.parametrize(
    "change, field",
    [
        ({"participants": -1}, "participants"),
        ({"volunteers": -2}, "volunteers"),
        ({"kind": "party"}, "kind"),
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"name": "余計な項目"}, "name"),
    ],
)
def test_bad_input_is_422_naming_the_field(community, tomoko, change, field):
    response = _new(_api(tomoko), community["salon"], **change)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Activity.objects.exists()


def test_an_unknown_site_is_404(community, tomoko):
    response = _post(_api(tomoko), "/api/v1/community/activities",
                     {"site_id": 999999, "held_on": "2025-06-10", "kind": "salon",
                      "participants": 1})  # fmt: skip
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_another_agency_may_not_correct(community, tomoko, hana):
    body = _new(_api(tomoko), community["salon"]).json()
    response = _post(
        _api(hana), f"/api/v1/community/activities/{body['id']}",
        {"version": 1, "participants": 1}, "patch",
    )  # fmt: skip
    assert response.status_code == 409 and response.json()["code"] == "not_recorder"


def test_the_analyst_reads_but_cannot_write(community, ken):
    client = _api(ken)
    assert client.get("/api/v1/community/activities").status_code == 200
    assert _new(client, community["salon"]).status_code == 403


def test_trainings(community, tomoko):
    client = _api(tomoko)
    body = {"program": "konkyu-chiiki", "name": "災害ボランティアセンターアドバイザー養成講座",
            "held_on": "2025-09-01", "people_trained": 16}  # fmt: skip
    created = _post(client, "/api/v1/community/trainings", body)
    assert created.status_code == 201 and created.json()["fiscal_year"] == 2025
    bad = _post(client, "/api/v1/community/trainings", {**body, "people_trained": -1})
    assert bad.status_code == 422
    unknown = _post(client, "/api/v1/community/trainings", {**body, "program": "nope"})
    assert unknown.status_code == 404
    listing = client.get("/api/v1/community/trainings", {"program": "konkyu-chiiki"}).json()
    assert listing["count"] == 1
    url = f"/api/v1/community/trainings/{created.json()['id']}"
    corrected = _post(client, url, {"version": 1, "people_trained": 17}, "patch")
    assert corrected.json()["people_trained"] == 17


def test_the_summary_per_program_and_fiscal_year(community, tomoko, ken):
    writer = _api(tomoko)
    _new(writer, community["salon"], held_on="2025-04-01", participants=10)
    _new(writer, community["salon"], held_on="2026-03-31", participants=5)
    _new(writer, community["salon"], held_on="2025-03-31", participants=99)
    summary = _api(ken).get("/api/v1/community/summary", {"fiscal_year": 2025}).json()
    assert (summary["period_start"], summary["period_end"]) == ("2025-04-01", "2026-03-31")
    rows = {r["program"]: r for r in summary["programs"]}
    assert rows["kaigo-yobou"]["activities"] == 2
    assert rows["kaigo-yobou"]["participants"] == 15
    assert rows["kosodate-kyoten"]["sites"] == 23
    north = _api(ken).get("/api/v1/community/summary", {"fiscal_year": 2025, "area": "south"})
    assert {r["program"]: r for r in north.json()["programs"]}["kaigo-yobou"]["activities"] == 0


def test_every_operation_is_documented(community, ken):
    schema = _api(ken).get("/api/v1/openapi.json").json()
    ops = [
        op for path, item in schema["paths"].items() if path.startswith("/api/v1/community")
        for op in item.values()
    ]  # fmt: skip
    assert len(ops) == 9
    for op in ops:
        assert op["summary"] and op["description"]
        assert not op["summary"].isascii()
