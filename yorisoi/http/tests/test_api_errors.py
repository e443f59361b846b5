"""Every error of the API is JSON in the documented shape, and every operation documents it.

Found by fuzzing the OpenAPI (issue 11): a malformed path parameter answered an HTML 404, a
wrong method plain text, a body over the limit an HTML 400, a crash an HTML 500.
"""

import json
import typing
import uuid
from collections import defaultdict

import pytest
from django.test import Client
from pydantic import BaseModel

from yorisoi.accounts.models import ApiToken
from yorisoi.api import ROUTERS, api
from yorisoi.directory.models import Agency
from yorisoi.http.errors import CONSTRAINT_MESSAGE, django_errors

API = "/api/v1"
NOT_FOUND = {"code": "not_found", "message": "見つかりません。", "errors": []}


def api_client(user, **kwargs) -> Client:
    _, raw = ApiToken.issue(user=user, name="テスト連携")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **kwargs)


def assert_error_shape(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) >= {"code", "message", "errors"}
    assert body["code"] == code
    assert isinstance(body["errors"], list)
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/people/not-a-uuid",
        "/people/12345",
        "/households/%E5%B1%B1%E7%94%B0",
        "/cases/0/timeline",
        "/evaluation/targets/consultations/not-a-year",  # {int:fiscal_year}: no URL matches
        "/no-such-route",
    ],
)
def test_a_malformed_path_answers_the_same_404_as_a_missing_record(ichiro, path):
    client = api_client(ichiro)
    missing = client.get(f"{API}/people/{uuid.uuid4()}")
    response = client.get(f"{API}{path}")
    assert_error_shape(response, 404, "not_found")
    assert response.json() == missing.json() == NOT_FOUND


def test_a_malformed_path_is_not_found_before_the_body_is_read(hana):
    response = api_client(hana).patch(
        f"{API}/people/xyz", {"version": "nope"}, content_type="application/json"
    )
    assert response.json() == NOT_FOUND


def test_a_method_the_path_does_not_take_answers_json_405_with_allow(hana):
    response = api_client(hana).delete(f"{API}/people")
    body = assert_error_shape(response, 405, "method_not_allowed")
    assert body["message"] == "このURLでは、このメソッドは使えません。"
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_no_token_answers_json_401(master):
    assert_error_shape(Client().get(f"{API}/people"), 401, "unauthenticated")


def test_a_route_the_role_may_not_use_answers_json_403(hana):
    assert_error_shape(api_client(hana).get(f"{API}/evaluation/indicators"), 403, "forbidden")


def test_malformed_json_answers_400(hana):
    response = api_client(hana).post(f"{API}/people", "{oops", content_type="application/json")
    assert_error_shape(response, 400, "bad_request")


def test_a_body_over_the_limit_answers_json_413(hana, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"family_name": "山田", "notes": "x" * 2000})
    response = api_client(hana).post(f"{API}/people", body, content_type="application/json")
    assert_error_shape(response, 413, "request_too_large")


def test_a_crash_answers_json_500_without_details(hana, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("secret detail of the crash")

    monkeypatch.setattr(Agency.objects, "filter", crash)
    client = api_client(hana, raise_request_exception=False)
    response = client.get(f"{API}/agencies")
    body = assert_error_shape(response, 500, "server_error")
    assert "secret" not in response.content.decode()
    assert body["message"].startswith("システムエラー")


def test_screens_keep_their_html_error_pages(hana):
    from yorisoi.testing import client_for

    response = client_for(hana).get("/people/not-a-uuid/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_constraint_name_never_reaches_the_client():
    from django.core.exceptions import ValidationError
    from django.db.models import CheckConstraint, Q

    constraint = CheckConstraint(condition=Q(x__gt=0), name="secret_rule_name")
    errors = django_errors(ValidationError({"__all__": [constraint.get_violation_error_message()]}))
    assert errors == [{"field": "__all__", "code": "invalid", "message": CONSTRAINT_MESSAGE}]


# --- the OpenAPI document says so ------------------------------------------------------------


def _operations():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_its_errors_with_error_out():
    for name, operation in _operations():
        responses = operation["responses"]
        expected = {"400", "401", "403"}
        if "{" in name:
            expected.add("404")
        if [p for p in operation.get("parameters", []) if p["in"] != "path"] or (
            "requestBody" in operation
        ):
            expected.add("422")
        if not name.startswith("GET "):
            expected.add("409")
        assert expected <= {str(status) for status in responses}, name
        for status in expected:
            ref = responses[int(status)]["content"]["application/json"]["schema"]["$ref"]
            if status not in {"409", "422"}:  # some name their own richer error bodies
                assert ref == "#/components/schemas/ErrorOut", (name, status)


def _models(annotation, seen):
    """Every pydantic model `annotation` mentions, with the models its fields mention."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def test_no_two_schema_classes_share_one_component_name():
    """ninja names a component after its class and keeps the last one of a name: two classes
    called TargetOut documented outreach's targets with evaluation's schema."""
    components = set(api.get_openapi_schema()["components"]["schemas"])
    seen = set()
    for router in ROUTERS:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    _models(model, seen)
    by_name = defaultdict(set)
    for model in seen:
        if model.__name__ in components:
            by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    assert shared == {}
    assert {"OutreachTargetOut", "EvaluationTargetOut"} <= set(by_name)
