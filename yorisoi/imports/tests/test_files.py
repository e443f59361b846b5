"""Reading what cities have: CSV in UTF-8 (with or without BOM) or CP932 with no BOM, mixed line
endings, characters outside JIS kept exactly; Excel with its dates, merged cells and sheets."""

import datetime as dt
import io

from django.utils import timezone
from openpyxl import Workbook

from yorisoi.imports.models import ImportStatus
from yorisoi.imports.services import import_check, import_commit
from yorisoi.imports.template import COLUMNS, DATA_SHEET
from yorisoi.people.models import Person

from .conftest import HEADERS, csv_bytes, row


def _committed(user, content, name="相談.csv"):
    job = import_check(actor=user, file_name=name, content=content)
    assert job.status == ImportStatus.CHECKED, job.problems
    job = import_commit(actor=user, job=job)
    assert job.status == ImportStatus.COMMITTED, job.problems
    return job


def test_cp932_without_bom_is_detected_and_read(hana, issues):
    rows = [row(name="髙橋 ①子", kana="タカハシ イチコ", summary="〜困りごと〜 ㈱の寮で")]
    content = csv_bytes(rows, encoding="cp932")
    assert not content.startswith(b"\xef\xbb\xbf")
    job = _committed(hana, content)
    assert job.encoding == "CP932"
    person = Person.objects.get()
    assert person.family_name == "髙橋"
    assert person.given_name == "①子"


def test_utf8_with_bom_keeps_characters_outside_jis(hana, issues):
    content = b"\xef\xbb\xbf" + csv_bytes([row(name="𠮷田 はな子", kana="ヨシダ ハナコ")])
    job = _committed(hana, content)
    assert job.encoding == "UTF-8 (BOM)"
    assert Person.objects.get().family_name == "𠮷田"


def test_utf8_without_bom(hana, issues):
    job = _committed(hana, csv_bytes([row(name="𠮷野 太郎")]))
    assert job.encoding == "UTF-8"
    assert Person.objects.get().family_name == "𠮷野"


def test_mixed_line_endings_and_a_line_end_inside_a_cell(hana, issues):
    content = csv_bytes(
        [row(summary="一行目\n二行目"), row(consultation_ref="C-2"), row(consultation_ref="C-3")]
    )
    # The first line ends CRLF (the writer's), the next LF and the last CR.
    head, first, second, third = content.split(b"\r\n")[:4]
    mixed = head + b"\r\n" + first + b"\n" + second + b"\r" + third + b"\r\n"
    job = _committed(hana, mixed)
    assert job.rows == 3
    assert Person.objects.get().consultations.filter(summary="一行目\n二行目").exists()


# --- Excel --------------------------------------------------------------------------------


def _xlsx(rows, *, sheets=(DATA_SHEET,), merge=None, values=None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name in sheets:
        sheet = book.create_sheet(name)
        sheet.append(HEADERS)
        for r in rows:
            sheet.append([r.get(c.key, "") for c in COLUMNS])
        for cell, value in (values or {}).items():
            sheet[cell] = value
        if merge:
            sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_date_cells_and_dates_as_excel_numbers(hana, issues):
    received = dt.date.today() - dt.timedelta(days=10)
    content = _xlsx(
        [row(birth_date=dt.datetime(1950, 4, 1), received_on=received, phone="0593540000")],
        # 生年月日 is column E; 18354 is 1950-04-01 as Excel counts days.
        values={"E2": 18354},
    )
    job = _committed(hana, content, "相談.xlsx")
    assert job.file_format == "xlsx"
    person = Person.objects.get()
    assert person.birth_date == dt.date(1950, 4, 1)
    assert timezone.localtime(person.consultations.get().received_at).date() == received


def test_xlsx_with_several_data_sheets_is_refused(hana, issues):
    content = _xlsx([row()], sheets=("2023年度", "2024年度"))
    job = import_check(actor=hana, file_name="相談.xlsx", content=content)
    assert job.status == ImportStatus.FAILED
    assert "データのシートが複数あります（2023年度、2024年度）" in job.errors[0]["message"]


def test_xlsx_with_its_explanation_sheet_reads_the_data_sheet(hana, issues):
    content = _xlsx([row()], sheets=("説明", DATA_SHEET, "コード一覧"))
    assert import_check(actor=hana, file_name="a.xlsx", content=content).status == "checked"


def test_xlsx_merged_cells_are_reported(hana, issues):
    content = _xlsx([row(), row(consultation_ref="C-2")], merge="P2:P3")
    job = import_check(actor=hana, file_name="a.xlsx", content=content)
    assert job.status == ImportStatus.FAILED
    assert (2, "P") in [(p["row"], p["column"]) for p in job.errors]
    assert "結合されたセル" in job.errors[0]["message"]


def test_an_xlsx_formula_is_refused(hana, issues):
    content = _xlsx([row()], values={"P2": "=1+1"})
    job = import_check(actor=hana, file_name="a.xlsx", content=content)
    assert [(p["row"], p["column"]) for p in job.errors] == [(2, "相談内容")]


def test_a_broken_xlsx_is_refused(hana, issues):
    job = import_check(actor=hana, file_name="a.xlsx", content=b"PK\x03\x04 not really")
    assert job.errors[0]["message"] == "Excelファイル（.xlsx）として読めません。"
