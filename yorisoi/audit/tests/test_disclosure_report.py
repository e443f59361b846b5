"""A person's disclosure report (開示請求): who saw or changed what about them, when and on which
basis, as xlsx and PDF; no other person's data; producing it is itself audited."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from yorisoi.audit.log import record, record_reads
from yorisoi.audit.models import AuditEvent
from yorisoi.testing import PersonFactory, client_for


@pytest.fixture
def person(ichiro):
    return PersonFactory(agency=ichiro.agency, family_name="開示", given_name="花子")


@pytest.fixture
def other(ichiro):
    return PersonFactory(agency=ichiro.agency, family_name="別人", given_name="太郎")


@pytest.fixture
def trail(ichiro, hana, person, other):
    for _ in range(2):
        record("person.viewed", actor=hana, target=person, basis="consent")
    record("person.updated", actor=ichiro, target=person, basis="own_agency")
    record_reads(
        "person.listed", actor=ichiro, bases={person.pk: "own_agency", other.pk: "own_agency"}
    )
    # about the other person only
    record("person.viewed", actor=ichiro, target=other, basis="art106_6_meeting")


def _rows(content: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(content))
    return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def _text(content: bytes) -> str:
    """The PDF's text, lines joined (a narrow column wraps a label)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return "".join(page.extract_text() for page in pages).replace("\n", "")


def test_the_xlsx_lists_who_did_what_when_and_on_which_basis(ichiro, hana, person, other, trail):
    response = client_for(ichiro).get(reverse("audit:disclosure_xlsx", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert person.full_name not in response["Content-Disposition"]
    rows = _rows(response.content)
    cells = [str(c) for row in rows for c in row if c is not None]
    body = [row for row in rows if row and any(c in ("本人情報の閲覧", "本人情報の変更",
                                                      "本人の一覧の閲覧") for c in row)]  # fmt: skip
    assert len(body) == 3
    viewed = next(row for row in body if "本人情報の閲覧" in row)
    assert 2 in viewed and "本人の同意" in viewed and "本人" in viewed
    assert any("hana" in str(c) and hana.agency.name in str(c) for c in viewed)
    assert any("本人の一覧の閲覧" in row and "自機関の業務" in row for row in body)
    # nothing of the other person: not their name, not their id, not the read about them
    text = " ".join(cells)
    assert other.family_name not in text and str(other.pk)[:8] not in text
    assert "支援会議（社会福祉法106条の6）" not in text


def test_the_pdf_says_the_same_in_searchable_japanese(ichiro, person, other, trail):
    response = client_for(ichiro).get(reverse("audit:disclosure_pdf", args=[person.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "開示請求" in text and person.family_name in text
    assert "本人情報の閲覧" in text and "本人の同意" in text and "hana" in text
    assert other.family_name not in text and str(other.pk)[:8] not in text
    assert "支援会議（社会福祉法106条の6）" not in text


def test_producing_the_report_is_audited(ichiro, person, trail):
    client_for(ichiro).get(
        reverse("audit:disclosure_pdf", args=[person.pk]), {"since": "2020-01-01"}
    )
    event = AuditEvent.objects.get(action="audit.disclosure_report")
    assert (event.actor, event.target_type, event.target_id) == (ichiro, "person", str(person.pk))
    assert event.basis == "coordinator"
    assert event.data["format"] == "pdf" and event.data["since"] == "2020-01-01"
    assert event.data["lines"] == 3
