"""The consultation & referral API (/api/v1/): R1, R2, R3 and R6 spoken in JSON.

Every client here authenticates with a real token (ApiToken.issue), as an integration would.
"""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.test import Client

from yorisoi.accounts.models import ApiToken, Role, User
from yorisoi.audit.models import AuditEvent
from yorisoi.directory.models import Agency
from yorisoi.errors import RuleViolation
from yorisoi.intake import services
from yorisoi.intake.models import Consultation, Outcome, Referral, ReferralStatus
from yorisoi.testing import PersonFactory

API = "/api/v1"
HANA_AGENCY = "zaitaku-kaigo-01"
SAKI_AGENCY = "itaku-soudan-01"
OTHER_AGENCY = "zaitaku-kaigo-02"

CONSULTATION = {
    "channel": "phone",
    "consulter_type": "neighbour",
    "summary": "近所の高齢男性の様子が心配。夜も明かりがついていて、郵便受けがあふれている。",
    "subject_note": "諏訪町の二階建て",
    "issues": ["care", "dementia"],
    "main_issue": "dementia",
}


def api_client(user) -> Client:
    _, raw = ApiToken.issue(user=user, name="テスト連携")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, path, body=None):
    return client.post(f"{API}{path}", body or {}, content_type="application/json")


def get(client, path):
    return client.get(f"{API}{path}")


def field_errors(response):
    return {e["field"]: e for e in response.json()["errors"]}


def create(client, **fields):
    response = post(client, "/consultations", {**CONSULTATION, **fields})
    assert response.status_code == 201, response.json()
    return response.json()


def send(client, consultation_id, to_agency=SAKI_AGENCY, kind="transfer"):
    return post(
        client,
        f"/consultations/{consultation_id}/referrals",
        {
            "to_agency": to_agency,
            "kind": kind,
            "reason": "障害福祉サービスの利用について",
            "told_to_person": "委託相談支援事業所から連絡が来ます",
            "shared_info": "世帯構成と困りごとの概要",
        },
    )


@pytest.fixture
def as_hana(hana):
    return api_client(hana)


@pytest.fixture
def as_saki(saki):
    return api_client(saki)


@pytest.fixture
def as_ichiro(ichiro):
    return api_client(ichiro)


# --- R1 / R2 journey -------------------------------------------------------------------------


def test_the_referral_journey_through_the_api(as_hana, as_saki, as_ichiro):
    consultation = create(as_hana)
    cid = consultation["id"]
    assert consultation["responsible_agency"] == HANA_AGENCY
    assert consultation["outcome"] == ""
    assert consultation["main_issue"] == "dementia"
    assert {i["code"]: i["main"] for i in consultation["issues"]} == {
        "dementia": True,
        "care": False,
    }

    # Sent to saki's office: it waits in her queue, and hana waits for the answer.
    response = send(as_hana, cid)
    assert response.status_code == 201, response.json()
    first = response.json()
    assert (first["status"], first["from_agency"], first["to_agency"]) == (
        "pending",
        HANA_AGENCY,
        SAKI_AGENCY,
    )
    assert first["id"] in [r["id"] for r in get(as_saki, "/queue").json()["to_answer"]]
    awaiting = get(as_hana, "/queue").json()["awaiting_answer"]
    assert [r["id"] for r in awaiting] == [first["id"]]
    assert awaiting[0]["overdue"] is False
    assert awaiting[0]["summary"] == CONSULTATION["summary"][:60]

    # No outcome while a referral is pending.
    version = get(as_hana, f"/consultations/{cid}").json()["version"]
    response = post(as_hana, f"/consultations/{cid}/resolve", {"version": version})
    assert response.status_code == 409
    assert response.json()["code"] == "referral_pending"

    # A decline needs a reason, and comes back to the sender and the coordinator (R2).
    response = post(as_saki, f"/referrals/{first['id']}/decline", {})
    assert response.status_code == 422
    assert "decline_reason" in field_errors(response)
    response = post(as_saki, f"/referrals/{first['id']}/decline", {"reason": "対象年齢外のため"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "declined"
    assert response.json()["decline_reason"] == "対象年齢外のため"

    # Having declined, saki's office is no longer involved: it no longer sees the case (R6).
    assert post(as_saki, f"/referrals/{first['id']}/accept").status_code == 404
    assert Referral.objects.get(pk=first["id"]).status == ReferralStatus.DECLINED

    returned = get(as_hana, "/queue").json()["declined_returned"]
    assert [r["id"] for r in returned] == [first["id"]]
    coordinator = get(as_ichiro, "/queue").json()
    assert first["id"] in [r["id"] for r in coordinator["all_declines"]]
    assert post(as_hana, f"/referrals/{first['id']}/acknowledge").status_code == 200
    assert post(as_ichiro, f"/referrals/{first['id']}/acknowledge").status_code == 200
    assert get(as_hana, "/queue").json()["declined_returned"] == []

    # Sent again; this time accepted, once.
    second = send(as_hana, cid).json()
    response = post(as_saki, f"/referrals/{second['id']}/accept")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"
    response = post(as_saki, f"/referrals/{second['id']}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"

    detail = get(as_saki, f"/consultations/{cid}").json()
    assert detail["outcome"] == Outcome.REFERRED
    assert detail["responsible_agency"] == SAKI_AGENCY
    assert [(r["status"], r["from_agency"], r["to_agency"]) for r in detail["referrals"]] == [
        ("declined", HANA_AGENCY, SAKI_AGENCY),
        ("accepted", HANA_AGENCY, SAKI_AGENCY),
    ]
    assert detail["referrals"][0]["reason"] == "障害福祉サービスの利用について"
    assert detail["pass_around_risk"] is False

    # One outcome only (R1).
    response = post(as_saki, f"/consultations/{cid}/resolve", {"version": detail["version"]})
    assert response.status_code == 409
    assert response.json()["code"] == "outcome_exists"


def test_accept_after_decline_is_a_conflict(as_hana, as_saki):
    # saki's office received the consultation (so keeps seeing it) and transferred it to hana's.
    consultation = create(as_saki)
    transfer = send(as_saki, consultation["id"], to_agency=HANA_AGENCY).json()
    assert post(as_hana, f"/referrals/{transfer['id']}/accept").status_code == 200
    back = send(as_hana, consultation["id"], to_agency=SAKI_AGENCY, kind="referral").json()
    response = post(as_saki, f"/referrals/{back['id']}/decline", {"reason": "担当地区外のため"})
    assert response.status_code == 200, response.json()

    response = post(as_saki, f"/referrals/{back['id']}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    response = post(as_saki, f"/referrals/{back['id']}/decline", {"reason": "再度"})
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert Referral.objects.get(pk=back["id"]).status == ReferralStatus.DECLINED


def test_outcomes_resolve_continue_escalate(as_hana, ichiro):
    resolved = create(as_hana)
    response = post(
        as_hana, f"/consultations/{resolved['id']}/resolve", {"version": resolved["version"]}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["outcome"] == "resolved"
    assert response.json()["closed_at"] is not None

    continued = create(as_hana)
    response = post(
        as_hana,
        f"/consultations/{continued['id']}/continue",
        {"version": continued["version"], "next_action_on": "2030-04-01", "note": "訪問予定"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["outcome"], body["next_action_on"], body["outcome_note"]) == (
        "continued",
        "2030-04-01",
        "訪問予定",
    )

    escalated = create(as_hana)
    response = post(
        as_hana, f"/consultations/{escalated['id']}/escalate", {"version": escalated["version"]}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["outcome"] == "escalated"
    assert response.json()["responsible_agency"] == ichiro.agency.code


def test_a_stale_version_is_a_conflict(as_hana):
    consultation = create(as_hana)
    send(as_hana, consultation["id"])  # bumps the version
    referral = Referral.objects.get(consultation_id=consultation["id"])
    assert post(as_hana, f"/referrals/{referral.pk}/withdraw").status_code == 200
    response = post(
        as_hana,
        f"/consultations/{consultation['id']}/resolve",
        {"version": consultation["version"]},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "concurrent_edit"
    assert Consultation.objects.get(pk=consultation["id"]).outcome == ""


def test_no_referral_to_oneself(as_hana):
    consultation = create(as_hana)
    response = send(as_hana, consultation["id"], to_agency=HANA_AGENCY)
    assert response.status_code == 409
    assert response.json()["code"] == "self_referral"
    assert not Referral.objects.exists()


def test_only_one_pending_referral(as_hana):
    consultation = create(as_hana)
    assert send(as_hana, consultation["id"]).status_code == 201
    response = send(as_hana, consultation["id"], to_agency=OTHER_AGENCY)
    assert response.status_code == 409
    assert response.json()["code"] == "referral_pending"


def test_an_unknown_agency_is_a_field_error(as_hana):
    consultation = create(as_hana)
    response = send(as_hana, consultation["id"], to_agency="no-such-agency")
    assert response.status_code == 422
    assert "to_agency" in field_errors(response)


def test_there_is_no_way_to_refuse_or_delete(client, hana):
    schema = client.get(f"{API}/openapi.json").json()
    for path, operations in schema["paths"].items():
        for word in ("refuse", "reject", "delete"):
            assert word not in path.lower()
        assert "delete" not in {method.lower() for method in operations}
    assert f"{API}/referrals/{{referral_id}}/decline" in schema["paths"]


# --- create ----------------------------------------------------------------------------------


def test_create_validates_fields(as_hana):
    response = post(as_hana, "/consultations", {"channel": "telepathy", "consulter_type": "self"})
    assert response.status_code == 422
    errors = field_errors(response)
    assert {"channel", "summary"} <= set(errors)
    assert not Consultation.objects.exists()


def test_create_with_an_unknown_issue(as_hana):
    response = post(as_hana, "/consultations", {**CONSULTATION, "issues": ["no-such-issue"]})
    assert response.status_code == 422
    assert "issues" in field_errors(response)
    assert not Consultation.objects.exists()


def test_create_for_a_visible_person(as_hana, hana):
    person = PersonFactory(agency=hana.agency)
    consultation = create(as_hana, person_id=str(person.pk), subject_note="")
    assert consultation["person_id"] == str(person.pk)


def test_someone_elses_person_is_the_same_as_no_person(as_hana, saki):
    theirs = PersonFactory(agency=saki.agency)
    bodies = []
    for person_id in (theirs.pk, uuid.uuid4()):
        response = post(as_hana, "/consultations", {**CONSULTATION, "person_id": str(person_id)})
        assert response.status_code == 422
        bodies.append(response.json())
    assert bodies[0] == bodies[1]
    assert "person_id" in field_errors_from(bodies[0])
    assert not Consultation.objects.exists()


def field_errors_from(body):
    return {e["field"] for e in body["errors"]}


# --- R6: who sees what -----------------------------------------------------------------------


def test_an_outsider_gets_the_same_404_as_a_random_id(as_hana, as_saki):
    consultation = create(as_hana)
    referral = send(as_hana, consultation["id"], to_agency=OTHER_AGENCY).json()
    for path in (f"/consultations/{consultation['id']}", f"/consultations/{uuid.uuid4()}"):
        response = get(as_saki, path)
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "見つかりません。", "errors": []}
    for action in ("accept", "withdraw", "acknowledge"):
        theirs = post(as_saki, f"/referrals/{referral['id']}/{action}")
        random = post(as_saki, f"/referrals/{uuid.uuid4()}/{action}")
        assert theirs.status_code == random.status_code == 404
        assert theirs.json() == random.json()
    theirs = post(as_saki, f"/referrals/{referral['id']}/decline", {"reason": "x"})
    assert theirs.status_code == 404
    response = post(as_saki, f"/consultations/{consultation['id']}/resolve", {"version": 1})
    assert response.status_code == 404
    assert get(as_saki, "/consultations").json()["count"] == 0
    assert Referral.objects.get(pk=referral["id"]).status == ReferralStatus.PENDING


def test_the_receiving_agency_sees_a_referred_consultation(as_hana, as_saki):
    consultation = create(as_hana)
    send(as_hana, consultation["id"])
    assert get(as_saki, f"/consultations/{consultation['id']}").status_code == 200
    listed = get(as_saki, "/consultations").json()
    assert [c["id"] for c in listed["items"]] == [consultation["id"]]


def test_the_volunteer_sees_only_the_status(kazuko, ichiro):
    as_kazuko = api_client(kazuko)
    response = post(
        as_kazuko,
        "/volunteer-reports",
        {"summary": "一人暮らしの方の姿を最近見かけない", "subject_note": "富洲原町の角の家"},
    )
    assert response.status_code == 201, response.json()
    report = response.json()
    assert set(report) == {"id", "received_at", "status", "status_display"}
    assert report["status"] == "received"
    consultation = Consultation.objects.get(pk=report["id"])
    assert consultation.responsible_agency == ichiro.agency
    assert consultation.reported_by == kazuko

    listed = get(as_kazuko, "/volunteer-reports").json()
    assert listed["count"] == 1
    assert [set(item) for item in listed["items"]] == [
        {"id", "received_at", "status", "status_display"}
    ]
    assert "一人暮らし" not in str(listed)
    for path in ("/consultations", f"/consultations/{report['id']}", "/queue"):
        assert get(as_kazuko, path).status_code == 403


def test_volunteer_reports_are_for_volunteers_only(as_hana):
    assert get(as_hana, "/volunteer-reports").status_code == 403
    response = post(as_hana, "/volunteer-reports", {"summary": "x", "subject_note": "y"})
    assert response.status_code == 403


def test_a_volunteer_report_needs_its_text(kazuko):
    response = post(api_client(kazuko), "/volunteer-reports", {"summary": ""})
    assert response.status_code == 422
    assert {"summary", "subject_note"} <= set(field_errors(response))


@pytest.mark.parametrize("who", ["ken", "osamu"])
def test_analysts_and_administrators_are_refused(personas, as_hana, who):
    consultation = create(as_hana)
    referral = send(as_hana, consultation["id"]).json()
    client = api_client(personas[who])
    requests = [
        get(client, "/consultations"),
        post(client, "/consultations", CONSULTATION),
        get(client, f"/consultations/{consultation['id']}"),
        post(client, f"/consultations/{consultation['id']}/resolve", {"version": 1}),
        post(client, f"/consultations/{consultation['id']}/escalate", {"version": 1}),
        send(client, consultation["id"], to_agency=OTHER_AGENCY),
        post(client, f"/referrals/{referral['id']}/accept"),
        post(client, f"/referrals/{referral['id']}/decline", {"reason": "x"}),
        get(client, "/queue"),
        get(client, "/volunteer-reports"),
    ]
    for response in requests:
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert Consultation.objects.count() == 1


def test_no_token_no_entry(client):
    assert client.get(f"{API}/consultations").status_code == 401


# --- audit (R6) ------------------------------------------------------------------------------


def test_reads_are_audited(as_hana, hana):
    consultation = create(as_hana)
    send(as_hana, consultation["id"])

    get(as_hana, "/consultations")
    listed = AuditEvent.objects.filter(action="consultation.listed").get()
    assert listed.data["ids"] == [consultation["id"]]
    assert listed.actor == hana
    assert listed.channel == "api"

    get(as_hana, f"/consultations/{consultation['id']}")
    viewed = AuditEvent.objects.filter(action="consultation.viewed").get()
    assert viewed.target_id == consultation["id"]
    assert viewed.basis == "own_agency"

    get(as_hana, "/queue")
    queued = AuditEvent.objects.filter(action="consultation.queue_viewed").get()
    assert queued.data["ids"] == [consultation["id"]]


def test_the_receiver_reads_on_the_basis_of_the_referral(as_hana, as_saki):
    consultation = create(as_hana)
    send(as_hana, consultation["id"])
    get(as_saki, f"/consultations/{consultation['id']}")
    viewed = AuditEvent.objects.filter(action="consultation.viewed").get()
    assert viewed.basis == "referral"


# --- concurrency (PostgreSQL) ----------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers with a database lock; row locks need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_accept_once(transactional_db, hana, saki):
    colleague = User(
        username="saki2",
        display_name="saki2",
        role=Role.STAFF,
        agency=Agency.objects.get(code=SAKI_AGENCY),
    )
    colleague.set_password("correct-horse-battery-staple")
    colleague.save()
    consultation = services.consultation_create(
        actor=hana, **{k: v for k, v in CONSULTATION.items() if k not in ("issues", "main_issue")}
    )
    referral = services.referral_send(
        actor=hana,
        consultation=consultation,
        to_agency=saki.agency,
        kind="transfer",
        reason="障害福祉サービスの利用について",
    )
    barrier = threading.Barrier(2)
    results = []

    def accept(user):
        try:
            barrier.wait(timeout=10)
            services.referral_accept(actor=user, referral=Referral(pk=referral.pk))
            results.append("accepted")
        except RuleViolation as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (saki, colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(results) == ["accepted", "illegal_transition"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert AuditEvent.objects.filter(action="referral.accepted").count() == 1
    consultation.refresh_from_db()
    assert consultation.responsible_agency == saki.agency
    assert consultation.outcome == Outcome.REFERRED
