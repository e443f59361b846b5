"""How a figure reads, and the tables and charts of the evaluation, shared by the screens and the
files (CSV, xlsx, PDF): one shape for both, so a download never says more than the page.
"""

from decimal import Decimal

from django.utils.translation import gettext

from yorisoi import reports

from . import periods, selectors
from .forms import DIRECTION
from .indicators import DIMENSIONS, GROUPS, INDICATORS, Indicator

CHART_UNITS = ("count", "people")  # a group's chart compares counts only


SUFFIX = {"days": "日", "percent": "%"}


def target_text(indicator: Indicator, value: Decimal | None) -> str:
    if value is None:
        return ""
    text = reports.format_number(float(value))
    if indicator.unit == "days":
        return gettext("%(days)s日") % {"days": text}
    if indicator.unit == "percent":
        return f"{text}%"
    return text


def cell_text(indicator: Indicator, cell) -> str:
    if cell.value is not None and indicator.unit == "days":
        return gettext("%(days)s日") % {"days": cell.display}
    return cell.display


def file_cell(cell):
    """A figure in a file: the number itself, "<5" when hidden, empty when there is none."""
    if cell.suppressed:
        return cell.display
    return cell.value


def met_text(met) -> str:
    if met is None:
        return ""
    return gettext("○ 達成") if met else gettext("× 未達成")


def row(line: selectors.Line) -> dict:
    indicator = line.indicator
    return {
        "indicator": indicator,
        "figure": cell_text(indicator, line.cell),
        "suppressed": line.cell.suppressed,
        "target": target_text(indicator, line.target),
        "met": line.met,
        "met_text": met_text(line.met),
        "direction": DIRECTION[indicator.better],
        "trend": [(p, cell_text(indicator, c), c.suppressed) for p, c in line.trend[:-1]],
    }


def unit_label(indicator: Indicator) -> str:
    return {
        "count": gettext("件数"),
        "people": gettext("人数"),
        "days": gettext("日数"),
        "percent": gettext("割合（％）"),
    }[indicator.unit]


def trend_table(indicator: Indicator, line: selectors.Line) -> reports.Table:
    return reports.Table(
        title=gettext("%(indicator)sの推移") % {"indicator": indicator.label},
        columns=[gettext("期間"), unit_label(indicator), gettext("目標"), gettext("達成")],
        rows=[
            [
                period.label,
                file_cell(cell),
                float(line.target)
                if line.target is not None and period == line.trend[-1][0]
                else None,
                met_text(line.met) if period == line.trend[-1][0] else "",
            ]
            for period, cell in line.trend
        ],
        notes=[str(indicator.description)],
    )


def breakdown_table(result: selectors.Breakdown) -> reports.Table:
    indicator = result.indicator
    dimension = DIMENSIONS[result.dimension]
    return reports.Table(
        title=gettext("%(indicator)s（%(dimension)s別・%(period)s）")
        % {
            "indicator": indicator.label,
            "dimension": dimension.label,
            "period": result.period.label,
        },
        columns=[str(dimension.label), unit_label(indicator)],
        rows=[[label, file_cell(cell)] for label, cell in result.rows]
        + [[gettext("合計"), file_cell(result.total)]],
        notes=[str(indicator.description)],
    )


def group_tables(dashboard: selectors.Dashboard) -> list[reports.Table]:
    tables = []
    for group, lines in dashboard.groups:
        periods_shown = [p for p, _c in lines[0].trend]
        columns = [
            gettext("指標"),
            gettext("単位"),
            *[p.label for p in periods_shown],
            gettext("目標"),
            gettext("達成"),
            gettext("説明"),
        ]
        rows = [
            [
                str(line.indicator.label),
                unit_label(line.indicator),
                *[file_cell(c) for _p, c in line.trend],
                float(line.target) if line.target is not None else None,
                met_text(line.met),
                str(line.indicator.description),
            ]
            for line in lines
        ]
        tables.append(
            reports.Table(
                title=gettext("%(group)s（%(scope)s・%(period)s）")
                % {
                    "group": group,
                    "scope": dashboard.scope_label,
                    "period": dashboard.period.label,
                },
                columns=columns,
                rows=rows,
            )
        )
    return tables


def all_in_one(dashboard: selectors.Dashboard) -> reports.Table:
    """Every group's table as one (CSV has a single table): the group in the first column."""
    tables = group_tables(dashboard)
    rows = [
        [group, *row]
        for (group, _lines), table in zip(dashboard.groups, tables, strict=True)
        for row in table.rows
    ]
    return reports.Table(
        title=gettext("評価指標の一覧（%(scope)s・%(period)s）")
        % {"scope": dashboard.scope_label, "period": dashboard.period.label},
        columns=[gettext("区分"), *tables[0].columns],
        rows=rows,
    )


def chart_value(cell):
    return None if cell.value is None else float(cell.value)


def indicator_chart(view, indicator: Indicator, period: periods.Period) -> reports.Chart:
    shown = [*period.previous(selectors.TREND_PERIODS), period]
    line = selectors.lines(view, shown, [indicator])[0]
    target = None
    if view.agency_id is None:  # the city's targets; a manager's figure is one agency's
        years = {p.start.year: p for p in shown if p.kind == "fiscal_year"}
        targets = selectors.targets_for(years)
        values = [
            targets.get((indicator.code, p.start.year)) if p.kind == "fiscal_year" else None
            for p in shown
        ]
        if any(v is not None for v in values):
            target = [None if v is None else float(v) for v in values]
    return reports.Chart(
        kind="line",
        title=str(indicator.label),
        categories=[p.label for p in shown],
        series=[(str(indicator.label), [chart_value(c) for _p, c in line.trend])],
        y_label=unit_label(indicator),
        target=target,
    )


def group_chart(view, group_index: int, period: periods.Period) -> reports.Chart:
    group = GROUPS[group_index]
    members = [i for i in INDICATORS.values() if i.group == group and i.unit in CHART_UNITS]
    shown = [*period.previous(1), period]
    lines = selectors.lines(view, shown, members)
    has_target = any(line.target is not None for line in lines)
    return reports.Chart(
        kind="bar",
        title=str(group),
        categories=[str(line.indicator.label) for line in lines],
        series=[
            (p.label, [chart_value(line.trend[index][1]) for line in lines])
            for index, p in enumerate(shown)
        ],
        y_label=gettext("件数・人数"),
        target=[None if line.target is None else float(line.target) for line in lines]
        if has_target
        else None,
    )


def group_chart_alt(group: str, period: periods.Period) -> str:
    previous = period.previous(1)[0]
    return gettext(
        "%(group)sの件数・人数の棒グラフ（%(previous)sと%(period)sの比較、目標があれば破線）。"
        "数値はグラフの下の表にあります。"
    ) % {"group": group, "previous": previous.label, "period": period.label}
