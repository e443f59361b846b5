from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from yorisoi.reports import Chart, Report, Section, Table

# Fictional figures only.
FIGURES = Table(
    title="相談受付件数（機関別）",
    columns=["機関", "2024年度", "2025年度"],
    rows=[
        ["地域包括支援センター北", 1234, 1302],
        ["社会福祉協議会", "<5", 12],
        ["=1+2", "-3", -3],
        ["平均日数", 12.5, None],
    ],
    notes=["5件未満は「<5」と表示しています。"],
)


@pytest.fixture
def table() -> Table:
    return FIGURES


@pytest.fixture
def bar_chart() -> Chart:
    return Chart(
        kind="bar",
        title="相談受付件数（年度別）",
        categories=["2023年度", "2024年度", "2025年度"],
        series=[("新規相談", [120, None, 150.5]), ("継続相談", [80, 95, None])],
        y_label="件数",
        target=[None, 130, 140],
    )


@pytest.fixture
def line_chart() -> Chart:
    return Chart(
        kind="line",
        title="受付から引受までの日数（中央値）",
        categories=["2022年度", "2023年度", "2024年度", "2025年度"],
        series=[("全体", [12, None, 8, 7]), ("複合課題", [15, 14, None, 9])],
        y_label="日数",
        target=[10, 10, 9, None],
    )


@pytest.fixture
def report(table, bar_chart, line_chart) -> Report:
    return Report(
        title="重層的支援体制整備事業 評価報告（2025年度）",
        subtitle="地域福祉計画検討委員会 資料",
        generated_at=datetime(2026, 4, 15, 10, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
        sections=[
            Section("相談受付件数", "新規・継続の相談を受け付けた件数です。", table, bar_chart),
            Section("引受までの日数", "初回相談から引受までの日数の中央値です。", None, line_chart),
        ],
    )
