"""The committee report (地域福祉計画検討委員会等, 計画 Ⅴ): every indicator over the fiscal years
up to the period, with the city's targets and whether each was met, then the breakdowns of the
period. Built as the neutral reports.Report, rendered by yorisoi.reports as PDF or xlsx.

Figures only, as the user may see them (access.evaluation_view): a manager's report counts
their agency's records, an analyst's shows small figures as "<5". Each indicator is computed
over all years in one query (selectors.lines); each breakdown is selectors.breakdown.
"""

from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from yorisoi import reports

from . import selectors
from .indicators import DIMENSIONS, GROUPS, INDICATORS, Indicator
from .periods import Period, fiscal_year, fiscal_year_of

# The breakdowns the committee reads (DOMAIN.md "What the city measures"): indicator code →
# dimensions, in the order shown. Others stay on the dashboard, where each can be opened.
REPORT_BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "consultations": ("agency", "domain", "channel", "consulter", "district"),
    "referrals_sent": ("agency", "referral_kind"),
    "referrals_accepted": ("agency",),
    "meetings_held": ("meeting_type", "purpose"),
    "outreach_targets": ("outreach_category", "district"),
    "outreach_stage_reached": ("stage",),
    "placements_started": ("agency",),
    "resource_gaps": ("resource_category", "district"),
    "community_activities": ("program", "district"),
    "community_participants": ("program",),
}

MET, NOT_MET, NO_MARK = "○", "×", "—"

Progress = Callable[[int, int], None]


def trend_years(period: Period, years: int) -> list[Period]:
    """The `years` fiscal years up to the one `period` falls in (the period's end), oldest first."""
    last = period if period.kind == "fiscal_year" else fiscal_year(fiscal_year_of(period.last_day))
    return [*last.previous(max(1, years) - 1), last]


def breakdowns_of(period: Period) -> list[tuple[Indicator, str]]:
    out = []
    for code, dims in REPORT_BREAKDOWNS.items():
        indicator = INDICATORS.get(code)
        if indicator is None:
            continue
        out.extend((indicator, dim) for dim in dims if dim in indicator.dimensions)
    return out


def build(user_or_view, period: Period, years: int, progress: Progress | None = None):
    """The committee report of `period` as reports.Report. `progress(done, total)` is called
    after each step (one indicator, one breakdown). Raises selectors.NoEvaluation."""
    view = selectors.view_of(user_or_view)
    city = view.agency_id is None
    fys = trend_years(period, years)
    tables = breakdowns_of(period)
    ordered = [i for g in GROUPS for i in INDICATORS.values() if i.group == g]
    total = len(ordered) + len(tables)
    done = 0

    def step():
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    targets = selectors.targets_for(p.start.year for p in fys) if city else {}
    sections = []
    for indicator in ordered:
        (line,) = selectors.lines(view, fys, [indicator])
        sections.append(_trend_section(line, targets, city))
        step()

    # The breakdowns: selectors.breakdown, the same rows and suppression as the screens.
    # (Given a view rather than a user, this needs selectors.view_of to pass views through.)
    for indicator, dim in tables:
        result = selectors.breakdown(user_or_view, indicator, period, dim)
        sections.append(_breakdown_section(result))
        step()

    scope = selectors.scope_label(view)
    subtitle = _("%(scope)s（%(first)s〜%(last)s）") % {
        "scope": scope,
        "first": fys[0].label,
        "last": fys[-1].label,
    }
    if view.suppress:
        subtitle += " " + _("少数のため一部の数値を「<5」で表示しています")
    return reports.Report(
        title=_("重層的支援体制整備事業 評価報告（%(period)s）") % {"period": period.label},
        subtitle=subtitle,
        generated_at=selectors.generated_at(),
        sections=sections,
    )


def steps_of(period: Period) -> int:
    """How many steps build() reports (for a progress bar before it starts)."""
    return len(INDICATORS) + len(breakdowns_of(period))


# --- sections -----------------------------------------------------------------------------------


def _figure_heading(indicator: Indicator) -> str:
    if indicator.unit == "percent":
        return _("実績（％）")
    if indicator.unit == "days":
        return _("実績（日）")
    return _("実績")


def _cell(cell):
    """A table cell: the number, "<5" when hidden, None ("—") when there is nothing."""
    if cell.suppressed:
        return cell.display
    return cell.value


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _trend_section(line: selectors.Line, targets: dict, city: bool) -> reports.Section:
    indicator = line.indicator
    columns = [_("年度"), _figure_heading(indicator)]
    if city:
        columns += [_("目標"), _("達成")]
    rows, values, goals = [], [], []
    for period, cell in line.trend:
        target = targets.get((indicator.code, period.start.year))
        row = [period.label, _cell(cell)]
        if city:
            met = selectors.met(indicator, cell.value, target)
            row += [_number(target), NO_MARK if met is None else (MET if met else NOT_MET)]
        rows.append(row)
        values.append(None if cell.value is None else float(cell.value))
        goals.append(None if target is None else float(target))
    heading = f"{indicator.group}: {indicator.label}"
    notes = []
    if city and not indicator.better:
        notes.append(_("この指標は増減の良し悪しを決めないため、達成は判定しません。"))
    chart = reports.Chart(
        kind="line" if indicator.unit in ("days", "percent") else "bar",
        title=str(indicator.label),
        categories=[p.label for p, _c in line.trend],
        series=[(_("実績"), values)],
        y_label=_unit_label(indicator),
        target=goals if any(g is not None for g in goals) else None,
    )
    return reports.Section(
        heading=heading,
        description=str(indicator.description),
        table=reports.Table(title=_("年度別の推移"), columns=columns, rows=rows, notes=notes),
        chart=chart,
    )


def _unit_label(indicator: Indicator) -> str:
    return {
        "percent": _("％"),
        "days": _("日"),
        "people": _("人"),
    }.get(indicator.unit, _("件"))


def _breakdown_section(result: selectors.Breakdown) -> reports.Section:
    indicator = result.indicator
    dim_label = str(DIMENSIONS[result.dimension].label)
    heading = _("内訳: %(indicator)s（%(dimension)s別・%(period)s）") % {
        "indicator": indicator.label,
        "dimension": dim_label,
        "period": result.period.label,
    }
    rows = [[label, _cell(cell)] for label, cell in result.rows]
    rows.append([_("合計"), _cell(result.total)])
    notes = []
    if DIMENSIONS[result.dimension].multi:
        notes.append(_("1件が複数に当てはまることがあるため、内訳の和は合計と一致しません。"))
    return reports.Section(
        heading=heading,
        table=reports.Table(
            title=_("%(dimension)s別") % {"dimension": dim_label},
            columns=[dim_label, _figure_heading(indicator)],
            rows=rows,
            notes=notes,
        ),
    )
