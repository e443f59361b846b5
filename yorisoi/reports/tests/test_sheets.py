import csv
import io

import pytest
from openpyxl import load_workbook

from yorisoi.reports import Table, neutralise, report_xlsx, sheet_name, table_csv, tables_xlsx
from yorisoi.reports.sheets import HEADER_ROW

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+81", "'+81"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("＝1+2", "'＝1+2"),
        ("<5", "<5"),
        ("地域包括支援センター", "地域包括支援センター"),
    ],
)
def test_formula_looking_text_is_prefixed_with_a_quote(text, expected):
    assert neutralise(text) == expected


def test_numbers_are_never_touched():
    assert neutralise(-3) == -3
    assert neutralise(-0.5) == -0.5


def test_csv_has_bom_header_and_neutralised_cells(table):
    data = table_csv(table)
    assert data.startswith(BOM)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["機関", "2024年度", "2025年度"]
    assert rows[1] == ["地域包括支援センター北", "1234", "1302"]
    assert rows[2] == ["社会福祉協議会", "<5", "12"]
    assert rows[3] == ["'=1+2", "'-3", "-3"]  # text neutralised, the number stays -3
    assert rows[4] == ["平均日数", "12.5", ""]
    assert b"\r\n" in data  # Excel's line ends


def test_xlsx_keeps_numbers_as_numbers_and_text_as_text(table):
    ws = load_workbook(io.BytesIO(tables_xlsx([table]))).worksheets[0]
    assert ws.title == "相談受付件数（機関別）"
    assert ws["A1"].value == "相談受付件数（機関別）"
    header = [c.value for c in ws[HEADER_ROW]]
    assert header == ["機関", "2024年度", "2025年度"]
    assert all(c.font.bold for c in ws[HEADER_ROW])
    north, small, hostile, mean = (
        list(r) for r in ws.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 4)
    )
    assert north[1].value == 1234 and north[1].data_type == "n"
    assert small[1].value == "<5" and small[1].data_type == "s"
    assert hostile[0].value == "'=1+2" and hostile[0].data_type == "s"  # never a formula
    assert hostile[1].value == "'-3"
    assert hostile[2].value == -3 and hostile[2].data_type == "n"
    assert mean[1].value == 12.5
    assert mean[2].value is None
    assert ws.column_dimensions["A"].width >= 2 * len("地域包括支援センター北")


def test_no_cell_anywhere_is_a_formula(report):
    wb = load_workbook(io.BytesIO(report_xlsx(report)))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]


def test_report_xlsx_has_a_cover_and_one_sheet_per_table(report):
    wb = load_workbook(io.BytesIO(report_xlsx(report)))
    assert wb.sheetnames == ["表紙", "相談受付件数"]  # the second section has no table
    cover = wb["表紙"]
    assert cover["A1"].value == "重層的支援体制整備事業 評価報告（2025年度）"
    assert cover["A2"].value == "地域福祉計画検討委員会 資料"
    assert cover["B3"].value.year == 2026
    assert cover["A6"].value == "相談受付件数"
    assert cover["B6"].value == "新規・継続の相談を受け付けた件数です。"
    sheet = wb["相談受付件数"]
    assert sheet["A2"].value == "新規・継続の相談を受け付けた件数です。"
    assert sheet._images  # the chart sits beside its table


def test_sheet_names_are_valid_and_unique():
    used: set[str] = set()
    long = "相談受付件数／機関別・地区別・課題領域別の内訳（2025年度）合計"
    names = [
        sheet_name("a[b]:c*d?e/f\\g", used),
        sheet_name(long, used),
        sheet_name(long, used),
        sheet_name("'引用'", used),
        sheet_name("", used),
        sheet_name("History", used),
        sheet_name("TABLE", used),
        sheet_name("table", used),
    ]
    assert names[0] == "a_b__c_d_e_f_g"
    assert names[1] == long[:31]
    assert names[2].endswith("(2)") and len(names[2]) <= 31
    assert names[3] == "引用"
    assert names[4] == "表"
    assert names[5] != "History"
    assert names[7] == "table(2)"
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_many_tables_with_the_same_long_title_open_in_excel_terms():
    tables = [Table(title="同じ名前" * 10, columns=["列"], rows=[[i]]) for i in range(12)]
    wb = load_workbook(io.BytesIO(tables_xlsx(tables)))
    assert len(set(wb.sheetnames)) == 12
    assert all(len(n) <= 31 for n in wb.sheetnames)
