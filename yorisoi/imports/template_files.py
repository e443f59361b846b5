"""The template files a city fills in: Excel with the data sheet (headers only), an explanation
sheet listing every column, and a sheet of the allowed codes (agencies, channels, consulters,
issues, …) read from the master data; and the same headers as CSV (UTF-8 with BOM, so Excel
opens it in Japanese). Written from template.COLUMNS, the list the check reads."""

import csv
import io

from django.utils.translation import gettext as _

from yorisoi.directory.models import Agency, IssueCategory
from yorisoi.intake.models import Channel, ConsulterType, Outcome, Urgency
from yorisoi.people.models import Relationship, Sex

from .checking import FORMULA_START, IMPORTABLE_OUTCOMES
from .template import CODES_SHEET, COLUMNS, DATA_SHEET, HELP_SHEET


def template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([c.header for c in COLUMNS])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def code_lists(agency=None) -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(code, name)]) for the explanation: what each coded column accepts. A label
    (窓口) is accepted as well as its code (counter)."""
    agencies = Agency.objects.filter(active=True).select_related("kind")
    if agency is not None:
        agencies = agencies.filter(pk=agency.pk)
    return [
        (_("受付機関コード・担当機関コード"), [(a.code, a.name) for a in agencies]),
        (_("相談経路"), [(c, str(label)) for c, label in Channel.choices]),
        (_("相談者"), [(c, str(label)) for c, label in ConsulterType.choices]),
        (_("課題コード・主な課題（◎）"),
         [(i.code, i.name) for i in IssueCategory.objects.filter(active=True)]),
        (_("緊急度"), [(c, str(label)) for c, label in Urgency.choices]),
        (_("受付の結果"),
         [(c, str(label)) for c, label in Outcome.choices if c in IMPORTABLE_OUTCOMES]),
        (_("性別"), [(c, str(label)) for c, label in Sex.choices]),
        (_("続柄"), [(c, str(label)) for c, label in Relationship.choices]),
    ]  # fmt: skip


HELP_HEADER_ROW = 8  # the explanation's table of columns starts below its seven lines


def help_rows() -> list[list]:
    """The explanation sheet: how to fill the data sheet, then every column (the template and
    the export write the same one)."""
    lines = [
        [_("取り込みの様式（本人・世帯・相談）")],
        [_("「%(sheet)s」のシートの2行目から、1行に1件の相談を入力します。") % {"sheet": DATA_SHEET}],
        [_("ファイル全体を確認し、問題が一つでもあれば何も登録しません。問題は行・項目ごとに表示します。")],
        [_("同じ外部IDの行をもう一度取り込むと、変わった項目だけを更新します。同じファイルなら何も変わりません。")],
        [_("次の文字で始まる値は数式として扱われるため取り込めません: %(chars)s")
         % {"chars": " ".join(FORMULA_START)}],
        [_("セルの結合はしないでください。データのシートは1つだけにしてください。")],
        [""],
        [_("項目"), _("必須"), _("説明")],
    ]  # fmt: skip
    lines += [
        [column.header, _("必須") if column.required else "", str(column.help)]
        for column in COLUMNS
    ]
    return lines


def code_rows(agency=None) -> list[list]:
    """The code lists sheet: a title row, a header row and the codes, for each coded column."""
    lines = []
    for title, items in code_lists(agency):
        lines.append([title])
        lines.append([_("コード"), _("名称（名称でも入力できます）")])
        lines += [[code, name] for code, name in items]
        lines.append([])
    return lines


def template_xlsx(agency=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    data.append([c.header for c in COLUMNS])
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        data.column_dimensions[data.cell(1, index).column_letter].width = max(
            12, len(column.header) * 2 + 2
        )

    help_sheet = book.create_sheet(HELP_SHEET)
    for line in help_rows():
        help_sheet.append(line)
    for n in (1, HELP_HEADER_ROW):
        for cell in help_sheet[n]:
            cell.font = Font(bold=True)
    help_sheet.column_dimensions["A"].width = 22
    help_sheet.column_dimensions["C"].width = 90

    codes = book.create_sheet(CODES_SHEET)
    for line in code_rows(agency):
        codes.append(line)
        if len(line) == 1:
            codes[codes.max_row][0].font = Font(bold=True)
    codes.column_dimensions["A"].width = 28
    codes.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
