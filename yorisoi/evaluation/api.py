"""The evaluation over HTTP (issue 6, 7): indicators, figures with trend and target, breakdowns,
the city's targets, and the committee report made in the background.

Same selectors and services as the screens; same route map (access.ROUTES "api:evaluation_…").
Figures only. A user who sees no evaluation (access.evaluation_view is None) gets 404
everywhere; an analyst gets small figures as value null, display "<5", suppressed true.
"""

from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from yorisoi import access
from yorisoi.http.errors import ErrorOut, one_or_404
from yorisoi.http.paging import PageQuery, page_of

from . import periods, selectors, services, suppression
from .indicators import INDICATORS, Indicator
from .models import ReportRun, ReportStatus

router = Router(tags=["評価（PDCA）"])

_READ_ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PERIOD_HELP = (
    "期間: 年度 FY2025（2025-04-01〜2026-03-31）、月 2025-04、範囲 2025-04-01_2025-09-30。"
    "省略時は今年度"
)


# --- schemas --------------------------------------------------------------------------------


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class IndicatorOut(Schema):
    code: str
    group: str = Field(description="計画の区分（包括的相談支援、参加支援 …）")
    label: str
    description: str = Field(description="数え方の短い説明（数値の横に表示）")
    unit: str = Field(description="count（件）/ people（人）/ days（日・中央値）/ percent（％）")
    better: str = Field(description="目標の達成の向き: higher / lower / 空（判定しない）")
    dimensions: list[str] = Field(description="内訳に使える軸（breakdown の by）")


class CellOut(Schema):
    value: float | None = Field(description="数値。少数のため非表示のとき、数値がないとき null")
    display: str = Field(description="表示用の文字列（例: 1,234 / 12.5% / <5 / —）")
    suppressed: bool = Field(description="少数のため非表示（分析担当）")


class TrendOut(CellOut):
    period: str = Field(description="期間のキー（FY2024 など）")
    label: str


class FigureOut(CellOut):
    code: str
    group: str
    label: str
    unit: str
    trend: list[TrendOut] = Field(description="前の期間から順に、この期間まで")
    target: float | None = Field(description="市の目標（年度のときだけ。市全体の表示のみ）")
    met: bool | None = Field(description="目標を達成したか（目標・数値がないときは null）")


class FiguresOut(Schema):
    period: str
    label: str
    scope: str = Field(description="市全体、または機関名（管理者）")
    suppressed: bool = Field(description="少数の数値を「<5」で表示する利用者か")
    indicators: list[FigureOut]


class FiguresQuery(Schema):
    period: str | None = Field(None, max_length=30, description=PERIOD_HELP)
    trend: int = Field(selectors.TREND_PERIODS, ge=0, le=20, description="前の期間をいくつ返すか")


class BreakdownRowOut(CellOut):
    label: str


class BreakdownOut(Schema):
    indicator: str
    period: str
    by: str
    rows: list[BreakdownRowOut]
    total: CellOut


class BreakdownQuery(Schema):
    period: str | None = Field(None, max_length=30, description=PERIOD_HELP)
    by: str = Field("agency", max_length=30, description="内訳の軸（indicators の dimensions）")


class EvaluationTargetOut(Schema):
    indicator: str
    fiscal_year: int
    value: float | None = Field(description="目標値。null は目標なし（削除した）")
    note: str = ""
    set_at: datetime | None = None


class EvaluationTargetPageOut(Schema):
    items: list[EvaluationTargetOut]
    count: int = Field(description="全件数")
    page: int
    page_size: int


class TargetQuery(Schema):
    fiscal_year: int | None = Field(None, ge=1900, le=9998, description="年度。省略時はすべて")


class EvaluationTargetIn(_In):
    value: Decimal | None = Field(
        description="目標値（0以上、小数1桁まで）。null で目標を削除",
        ge=0,
        max_digits=12,
        decimal_places=1,
    )
    note: str = Field("", max_length=200, description="目標の根拠・メモ")


class ReportIn(_In):
    format: Literal["pdf", "xlsx"]
    period: str | None = Field(None, max_length=30, description=PERIOD_HELP)
    years: int = Field(
        1, ge=1, le=services.MAX_REPORT_YEARS, description="何年度分の推移を載せるか"
    )


class ReportOut(Schema):
    id: UUID
    status: str = Field(description="queued / running / done / failed")
    percent: int = Field(description="進み具合（0〜100）")
    format: str
    period: str
    years: int
    requested_at: datetime
    finished_at: datetime | None
    error: str = Field(description="失敗したときの短い説明")
    status_url: str
    download_url: str | None = Field(description="完成したときのダウンロード先")


# --- helpers --------------------------------------------------------------------------------


def _view(user) -> access.EvaluationView:
    view = access.evaluation_view(user)
    if view is None:
        raise Http404
    return view


def _period(key: str | None) -> periods.Period:
    if not key:
        return periods.current_fiscal_year()
    try:
        return periods.parse(key)
    except periods.PeriodError as error:
        raise BadRequest("bad_period", str(error)) from error


class BadRequest(Exception):
    """A 400 with its own code and Japanese message (the shared 400 speaks of JSON)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _bad(error: BadRequest):
    return Status(400, {"code": error.code, "message": error.message, "errors": []})


def _indicator(code: str) -> Indicator:
    indicator = INDICATORS.get(code)
    if indicator is None:
        raise Http404
    return indicator


def _cell(cell: suppression.Cell) -> dict:
    value = None if cell.value is None else float(cell.value)
    return {"value": value, "display": cell.display, "suppressed": cell.suppressed}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _run_out(run: ReportRun) -> dict:
    done = run.status == ReportStatus.DONE
    return {
        "id": run.pk,
        "status": run.status,
        "percent": 100 if done else run.percent,
        "format": run.fmt,
        "period": run.params.get("period", ""),
        "years": run.params.get("years", 1),
        "requested_at": run.requested_at,
        "finished_at": run.finished_at,
        "error": run.error,
        "status_url": reverse("api:evaluation_report_status", kwargs={"run_id": run.pk}),
        "download_url": (
            reverse("api:evaluation_report_download", kwargs={"run_id": run.pk}) if done else None
        ),
    }


def _visible_run(user, run_id) -> ReportRun:
    _view(user)
    run = one_or_404(access.visible_report_runs(user).defer("content"), pk=run_id)
    return run


# --- operations -----------------------------------------------------------------------------


@router.get(
    "/evaluation/indicators",
    response={200: list[IndicatorOut], 404: ErrorOut},
    url_name="evaluation_indicators",
    summary="評価の指標の一覧",
)
def indicator_list(request):
    """計画 Ⅴ の指標。どれも記録から数えるもので、手入力の数値はありません。"""
    _view(request.auth)
    return [
        {
            "code": i.code,
            "group": str(i.group),
            "label": str(i.label),
            "description": str(i.description),
            "unit": i.unit,
            "better": i.better,
            "dimensions": i.dimensions,
        }
        for i in INDICATORS.values()
    ]


@router.get(
    "/evaluation/figures",
    response={200: FiguresOut, **_READ_ERRORS},
    url_name="evaluation_figures",
    summary="指標の数値（推移と目標つき）",
)
def figures(request, query: Query[FiguresQuery]):
    """期間の数値と、その前の期間（trend 個）の推移、市の目標と達成。福祉総務課と分析担当は
    市全体、管理者は自分の機関の数値です。分析担当には少数（既定 5 未満）を value null、
    display "<5" で返します。期間の指定が読み取れなければ 400 `bad_period`。"""
    user = request.auth
    _view(user)
    try:
        period = _period(query.period)
    except BadRequest as error:
        return _bad(error)
    board = selectors.dashboard(user, period, trend=query.trend)
    return {
        "period": period.key,
        "label": period.label,
        "scope": board.scope_label,
        "suppressed": board.suppress,
        "indicators": [
            {
                "code": line.indicator.code,
                "group": str(line.indicator.group),
                "label": str(line.indicator.label),
                "unit": line.indicator.unit,
                **_cell(line.cell),
                "trend": [{"period": p.key, "label": p.label, **_cell(c)} for p, c in line.trend],
                "target": _number(line.target),
                "met": line.met,
            }
            for _group, lines in board.groups
            for line in lines
        ],
    }


@router.get(
    "/evaluation/indicators/{code}/breakdown",
    response={200: BreakdownOut, **_READ_ERRORS},
    url_name="evaluation_breakdown",
    summary="指標の内訳（機関別・分野別・地区別 …）",
)
def breakdown(request, code: str, query: Query[BreakdownQuery]):
    """期間の数値を軸（by）ごとに。知られている項目はすべて（0も）並びます。分析担当には
    少数を "<5" で返し、合計から逆算できないよう、もう1つの項目も隠します（補完秘匿）。
    存在しない指標は 404、その指標にない軸は 400 `unknown_dimension`。"""
    user = request.auth
    _view(user)
    indicator = _indicator(code)
    try:
        period = _period(query.period)
        if query.by not in indicator.dimensions:
            raise BadRequest(
                "unknown_dimension",
                f"この指標にはその内訳はありません（{' / '.join(indicator.dimensions)}）。",
            )
    except BadRequest as error:
        return _bad(error)
    result = selectors.breakdown(user, indicator, period, query.by)
    return {
        "indicator": indicator.code,
        "period": period.key,
        "by": query.by,
        "rows": [{"label": label, **_cell(cell)} for label, cell in result.rows],
        "total": _cell(result.total),
    }


@router.get(
    "/evaluation/targets",
    response={200: EvaluationTargetPageOut, 404: ErrorOut, 422: ErrorOut},
    url_name="evaluation_targets",
    summary="市の数値目標の一覧",
)
def target_list(request, paging: Query[PageQuery], query: Query[TargetQuery]):
    """年度・指標の順。年度で絞り込めます。"""
    _view(request.auth)
    return page_of(selectors.targets(query.fiscal_year), paging)


@router.put(
    "/evaluation/targets/{code}/{int:fiscal_year}",
    response={200: EvaluationTargetOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    url_name="evaluation_target_set",
    summary="市の数値目標を設定する（福祉総務課）",
)
def target_set(request, code: str, fiscal_year: int, payload: EvaluationTargetIn):
    """福祉総務課だけが設定できます（ほかは 403）。value null で目標を削除します。前の値は
    履歴に残り、設定は監査記録に残ります。存在しない指標は 404、年度の範囲外は 422。"""
    user = request.auth
    _view(user)
    _indicator(code)
    try:
        target = services.set_target(
            actor=user,
            indicator=code,
            fiscal_year=fiscal_year,
            value=payload.value,
            note=payload.note,
            request=request,
        )
    except PermissionDenied as error:
        raise HttpError(403, "forbidden") from error
    if target is None:
        return {"indicator": code, "fiscal_year": fiscal_year, "value": None}
    return target


@router.post(
    "/evaluation/reports",
    response={202: ReportOut, **_READ_ERRORS},
    url_name="evaluation_report_create",
    summary="委員会向けの評価報告を作成する（バックグラウンド）",
)
def report_create(request, payload: ReportIn):
    """PDF か xlsx の報告書を、バックグラウンドで作ります。202 と、進み具合を見る
    status_url を返します。完成すると status_url の download_url から取得できます。
    報告書は依頼した本人だけが見られます。期間の指定が読み取れなければ 400 `bad_period`。"""
    user = request.auth
    _view(user)
    try:
        period = _period(payload.period)
    except BadRequest as error:
        return _bad(error)
    try:
        run = services.request_report(
            actor=user, fmt=payload.format, period=period, years=payload.years, request=request
        )
    except PermissionDenied as error:
        raise Http404 from error
    return Status(202, _run_out(run))


@router.get(
    "/evaluation/reports/{uuid:run_id}",
    response={200: ReportOut, 404: ErrorOut},
    url_name="evaluation_report_status",
    summary="報告書の作成状況",
)
def report_status(request, run_id: UUID):
    """status と percent（進み具合）。done になると download_url が入ります。ほかの人が
    依頼した報告書は 404。"""
    return _run_out(_visible_run(request.auth, run_id))


@router.get(
    "/evaluation/reports/{uuid:run_id}/file",
    response={200: None, 404: ErrorOut, 409: ErrorOut},
    url_name="evaluation_report_download",
    summary="完成した報告書のダウンロード",
)
def report_download(request, run_id: UUID):
    """完成した報告書のファイル（添付）。取り出したことは監査記録に残ります。まだできて
    いなければ 409 `report_not_ready`。ほかの人が依頼した報告書は 404。"""
    user = request.auth
    run = _visible_run(user, run_id)
    if run.status != ReportStatus.DONE:
        return Status(
            409,
            {
                "code": "report_not_ready",
                "message": "報告書はまだできていません。",
                "errors": [],
            },
        )
    content = ReportRun.objects.values_list("content", flat=True).get(pk=run.pk)
    services.export_recorded(
        actor=user,
        what="report",
        fmt=run.fmt,
        period=periods.parse(run.params["period"]),
        request=request,
        years=run.params.get("years", 1),
        run=str(run.pk),
    )
    response = HttpResponse(bytes(content), content_type=CONTENT_TYPES[run.fmt])
    response["Content-Disposition"] = f'attachment; filename="{run.filename}"'
    response["Cache-Control"] = "no-store"
    return response
