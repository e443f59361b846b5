"""Rendering of evaluation reports (issue 6): charts as PNG, tables as CSV/xlsx, the committee
report as xlsx and PDF. Input is the neutral structure in `document.py`; nothing here reads the
database, so callers decide who may see which figures and audit the export."""

from .charts import chart_png
from .document import Chart, Report, Section, Table, format_number
from .pdf import report_pdf
from .sheets import neutralise, report_xlsx, sheet_name, table_csv, tables_xlsx

__all__ = [
    "Chart",
    "Report",
    "Section",
    "Table",
    "chart_png",
    "format_number",
    "neutralise",
    "report_pdf",
    "report_xlsx",
    "sheet_name",
    "table_csv",
    "tables_xlsx",
]
