"""The neutral report structure that every export format renders.

The evaluation app (issue 6) builds a `Report`; `yorisoi.reports` turns it into PNG charts,
CSV, xlsx and PDF without knowing where the figures came from. Figures arrive already
suppressed: a small cell is the string "<5" in a table and `None` in a chart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

# progress(done, total): called by the renderers after each section (charts take the time).
Progress = Callable[[int, int], None]

Cell = str | int | float | None


@dataclass
class Chart:
    kind: Literal["bar", "line"]
    title: str
    categories: list[str]  # x axis labels (e.g. 2024年度, 2025年度 or agency names)
    series: list[tuple[str, list[float | None]]]  # (name, values); None = no data / suppressed
    y_label: str = ""
    target: list[float | None] | None = None  # optional target per category


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Cell]]  # cells may be the string "<5" (suppressed)
    notes: list[str] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    description: str = ""  # short Japanese description of the indicator
    table: Table | None = None
    chart: Chart | None = None


@dataclass
class Report:
    title: str  # e.g. 「重層的支援体制整備事業 評価報告（2025年度）」
    subtitle: str = ""
    generated_at: datetime | None = None
    sections: list[Section] = field(default_factory=list)


def format_number(value: int | float) -> str:
    """How a figure reads in a chart label or a PDF table: 1,234 / 12.5 / 0.25.

    Integral values lose the ".0"; other values keep at most two decimals.
    """
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"
