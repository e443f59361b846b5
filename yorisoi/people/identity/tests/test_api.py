"""The duplicate review queue through /api/v1/: the same functions as the screens."""

import io

from django.core.management import call_command

from yorisoi.people.identity.models import MatchStatus
from yorisoi.testing import client_for

from .world import candidate_for, hanako, populate


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_list_detail_confirm_and_unlink(hana, saki, ichiro):
    api = client_for(ichiro)
    a, b = hanako(hana.agency), hanako(saki.agency, family_name="高橋")
    candidate = candidate_for(a, b)

    page = api.get("/api/v1/identity/matches").json()
    assert page["count"] == 1
    item = page["items"][0]
    assert {item["person_a"]["family_name"], item["person_b"]["family_name"]} == {"髙橋", "高橋"}
    assert set(item["person_a"]) == {
        "id", "family_name", "given_name", "family_name_kana", "given_name_kana",
        "birth_date", "address", "district", "agency", "identity_id",
    }  # fmt: skip
    assert api.get(f"/api/v1/identity/matches/{candidate.pk}").json()["reasons"]

    url = f"/api/v1/identity/matches/{candidate.pk}/confirm"
    body = _post(api, url, {"version": 1, "note": "一致"}).json()
    assert body["status"] == MatchStatus.CONFIRMED
    identity_id = body["person_a"]["identity_id"]
    assert identity_id == body["person_b"]["identity_id"] is not None

    stale = _post(api, url, {"version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "concurrent_edit"
    again = _post(api, url, {"version": 2})
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"

    identity = api.get(f"/api/v1/identities/{identity_id}").json()
    unlink = f"/api/v1/identities/{identity_id}/unlink"
    missing = _post(
        api,
        unlink,
        {"version": identity["version"], "person_id": str(ichiro.agency_id), "note": "x"},
    )
    assert missing.status_code == 422
    answer = _post(
        api, unlink, {"version": identity["version"], "person_id": str(b.pk), "note": "別人"}
    )
    assert answer.status_code == 200
    assert answer.json()["ended_at"] is not None
    assert all(m["left_at"] for m in answer.json()["members"])


def test_reject_over_the_api(hana, saki, ichiro):
    api = client_for(ichiro)
    candidate = candidate_for(hanako(hana.agency), hanako(saki.agency))
    body = _post(api, f"/api/v1/identity/matches/{candidate.pk}/distinct", {"version": 1}).json()
    assert body["status"] == MatchStatus.REJECTED
    assert api.get("/api/v1/identity/matches").json()["count"] == 0
    assert api.get("/api/v1/identity/matches?status=rejected").json()["count"] == 1


def test_score_matches_shows_progress(hana, saki):
    populate(hana.agency, saki.agency, people=20)
    hanako(hana.agency), hanako(saki.agency, family_name="高橋")
    out, err = io.StringIO(), io.StringIO()
    call_command("score_matches", stdout=out, stderr=err)
    assert "全員を照合します" in err.getvalue() and "採点:" in err.getvalue()
    assert "新しい候補 1 組" in err.getvalue()
    out2, err2 = io.StringIO(), io.StringIO()
    call_command("score_matches", stdout=out2, stderr=err2)
    assert "以降の登録・更新を照合します" in err2.getvalue()
    assert "0 件を 22 件と照合" in err2.getvalue()
