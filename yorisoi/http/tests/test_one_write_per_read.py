"""A read writes once (issue 16): opening a page or an API resource that shows personal data
appends its audit event and writes nothing else — the session is saved at most once a minute
(accounts.middleware.IdleSessionMiddleware), a token's last use at most once a minute
(ApiToken.LAST_USE_PRECISION), and the events of one list go in as one insert (audit.log)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.accounts.models import ApiToken
from yorisoi.testing import PersonFactory, client_for

WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(client, url, method="get", **data):
    getattr(client, method)(url, data)  # the first request may save a fresh session or token use
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data)
    assert response.status_code == 200
    return [
        q["sql"].split(" ", 1)[0] + " " + q["sql"].split('"')[1]
        for q in queries
        if q["sql"].startswith(WRITES)
    ]


@pytest.mark.parametrize(
    "page",
    ["person_list", "person_detail", "person_search"],
)
def test_a_page_read_writes_only_its_audit_event(hana, page):
    person = PersonFactory(agency=hana.agency, family_name="山田")
    PersonFactory(agency=hana.agency, family_name="山田")
    client = client_for(hana)
    if page == "person_detail":
        writes = _writes(client, reverse("people:person_detail", args=[person.pk]))
    elif page == "person_search":
        writes = _writes(client, reverse("people:person_list"), method="post", q="山田")
    else:
        writes = _writes(client, reverse("people:person_list"))
    assert writes == ["INSERT audit_auditevent"]


def test_an_api_read_with_a_token_writes_only_its_audit_event(hana):
    person = PersonFactory(agency=hana.agency)
    _, raw = ApiToken.issue(user=hana, name="テスト連携")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    writes = _writes(client, f"/api/v1/people/{person.pk}")
    assert writes == ["INSERT audit_auditevent"]
