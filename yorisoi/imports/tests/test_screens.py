"""The 取り込み screens: upload → preview with per-row problems → commit; the template files;
who may open them (caseworkers; not 民生委員, analysts or administrators; a job only for its
own agency)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from yorisoi.imports.models import ImportJob
from yorisoi.imports.template import CODES_SHEET, COLUMNS, DATA_SHEET, HELP_SHEET
from yorisoi.people.models import Person
from yorisoi.testing import client_for

from .conftest import csv_bytes, row


def _upload(client, content, name="相談.csv"):
    return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, content)})


def test_upload_preview_and_commit(hana, issues):
    client = client_for(hana)
    assert client.get(reverse("imports:upload")).status_code == 200
    response = _upload(client, csv_bytes([row()]))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job_detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "確認済み（未登録）" in page
    assert "この内容で登録する" in page
    assert "UTF-8" in page
    assert not Person.objects.exists()

    response = client.post(reverse("imports:job_commit", args=[job.pk]), follow=True)
    page = response.content.decode()
    assert "取り込みました。" in page
    assert "登録済み" in page
    assert Person.objects.count() == 1


def test_preview_lists_every_problem_by_row_and_column(hana, issues):
    content = csv_bytes(
        [row(birth_date="R6.2.30"), row(consultation_ref="C-2", person_ref="P-2", channel="鳩")]
    )
    page = client_for(hana).get(_upload(client_for(hana), content)["Location"]).content.decode()
    assert "2 件の問題があるため、何も登録しません" in page
    assert "<td>2</td>\n      <td>生年月日</td>" in page
    assert "<td>3</td>\n      <td>相談経路</td>" in page
    assert "この内容で登録する" not in page


def test_an_oversize_file_is_refused_by_the_form(hana, issues, settings):
    from yorisoi.http import limits

    response = _upload(client_for(hana), b"x" * (limits.MAX_IMPORT_BYTES + 1))
    assert response.status_code == 422
    assert "ファイルが大きすぎます（50MBまで）" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_xlsx_template_explains_every_column_and_code(hana, issues):
    response = client_for(hana).get(reverse("imports:template", args=["xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == [DATA_SHEET, HELP_SHEET, CODES_SHEET]
    header = next(book[DATA_SHEET].iter_rows(values_only=True))
    assert list(header) == [c.header for c in COLUMNS]
    explained = [r[0] for r in book[HELP_SHEET].iter_rows(values_only=True)]
    for column in COLUMNS:
        assert column.header in explained
    codes = [r[0] for r in book[CODES_SHEET].iter_rows(values_only=True)]
    for code in ("zaitaku-kaigo-01", "counter", "self", "care", "resolved", "head"):
        assert code in codes
    # R6: the agency codes offered are the user's own agency's only.
    assert "itaku-soudan-01" not in codes


def test_the_csv_template_is_the_headers_with_a_bom(hana):
    response = client_for(hana).get(reverse("imports:template", args=["csv"]))
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").strip() == ",".join(c.header for c in COLUMNS)


def test_a_template_round_trips_through_the_check(hana, issues):
    """The empty template, filled in with one row, is a clean file."""
    template = client_for(hana).get(reverse("imports:template", args=["xlsx"])).content
    book = load_workbook(io.BytesIO(template))
    values = row()
    book[DATA_SHEET].append([values[c.key] for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    job = ImportJob.objects.get(pk=_upload(client_for(hana), out.getvalue(), "a.xlsx")["Location"].split("/")[-2])  # fmt: skip
    assert job.status == "checked", job.problems


@pytest.mark.parametrize("persona", ["kazuko", "ken", "osamu"])
def test_volunteers_analysts_and_administrators_are_refused(personas, persona):
    client = client_for(personas[persona])
    assert client.get(reverse("imports:upload")).status_code == 403
    assert client.get(reverse("imports:template", args=["xlsx"])).status_code == 403


def test_another_agencys_job_looks_missing(hana, saki, issues):
    _upload(client_for(hana), csv_bytes([row()]))
    job = ImportJob.objects.get()
    outsider = client_for(saki)
    assert outsider.get(reverse("imports:job_detail", args=[job.pk])).status_code == 404
    assert outsider.post(reverse("imports:job_commit", args=[job.pk])).status_code == 404
    assert not Person.objects.exists()


def test_a_colleague_of_the_same_agency_sees_the_job(hana, masaki, issues):
    _upload(client_for(hana), csv_bytes([row()]))
    job = ImportJob.objects.get()
    assert client_for(masaki).get(reverse("imports:job_detail", args=[job.pk])).status_code == 200
