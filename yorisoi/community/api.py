"""community over HTTP: programs ア–オ, sites, activities and trainings (counts only), and the
per-program, per-fiscal-year summary the yearly PDCA evaluation reads.

Same services as the screens; same route map (access.ROUTES "api:community_…").
"""

from datetime import date
from typing import Literal
from uuid import UUID

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from yorisoi import access
from yorisoi.directory.models import Area
from yorisoi.http.errors import ErrorOut, one_or_404
from yorisoi.http.paging import PageQuery, page_of
from yorisoi.http.validation import RowId

from . import selectors, services
from .models import ActivityKind, CommunityProgram

router = Router(tags=["地域づくり"])

_ERRORS = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
_READ_ERRORS = {404: ErrorOut, 422: ErrorOut}
KINDS = Literal[tuple(k.value for k in ActivityKind)]  # type: ignore[valid-type]


# --- schemas --------------------------------------------------------------------------------


class _In(Schema):
    # A misspelt field would otherwise be dropped without a word and its value lost.
    model_config = ConfigDict(extra="forbid")


class ProgramOut(Schema):
    code: str
    letter: str = Field(description="計画の記号（ア〜オ）")
    name: str
    operators: str = Field(description="実施主体")
    description: str
    training_names: list[str] = Field(description="養成講座の名称の候補")


class SiteOut(Schema):
    id: int
    code: str
    program: str = Field(description="事業コード")
    name: str
    kind: str = Field(description="拠点の種類")
    area: str | None = Field(description="地域コード（北・中・南）")
    district: str | None = Field(description="地区コード")
    active: bool

    @staticmethod
    def resolve_program(obj):
        return obj.program.code

    @staticmethod
    def resolve_area(obj):
        return obj.area.code if obj.area_id else None

    @staticmethod
    def resolve_district(obj):
        return obj.district.code if obj.district_id else None


class SitePageOut(Schema):
    items: list[SiteOut]
    count: int = Field(description="全件数")
    page: int
    page_size: int


class ActivityOut(Schema):
    id: UUID
    site_id: int
    held_on: date
    fiscal_year: int = Field(description="年度（4月〜翌3月）")
    kind: str = Field(description=" / ".join(f"{k.value}（{k.label}）" for k in ActivityKind))
    participants: int
    volunteers: int
    note: str
    cancelled: bool = Field(description="取り消し（集計に含めない）")
    cancel_reason: str
    agency: str = Field(description="記録した機関のコード")
    version: int = Field(description="訂正のときに送り返す版番号（楽観的排他制御）")

    @staticmethod
    def resolve_agency(obj):
        return obj.agency.code


class ActivityPageOut(Schema):
    items: list[ActivityOut]
    count: int = Field(description="全件数")
    page: int
    page_size: int


class TrainingOut(Schema):
    id: UUID
    program: str = Field(description="事業コード")
    name: str
    held_on: date
    fiscal_year: int
    people_trained: int
    note: str
    cancelled: bool
    cancel_reason: str
    agency: str = Field(description="記録した機関のコード")
    version: int

    @staticmethod
    def resolve_program(obj):
        return obj.program.code

    @staticmethod
    def resolve_agency(obj):
        return obj.agency.code


class TrainingPageOut(Schema):
    items: list[TrainingOut]
    count: int = Field(description="全件数")
    page: int
    page_size: int


class SiteQuery(Schema):
    program: str | None = Field(None, description="事業コード")
    area: str | None = Field(None, description="地域コード")
    active: bool | None = Field(None, description="true: 現在の拠点だけ")


class YearQuery(Schema):
    fiscal_year: int | None = Field(
        None,
        ge=1900,
        le=2999,
        description="年度（例: 2025 は 2025-04-01〜2026-03-31）。省略時はすべて",
    )


class ActivityQuery(YearQuery):
    site_id: RowId | None = Field(None, description="拠点ID")
    program: str | None = Field(None, description="事業コード")


class TrainingQuery(YearQuery):
    program: str | None = Field(None, description="事業コード")


class ActivityIn(_In):
    site_id: RowId = Field(description="拠点ID（/community/sites の id）")
    held_on: date = Field(description="実施日（未来は不可）")
    kind: KINDS = Field(description="活動の種類")
    participants: int = Field(ge=0, le=100_000, description="参加者数（0以上）")
    volunteers: int = Field(0, ge=0, le=100_000, description="ボランティア数（0以上）")
    note: str = Field("", max_length=1000, description="メモ（個人が特定できることは書かない）")


class ActivityCorrectIn(_In):
    version: int = Field(description="取得したときの version。ほかの人が先に訂正していれば 409")
    held_on: date | None = None
    kind: KINDS | None = None
    participants: int | None = Field(None, ge=0, le=100_000)
    volunteers: int | None = Field(None, ge=0, le=100_000)
    note: str | None = Field(None, max_length=1000)
    cancelled: bool | None = Field(None, description="true で取り消し（理由が必須）")
    cancel_reason: str | None = Field(None, max_length=200)


class TrainingIn(_In):
    program: str = Field(min_length=1, description="事業コード")
    name: str = Field(
        min_length=1, max_length=100, description="講座名（例: ヘルスリーダー養成講座）"
    )
    held_on: date = Field(description="実施日（未来は不可）")
    people_trained: int = Field(ge=0, le=100_000, description="修了者数（0以上）")
    note: str = Field("", max_length=1000)


class TrainingCorrectIn(_In):
    version: int = Field(description="取得したときの version。ほかの人が先に訂正していれば 409")
    name: str | None = Field(None, min_length=1, max_length=100)
    held_on: date | None = None
    people_trained: int | None = Field(None, ge=0, le=100_000)
    note: str | None = Field(None, max_length=1000)
    cancelled: bool | None = None
    cancel_reason: str | None = Field(None, max_length=200)


class SummaryRowOut(Schema):
    program: str = Field(description="事業コード")
    letter: str
    name: str
    sites: int = Field(description="拠点数（現在）")
    activities: int = Field(description="活動回数（取り消しを除く）")
    participants: int = Field(description="参加者数（延べ）")
    volunteers: int = Field(description="ボランティア数（延べ）")
    trainings: int = Field(description="養成講座の回数")
    people_trained: int = Field(description="修了者数")


class SummaryOut(Schema):
    fiscal_year: int
    period_start: date
    period_end: date
    programs: list[SummaryRowOut]


class SummaryQuery(Schema):
    fiscal_year: int | None = Field(None, ge=1900, le=2999, description="年度。省略時は今年度")
    area: str | None = Field(None, description="地域コード（拠点と活動をその地域に絞る）")


# --- helpers --------------------------------------------------------------------------------


def _program(code):
    program = CommunityProgram.objects.filter(code=code).first() if code else None
    if code and program is None:
        raise Http404
    return program


def _area(code):
    area = Area.objects.filter(code=code).first() if code else None
    if code and area is None:
        raise Http404
    return area


def _in_year(rows, year):
    if year is None:
        return rows
    start, end = selectors.fiscal_year_range(year)
    return rows.filter(held_on__gte=start, held_on__lte=end)


def _activity_out(user, pk):
    return access.visible_community_activities(user).select_related("agency").get(pk=pk)


def _training_out(user, pk):
    return access.visible_community_trainings(user).select_related("agency", "program").get(pk=pk)


# --- operations -----------------------------------------------------------------------------


@router.get(
    "/community/programs",
    response={200: list[ProgramOut]},
    url_name="community_program_list",
    summary="地域づくり事業（ア〜オ）の一覧",
)
def program_list(request):
    """計画 Ⅱ(4) の地域づくり事業。市のデータファイル（load_community）から読み込んだものです。"""
    if not access.reads_community(request.auth):
        return []
    return list(CommunityProgram.objects.filter(active=True))


@router.get(
    "/community/sites",
    response={200: SitePageOut, **_READ_ERRORS},
    url_name="community_site_list",
    summary="拠点の一覧",
)
def site_list(request, paging: Query[PageQuery], filters: Query[SiteQuery]):
    """事業・地域で絞り込めます。廃止した拠点も active=false で返します（記録が残るため）。
    存在しない事業・地域コードは 404。"""
    rows = access.visible_community_sites(request.auth).select_related(
        "program", "area", "district"
    )
    if filters.program:
        rows = rows.filter(program=_program(filters.program))
    if filters.area:
        rows = rows.filter(area=_area(filters.area))
    if filters.active is not None:
        rows = rows.filter(active=filters.active)
    return page_of(rows.order_by("program__order", "order", "code"), paging)


@router.get(
    "/community/activities",
    response={200: ActivityPageOut, **_READ_ERRORS},
    url_name="community_activity_list",
    summary="活動の一覧",
)
def activity_list(request, paging: Query[PageQuery], filters: Query[ActivityQuery]):
    """拠点・事業・年度で絞り込めます。取り消した活動も cancelled=true で返します。"""
    rows = access.visible_community_activities(request.auth).select_related("agency")
    if filters.site_id is not None:
        rows = rows.filter(site_id=filters.site_id)
    if filters.program:
        rows = rows.filter(site__program=_program(filters.program))
    return page_of(_in_year(rows, filters.fiscal_year), paging)


@router.post(
    "/community/activities",
    response={201: ActivityOut, **_ERRORS},
    url_name="community_activity_create",
    summary="活動を記録する",
)
def activity_create(request, payload: ActivityIn):
    """拠点で行った活動と人数を記録します（名前は記録しません）。人数が負なら 422、未来の
    日付は 422、廃止した拠点は 409 `inactive_site`、存在しない拠点は 404。"""
    user = request.auth
    site = one_or_404(access.visible_community_sites(user), pk=payload.site_id)
    entry = services.activity_record(
        actor=user, request=request, site=site, **payload.model_dump(exclude={"site_id"})
    )
    return Status(201, _activity_out(user, entry.pk))


@router.patch(
    "/community/activities/{uuid:activity_id}",
    response={200: ActivityOut, **_ERRORS},
    url_name="community_activity_correct",
    summary="活動の記録を訂正・取り消す",
)
def activity_correct(request, activity_id: UUID, payload: ActivityCorrectIn):
    """記録した機関と福祉総務課が訂正できます（ほかは 409 `not_recorder`）。前の内容は履歴に
    残ります（R7）。version が古ければ 409 `concurrent_edit`（changes つき）。削除はできません:
    cancelled=true と cancel_reason で取り消します。"""
    user = request.auth
    activity = one_or_404(access.visible_community_activities(user), pk=activity_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    entry = services.activity_correct(
        actor=user, activity=activity, version=payload.version, request=request, **fields
    )
    return _activity_out(user, entry.pk)


@router.get(
    "/community/trainings",
    response={200: TrainingPageOut, **_READ_ERRORS},
    url_name="community_training_list",
    summary="養成講座の一覧",
)
def training_list(request, paging: Query[PageQuery], filters: Query[TrainingQuery]):
    """事業・年度で絞り込めます。取り消した講座も cancelled=true で返します。"""
    rows = access.visible_community_trainings(request.auth).select_related("agency", "program")
    if filters.program:
        rows = rows.filter(program=_program(filters.program))
    return page_of(_in_year(rows, filters.fiscal_year), paging)


@router.post(
    "/community/trainings",
    response={201: TrainingOut, **_ERRORS},
    url_name="community_training_create",
    summary="養成講座を記録する",
)
def training_create(request, payload: TrainingIn):
    """事業の養成講座（ヘルスリーダー養成講座など）と修了者数を記録します。存在しない事業
    コードは 404、修了者数が負なら 422。"""
    user = request.auth
    program = _program(payload.program)
    entry = services.training_record(
        actor=user, request=request, program=program, **payload.model_dump(exclude={"program"})
    )
    return Status(201, _training_out(user, entry.pk))


@router.patch(
    "/community/trainings/{uuid:training_id}",
    response={200: TrainingOut, **_ERRORS},
    url_name="community_training_correct",
    summary="養成講座の記録を訂正・取り消す",
)
def training_correct(request, training_id: UUID, payload: TrainingCorrectIn):
    """記録した機関と福祉総務課が訂正できます。version が古ければ 409 `concurrent_edit`。"""
    user = request.auth
    training = one_or_404(access.visible_community_trainings(user), pk=training_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    entry = services.training_correct(
        actor=user, training=training, version=payload.version, request=request, **fields
    )
    return _training_out(user, entry.pk)


@router.get(
    "/community/summary",
    response={200: SummaryOut, **_READ_ERRORS},
    url_name="community_summary",
    summary="事業別・年度別の実績（PDCA評価用）",
)
def summary(request, filters: Query[SummaryQuery]):
    """年度（4月〜翌3月）ごとの、事業別の拠点数・活動回数・参加者数（延べ）・ボランティア数・
    養成講座の回数・修了者数。取り消した記録は数えません。件数だけで個人の情報は含みません。"""
    year = filters.fiscal_year or selectors.current_fiscal_year()
    start, end = selectors.fiscal_year_range(year)
    figures = selectors.program_figures(request.auth, year=year, area=_area(filters.area))
    return {
        "fiscal_year": year,
        "period_start": start,
        "period_end": end,
        "programs": [
            {
                "program": f.program.code,
                "letter": f.program.letter,
                "name": f.program.name,
                "sites": f.sites,
                "activities": f.activities,
                "participants": f.participants,
                "volunteers": f.volunteers,
                "trainings": f.trainings,
                "people_trained": f.people_trained,
            }
            for f in figures
        ],
    }
