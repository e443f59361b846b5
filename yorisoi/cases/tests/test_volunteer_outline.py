"""R6 for a 民生委員 at a 支援会議 (worked example 2): after the pledge she reads the case's
outline and her own meeting — on the screen and in the API alike (CaseAccess.case_file) —
never the case file: consents, assessments, plans, the progress record, the other meetings.
"""

import json

import pytest
from django.urls import reverse

from yorisoi.cases import services
from yorisoi.cases.tests.test_views_meetings import (
    TITLE_2,
    _example_2,
    _support_meeting,
)
from yorisoi.intake.tests.test_api import api_client
from yorisoi.testing import client_for

RECORD = "玄関先で短く話せた（記録本文）"


@pytest.fixture
def pledged(ichiro, kazuko):
    case = _example_2(ichiro)
    meeting = _support_meeting(ichiro, case, kazuko)
    services.meeting_pledge(actor=kazuko, participant=meeting.participants.get(user=kazuko))
    services.record_add(actor=ichiro, case=case, kind="visit", text=RECORD)
    other = _support_meeting(ichiro, case)  # a second 支援会議 she does not take part in
    return case, meeting, other


def test_the_screen_shows_her_the_outline_only(pledged, kazuko):
    case, meeting, other = pledged
    client = client_for(kazuko)
    page = client.get(reverse("cases:case_detail", args=[case.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and TITLE_2 in html
    for hidden in (RECORD, "同意の記録", "アセスメントと支援プラン", "支援経過記録"):
        assert hidden not in html, hidden
    assert reverse("cases:meeting_detail", args=[other.pk]) not in html
    assert client.get(reverse("cases:meeting_detail", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("cases:meeting_detail", args=[other.pk])).status_code == 404


def test_the_api_shows_her_the_same_outline(pledged, kazuko):
    case, meeting, other = pledged
    api = api_client(kazuko)
    detail = api.get(f"/api/v1/cases/{case.pk}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["title"] == TITLE_2 and body["consents"] is None
    assert RECORD not in json.dumps(body, ensure_ascii=False)
    for path in ("timeline", "plans", "assessments", "meetings"):
        assert api.get(f"/api/v1/cases/{case.pk}/{path}").status_code == 403, path
    assert api.get(f"/api/v1/cases/meetings/{meeting.pk}").status_code == 200
    assert api.get(f"/api/v1/cases/meetings/{other.pk}").status_code == 404


def test_caseworkers_still_read_the_whole_file(pledged, ichiro):
    case, _meeting, other = pledged
    html = client_for(ichiro).get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert RECORD in html and reverse("cases:meeting_detail", args=[other.pk]) in html
    body = api_client(ichiro).get(f"/api/v1/cases/{case.pk}").json()
    assert body["consents"] is not None
