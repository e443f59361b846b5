"""The collaborative-case API (/api/v1/cases…): worked example 1, R5 and R7 as 409 codes, R6 as
404s and audit rows with their legal basis, the 支援会議 pledge, and the route map.

Every client authenticates with a real token (ApiToken.issue), as an integration would.
"""

import base64
import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yorisoi import access
from yorisoi.accounts.models import ApiToken
from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services
from yorisoi.cases.api import meetings_router, router
from yorisoi.cases.models import Case, CaseStatus, Meeting
from yorisoi.cases.tests.world import (
    ROLES,
    agency,
    consent_all,
    escalated,
    hold,
    open_case,
    schedule,
)
from yorisoi.testing import PersonFactory, client_for

API = "/api/v1"
SOON = (timezone.now() + timedelta(days=2)).isoformat()
TODAY = timezone.localdate()
MULTILAYER = "jusoteki-shien-kaigi"
SUPPORT_MEETING = "shien-kaigi"


def api_client(user) -> Client:
    _, raw = ApiToken.issue(user=user, name="テスト連携")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def get(client, path, **params):
    return client.get(f"{API}{path}", params)


def post(client, path, body=None):
    return client.post(f"{API}{path}", body or {}, content_type="application/json")


def patch(client, path, body):
    return client.patch(f"{API}{path}", body, content_type="application/json")


def ok(response, status=200):
    assert response.status_code == status, response.json()
    return response.json()


def refused(response, code):
    # The policy's "no" is 403 as on the screens; a rule about the record's state is 409.
    assert response.status_code == (403 if code == "forbidden" else 409), response.json()
    assert response.json()["code"] == code, response.json()
    return response.json()


@pytest.fixture
def as_ichiro(ichiro):
    return api_client(ichiro)


@pytest.fixture
def case(hana, ichiro):
    return open_case(hana, ichiro)


def _involve(ichiro, case, *codes):
    for code in codes:
        services.involvement_add(actor=ichiro, case=case, agency=agency(code), role=ROLES[code])


def _support_meeting(ichiro, case, *participants):
    return schedule(ichiro, case, "support_meeting", participants=participants)


# --- worked example 1, end to end ------------------------------------------------------------


def test_worked_example_1_runs_end_to_end_through_the_api(hana, ichiro, tomoko, saki, jun):
    """Escalated consultation → case → four agencies → consent → 支援決定 → 重層的支援会議 →
    plan v1 with the roles → review → plan v2; every step through /api/v1."""
    as_ichiro = api_client(ichiro)
    consultation = escalated(hana)
    opened = ok(
        post(
            as_ichiro,
            "/cases",
            {
                "title": "高齢の父と障害のある息子の世帯",
                "household_id": str(consultation.household_id),
                "origin_consultation_id": str(consultation.pk),
                "summary": consultation.summary,
                "next_action_on": str(TODAY + timedelta(days=3)),
            },
        ),
        201,
    )
    case_id = opened["id"]
    assert opened["status"] == "intake" and opened["lead_agency"] == "fukushi-soumu-ka"
    assert len(opened["subjects"]) == 2 and opened["origin_consultation_id"] == str(consultation.pk)
    for code, role in ROLES.items():
        ok(post(as_ichiro, f"/cases/{case_id}/agencies", {"agency": code, "role": role}), 201)
    for subject in opened["subjects"]:
        ok(
            post(
                as_ichiro,
                f"/cases/{case_id}/consents",
                {"person_id": subject["person_id"], "method": "written", "given_on": str(TODAY)},
            ),
            201,
        )
    decided = ok(post(as_ichiro, f"/cases/{case_id}/support-decision"))
    assert decided["sharing"]["has_active_consent"] is True
    assert decided["sharing"]["support_decided_on"] == str(TODAY)

    participants = [hana.pk, tomoko.pk, saki.pk, jun.pk]
    meeting = ok(
        post(
            as_ichiro,
            f"/cases/{case_id}/meetings",
            {
                "kind": MULTILAYER,
                "purpose": "plan_creation",
                "held_at": SOON,
                "place": "市役所 会議室",
                "participant_user_ids": participants,
            },
        ),
        201,
    )
    assert {p["user_id"] for p in meeting["participants"]} == set(participants)
    meeting = ok(
        patch(
            as_ichiro,
            f"/cases/meetings/{meeting['id']}",
            {"version": meeting["version"], "decisions": "役割分担のとおり支援する"},
        )
    )
    assert meeting["status"] == "held"
    ok(
        post(
            as_ichiro,
            f"/cases/{case_id}/assessments",
            {
                "based_on": None,
                "household_situation": "父と息子の二人暮らし。母は昨年死去。",
                "issues": [
                    {"domain": "elderly", "description": "父の認知症の初期症状"},
                    {"domain": "disability", "description": "息子の生活の場"},
                ],
            },
        ),
        201,
    )
    goals = [
        {"term": "short", "text": "父が介護認定を受け、配食サービスが始まる"},
        {"term": "short", "text": "息子が就労継続支援B型事業所に通い続ける"},
        {"term": "long", "text": "父は自宅で、息子はグループホームで安心して暮らす"},
    ]
    actions = [{"agency": code, "description": role} for code, role in ROLES.items()]
    v1 = ok(
        post(
            as_ichiro,
            f"/cases/{case_id}/plans",
            {
                "meeting_id": meeting["id"],
                "based_on": None,
                "next_review_on": str(TODAY + timedelta(days=90)),
                "goals": goals,
                "actions": actions,
            },
        ),
        201,
    )
    assert v1["number"] == 1 and {a["agency"] for a in v1["actions"]} == set(ROLES)

    review = ok(
        post(
            as_ichiro,
            f"/cases/{case_id}/meetings",
            {"kind": MULTILAYER, "purpose": "plan_review", "held_at": SOON},
        ),
        201,
    )
    ratings = [
        {"goal_id": g["id"], "rating": "achieved" if g["term"] == "short" else "partly"}
        for g in v1["goals"]
    ]
    reviewed = ok(post(as_ichiro, f"/cases/meetings/{review['id']}/review", {"ratings": ratings}))
    assert all(g["reviews"] for g in reviewed["goals"])
    v2 = ok(
        post(
            as_ichiro,
            f"/cases/{case_id}/plans",
            {
                "meeting_id": review["id"],
                "based_on": 1,
                "next_review_on": str(TODAY + timedelta(days=180)),
                "goals": goals[2:],
                "uses_participation": True,
            },
        ),
        201,
    )
    assert v2["number"] == 2
    plans = ok(get(as_ichiro, f"/cases/{case_id}/plans"))
    assert [p["number"] for p in plans["items"]] == [2, 1]  # every version kept
    detail = ok(get(as_ichiro, f"/cases/{case_id}"))
    assert detail["status"] == "support"
    assert "participation" in {t["program"] for t in detail["tracks"] if t["ended_on"] is None}
    # The home-care centre reads the case on the subjects' consent.
    assert ok(get(api_client(hana), f"/cases/{case_id}"))["basis"] == "consent"
    kinds = [e["kind"] for e in ok(get(as_ichiro, f"/cases/{case_id}/timeline"))["items"]]
    assert kinds.count("event.plan") == 2 and "referral" not in kinds[:1]


# --- R5 and R7 as 409 codes ------------------------------------------------------------------


def test_a_multilayer_meeting_before_the_support_decision_is_409_no_support_decision(
    as_ichiro, case, ichiro
):
    consent_all(ichiro, case)
    response = post(
        as_ichiro,
        f"/cases/{case.pk}/meetings",
        {"kind": MULTILAYER, "purpose": "plan_creation", "held_at": SOON},
    )
    refused(response, "no_support_decision")
    assert not case.meetings.exists()


def test_a_multilayer_meeting_without_everyones_consent_is_409_no_consent(as_ichiro, case, ichiro):
    services.support_decision_record(actor=ichiro, case=case)
    response = post(
        as_ichiro,
        f"/cases/{case.pk}/meetings",
        {"kind": MULTILAYER, "purpose": "plan_creation", "held_at": SOON},
    )
    body = refused(response, "no_consent")
    assert "支援会議" in body["message"]


def test_a_plan_decided_at_a_support_meeting_is_409_needs_multilayer_meeting(
    as_ichiro, case, ichiro
):
    meeting = _support_meeting(ichiro, case)
    response = post(
        as_ichiro,
        f"/cases/{case.pk}/plans",
        {
            "meeting_id": str(meeting.pk),
            "based_on": None,
            "next_review_on": str(TODAY + timedelta(days=30)),
            "goals": [{"term": "short", "text": "見守りを続ける"}],
        },
    )
    refused(response, "needs_multilayer_meeting")
    assert not case.plans.exists()


def test_a_stale_version_is_409_concurrent_edit_with_what_the_other_person_changed(as_ichiro, case):
    first = patch(as_ichiro, f"/cases/{case.pk}", {"version": case.version, "title": "父と息子"})
    assert first.status_code == 200
    second = patch(as_ichiro, f"/cases/{case.pk}", {"version": case.version, "summary": "私の入力"})
    body = refused(second, "concurrent_edit")
    assert {"field": "title", "label": "ケース名", "theirs": "父と息子"} in body["changes"]
    case.refresh_from_db()
    assert case.summary != "私の入力"  # nothing overwritten


def test_a_stale_assessment_version_is_409_concurrent_edit(as_ichiro, case):
    body = {"based_on": None, "household_situation": "最初の見立て"}
    ok(post(as_ichiro, f"/cases/{case.pk}/assessments", body), 201)
    again = post(as_ichiro, f"/cases/{case.pk}/assessments", {**body, "risks": "低栄養"})
    changes = refused(again, "concurrent_edit")["changes"]
    assert {"field": "household_situation", "label": "世帯の状況", "theirs": "最初の見立て"} in (
        changes
    )


# --- R6: 404, 403 and the audit trail ---------------------------------------------------------


def test_an_uninvolved_agency_gets_the_same_404_as_a_missing_case(case, saki):
    as_saki = api_client(saki)
    hidden = get(as_saki, f"/cases/{case.pk}")
    missing = get(as_saki, f"/cases/{uuid.uuid4()}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    for path in ("timeline", "meetings", "plans", "assessments", "consents"):
        assert get(as_saki, f"/cases/{case.pk}/{path}").status_code == 404
    assert post(
        as_saki, f"/cases/{case.pk}/records", {"kind": "note", "text": "x"}
    ).status_code == (404)
    assert not AuditEvent.objects.filter(action="case.viewed", actor=saki).exists()
    assert ok(get(as_saki, "/cases"))["count"] == 0


def test_an_involved_agency_loses_the_case_when_consent_is_withdrawn(case, hana, ichiro):
    as_hana = api_client(hana)
    consent_all(ichiro, case)
    assert get(as_hana, f"/cases/{case.pk}").status_code == 404  # consent alone is not enough
    _involve(ichiro, case, "zaitaku-kaigo-01")
    assert ok(get(as_hana, f"/cases/{case.pk}"))["basis"] == "consent"
    consent = case.consents.first()
    ok(post(api_client(ichiro), f"/cases/consents/{consent.pk}/withdraw", {"note": "本人の申し出"}))
    hidden = get(as_hana, f"/cases/{case.pk}")
    assert hidden.status_code == 404
    assert hidden.json() == get(as_hana, f"/cases/{uuid.uuid4()}").json()
    assert get(as_hana, f"/cases/{case.pk}/timeline").status_code == 404


@pytest.mark.parametrize("persona", ["ken", "osamu"])
def test_an_analyst_and_an_administrator_are_refused_every_case_route(persona, case, request):
    client = api_client(request.getfixturevalue(persona))
    for path in ("/cases", f"/cases/{case.pk}", f"/cases/{case.pk}/timeline"):
        response = get(client, path)
        assert response.status_code == 403, path
        assert response.json()["code"] == "forbidden"
    assert not AuditEvent.objects.filter(action="case.viewed").exists()


def test_reads_are_written_to_the_audit_trail_with_their_basis(case, hana, ichiro):
    consent_all(ichiro, case)
    _involve(ichiro, case, "zaitaku-kaigo-01")
    ok(get(api_client(ichiro), f"/cases/{case.pk}"))
    ok(get(api_client(hana), f"/cases/{case.pk}"))
    ok(get(api_client(hana), f"/cases/{case.pk}/timeline"))
    ok(get(api_client(hana), "/cases"))
    viewed = AuditEvent.objects.filter(action="case.viewed", target_id=str(case.pk))
    assert {(e.actor.username, e.basis, e.data["part"]) for e in viewed} == {
        ("ichiro", "own_agency", "detail"),  # 福祉総務課 leads this case
        ("hana", "consent", "detail"),
        ("hana", "consent", "timeline"),
    }
    assert all(e.channel == "api" for e in viewed)
    listed = AuditEvent.objects.get(action="case.listed", actor=hana)
    assert listed.basis == "consent" and listed.data["ids"] == [str(case.pk)]
    for event in AuditEvent.objects.all():
        assert "山川" not in str(event.data)  # ids only, never names


def test_the_list_states_the_same_basis_as_access_case_basis(case, hana, ichiro):
    consent_all(ichiro, case)
    _involve(ichiro, case, "zaitaku-kaigo-01")
    for user in (hana, ichiro):
        item = ok(get(api_client(user), "/cases"))["items"][0]
        assert item["basis"] == access.case_basis(user, case)


# --- the 支援会議 pledge (R5, 社会福祉法106条の6) ------------------------------------------------


def test_a_support_meeting_participant_without_pledge_sees_only_the_pledge_page(
    case, ichiro, kazuko
):
    meeting = _support_meeting(ichiro, case, kazuko)
    as_kazuko = api_client(kazuko)
    assert get(as_kazuko, f"/cases/{case.pk}").status_code == 404
    page = ok(get(as_kazuko, f"/cases/meetings/{meeting.pk}"))
    assert page["access"] == "pledge_only" and page["pledged"] is False
    assert page["pledge_required"] is True
    assert page["case_id"] is None and page["minutes"] is None and page["participants"] is None
    mine = ok(get(as_kazuko, "/cases/meetings/mine"))["items"]
    assert [(m["id"], m["case_id"], m["pledge_required"]) for m in mine] == [
        (str(meeting.pk), None, True)
    ]


def test_after_the_pledge_the_participant_reads_the_case_on_the_art106_6_basis(
    case, ichiro, kazuko
):
    meeting = _support_meeting(ichiro, case, kazuko)
    as_kazuko = api_client(kazuko)
    full = ok(post(as_kazuko, f"/cases/meetings/{meeting.pk}/pledge"))
    assert full["access"] == "full" and full["pledged"] is True
    assert full["case_id"] == str(case.pk)
    detail = ok(get(as_kazuko, f"/cases/{case.pk}"))
    assert detail["basis"] == "art106_6_meeting"
    assert detail["sharing"]["active_support_meetings"] == 1
    assert detail["rights"] == {
        "edit": False, "record": False, "assess": False, "consent": False, "meetings": False,
    }  # fmt: skip
    pledged = AuditEvent.objects.get(action="meeting.pledged")
    assert pledged.basis == "art106_6_meeting" and pledged.actor == kazuko
    viewed = AuditEvent.objects.get(action="case.viewed", actor=kazuko)
    assert viewed.basis == "art106_6_meeting" and viewed.target_id == str(case.pk)
    refused(post(as_kazuko, f"/cases/meetings/{meeting.pk}/pledge"), "pledged")


def test_when_the_meetings_sharing_ends_the_participant_loses_the_case(case, ichiro, kazuko):
    meeting = _support_meeting(ichiro, case, kazuko)
    as_kazuko = api_client(kazuko)
    ok(post(as_kazuko, f"/cases/meetings/{meeting.pk}/pledge"))
    ok(post(api_client(ichiro), f"/cases/meetings/{meeting.pk}/end-sharing"))
    assert get(as_kazuko, f"/cases/{case.pk}").status_code == 404
    # The meeting is gone for her too, as on the screen (access.meeting_access): after the end
    # of sharing there is nothing left to pledge for.
    assert get(as_kazuko, f"/cases/meetings/{meeting.pk}").status_code == 404
    screen = client_for(kazuko).get(reverse("cases:meeting_pledge", args=[meeting.pk]))
    assert screen.status_code == 404


def test_someone_outside_the_meeting_gets_404_for_it(case, ichiro, kazuko, saki):
    meeting = _support_meeting(ichiro, case, kazuko)
    as_saki = api_client(saki)
    hidden = get(as_saki, f"/cases/meetings/{meeting.pk}")
    assert hidden.status_code == 404
    assert hidden.json() == get(as_saki, f"/cases/meetings/{uuid.uuid4()}").json()
    assert post(as_saki, f"/cases/meetings/{meeting.pk}/pledge").status_code == 404


def test_the_coordinator_records_the_written_pledge_of_a_participant_without_account(
    as_ichiro, case, ichiro
):
    meeting = _support_meeting(ichiro, case)
    added = ok(
        post(
            as_ichiro,
            f"/cases/meetings/{meeting.pk}/participants",
            {"name": "四日市 太郎", "organisation": "保健所"},
        ),
        201,
    )
    body = ok(
        post(as_ichiro, f"/cases/meetings/{meeting.pk}/pledge", {"participant_id": added["id"]})
    )
    assert [p["pledged_at"] is not None for p in body["participants"]] == [True]


# --- routes and lists ------------------------------------------------------------------------


def test_my_meetings_is_not_taken_for_a_case_id(as_ichiro):
    response = get(as_ichiro, "/cases/meetings/mine")
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_the_case_list_keeps_a_constant_number_of_queries(
    ichiro, saki, django_assert_max_num_queries
):
    def make(n):
        for _ in range(n):
            person = PersonFactory(agency=ichiro.agency)
            case = services.case_open(actor=ichiro, title="ケース", persons=[person])
            _involve(ichiro, case, "itaku-soudan-01")
            consent_all(ichiro, case)

    as_saki = api_client(saki)
    make(2)
    with django_assert_max_num_queries(30) as few:
        assert ok(get(as_saki, "/cases"))["count"] == 2
    make(18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(ok(get(as_saki, "/cases", page_size=50))["items"]) == 20


def test_the_list_filters_by_status_and_number(as_ichiro, case):
    assert ok(get(as_ichiro, "/cases", number=case.number))["count"] == 1
    assert ok(get(as_ichiro, "/cases", number="1999-0001"))["count"] == 0
    assert ok(get(as_ichiro, "/cases", status="closed"))["count"] == 0
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.SUSPENDED, ended_at=timezone.now())
    assert ok(get(as_ichiro, "/cases", status="closed"))["count"] == 1
    assert get(as_ichiro, "/cases", status="deleted").status_code == 422


def test_a_consent_scan_travels_as_base64(as_ichiro, case):
    person = case.subjects.first().person_id
    body = {
        "person_id": str(person),
        "method": "written",
        "given_on": str(TODAY),
        "scan_base64": base64.b64encode(b"%PDF-1.4 consent").decode(),
        "scan_name": "doui.pdf",
        "scan_type": "application/pdf",
    }
    consent = ok(post(as_ichiro, f"/cases/{case.pk}/consents", body), 201)
    assert consent["has_scan"] is True and consent["scan_name"] == "doui.pdf"
    bad = post(as_ichiro, f"/cases/{case.pk}/consents", {**body, "scan_base64": "%%%"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"scan_base64"}
    download = get(as_ichiro, f"/cases/consents/{consent['id']}/scan")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 consent"
    assert download["Content-Type"] == "application/pdf"
    assert "doui" not in download["Content-Disposition"]  # an opaque name, never the uploaded one
    assert AuditEvent.objects.filter(
        action="consent.scan_viewed", actor__username="ichiro"
    ).exists()


def test_an_involved_agency_reading_on_consent_gets_no_scan(as_ichiro, case, ichiro, tomoko):
    services.involvement_add(actor=ichiro, case=case, agency=tomoko.agency, role="父の支援")
    consent_all(ichiro, case)
    consent = services.consent_record(
        actor=ichiro,
        case=case,
        person=case.subjects.first().person,
        method="written",
        given_on=TODAY,
        scan=b"%PDF-1.4",
        scan_type="application/pdf",
    )
    assert get(api_client(tomoko), f"/cases/consents/{consent.pk}/scan").status_code == 404


def test_openapi_documents_every_case_route_of_the_route_map():
    schema = Client().get(f"{API}/openapi.json").json()
    documented = {}
    operations = [*router.path_operations.items(), *meetings_router.path_operations.items()]
    for path, view in operations:
        public = API + re.sub(r"{\w+:(\w+)}", r"{\1}", path)
        for operation in view.operations:
            for method in operation.methods:
                doc = schema["paths"][public][method.lower()]
                documented[f"api:{operation.url_name}"] = (public, method, doc)
    names = list(access.ROUTES)
    declared = set(names[names.index("api:case_list") :])
    assert set(documented) == declared
    for name, (path, method, doc) in documented.items():
        assert doc["summary"] and doc["description"], name
        assert re.search(r"[ぁ-んァ-ン一-龥]", doc["summary"]), name
        codes = set(doc["responses"])
        assert codes & {"200", "201"}, name
        if "{" in path:
            assert "404" in codes, name
        if method != "GET":
            assert {"409", "422"} <= codes, name


# --- the other write routes ------------------------------------------------------------------


def test_the_stage_moves_and_the_lead_agency_changes_with_the_old_lead_kept_involved(
    as_ichiro, case
):
    moved = ok(post(as_ichiro, f"/cases/{case.pk}/status", {"version": case.version,
                                                              "to_status": "assessment"}))  # fmt: skip
    assert moved["status"] == "assessment"
    refused(
        post(as_ichiro, f"/cases/{case.pk}/status", {"version": moved["version"],
                                                      "to_status": "closed"}),
        "needs_meeting",
    )  # fmt: skip
    led = ok(
        post(
            as_ichiro,
            f"/cases/{case.pk}/lead",
            {"version": moved["version"], "agency": "zaitaku-kaigo-01", "role": "伴走支援"},
        )
    )
    assert led["lead_agency"] == "zaitaku-kaigo-01"
    active = {i["agency"]: i["is_lead"] for i in led["involvements"] if i["ended_on"] is None}
    assert active == {"zaitaku-kaigo-01": True, "fukushi-soumu-ka": False}


def test_an_involvement_is_updated_with_its_version_and_ended(as_ichiro, case):
    added = ok(
        post(as_ichiro, f"/cases/{case.pk}/agencies", {"agency": "itaku-soudan-01", "role": "a"}),
        201,
    )
    path = f"/cases/agencies/{added['id']}"
    updated = ok(patch(as_ichiro, path, {"version": added["version"], "role": "息子の支援"}))
    assert updated["role"] == "息子の支援"
    stale = patch(as_ichiro, path, {"version": added["version"], "contact_name": "佐藤"})
    assert {"field": "role", "label": "役割分担", "theirs": "息子の支援"} in refused(
        stale, "concurrent_edit"
    )["changes"]
    ended = ok(post(as_ichiro, f"{path}/end"))
    assert ended["ended_on"] == str(TODAY)
    refused(post(as_ichiro, f"{path}/end"), "ended")


def test_a_track_starts_and_ends(as_ichiro, case):
    track = ok(post(as_ichiro, f"/cases/{case.pk}/tracks", {"program": "outreach"}), 201)
    refused(post(as_ichiro, f"/cases/{case.pk}/tracks", {"program": "outreach"}), "track_open")
    ended = ok(post(as_ichiro, f"/cases/tracks/{track['id']}/end", {"note": "関係が安定した"}))
    assert ended["ended_on"] == str(TODAY) and ended["note"] == "関係が安定した"


def test_a_progress_record_is_written_and_corrected_by_its_agency(as_ichiro, case, hana, ichiro):
    entry = ok(
        post(as_ichiro, f"/cases/{case.pk}/records", {"kind": "visit", "text": "自宅を訪問"}),
        201,
    )
    path = f"/cases/records/{entry['id']}"
    fixed = ok(patch(as_ichiro, path, {"version": entry["version"], "text": "自宅を訪問した"}))
    assert fixed["version"] == 2
    stale = patch(as_ichiro, path, {"version": 1, "kind": "call"})
    assert refused(stale, "concurrent_edit")["changes"][0]["theirs"] == "自宅を訪問した"
    items = ok(get(as_ichiro, f"/cases/{case.pk}/timeline", kind="record.visit"))["items"]
    assert [(i["id"], i["version"]) for i in items] == [(entry["id"], 2)]
    consent_all(ichiro, case)
    _involve(ichiro, case, "zaitaku-kaigo-01")
    refused(patch(api_client(hana), path, {"version": 2, "text": "x"}), "forbidden")


def test_closure_is_decided_at_a_closure_meeting_and_the_case_reopens(as_ichiro, case, ichiro):
    consent_all(ichiro, case)
    services.support_decision_record(actor=ichiro, case=case)
    meetings = {}
    for purpose in ("plan_review", "closure"):
        body = {"kind": MULTILAYER, "purpose": purpose, "held_at": SOON}
        meetings[purpose] = ok(post(as_ichiro, f"/cases/{case.pk}/meetings", body), 201)["id"]
    version = ok(get(as_ichiro, f"/cases/{case.pk}"))["version"]
    body = {"version": version, "meeting_id": meetings["plan_review"], "evaluation": "安定した"}
    refused(post(as_ichiro, f"/cases/{case.pk}/close", body), "wrong_purpose")
    missing = post(as_ichiro, f"/cases/{case.pk}/close", {**body, "meeting_id": str(uuid.uuid4())})
    assert missing.status_code == 422
    at_closure = {**body, "meeting_id": meetings["closure"]}
    refused(post(as_ichiro, f"/cases/{case.pk}/close", at_closure), "meeting_not_held")
    hold(ichiro, Meeting.objects.get(pk=meetings["closure"]))
    at_closure["version"] = ok(get(as_ichiro, f"/cases/{case.pk}"))["version"]
    closed = ok(post(as_ichiro, f"/cases/{case.pk}/close", at_closure))
    assert closed["status"] == "closed" and closed["end_note"] == "安定した"
    assert ok(get(as_ichiro, "/cases"))["count"] == 0  # active only by default
    reopened = ok(
        post(
            as_ichiro,
            f"/cases/{case.pk}/reopen",
            {"version": closed["version"], "reason": "父の入院で再調整が必要"},
        )
    )
    assert reopened["status"] == "assessment"


def test_a_meeting_is_recorded_with_its_version_and_its_action_items_are_done(
    as_ichiro, case, ichiro, hana
):
    meeting = _support_meeting(ichiro, case)
    path = f"/cases/meetings/{meeting.pk}"
    ok(patch(as_ichiro, path, {"version": 1, "shared_information": "父の物忘れが進んでいる"}))
    stale = patch(as_ichiro, path, {"version": 1, "minutes": "私の議事録"})
    changes = refused(stale, "concurrent_edit")["changes"]
    assert {c["field"] for c in changes} == {"shared_information"}
    item = ok(
        post(
            as_ichiro,
            f"{path}/actions",
            {"description": "配食サービスの調整", "owner_agency": "zaitaku-kaigo-01",
             "due_on": str(TODAY + timedelta(days=7))},
        ),
        201,
    )  # fmt: skip
    listed = ok(get(as_ichiro, f"/cases/{case.pk}/meetings"))["items"]
    assert [m["id"] for m in listed] == [str(meeting.pk)]
    done = ok(post(as_ichiro, f"/cases/actions/{item['id']}/done"))
    assert done["done_at"] is not None
    # hana's agency is not involved: the item is as good as missing for her.
    assert post(api_client(hana), f"/cases/actions/{item['id']}/done").status_code == 404


def test_an_analyst_cannot_be_seated_at_a_meeting(as_ichiro, case, ken):
    body = {"kind": SUPPORT_MEETING, "held_at": SOON, "participant_user_ids": [ken.pk]}
    response = post(as_ichiro, f"/cases/{case.pk}/meetings", body)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"participant_user_ids"}
    assert not case.meetings.exists()
