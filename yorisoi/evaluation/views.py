"""Screens of the yearly evaluation (PDCA, 計画 Ⅴ): the dashboard, an indicator's page with its
breakdowns, charts (PNG) and table files, the city's targets, and the committee report made in
the background.

Figures only, always through selectors (which start from access.evaluation_view): a manager sees
their agency, the coordinator and analysts the city, analysts with small figures as "<5". Every
file that leaves (a table, a report) is audited with services.export_recorded.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from yorisoi import access, reports
from yorisoi.http.errors import one_or_404
from yorisoi.http.forms import add_errors

from . import periods, selectors, services, tasks
from .forms import PeriodForm, ReportForm, TargetForm
from .indicators import DIMENSIONS, GROUPS, INDICATORS, Indicator
from .models import ReportStatus
from .tables import (
    CHART_UNITS,
    all_in_one,
    breakdown_table,
    cell_text,
    group_chart,
    group_chart_alt,
    group_tables,
    indicator_chart,
    row,
    target_text,
    trend_table,
    unit_label,
)

CHART_CACHE = "private, max-age=300"


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _view(user):
    try:
        return selectors.view_of(user)
    except selectors.NoEvaluation as error:
        raise Http404 from error


def _period(request) -> tuple[periods.Period, PeriodForm]:
    """The period asked for (?period=KEY, or the picker's fields) and the picker to show. A
    bad period leaves the error on the picker and falls back to the current fiscal year."""
    default = periods.current_fiscal_year()
    if "kind" in request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid() and form.period is not None:
            return form.period, form
        return default, form
    key = request.GET.get("period", "")
    if not key:
        return default, PeriodForm.showing(default)
    try:
        period = periods.parse(key)
    except periods.PeriodError as error:
        return default, PeriodForm.showing(default, error=str(error))
    return period, PeriodForm.showing(period)


def _picked(request, period, form):
    """After the picker was used, the same page at its short address (?period=KEY)."""
    if "kind" in request.GET and form.is_bound and form.is_valid():
        query = {"period": period.key}
        if request.GET.get("by"):
            query["by"] = request.GET["by"]
        return redirect(f"{request.path}?{urlencode(query)}")
    return None


def _strict_period(request) -> periods.Period:
    key = request.GET.get("period", "")
    return periods.parse(key) if key else periods.current_fiscal_year()


def _indicator(code) -> Indicator:
    indicator = INDICATORS.get(code)
    if indicator is None:
        raise Http404
    return indicator


def _dashboard_page(request, period, period_form, report_form, *, status=200):
    dashboard = selectors.dashboard(request.user, period)
    groups = [
        {
            "index": index,
            "name": name,
            "rows": [row(line) for line in lines],
            "periods": [p for p, _c in lines[0].trend[:-1]],
            "chart_alt": group_chart_alt(name, period),
            "has_chart": any(line.indicator.unit in CHART_UNITS for line in lines),
        }
        for index, (name, lines) in enumerate(dashboard.groups)
    ]
    return render(
        request,
        "evaluation/dashboard.html",
        {
            "dashboard": dashboard,
            "period": period,
            "groups": groups,
            "form": period_form,
            "report_form": report_form,
            "is_city": _view(request.user).agency_id is None,
            "can_set_targets": access.can_set_targets(request.user),
        },
        status=status,
    )


@require_GET
def dashboard(request):
    _view(request.user)
    period, form = _period(request)
    moved = _picked(request, period, form)
    if moved:
        return moved
    report_form = ReportForm(initial={"period": period.key})
    return _dashboard_page(request, period, form, report_form)


@require_GET
def indicator(request, code):
    view = _view(request.user)
    item = _indicator(code)
    period, form = _period(request)
    moved = _picked(request, period, form)
    if moved:
        return moved
    dimension = request.GET.get("by") or item.dimensions[0]
    if dimension not in item.dimensions:
        dimension = item.dimensions[0]
    shown = [*period.previous(selectors.TREND_PERIODS), period]
    line = selectors.lines(view, shown, [item])[0]
    result = selectors.breakdown(request.user, item, period, dimension)
    return render(
        request,
        "evaluation/indicator.html",
        {
            "item": item,
            "period": period,
            "form": form,
            "row": row(line),
            "trend": [(p, cell_text(item, c), c.suppressed) for p, c in line.trend],
            "dimensions": [(d, DIMENSIONS[d].label) for d in item.dimensions],
            "dimension": dimension,
            "dimension_label": DIMENSIONS[dimension].label,
            "breakdown": [(label, cell_text(item, c), c.suppressed) for label, c in result.rows],
            "total": cell_text(item, result.total),
            "total_suppressed": result.total.suppressed,
            "unit_label": unit_label(item),
            "scope_label": selectors.scope_label(view),
            "suppress": view.suppress,
            "chart_alt": gettext(
                "%(indicator)sの%(first)sから%(last)sまでの推移の折れ線グラフ"
                "（目標があれば破線）。数値はグラフの下の表にあります。"
            )
            % {"indicator": item.label, "first": shown[0].label, "last": period.label},
        },
    )


@require_GET
def chart(request):
    """A chart as PNG. The address holds codes and a period key only, never personal data."""
    view = _view(request.user)
    try:
        period = _strict_period(request)
    except periods.PeriodError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    if "indicator" in request.GET:
        drawing = indicator_chart(view, _indicator(request.GET["indicator"]), period)
    else:
        group = request.GET.get("group", "")
        if not (group.isascii() and group.isdigit() and int(group) < len(GROUPS)):
            raise Http404
        drawing = group_chart(view, int(group), period)
    response = HttpResponse(reports.chart_png(drawing), content_type="image/png")
    response["Cache-Control"] = CHART_CACHE
    return response


def _attachment(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def table_export(request, code, fmt):
    """A table as CSV or xlsx: one indicator's trend (and breakdown with ?by=), or with code
    "all" every figure of the dashboard. Small figures stay "<5" for analysts."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    view = _view(request.user)
    try:
        period = _strict_period(request)
    except periods.PeriodError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    by = request.GET.get("by", "")
    if code == "all":
        dashboard = selectors.dashboard(request.user, period)
        tables = group_tables(dashboard) if fmt == "xlsx" else [all_in_one(dashboard)]
        by = ""
    else:
        item = _indicator(code)
        if by and by not in item.dimensions:
            raise Http404
        shown = [*period.previous(selectors.TREND_PERIODS), period]
        tables = [trend_table(item, selectors.lines(view, shown, [item])[0])]
        if by:
            result = selectors.breakdown(request.user, item, period, by)
            tables = (
                [breakdown_table(result), *tables] if fmt == "xlsx" else [breakdown_table(result)]
            )
    content = reports.table_csv(tables[0]) if fmt == "csv" else reports.tables_xlsx(tables)
    services.export_recorded(
        actor=request.user, what=code, fmt=fmt, period=period, request=request, by=by
    )
    name = "-".join(part for part in ("yorisoi", code, period.key, by) if part)
    return _attachment(content, fmt, f"{name}.{fmt}")


def _year(value) -> int | None:
    if (
        isinstance(value, str)
        and value.isascii()
        and value.isdigit()
        and 1900 <= int(value) <= 9998
    ):
        return int(value)
    return None


def _targets_page(request, year, form, *, status=200, year_error=""):
    view = _view(request.user)
    period = periods.fiscal_year(year)
    lines = selectors.lines(view, [period])
    if view.agency_id is not None:  # a manager sees the city's targets next to their figure
        values = selectors.targets_for([year])
        for line in lines:
            line.target = values.get((line.indicator.code, year))
    notes = dict(selectors.targets(year).values_list("indicator", "note"))
    groups = []
    for group in GROUPS:
        rows = [
            {**row(line), "note": notes.get(line.indicator.code, "")}
            for line in lines
            if line.indicator.group == group
        ]
        groups.append({"name": str(group), "rows": rows})
    return render(
        request,
        "evaluation/targets.html",
        {
            "year": year,
            "period": period,
            "groups": groups,
            "form": form,
            "year_choices": form.fields["fiscal_year"].choices,
            "year_error": year_error,
            "scope_label": selectors.scope_label(view),
            "is_city": view.agency_id is None,
            "can_set_targets": access.can_set_targets(request.user),
        },
        status=status,
    )


@require_GET
def targets(request):
    _view(request.user)
    current = periods.current_fiscal_year().start.year
    raw = request.GET.get("fiscal_year", "")
    year = _year(raw) if raw else current
    error = ""
    if year is None:
        year, error = current, gettext("年度は1900から9998の間で指定してください。")
    initial = {"fiscal_year": year}
    if request.GET.get("indicator") in INDICATORS:
        initial["indicator"] = request.GET["indicator"]
    return _targets_page(request, year, TargetForm(initial=initial), year_error=error)


@require_POST
def target_set(request):
    """The coordinator's target for one indicator and year (the route admits no one else;
    services.set_target checks again)."""
    form = TargetForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_target(
                actor=request.user,
                indicator=data["indicator"],
                fiscal_year=data["fiscal_year"],
                value=data["value"],
                note=data["note"],
                request=request,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                gettext("%(year)s年度の「%(indicator)s」の目標を%(value)sにしました。")
                % {
                    "year": data["fiscal_year"],
                    "indicator": INDICATORS[data["indicator"]].label,
                    "value": target_text(INDICATORS[data["indicator"]], data["value"]),
                },
            )
            url = reverse("evaluation:targets")
            return redirect(f"{url}?{urlencode({'fiscal_year': data['fiscal_year']})}")
    year = _year(request.POST.get("fiscal_year")) or periods.current_fiscal_year().start.year
    return _targets_page(request, year, form, status=422)


@require_POST
def report_new(request):
    form = ReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            run = services.request_report(
                actor=request.user,
                fmt=data["fmt"],
                period=data["period"],
                years=data["years"],
                request=request,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("evaluation:report_status", run_id=run.pk)
    period = form.cleaned_data.get("period") or periods.current_fiscal_year()
    return _dashboard_page(request, period, PeriodForm.showing(period), form, status=422)


def _run(request, run_id, **filters):
    run = one_or_404(access.visible_report_runs(request.user), pk=run_id, **filters)
    return run


def _run_period_label(run) -> str:
    try:
        return periods.parse(run.params.get("period", "")).label
    except periods.PeriodError:
        return ""


@require_GET
def report_status(request, run_id):
    """The run's progress; htmx asks for the fragment every second until it is done or failed."""
    run = _run(request, run_id)
    context = {
        "run": run,
        "finished": run.status in (ReportStatus.DONE, ReportStatus.FAILED),
        "period_label": _run_period_label(run),
        "years": run.params.get("years"),
        "keep_days": tasks.keep_days(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "evaluation/_report_status.html", context)
    return render(request, "evaluation/report_status.html", context)


@require_GET
def report_download(request, run_id):
    run = _run(request, run_id, status=ReportStatus.DONE)
    if not run.content or run.fmt not in ("pdf", "xlsx"):
        raise Http404
    try:
        period = periods.parse(run.params.get("period", ""))
    except periods.PeriodError:
        period = periods.current_fiscal_year()
    services.export_recorded(
        actor=request.user, what="report", fmt=run.fmt, period=period, request=request,
        run=str(run.pk), years=run.params.get("years"),
    )  # fmt: skip
    filename = run.filename if run.filename.isascii() and run.filename else ""
    filename = filename.replace('"', "") or f"yorisoi-report-{period.key}.{run.fmt}"
    return _attachment(bytes(run.content), run.fmt, filename)
