"""Issue 14, item 6: the coordinator opens a person's page, follows "閲覧・操作の記録" to the
readable trail (Japanese, grouped by day and user, repeated views counted) and downloads the
disclosure report (開示請求) as xlsx."""

import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from yorisoi.audit.log import record, record_reads
from yorisoi.audit.models import AuditEvent
from yorisoi.testing import PersonFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def person_with_a_trail(ichiro, hana, monkeypatch):
    person = PersonFactory(agency=ichiro.agency, family_name="開示", given_name="花子")
    other = PersonFactory(agency=ichiro.agency, family_name="別人", given_name="太郎")
    field = AuditEvent._meta.get_field("at")
    yesterday = timezone.localdate() - timedelta(days=1)
    for hour in (9, 10, 14):
        when = timezone.make_aware(datetime.combine(yesterday, datetime.min.time()))
        monkeypatch.setattr(field, "_get_default", lambda w=when, h=hour: w + timedelta(hours=h))
        record("person.viewed", actor=hana, target=person, basis="consent")
    record("person.updated", actor=ichiro, target=person, basis="own_agency")
    record_reads(
        "person.listed", actor=ichiro, bases={person.pk: "own_agency", other.pk: "own_agency"}
    )
    monkeypatch.undo()
    return person


def test_the_coordinator_reads_a_persons_trail_and_downloads_the_report(
    page, login, ichiro, person_with_a_trail, screen
):
    person = person_with_a_trail
    login("ichiro")
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="閲覧・操作の記録").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("開示 花子")
    expect(page.get_by_role("cell", name="本人情報の閲覧").first).to_be_visible()
    expect(page.get_by_role("cell", name="3 回")).to_be_visible()
    expect(page.get_by_text("person.viewed")).to_have_count(0)
    screen("audit_trail", phone=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path="test-artifacts/screens/audit_trail_1366.png", full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="開示請求の回答資料（Excel）").click()
    book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             for c in row}  # fmt: skip
    assert {"本人情報の閲覧", "本人の同意", "本人"} <= cells
    assert not any("別人" in c for c in cells)
