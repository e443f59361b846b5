"""The API: upload (multipart or Base64 JSON) → dry-run result → errors as JSON → commit →
status; the same services and the same rules as the screen."""

import base64
import json

from django.test import Client

from yorisoi.accounts.models import ApiToken
from yorisoi.http import limits
from yorisoi.imports import tasks
from yorisoi.intake.models import Consultation
from yorisoi.people.models import Person

from .conftest import csv_bytes, row

API = "/api/v1"


def api_client(user) -> Client:
    _, raw = ApiToken.issue(user=user, name="取り込みの連携")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_multipart_upload_check_then_commit(hana, issues):
    client = api_client(hana)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"{API}/imports", {"file": SimpleUploadedFile("相談.csv", csv_bytes([row()]))}
    )
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["status"] == "checked"
    assert job["encoding"] == "UTF-8"
    assert job["counts"]["consultation"]["created"] == 1
    assert not Person.objects.exists()

    response = client.post(f"{API}/imports/{job['id']}/commit")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "committed"
    assert Consultation.objects.count() == 1
    status = client.get(f"{API}/imports/{job['id']}").json()
    assert status["status"] == "committed"
    assert status["finished_at"]


def test_base64_upload_with_errors_as_json(hana, issues):
    client = api_client(hana)
    content = csv_bytes([row(received_on="令和6年2月30日", receiving_agency="itaku-soudan-01")])
    response = _post_json(
        client,
        f"{API}/imports/base64",
        {"file_name": "相談.csv", "content_base64": base64.b64encode(content).decode()},
    )
    assert response.status_code == 201
    job = response.json()
    assert job["status"] == "failed"
    errors = client.get(f"{API}/imports/{job['id']}/errors").json()["problems"]
    assert [(p["row"], p["column"], p["level"]) for p in errors] == [
        (2, "受付日", "error"),
        (2, "受付機関コード", "error"),
    ]
    response = client.post(f"{API}/imports/{job['id']}/commit")
    assert response.status_code == 409
    assert not Person.objects.exists()


def test_bad_base64_is_a_field_error(hana):
    response = _post_json(
        api_client(hana), f"{API}/imports/base64", {"file_name": "a.csv", "content_base64": "@@"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "content_base64"


def test_a_file_at_the_limit_fits_as_base64_json(hana, issues):
    """7MB of file is about 9.3MB of Base64: within the 10MB a body may carry."""
    content = csv_bytes([row()])
    content += b"\r\n" * ((limits.MAX_IMPORT_BASE64_BYTES - len(content)) // 2)
    body = {"file_name": "a.csv", "content_base64": base64.b64encode(content).decode()}
    assert len(json.dumps(body)) <= limits.MAX_BODY_BYTES
    response = _post_json(api_client(hana), f"{API}/imports/base64", body)
    assert response.status_code == 201, response.content[:300]
    job = response.json()
    # A file this large is checked by the background task; the API says so.
    assert job["status"] == "checking"
    tasks.check_import.call(job["id"])
    assert api_client(hana).get(f"{API}/imports/{job['id']}").json()["status"] == "checked"


def test_base64_over_its_limit_says_to_send_a_file(hana, issues):
    content = csv_bytes([row()]) + b"\r\n" * (limits.MAX_IMPORT_BASE64_BYTES // 2)
    body = {"file_name": "a.csv", "content_base64": base64.b64encode(content).decode()}
    response = _post_json(api_client(hana), f"{API}/imports/base64", body)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "content_base64" and "POST /imports" in error["message"]


def test_a_file_over_the_body_limit_goes_as_multipart(hana, issues):
    """A ledger larger than any other body (12MB > 10MB) is taken at the import's address,
    and checked by the background task."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = csv_bytes([row()]) + b"\r\n" * (6 * limits.MB)
    assert limits.MAX_BODY_BYTES < len(content) < limits.MAX_IMPORT_BYTES
    response = api_client(hana).post(
        f"{API}/imports", {"file": SimpleUploadedFile("a.csv", content)}
    )
    assert response.status_code == 201, response.content[:300]
    assert response.json()["status"] == "checking"
    tasks.check_import.call(response.json()["id"])
    job = api_client(hana).get(f"{API}/imports/{response.json()['id']}").json()
    assert job["status"] == "checked" and job["rows"] == 1


def test_over_the_limit_is_a_failed_check(hana, issues):
    content = b"x" * (limits.MAX_IMPORT_BYTES + 1)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api_client(hana).post(
        f"{API}/imports", {"file": SimpleUploadedFile("a.csv", content)}
    )
    assert response.json()["status"] == "failed"


def test_another_agency_sees_no_job(hana, saki, issues):
    content = base64.b64encode(csv_bytes([row()])).decode()
    job = _post_json(
        api_client(hana), f"{API}/imports/base64", {"file_name": "a.csv", "content_base64": content}
    ).json()
    outsider = api_client(saki)
    assert outsider.get(f"{API}/imports/{job['id']}").status_code == 404
    assert outsider.get(f"{API}/imports/{job['id']}/errors").status_code == 404
    assert outsider.post(f"{API}/imports/{job['id']}/commit").status_code == 404


def test_a_volunteer_may_not_import(kazuko):
    response = _post_json(
        api_client(kazuko), f"{API}/imports/base64", {"file_name": "a.csv", "content_base64": ""}
    )
    assert response.status_code == 403


def test_the_api_description_names_the_limit(client):
    schema = client.get(f"{API}/openapi.json").json()
    assert "7MB" in schema["paths"][f"{API}/imports/base64"]["post"]["description"]
    assert "50MB" in schema["paths"][f"{API}/imports"]["post"]["description"]
