"""The evaluation as a user may see it: figures for a period with their trend and target, the
breakdowns behind them, and the committee report (reports.Report). Every read starts from
access.evaluation_view(user): whose records count (city or agency) and whether small figures
are hidden. Figures only — no record of any person is ever read out of this module.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.directory.models import Agency

from . import suppression
from .indicators import DIMENSIONS, GROUPS, INDICATORS, Figure, Indicator, Scope
from .models import Target
from .periods import Period

TREND_PERIODS = 4  # the period itself and the 4 before it


class NoEvaluation(Exception):
    """The user sees no evaluation (views answer 404)."""


@dataclass
class Line:
    """One indicator on the dashboard."""

    indicator: Indicator
    cell: suppression.Cell
    trend: list[tuple[Period, suppression.Cell]]
    target: Decimal | None = None
    met: bool | None = None  # None: no target, no figure, or the indicator has no direction


@dataclass
class Dashboard:
    period: Period
    scope_label: str
    suppress: bool
    groups: list[tuple[str, list[Line]]] = field(default_factory=list)


@dataclass
class Breakdown:
    indicator: Indicator
    dimension: str
    period: Period
    rows: list[tuple[str, suppression.Cell]]
    total: suppression.Cell


def view_of(user) -> access.EvaluationView:
    """What `user` sees of the evaluation (a view given is taken as it is)."""
    if isinstance(user, access.EvaluationView):
        return user
    view = access.evaluation_view(user)
    if view is None:
        raise NoEvaluation
    return view


def scope_label(view: access.EvaluationView) -> str:
    if view.agency_id is None:
        return _("市全体")

    return Agency.objects.get(pk=view.agency_id).name


def targets(fiscal_year: int | None = None) -> QuerySet:
    """The city's targets (figures, no personal data: everyone who sees the evaluation may
    read them), by year then indicator."""
    rows = Target.objects.order_by("fiscal_year", "indicator")
    return rows if fiscal_year is None else rows.filter(fiscal_year=fiscal_year)


def targets_for(years) -> dict[tuple[str, int], Decimal]:
    return {
        (t.indicator, t.fiscal_year): t.value
        for t in Target.objects.filter(fiscal_year__in=list(years))
    }


def met(indicator: Indicator, value, target) -> bool | None:
    if value is None or target is None or not indicator.better:
        return None
    if indicator.better == "higher":
        return Decimal(str(value)) >= target
    return Decimal(str(value)) <= target


def lines(view, periods: list[Period], indicators=None) -> list[Line]:
    """Each indicator over `periods` (oldest first; the last is the one shown)."""
    scope = Scope(view.agency_id)
    city = view.agency_id is None
    years = {p.start.year for p in periods if p.kind == "fiscal_year"}
    targets = targets_for(years) if city else {}
    out = []
    for indicator in indicators or INDICATORS.values():
        cells = indicator.compute(scope, periods)
        shown = [
            suppression.single(c.get(None), indicator.unit, suppress=view.suppress) for c in cells
        ]
        period = periods[-1]
        target = (
            targets.get((indicator.code, period.start.year))
            if period.kind == "fiscal_year"
            else None
        )
        out.append(
            Line(
                indicator=indicator,
                cell=shown[-1],
                trend=list(zip(periods, shown, strict=True)),
                target=target,
                met=met(indicator, shown[-1].value, target),
            )
        )
    return out


def dashboard(user, period: Period, *, trend: int = TREND_PERIODS) -> Dashboard:
    view = view_of(user)
    periods = [*period.previous(trend), period]
    by_group: dict = {g: [] for g in GROUPS}
    for line in lines(view, periods):
        by_group[line.indicator.group].append(line)
    return Dashboard(
        period=period,
        scope_label=scope_label(view),
        suppress=view.suppress,
        groups=[(str(g), ls) for g, ls in by_group.items() if ls],
    )


def breakdown(user, indicator: Indicator, period: Period, dimension: str) -> Breakdown:
    """The figure of `period` by `dimension`, every known key listed (zeros included, so that
    a missing row never hints at anything), then keys with no name (「未設定」)."""
    view = view_of(user)
    if dimension not in indicator.dimensions:
        raise ValueError(dimension)
    scope = Scope(view.agency_id)
    cells = indicator.compute(scope, [period], dimension)[0]
    total = indicator.compute(scope, [period])[0].get(None)
    dim = DIMENSIONS[dimension]
    names = dim.names()
    if view.agency_id is not None and dimension == "agency":
        names = {k: v for k, v in names.items() if k == view.agency_id or k in cells}
    zero = _zero(indicator)
    figures = {key: cells.get(key, zero) for key in names}
    for key in cells:
        if key not in figures:
            figures[key] = cells[key]
    additive = indicator.unit in ("count", "people") and not dim.multi
    shown, total_cell = suppression.table(
        figures, total, indicator.unit, suppress=view.suppress, additive=additive
    )
    rows = [(str(names.get(key, _("未設定"))), shown[key]) for key in figures]
    return Breakdown(indicator, dimension, period, rows, total_cell)


def _zero(indicator):

    if indicator.unit in ("count", "people"):
        return Figure(0, 0)
    return Figure(None, 0)


def generated_at():
    return timezone.localtime()
