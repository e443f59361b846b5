"""The API contract: /api/v1/outreach/… (list, create, detail, update, contacts, stage, person,
hand-over, close), errors as documented."""

import pytest
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.outreach.models import OutreachTarget
from yorisoi.testing import PersonFactory, client_for

from .world import agency, contact, target

pytestmark = pytest.mark.django_db

BASE = "/api/v1/outreach"


def _create(client, **overrides):
    body = {
        "label": "中部2丁目 2階の方",
        "category": "hikikomori",
        "description": "2階、夜も明かりがついている",
        "worried_by_type": "neighbour",
        "district": None,
    }
    body.update(overrides)
    return client.post(f"{BASE}/targets", body, content_type="application/json")


def test_create_detail_update(hana):
    client = client_for(hana)
    response = _create(client)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (
        created["stage"] == "not_contacted" and created["responsible_agency"] == "zaitaku-kaigo-01"
    )
    assert created["next_contact_on"] == timezone.localdate().isoformat()
    assert created["basis"] == "own_agency" and created["can_edit"] is True
    url = f"{BASE}/targets/{created['id']}"
    assert client.get(url).json()["description"] == "2階、夜も明かりがついている"
    patched = client.patch(
        url,
        {"version": created["version"], "address": "中部2-3-4"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["address"] == "中部2-3-4"
    stale = client.patch(
        url, {"version": created["version"], "address": "x"}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "concurrent_edit"
    assert stale.json()["changes"][0]["field"] == "address"


def test_bad_input_is_422_per_field(hana):
    client = client_for(hana)
    response = _create(client, category="unknown", description="")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert "category" in fields
    response = _create(client, worried_by_type="cat")
    assert response.status_code == 422
    assert OutreachTarget.objects.count() == 0


def test_list_is_paged_quiet_first_and_audited(hana):
    for i in range(3):
        target(hana, label=f"対象{i}")
    client = client_for(hana)
    body = client.get(f"{BASE}/targets?page_size=2").json()
    assert body["count"] == 3 and len(body["items"]) == 2 and body["page_size"] == 2
    assert set(body["items"][0]) >= {"id", "stage", "quiet", "next_contact_on", "version"}
    assert AuditEvent.objects.filter(action="outreach.targets_listed").exists()
    assert client.get(f"{BASE}/targets?stage=dialogue").json()["count"] == 0
    assert client.get(f"{BASE}/targets?stage=nope").status_code == 422


def test_contacts_add_and_list(hana, saki):
    t = target(hana)
    client = client_for(hana)
    response = client.post(
        f"{BASE}/targets/{t.pk}/contacts",
        {
            "outcome": "through_door",
            "agencies": ["itaku-soudan-01"],
            "observations": "返事があった",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert set(response.json()["agencies"]) == {"zaitaku-kaigo-01", "itaku-soudan-01"}
    assert response.json()["method"] == "visit"
    listed = client_for(saki).get(f"{BASE}/targets/{t.pk}/contacts").json()
    assert listed["count"] == 1 and listed["items"][0]["outcome"] == "through_door"
    bad = client.post(
        f"{BASE}/targets/{t.pk}/contacts", {"outcome": "refused"}, content_type="application/json"
    )
    assert bad.status_code == 422
    unknown = client.post(
        f"{BASE}/targets/{t.pk}/contacts",
        {"outcome": "absent", "agencies": ["nope"]},
        content_type="application/json",
    )
    assert unknown.status_code == 422


def test_stage_person_and_hand_over(hana):
    t = target(hana)
    client = client_for(hana)
    url = f"{BASE}/targets/{t.pk}"
    refused = client.post(
        f"{url}/stage",
        {"version": t.version, "to_stage": "relationship"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and refused.json()["code"] == "stage_not_supported"
    contact(hana, t, "long_talk")
    version = client.get(url).json()["version"]
    moved = client.post(
        f"{url}/stage",
        {"version": version, "to_stage": "relationship"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "relationship"
    assert moved.json()["stage_history"][-1]["to"] == "relationship"
    person = PersonFactory(agency=agency("zaitaku-kaigo-01"))
    linked = client.post(
        f"{url}/person",
        {"version": moved.json()["version"], "person_id": str(person.pk)},
        content_type="application/json",
    )
    assert linked.status_code == 200 and linked.json()["person_id"] == str(person.pk)
    handed = client.post(
        f"{url}/hand-over",
        {"version": linked.json()["version"], "note": "多機関で支えたい"},
        content_type="application/json",
    )
    assert handed.status_code == 200, handed.content
    assert handed.json()["status"] == "handed_over" and handed.json()["stage"] == "connected"
    assert handed.json()["handover_consultation_id"]


def test_hidden_person_and_outsider(hana, saki, tomoko):
    t = target(hana)
    stranger = PersonFactory(agency=agency("itaku-soudan-01"))
    response = client_for(hana).post(
        f"{BASE}/targets/{t.pk}/person",
        {"version": t.version, "person_id": str(stranger.pk)},
        content_type="application/json",
    )
    assert response.status_code == 422
    outsider = client_for(tomoko)
    for method, path, body in [
        ("get", "", None),
        ("get", "/contacts", None),
        ("post", "/contacts", {"outcome": "absent"}),
        ("patch", "", {"version": 1, "label": "x"}),
        ("post", "/close", {"version": 1, "reason": "x"}),
    ]:
        call = getattr(outsider, method)
        kwargs = {"content_type": "application/json", "data": body} if body else {}
        assert call(f"{BASE}/targets/{t.pk}{path}", **kwargs).status_code == 404, (method, path)


def test_close_and_categories(hana):
    t = target(hana)
    client = client_for(hana)
    assert (
        client.post(
            f"{BASE}/targets/{t.pk}/close",
            {"version": t.version, "reason": ""},
            content_type="application/json",
        ).status_code
        == 422
    )
    closed = client.post(
        f"{BASE}/targets/{t.pk}/close",
        {"version": t.version, "reason": "転居"},
        content_type="application/json",
    )
    assert closed.json()["status"] == "closed"
    codes = [c["code"] for c in client.get(f"{BASE}/categories").json()]
    assert {"hikikomori", "young-carer", "hoarding"} <= set(codes)


def test_every_operation_has_a_route_rule_and_japanese_docs(hana):

    schema = client_for(hana).get("/api/v1/openapi.json").json()
    ops = [
        op
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/outreach")
        for op in item.values()
    ]
    assert len(ops) == 11
    for op in ops:
        assert op["summary"] and op.get("description")
