"""R6 on the export, through both doors at once (the screen's form and GET /api/v1/imports/export):
an export carries what the user may read of the agency they act for, nothing else. hana's
agency is the home-care centre; saki (another agency) is the outsider; ichiro is the
coordinating division; kazuko (民生委員), ken (analyst) and osamu (administrator) have no export.
"""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from yorisoi.accounts.models import ApiToken
from yorisoi.intake import services as intake
from yorisoi.intake.models import ReferralKind
from yorisoi.people import services as people
from yorisoi.testing import client_for

from .test_api import API

TODAY = timezone.localdate()


def _consultation(actor, name, summary):
    person = people.person_create(actor=actor, family_name=name, given_name="太郎")
    return intake.consultation_create(
        actor=actor, person=person, channel="counter", consulter_type="self", summary=summary,
        issues=["care"], received_at=timezone.now() - dt.timedelta(days=2),
        next_action_on=TODAY + dt.timedelta(days=3),
    )  # fmt: skip


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _api(user):
    _, raw = ApiToken.issue(user=user, name="書き出し")
    return lambda **q: client_for_token(raw).get(f"{API}/imports/export", {"format": "csv", **q})


def client_for_token(raw):
    from django.test import Client

    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _both_doors(user, **query):
    """(screen response, API response) for the same export."""
    agency = query.pop("agency", user.agency.pk if user.agency else "")
    screen = client_for(user).post(
        "/imports/export/",
        {"agency": agency, "file_format": "csv", "encoding": "utf-8", **query},
    )
    code = query.pop("agency_code", user.agency.code if user.agency else "")
    api = _api(user)(agency=code, **query)
    return screen, api


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def world(hana, saki, ichiro, issues):
    own = _consultation(hana, "山田", "在宅介護の相談")
    escalated = _consultation(hana, "鈴木", "多機関協働へ")
    intake.consultation_escalate(actor=hana, consultation=escalated, version=escalated.version)
    declined = _consultation(hana, "田中", "つないだが断られた")
    referral = intake.referral_send(
        actor=hana, consultation=declined, to_agency=saki.agency, kind=ReferralKind.REFERRAL,
        reason="障害の相談として",
    )  # fmt: skip
    intake.referral_decline(actor=saki, referral=referral, reason="対象外のため")
    sakis = _consultation(saki, "佐藤", "委託相談支援事業所の相談")
    return {"own": own, "escalated": escalated, "declined": declined, "sakis": sakis}


def test_the_receiving_agency_exports_what_it_received_or_holds_on_both_doors(hana, world):
    screen, api = _both_doors(hana)
    assert screen.status_code == api.status_code == 200
    assert screen["Content-Disposition"].startswith("attachment")
    screen_rows, api_rows = _rows(_body(screen)), _rows(_body(api))
    assert screen_rows == api_rows
    assert sorted(r["相談内容"] for r in api_rows) == ["つないだが断られた", "在宅介護の相談", "多機関協働へ"]  # fmt: skip


def test_another_agency_gets_none_of_the_rows(saki, world):
    screen, api = _both_doors(saki)
    assert screen.status_code == api.status_code == 200
    for response in (screen, api):
        # Its own consultation only: not the one it declined, though it was asked to take it.
        assert [r["相談内容"] for r in _rows(_body(response))] == ["委託相談支援事業所の相談"]


def test_another_agencys_records_cannot_be_asked_for_by_either_door(hana, saki, world):
    screen, api = _both_doors(saki, agency=hana.agency.pk, agency_code=hana.agency.code)
    assert api.status_code == 403
    assert screen.status_code == 422  # the form offers only the agency she acts for
    assert "山田" not in screen.content.decode()


def test_the_coordinator_gets_what_the_policy_allows(ichiro, world):
    """The escalated consultation, which the coordinating division now holds; not the one it
    follows because a referral was declined (hana's record, in hana's export), nor the rest."""
    screen, api = _both_doors(ichiro)
    for response in (screen, api):
        assert response.status_code == 200
        assert [r["相談内容"] for r in _rows(_body(response))] == ["多機関協働へ"]


@pytest.mark.parametrize("persona", ["kazuko", "ken", "osamu"])
def test_roles_without_personal_records_are_refused_on_both_doors(personas, persona, world):
    user = personas[persona]
    screen = client_for(user).get("/imports/export/")
    api = _api(user)()
    assert screen.status_code == 403
    assert api.status_code == 403
    assert b"\xe5\xb1\xb1\xe7\x94\xb0" not in api.content  # 山田


def test_a_date_range_on_the_api_and_its_order_checked(hana, world):
    call = _api(hana)
    response = call(received_from=(TODAY - dt.timedelta(days=1)).isoformat())
    assert _rows(_body(response)) == []
    response = call(received_from=TODAY.isoformat(), received_to=(TODAY - dt.timedelta(days=5)).isoformat())  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "received_to"


def test_the_screen_shows_the_form(hana, world):
    response = client_for(hana).get("/imports/export/")
    assert response.status_code == 200
    assert "受付日（から）" in response.content.decode()
    assert "/imports/export/" in client_for(hana).get("/imports/").content.decode()
