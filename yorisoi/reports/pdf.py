"""The committee report (地域福祉計画検討委員会等) as an A4 PDF.

Japanese renders on a fresh machine because the TrueType font is embedded (subset) in the
file; reportlab writes a ToUnicode map, so the text stays searchable and extractable.
"""

from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Image,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from . import fonts
from .charts import FIG_SIZE, chart_png
from .document import Cell, Chart, Progress, Report, Section, Table, format_number

_MARGIN = 18 * mm
_CHART_PX = 1000  # ~160 dpi at the 16 cm a chart takes on A4: sharp in print, 2.5× faster than 1600


def report_pdf(report: Report, progress: Progress | None = None) -> bytes:
    """`progress(done, total)` is called after each section is drawn (charts take the time)."""
    font = fonts.register_reportlab()
    styles = _styles(font)
    generated = report.generated_at or timezone.localtime()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN + 6 * mm,
        title=report.title,
        subject=report.subtitle,
        author="yorisoi",
        creator="yorisoi",
        invariant=True,  # no random id or clock in the file: same report, same bytes
    )
    story = [Paragraph(escape(report.title), styles["title"])]
    if report.subtitle:
        story.append(Paragraph(escape(report.subtitle), styles["subtitle"]))
    story.append(
        Paragraph(escape(_("作成日時: %s") % _japanese_datetime(generated)), styles["date"])
    )
    story.append(Spacer(1, 6 * mm))
    for done, section in enumerate(report.sections, start=1):
        story.extend(_section(section, styles, doc.width))
        if progress is not None:
            progress(done, len(report.sections))

    def page_canvas(*args, **kwargs):
        return _NumberedCanvas(*args, font=font, footer=report.title, **kwargs)

    doc.build(story, canvasmaker=page_canvas)
    return buf.getvalue()


def _section(section: Section, styles, width: float) -> list:
    head = [Paragraph(escape(section.heading), styles["heading"])]
    if section.description:
        head.append(Paragraph(escape(section.description), styles["description"]))
    if section.chart is not None:
        head.append(_chart_image(section.chart, width))
    flow = [KeepTogether(head)]  # never a heading alone at the foot of a page
    if section.table is not None:
        flow.extend(_table(section.table, styles, width))
    flow.append(Spacer(1, 8 * mm))
    return flow


# A chart takes 70 % of the text width: two indicators (chart and table) fit on a page.
_CHART_WIDTH = 0.7


def _chart_image(chart: Chart, width: float) -> Image:
    width *= _CHART_WIDTH
    height = width * FIG_SIZE[1] / FIG_SIZE[0]
    return Image(io.BytesIO(chart_png(chart, width_px=_CHART_PX)), width=width, height=height)


def _table(table: Table, styles, width: float) -> list:
    flow = [Paragraph(escape(table.title), styles["caption"])]
    header = [Paragraph(escape(str(c)), styles["th"]) for c in table.columns]
    body = [[_cell(v, styles) for v in row] for row in table.rows]
    grid = LongTable([header, *body], repeatRows=1, colWidths=_col_widths(table, width))
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d9d9d9")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    flow.append(grid)
    flow.extend(Paragraph(escape(note), styles["note"]) for note in table.notes)
    return flow


def _cell(value: Cell, styles) -> Paragraph:
    if value is None:
        return Paragraph("—", styles["td_num"])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Paragraph(format_number(value), styles["td_num"])
    style = styles["td_num"] if value == "<5" else styles["td"]
    return Paragraph(escape(str(value)), style)


def _col_widths(table: Table, width: float) -> list[float] | None:
    """The first column (names, periods) gets more room; the rest share the remainder."""
    n = len(table.columns)
    if n <= 1:
        return None
    first = min(width * 0.35, width / n * 1.6)
    return [first] + [(width - first) / (n - 1)] * (n - 1)


def _japanese_datetime(value: datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", base, fontSize=18, leading=26, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=12, leading=18, alignment=TA_CENTER),
        "date": ParagraphStyle("date", base, fontSize=9, alignment=TA_CENTER),
        "heading": ParagraphStyle(
            "heading", base, fontSize=14, leading=20, spaceBefore=4, spaceAfter=4
        ),
        "description": ParagraphStyle("description", base, spaceAfter=4),
        "caption": ParagraphStyle(
            "caption", base, fontSize=10, spaceBefore=4, spaceAfter=2, keepWithNext=1
        ),
        "th": ParagraphStyle("th", base, fontSize=9, leading=12, alignment=TA_CENTER),
        "td": ParagraphStyle("td", base, fontSize=9, leading=12),
        "td_num": ParagraphStyle("td_num", base, fontSize=9, leading=12, alignment=2),
        "note": ParagraphStyle(
            "note", base, fontSize=8, leading=11, spaceBefore=3, textColor=colors.black
        ),
    }


class _NumberedCanvas(Canvas):
    """Footer "n / total" on every page; total is known only after the last page, so pages
    are kept and drawn at save()."""

    def __init__(self, *args, font: str, footer: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._font = font
        self._footer = footer
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width, _height = self._pagesize
        self.setFont(self._font, 8)
        self.setFillColor(colors.black)
        self.drawString(_MARGIN, 10 * mm, self._footer[:60])
        self.drawRightString(width - _MARGIN, 10 * mm, f"{self._pageNumber} / {total}")
