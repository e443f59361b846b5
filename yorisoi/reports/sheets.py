"""Tables as CSV and xlsx, safe to open in Excel.

Formula injection (issue 6, 5; OWASP "CSV Injection"): a text cell that starts with = + - @
TAB or CR is prefixed with a single quote, so Excel shows it as text and never evaluates it —
also after a user edits the cell or saves the sheet again as CSV. Full-width ＝＋－＠ are
included because Japanese Excel accepts them as formula starts. Numbers are never touched: a
negative number stays a number.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image as XlsxImage
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .charts import chart_png
from .document import Cell, Progress, Report, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
HEADER_ROW = 3  # row 1: table title, row 2: description, row 3: column headers
_SHEET_NAME_MAX = 31
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_WIDTH_MIN, _WIDTH_MAX = 8, 60


def neutralise(value: Cell | Decimal) -> Cell | Decimal:
    """Text that a spreadsheet would read as a formula gets a leading quote; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_csv(table: Table) -> bytes:
    """UTF-8 with BOM (so Excel in Japan detects the encoding), CRLF, header row first."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if c is None else neutralise(c) for c in row])
    return buf.getvalue().encode("utf-8-sig")


def tables_xlsx(tables: Iterable[Table]) -> bytes:
    """One sheet per table."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table in tables:
        _write_table(wb.create_sheet(sheet_name(table.title, used)), table)
    if not wb.worksheets:
        wb.create_sheet(_("データなし"))
    return _save(wb)


def report_xlsx(report: Report, progress: Progress | None = None) -> bytes:
    """A cover sheet (title, subtitle, date, contents with links) and one sheet per section
    that has a table; the section's chart is placed beside its table. `progress(done, total)`
    is called after each section."""
    wb = Workbook()
    cover = wb.active
    cover.title = sheet_name(_("表紙"), used := set())
    cover["A1"] = _text(report.title)
    cover["A1"].font = Font(bold=True, size=16)
    cover["A2"] = _text(report.subtitle)
    cover["A2"].font = Font(size=12)
    if report.generated_at:
        cover["A3"] = _("作成日時")
        cover["B3"] = report.generated_at.replace(tzinfo=None)  # Excel has no time zones
        cover["B3"].number_format = "yyyy/mm/dd hh:mm"
        cover["B3"].alignment = Alignment(horizontal="left")
    cover["A5"], cover["B5"] = _("シート"), _("内容")
    for cell in (cover["A5"], cover["B5"]):
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    row = 6
    for done, section in enumerate(report.sections, start=1):
        if progress is not None and done > 1:
            progress(done - 1, len(report.sections))
        if section.table is None:
            continue
        name = sheet_name(section.heading, used)
        ws = wb.create_sheet(name)
        _write_table(ws, section.table, title=section.heading, description=section.description)
        if section.chart is not None:
            image = XlsxImage(io.BytesIO(chart_png(section.chart, width_px=800)))
            image.width, image.height = 640, 360
            ws.add_image(image, f"{get_column_letter(len(section.table.columns) + 2)}{HEADER_ROW}")
        link = cover.cell(row=row, column=1, value=name)
        quoted = name.replace("'", "''")
        link.hyperlink = f"#'{quoted}'!A1"  # internal link; quotes allow spaces in names
        link.font = Font(underline="single", color="1F4E79")
        cover.cell(row=row, column=2, value=_text(section.description))
        row += 1
    if progress is not None and report.sections:
        progress(len(report.sections), len(report.sections))
    cover.column_dimensions["A"].width = 34
    cover.column_dimensions["B"].width = 80
    return _save(wb)


def sheet_name(title: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name: ≤31 characters, none of []:*?/\\, not starting or
    ending with an apostrophe, not "History" (reserved). `used` holds names taken so far
    (compared case-insensitively, as Excel does) and is updated."""
    base = _SHEET_NAME_BAD.sub("_", ILLEGAL_CHARACTERS_RE.sub("", title)).strip().strip("'")
    base = base or _("表")
    if base.casefold() == "history":
        base += "_"
    name = base[:_SHEET_NAME_MAX].rstrip("'")
    n = 2
    while name.casefold() in {u.casefold() for u in used}:
        suffix = f"({n})"
        name = base[: _SHEET_NAME_MAX - len(suffix)].rstrip("'") + suffix
        n += 1
    used.add(name)
    return name


def _write_table(ws: Worksheet, table: Table, *, title: str = "", description: str = "") -> None:
    ws.cell(row=1, column=1, value=_text(title or table.title)).font = Font(bold=True, size=14)
    if description:
        ws.cell(row=2, column=1, value=_text(description))
    widths = [_display_width(str(c)) for c in table.columns]
    for col, name in enumerate(table.columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col)
        _put(cell, name)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(table.rows, start=HEADER_ROW + 1):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col)
            _put(cell, value)
            if isinstance(value, str):
                cell.alignment = Alignment(horizontal="right" if value == "<5" else "left")
            if col <= len(widths) and value is not None:
                text = value if isinstance(value, str) else f"{value:,}"
                widths[col - 1] = max(widths[col - 1], _display_width(text))
    last_row = HEADER_ROW + len(table.rows)
    for i, note in enumerate(table.notes, start=last_row + 2):
        ws.cell(row=i, column=1, value=_text(note)).font = Font(size=9, italic=True)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(
            max(width * 1.1 + 2, _WIDTH_MIN), _WIDTH_MAX
        )
    if table.columns:
        ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(table.columns))}{last_row}"


def _put(cell, value: Cell) -> None:
    """Numbers as numbers; text always as a string cell, never a formula."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return  # Excel calls a file with NaN or inf corrupt
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float | Decimal):
        cell.value = value
        cell.number_format = "#,##0" if float(value).is_integer() else "#,##0.0#"
        return
    cell.value = _text(value)
    cell.data_type = "s"  # openpyxl would otherwise store text starting with "=" as a formula


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(neutralise(value)))


def _display_width(text: str) -> int:
    """Columns a text needs: full-width (Japanese) characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
