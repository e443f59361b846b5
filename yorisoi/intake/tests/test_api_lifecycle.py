"""The consultation's life over /api/v1/: the same services and policy as the page — records with
a next action (R3), holder, closure, reopening, the receiving agency's assignee, an involved
agency's staff member."""

from datetime import timedelta

from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.intake.tests.test_api import api_client, create, field_errors, get, post, send
from yorisoi.intake.tests.test_lifecycle import continued, fresh

TODAY = timezone.localdate


def _record(consultation, version, days=7, **extra):
    return {
        "version": version,
        "kind": "call",
        "text": "娘さんに電話した",
        "next_action": "訪問する",
        "next_action_on": (TODAY() + timedelta(days=days)).isoformat(),
        **extra,
    }


def test_records_on_a_consultation_through_the_api(hana, saki):
    c = continued(hana)
    client = api_client(hana)
    response = post(client, f"/consultations/{c.pk}/records", _record(c, fresh(c).version, 4))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["consultation_id"] == str(c.pk) and body["case_id"] is None
    assert body["next_action"] == "訪問する"
    assert fresh(c).next_action_on == TODAY() + timedelta(days=4)
    listed = get(client, f"/consultations/{c.pk}/records").json()
    assert listed["count"] == 1 and listed["items"][0]["text"] == "娘さんに電話した"
    assert AuditEvent.objects.filter(action="consultation.records_viewed").exists()
    # Someone who may not read the consultation: 404, as for an id that exists nowhere.
    assert get(api_client(saki), f"/consultations/{c.pk}/records").status_code == 404
    assert (
        post(api_client(saki), f"/consultations/{c.pk}/records", _record(c, 1)).status_code == 404
    )


def test_a_past_next_action_is_422_and_a_stale_version_409(hana):
    c = continued(hana)
    client = api_client(hana)
    response = post(client, f"/consultations/{c.pk}/records", _record(c, fresh(c).version, -1))
    assert response.status_code == 422
    assert "next_action_on" in field_errors(response)
    response = post(client, f"/consultations/{c.pk}/records", _record(c, 1))
    assert response.status_code == 409 and response.json()["code"] == "concurrent_edit"


def test_reassign_close_reopen_through_the_api(hana, masaki, saki):
    client = api_client(hana)
    c = create(client)
    staff = get(client, f"/consultations/{c['id']}/staff").json()
    assert {s["name"] for s in staff} == {"hana", "masaki"}
    assert c["holder_id"] == hana.pk
    response = post(
        client,
        f"/consultations/{c['id']}/close",
        {"version": c["version"], "closure_reason": "solved"},
    )
    assert response.status_code == 409 and response.json()["code"] == "no_outcome"
    c = post(client, f"/consultations/{c['id']}/continue", {"version": c["version"]}).json()
    response = post(
        client, f"/consultations/{c['id']}/holder", {"version": c["version"], "holder": saki.pk}
    )
    assert response.status_code == 422 and "holder" in field_errors(response)
    c = post(
        client, f"/consultations/{c['id']}/holder", {"version": c["version"], "holder": masaki.pk}
    ).json()
    assert c["holder_id"] == masaki.pk and c["holder_name"] == "masaki"
    response = post(
        client,
        f"/consultations/{c['id']}/close",
        {"version": c["version"], "closure_reason": "other"},
    )
    assert response.status_code == 422 and "closure_note" in field_errors(response)
    c = post(
        client,
        f"/consultations/{c['id']}/close",
        {"version": c["version"], "closure_reason": "lost_contact"},
    ).json()
    assert c["closed_at"] is not None and c["closure_reason"] == "lost_contact"
    response = post(client, f"/consultations/{c['id']}/reopen", {"version": c["version"]})
    assert response.status_code == 422
    assert {"reopen_reason", "next_action_on"} <= set(field_errors(response))
    c = post(
        client,
        f"/consultations/{c['id']}/reopen",
        {"version": c["version"], "reopen_reason": "連絡がついた", "next_action_on": str(TODAY())},
    ).json()
    assert c["closed_at"] is None and c["holder_id"] == hana.pk


def test_another_agency_may_not_reassign_what_it_only_reads(hana, masaki, saki):
    c = create(api_client(hana))
    send(api_client(hana), c["id"], kind="referral")
    version = get(api_client(hana), f"/consultations/{c['id']}").json()["version"]
    response = post(
        api_client(saki),
        f"/consultations/{c['id']}/holder",
        {"version": version, "holder": masaki.pk},
    )
    assert response.status_code == 403


def test_the_receiving_agency_names_its_assignee(hana, saki):
    from yorisoi.accounts.models import Role
    from yorisoi.testing import make_user

    c = create(api_client(hana))
    referral = send(api_client(hana), c["id"], kind="referral").json()
    accepted = post(api_client(saki), f"/referrals/{referral['id']}/accept").json()
    assert accepted["assignee_id"] == saki.pk
    sora = make_user("sora", Role.STAFF, "itaku-soudan-01")
    answer = post(api_client(saki), f"/referrals/{referral['id']}/assignee", {"assignee": sora.pk})
    assert answer.status_code == 200 and answer.json()["assignee_id"] == sora.pk
    refused = post(api_client(hana), f"/referrals/{referral['id']}/assignee", {"assignee": hana.pk})
    assert refused.status_code == 403


def test_an_involved_agency_names_its_staff_member(hana, ichiro, saki):
    from yorisoi.cases import services as cases
    from yorisoi.cases.tests.world import agency, consent_all, open_case

    case = open_case(hana, ichiro)
    consent_all(ichiro, case)
    involvement = cases.involvement_add(
        actor=ichiro, case=case, agency=agency("itaku-soudan-01"), role="息子の相談支援"
    )
    path = f"/cases/agencies/{involvement.pk}/staff"
    response = post(api_client(saki), path, {"version": involvement.version, "staff": saki.pk})
    assert response.status_code == 200, response.json()
    assert response.json()["staff_name"] == "saki"
    # The coordinator leads the case but does not name another agency's staff.
    response = post(api_client(ichiro), path, {"version": 2, "staff": saki.pk})
    assert response.status_code == 403
    response = post(api_client(saki), path, {"version": 2, "staff": hana.pk})
    assert response.status_code == 422
