"""The API contract: shapes, codes and errors (404 for hidden, 409 with a code for a rule,
422 for bad input), and the same services as the screens."""

from datetime import timedelta

import pytest
from django.utils import timezone

from yorisoi.testing import client_for

from .world import six_resources, woman

pytestmark = pytest.mark.django_db
BASE = "/api/v1/participation"


@pytest.fixture
def api(hana):
    six_resources()
    return client_for(hana)


def _post(c, url, body):
    return c.post(url, body, content_type="application/json")


def _need(api, hana, **extra):
    body = {
        "person_id": str(woman(hana).pk),
        "interests": ["ibasho"],
        "short_term_goal": "まず週1回、地域活動支援センターに通う",
        "long_term_goal": "いずれは働きたい",
        "available_days": ["WE", "FR"],
        "prefers_small": True,
        "max_cost_per_month": 1000,
        **extra,
    }
    r = _post(api, f"{BASE}/needs", body)
    assert r.status_code == 201, r.json()
    return r.json()


def test_create_rank_propose_and_walk_a_placement_to_settled(api, hana):
    need = _need(api, hana)
    assert need["district"] == "tomisuhara" and need["available_days"] == ["WE", "FR"]
    proposals = api.get(f"{BASE}/needs/{need['id']}/proposals?limit=3").json()
    assert proposals[0]["service_name"] == "ひだまりの会"
    assert proposals[0]["reasons"][:2] == ["関心（居場所）に合う", "水曜・金曜に開いている"]
    r = _post(
        api, f"{BASE}/needs/{need['id']}/placements", {"service_id": proposals[0]["service_id"]}
    )
    assert r.status_code == 201 and r.json()["score"] == proposals[0]["score"]
    pid = r.json()["id"]
    start = (timezone.localdate() - timedelta(days=14)).isoformat()
    assert (
        _post(api, f"{BASE}/placements/{pid}/contact", {"resource_contact": "田中"}).status_code
        == 200
    )
    r = _post(api, f"{BASE}/placements/{pid}/start", {"on": start})
    assert r.json()["follow_ups"][0]["due_on"] == timezone.localdate().isoformat()
    due = api.get(f"{BASE}/follow-ups/due").json()
    assert due["count"] == 1 and due["items"][0]["service_name"] == "ひだまりの会"
    fid = due["items"][0]["id"]
    r = _post(
        api, f"{BASE}/follow-ups/{fid}/done", {"outcome": "going_well", "note": "笑顔が増えた"}
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert _post(api, f"{BASE}/follow-ups/{fid}/done", {"outcome": "going_well"}).json()[
        "code"
    ] == ("follow_up_closed")
    r = _post(api, f"{BASE}/placements/{pid}/settle", {})
    assert r.json()["status"] == "settled"
    assert {f["status"] for f in r.json()["follow_ups"]} == {"done", "cancelled"}


def test_rule_and_input_errors(api, hana):
    need = _need(api, hana)
    proposals = api.get(f"{BASE}/needs/{need['id']}/proposals").json()
    pid = _post(api, f"{BASE}/needs/{need['id']}/placements",
                {"service_id": proposals[0]["service_id"]}).json()["id"]  # fmt: skip
    r = _post(api, f"{BASE}/placements/{pid}/settle", {})
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"
    r = _post(api, f"{BASE}/placements/{pid}/end", {"reason": ""})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = _post(api, f"{BASE}/needs", {"person_id": need["person_id"], "interests": ["nope"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "interests"
    r = _post(api, f"{BASE}/needs", {"person_id": need["person_id"], "available_days": ["XX"]})
    assert r.status_code == 422
    r = api.patch(f"{BASE}/needs/{need['id']}", {"version": 99, "prefers_small": False},
                  content_type="application/json")  # fmt: skip
    assert r.status_code == 409 and r.json()["code"] == "concurrent_edit"
    r = api.patch(f"{BASE}/needs/{need['id']}", {"version": need["version"], "prefers_small": False},
                  content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and r.json()["prefers_small"] is False


def test_gaps_for_a_case_through_the_api(hana, ichiro, saki):
    from yorisoi.cases.tests.world import open_case

    six_resources()
    case = open_case(hana, ichiro)
    c = client_for(ichiro)
    r = _post(c, f"{BASE}/gaps", {"need_text": "男性が通える料理教室がない", "category": "shumi-koryu",
                                  "case_id": str(case.pk), "district": "tomida"})  # fmt: skip
    assert r.status_code == 201 and r.json()["district"] == "tomida"
    gaps = c.get(f"{BASE}/cases/{case.pk}/gaps").json()
    assert [g["need_text"] for g in gaps] == ["男性が通える料理教室がない"]
    assert client_for(saki).get(f"{BASE}/cases/{case.pk}/gaps").status_code == 404
    r = _post(c, f"{BASE}/gaps", {"need_text": "x", "category": "unknown"})
    assert r.status_code == 422


def test_lists_are_paged_and_audited(api, hana):
    _need(api, hana)
    page = api.get(f"{BASE}/needs?page_size=5").json()
    assert page["count"] == 1 and page["page_size"] == 5


def test_the_schema_documents_every_operation_in_japanese(client):
    schema = client.get("/api/v1/openapi.json").json()
    ops = [op for path, item in schema["paths"].items() if "/participation/" in path
           for op in item.values()]  # fmt: skip
    assert len(ops) == 11
    for op in ops:
        assert op["summary"] and op["description"]
        assert "404" in op["responses"] or "422" in op["responses"]
