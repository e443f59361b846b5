"""What Schemathesis found in the API (test_openapi_fuzz.py), one regular test each.

Each answered 500 (or a body the document does not promise) before it was mended.
"""

import json
import logging
import re
import uuid

import pytest
from django.db import DataError
from django.test import Client

from yorisoi.accounts.models import ApiToken
from yorisoi.api import api
from yorisoi.directory.models import Agency
from yorisoi.http.errors import OUT_OF_RANGE_MESSAGE
from yorisoi.intake.models import Consultation
from yorisoi.testing import PersonFactory

API = "/api/v1"
TOO_BIG = 2**70  # no database integer holds it (SQLite: OverflowError)


def api_client(user) -> Client:
    _, raw = ApiToken.issue(user=user, name="テスト連携")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, path, body, method="post"):
    return getattr(client, method)(
        f"{API}{path}", json.dumps(body), content_type="application/json"
    )


def field_errors(response) -> dict:
    assert response.status_code == 422, response.content
    return {e["field"]: e for e in response.json()["errors"]}


def test_an_id_no_row_can_have_is_refused_on_its_field(hana, ichiro):
    response = post(api_client(hana), "/notifications/read", {"ids": [1, TOO_BIG]})
    assert field_errors(response)["ids.1"]["code"] == "less_than_equal"

    review = {"ratings": [{"goal_id": TOO_BIG, "rating": "achieved"}]}
    response = post(api_client(ichiro), f"/cases/meetings/{uuid.uuid4()}/review", review)
    assert "ratings.0.goal_id" in field_errors(response)

    response = api_client(hana).get(f"{API}/community/activities", {"site_id": TOO_BIG})
    assert "site_id" in field_errors(response)

    meeting = {
        "kind": "x",
        "held_at": "2025-06-10T10:00:00+09:00",
        "participant_user_ids": [TOO_BIG],
    }
    response = post(api_client(ichiro), f"/cases/{uuid.uuid4()}/meetings", meeting)
    assert "participant_user_ids.0" in field_errors(response)


def test_a_training_without_a_programme_is_422_not_500(hana):
    body = {"program": "", "name": "養成講座", "held_on": "2025-06-10", "people_trained": 3}
    response = post(api_client(hana), "/community/trainings", body)
    assert field_errors(response)["program"]["code"] == "string_too_short"


def test_an_empty_agency_code_in_a_contact_is_refused_on_its_field(hana):
    """Found by `make fuzz`: agencies [""] answered 500 (a None among the agencies)."""
    body = {"outcome": "absent", "method": "visit", "agencies": [""]}
    response = post(api_client(hana), f"/outreach/targets/{uuid.uuid4()}/contacts", body)
    assert field_errors(response)["agencies.0"]["code"] == "string_too_short"


def test_a_consultation_without_subject_names_the_field_to_fill(hana):
    """Was 422 with Django's "制約 “consultation_has_a_subject” に違反しています。"."""
    response = post(api_client(hana), "/consultations", {"summary": "近所の方から電話"})
    errors = field_errors(response)
    assert "__all__" not in errors  # every error on a field, none naming a constraint
    assert errors["subject_note"]["message"] == (
        "本人か世帯を選ぶか、本人についてわかっていることを入力してください。"
    )
    assert "制約" not in response.content.decode()
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/people", {"family_name": "山\u0000田", "given_name": "花子"}, "family_name"),
        ("post", "/people/search", {"query": "\u0000"}, "query"),
        ("get", "/resources", {"category": "\u0000"}, "category"),
    ],
)
def test_a_null_character_is_refused_on_its_field_as_on_the_screens(
    hana, method, path, body, field
):
    """PostgreSQL cannot store U+0000; Django's forms refuse it, so does the API."""
    client = api_client(hana)
    if method == "get":
        response = client.get(f"{API}{path}", body)
    else:
        response = post(client, path, body)
    errors = field_errors(response)
    assert errors[field]["code"] == "null_character", errors


def test_a_null_character_in_the_path_is_not_found(ichiro):
    response = api_client(ichiro).get(f"{API}/evaluation/indicators/a%00b/breakdown")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_value_the_database_refuses_is_422_not_500(hana, monkeypatch, caplog):
    """The last guard (a version too big, text too long for PostgreSQL): 422, logged."""

    def refuse(*args, **kwargs):
        raise DataError("value too long for type character varying(100)")

    monkeypatch.setattr(Agency.objects, "filter", refuse)
    with caplog.at_level(logging.WARNING, logger="yorisoi.http.errors"):
        response = api_client(hana).get(f"{API}/agencies")
    assert field_errors(response)["__all__"]["message"] == OUT_OF_RANGE_MESSAGE
    assert "varying" not in response.content.decode()
    assert caplog.records


def test_opening_hours_are_answered_as_the_document_says(hana, masaki, master):
    """The document said format "time" (RFC 3339, with an offset); "10:00:00" has none."""
    from yorisoi.resources import taxonomy

    taxonomy.load()
    resource = {
        "name": "よりそい農園",
        "organization_name": "NPO法人みどり",
        "categories": ["shuro-taiken"],
        "schedules": [{"byday": "TU", "opens_at": "09:00", "closes_at": "11:30"}],
    }
    created = post(api_client(masaki), "/resources", resource)
    assert created.status_code == 201, created.content
    schema = api.get_openapi_schema()["components"]["schemas"]["ScheduleOut"]["properties"]
    pattern = schema["opens_at"]["anyOf"][0]["pattern"]
    answered = created.json()["schedules"][0]
    assert re.fullmatch(pattern, answered["opens_at"]) and answered["opens_at"] == "09:00:00"
    assert re.fullmatch(pattern, answered["closes_at"])


def test_version_far_too_big_is_never_a_server_error(hana):
    person = PersonFactory(agency=hana.agency)
    response = post(api_client(hana), f"/people/{person.pk}", {"version": TOO_BIG}, "patch")
    # SQLite cannot bind it (the last guard: 422); PostgreSQL compares it (409: not current).
    assert response.status_code in {409, 422}
