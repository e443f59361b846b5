"""What one request may carry, on both doors (issue 13, item 8): the limits of http/limits.py.

Found by review: API bodies over ~2.5MB were refused with an HTML 400 although consent scans are
documented up to 5MB; an HSDS file of deeply nested brackets answered 500 (RecursionError); a
NUL in an HSDS field answered 500 on PostgreSQL and was stored on SQLite.
"""

import base64
import json
import re
from datetime import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.models import Consent
from yorisoi.cases.tests.world import open_case
from yorisoi.http import limits
from yorisoi.http.tests.test_api_errors import api_client, assert_error_shape
from yorisoi.resources import taxonomy
from yorisoi.resources.models import Organization, TaxonomyTerm
from yorisoi.resources.tests.conftest import make_resource
from yorisoi.testing import client_for

ROOT = Path(__file__).resolve().parents[3]
API = "/api/v1"
ORG = "11111111-1111-4111-8111-111111111111"


@pytest.fixture
def case(hana, ichiro):
    return open_case(hana, ichiro)


@pytest.fixture
def terms(master):
    taxonomy.load()
    return {t.code: t for t in TaxonomyTerm.objects.all()}


def _subject(case):
    return case.subjects.select_related("person").first().person


def _pdf(size: int) -> bytes:
    head = b"%PDF-1.4 consent form "
    return head + b"0" * (size - len(head))


# --- a 5MB consent scan fits through both doors ---------------------------------------------


def test_a_5mb_consent_scan_as_base64_json_is_accepted_by_the_api(case, ichiro):
    scan = _pdf(limits.MAX_SCAN_BYTES)
    body = {
        "person_id": str(_subject(case).pk),
        "method": "written",
        "given_on": timezone.localdate().isoformat(),
        "scan_base64": base64.b64encode(scan).decode(),
        "scan_name": "同意書.pdf",
        "scan_type": "application/pdf",
    }
    response = api_client(ichiro).post(
        f"{API}/cases/{case.pk}/consents", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content[:300]
    assert bytes(Consent.objects.get(pk=response.json()["id"]).scan) == scan


def test_a_5mb_consent_scan_is_accepted_on_the_screen(case, ichiro):
    scan = _pdf(limits.MAX_SCAN_BYTES)
    data = {
        "person": str(_subject(case).pk),
        "scope": "all_involved",
        "method": "written",
        "given_on": timezone.localdate().isoformat(),
        "scan": SimpleUploadedFile("同意書.pdf", scan, "application/pdf"),
    }
    response = client_for(ichiro).post(reverse("cases:consent_add", args=[case.pk]), data)
    assert response.status_code == 302
    assert bytes(Consent.objects.get(case=case).scan) == scan


# --- a body over the limit: JSON 413 in the API, a readable page on the screens --------------


def test_a_body_over_the_limit_answers_json_413_in_the_api(hana):
    body = json.dumps({"family_name": "山田", "notes": "x" * limits.MAX_BODY_BYTES})
    response = api_client(hana).post(f"{API}/people", body, content_type="application/json")
    body = assert_error_shape(response, 413, "request_too_large")
    assert limits.megabytes(limits.MAX_BODY_BYTES) in body["message"]


def test_an_upload_over_the_limit_answers_a_readable_413_on_the_screens(terms, ichiro):
    big = b" " * (limits.MAX_BODY_BYTES + limits.MULTIPART_SLACK)
    upload = SimpleUploadedFile("hsds.json", big, "application/json")
    response = client_for(ichiro).post(reverse("resources:hsds_import"), {"file": upload})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert limits.megabytes(limits.MAX_BODY_BYTES) in page
    assert "<html" in page  # the site's page, not a bare status line


def test_a_form_over_the_limit_answers_a_readable_413_not_a_bare_400(hana):
    data = urlencode({"family_name": "山田", "notes": "x" * limits.MAX_BODY_BYTES})
    response = client_for(hana).post(
        reverse("people:person_create"), data, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert limits.megabytes(limits.MAX_BODY_BYTES) in response.content.decode()


# --- deeply nested JSON: 422, never a crash ----------------------------------------------------

DEEP = [
    pytest.param("[" * 100_000 + "]" * 100_000, id="past-the-parser"),
    pytest.param("[" * 900 + "]" * 900, id="parsed-then-walked"),
    pytest.param(
        json.dumps({"organizations": [], "x_note": "[" * limits.MAX_JSON_DEPTH}).replace(
            '"' + "[" * limits.MAX_JSON_DEPTH + '"',
            "[" * limits.MAX_JSON_DEPTH + "]" * limits.MAX_JSON_DEPTH,
        ),
        id="just-past-the-limit",
    ),
]


@pytest.mark.parametrize("text", DEEP)
def test_deeply_nested_hsds_is_refused_with_422_in_the_api(terms, ichiro, text):
    client = api_client(ichiro, raise_request_exception=False)
    response = client.post(f"{API}/resources/hsds", text, content_type="application/json")
    body = assert_error_shape(response, 422, "too_deep")
    assert str(limits.MAX_JSON_DEPTH) in body["message"]
    assert not Organization.objects.exists()


@pytest.mark.parametrize("text", DEEP)
def test_deeply_nested_hsds_is_refused_with_422_on_the_screen(terms, ichiro, text):
    upload = SimpleUploadedFile("hsds.json", text.encode(), "application/json")
    client = client_for(ichiro)
    client.raise_request_exception = False
    response = client.post(reverse("resources:hsds_import"), {"file": upload})
    assert response.status_code == 422
    assert "入れ子" in response.content.decode()
    assert not Organization.objects.exists()


@pytest.mark.parametrize("text", DEEP[:2])
def test_a_deeply_nested_body_of_any_operation_answers_json_not_a_crash(hana, text):
    # ninja reads the bodies of the other operations: past its parser, unreadable JSON (400);
    # parsed, the schema refuses what is not the shape it describes (422).
    client = api_client(hana, raise_request_exception=False)
    response = client.post(f"{API}/people", text, content_type="application/json")
    assert response.status_code in (400, 422)
    assert_error_shape(response, response.status_code, response.json()["code"])


def test_the_hsds_bundle_itself_is_well_within_the_depth_limit(terms, ichiro):
    make_resource("居場所", term=terms["ibasho"], district_code="tomisuhara", byday="WE",
                  opens=time(10), closes=time(15))  # fmt: skip
    doc = client_for(ichiro).get(f"{API}/resources/hsds").json()
    assert limits.json_depth(doc) < limits.MAX_JSON_DEPTH
    assert limits.json_depth([[]]) == 2 and limits.json_depth("x") == 0


# --- U+0000 in an HSDS field: 422 on both doors and both databases ---------------------------


def _hsds_with_nul():
    return {
        "hsds_version": "3.0",
        "organizations": [{"id": ORG, "name": "NPO法人\x00テスト"}],
    }


def test_a_nul_in_an_hsds_field_is_refused_with_422_in_the_api(terms, ichiro):
    client = api_client(ichiro, raise_request_exception=False)
    body = json.dumps(_hsds_with_nul())
    assert "\\u0000" in body
    response = client.post(f"{API}/resources/hsds", body, content_type="application/json")
    body = assert_error_shape(response, 422, "hsds_invalid")
    assert body["errors"][0]["field"] == "organizations[0]"
    assert "NUL" in body["errors"][0]["message"] and "name" in body["errors"][0]["message"]
    assert not Organization.objects.exists()


def test_a_nul_in_an_hsds_field_is_refused_with_422_on_the_screen(terms, ichiro):
    upload = SimpleUploadedFile("hsds.json", json.dumps(_hsds_with_nul()).encode())
    client = client_for(ichiro)
    client.raise_request_exception = False
    response = client.post(reverse("resources:hsds_import"), {"file": upload})
    assert response.status_code == 422
    page = response.content.decode()
    assert "organizations[0]" in page and "NUL" in page
    assert not Organization.objects.exists()


def test_a_nul_in_a_consent_scans_file_name_never_reaches_the_database(case, ichiro):
    # The screen: Django's upload parser drops U+0000 from a file name.
    data = {
        "person": str(_subject(case).pk),
        "scope": "all_involved",
        "method": "written",
        "given_on": timezone.localdate().isoformat(),
        "scan": SimpleUploadedFile("同意\x00書.pdf", _pdf(100), "application/pdf"),
    }
    response = client_for(ichiro).post(reverse("cases:consent_add", args=[case.pk]), data)
    assert response.status_code == 302
    assert Consent.objects.get(case=case).scan_name == "同意書.pdf"
    # The API: the file name is a field of the body, refused like any text with U+0000.
    body = {
        "person_id": str(_subject(case).pk),
        "given_on": timezone.localdate().isoformat(),
        "scan_base64": base64.b64encode(_pdf(100)).decode(),
        "scan_name": "同意\x00書.pdf",
        "scan_type": "application/pdf",
    }
    response = api_client(ichiro).post(
        f"{API}/cases/{case.pk}/consents", json.dumps(body), content_type="application/json"
    )
    body = assert_error_shape(response, 422, "validation_error")
    assert body["errors"][0]["field"] == "scan_name"


# --- the documentation names the same numbers ------------------------------------------------


def test_the_api_description_names_the_limits(client):
    schema = client.get(f"{API}/openapi.json").json()
    description = schema["info"]["description"]
    assert f"{limits.megabytes(limits.MAX_BODY_BYTES)}" in description
    consent = schema["paths"][f"{API}/cases/{{case_id}}/consents"]["post"]["description"]
    assert limits.megabytes(limits.MAX_SCAN_BYTES) in consent
    hsds = schema["paths"][f"{API}/resources/hsds"]["post"]["description"]
    assert limits.megabytes(limits.MAX_HSDS_BYTES) in hsds


def test_the_readme_and_the_proxy_name_the_same_limits():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for size in (limits.MAX_SCAN_BYTES, limits.MAX_HSDS_BYTES, limits.MAX_BODY_BYTES):
        assert limits.megabytes(size) in readme
    nginx = (ROOT / "deploy" / "nginx" / "yorisoi.conf").read_text(encoding="utf-8")
    proxy_mb = int(re.search(r"client_max_body_size (\d+)m;", nginx).group(1))
    # The proxy lets through what the app accepts (a whole upload with its envelope), so that
    # the app, not nginx, answers the refusal in the documented shape.
    assert proxy_mb * limits.MB >= limits.MAX_BODY_BYTES + limits.MULTIPART_SLACK
    # An import's two upload addresses, and they alone, take a file of up to 50MB.
    assert limits.megabytes(limits.MAX_IMPORT_BYTES) in readme
    for path in limits.IMPORT_UPLOAD_PATHS:
        block = re.search(rf"location = {re.escape(path)} \{{(.*?)\}}", nginx, re.S)
        assert block, path
        import_mb = int(re.search(r"client_max_body_size (\d+)m;", block.group(1)).group(1))
        assert import_mb * limits.MB >= limits.MAX_IMPORT_REQUEST_BYTES


def test_only_an_imports_upload_takes_a_body_over_10mb(client, hana):
    """The middleware's limit by address: 12MB of multipart is refused with 413 everywhere but
    at an import's two upload addresses, where it reaches the view."""
    headers = {
        "CONTENT_TYPE": "multipart/form-data; boundary=x",
        "CONTENT_LENGTH": str(12 * limits.MB),
    }
    for path in ("/cases/", "/api/v1/resources/hsds", "/imports/export/"):
        assert limits.max_body_bytes(headers["CONTENT_TYPE"], path) < 12 * limits.MB
    for path in limits.IMPORT_UPLOAD_PATHS:
        assert limits.max_body_bytes(headers["CONTENT_TYPE"], path) > 12 * limits.MB
    assert limits.max_body_bytes("application/json", "/api/v1/imports") == limits.MAX_BODY_BYTES
    refused = client.generic("POST", "/cases/", b"", **headers)
    assert refused.status_code == 413
