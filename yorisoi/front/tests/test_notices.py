"""A notice ("…にしました。") reaches the page the user is sent to, even when the browser asks for
something missing in between (a favicon, an old bookmark): error pages never take it.

Found as a flaky browser test: Chromium's favicon request, answered by the 404 page, landed
between a save's redirect and the page it led to and swallowed the success notice."""

import pytest
from django.urls import reverse

from yorisoi.testing import client_for

TARGET = {"indicator": "days_to_acceptance", "fiscal_year": 2025, "value": "12.5", "note": ""}
NOTICE = "2025年度の「相談から受け入れまでの日数（中央値）」の目標を12.5日にしました。"


@pytest.mark.parametrize("missing", ["/favicon.ico", "/no-such-page/"])
def test_a_missing_page_in_between_does_not_swallow_the_notice(ichiro, missing):
    client = client_for(ichiro)
    saved = client.post(reverse("evaluation:target_set"), TARGET)
    assert saved.status_code == 302

    assert client.get(missing).status_code == 404
    assert NOTICE in client.get(saved.url).content.decode()


def test_pages_name_their_icon_so_browsers_do_not_ask_for_favicon_ico(hana):
    body = client_for(hana).get("/").content.decode()
    assert 'rel="icon"' in body and "favicon.svg" in body
