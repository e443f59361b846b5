"""The social-resource directory (社会資源) over HTTP: /api/v1/resources…

The same rules as the screens, through the same functions (selectors, services, access).

- Resources (HSDS services) are addressed by UUID; categories by `code`
  (GET /resources/taxonomy), districts by `code` (GET /districts).
- The directory is public information: every casework role and analysts read it; the
  coordinator and agency managers change it (others: 403 on the route, 409 `forbidden` from
  the service).
- Searching with free text is `POST /resources/search` (the words may describe a person's
  need); the category, district, day and time filters work on both.
- HSDS: `GET /resources/hsds` exports the whole directory as an HSDS 3.x table bundle (format
  in yorisoi/resources/hsds.py); `POST /resources/hsds` imports one — all or nothing: 200 with
  counts, or 422 `hsds_invalid` with every problem per record (`errors[].field` is the record,
  e.g. `services[3]`) and nothing written.
- Outside terms (taxonomy terms of another taxonomy, kept by the HSDS import as received):
  `GET /resources/outside-terms` lists them with the city's category each stands for;
  `PUT /resources/outside-terms/{id}` (the term's HSDS id) maps one, or clears it with
  `mapped_to: null` — the coordinator and agency managers, R7 `version` (0 = never mapped).
- Lists are paged like every list route: `?page=1&page_size=25` (yorisoi/http/paging.py).
"""

import json
from datetime import date, datetime, time
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator, ConfigDict, WithJsonSchema

from yorisoi.directory.models import District
from yorisoi.http import limits
from yorisoi.http.errors import ErrorOut, error_body
from yorisoi.http.paging import PageQuery, page_of
from yorisoi.http.validation import raise_field_errors

from . import hsds, hsds_shapes, selectors, services
from .models import WEEKDAYS, CapacityUnit, Organization, TaxonomyTerm

router = Router(tags=["社会資源"])

_READ_ERRORS = {404: ErrorOut, 422: ErrorOut}


def _wall_clock(value: time) -> time:
    """Opening hours are the city's wall-clock times; a time with an offset (10:00+00:00) is
    read as that moment today in the city (19:00 in Tokyo). Stored and compared naive, as
    SQLite cannot compare times with an offset at all."""
    if value.tzinfo is None:
        return value
    moment = datetime.combine(timezone.localdate(), value)
    return timezone.localtime(moment).time()


LocalTime = Annotated[time, AfterValidator(_wall_clock)]

# Answered as "HH:MM:SS" without an offset; JSON Schema's format "time" (RFC 3339) requires
# one, so the document says what is really sent.
WallClockOut = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{2}:\d{2}:\d{2}(\.\d+)?$",
            "description": "市の時刻（HH:MM:SS、タイムゾーンなし）",
        }
    ),
]


# --- schemas -------------------------------------------------------------------------------


class TermOut(Schema):
    code: str
    name: str
    parent: str | None = Field(description="上位の分類の code")

    @staticmethod
    def resolve_parent(obj):
        return obj.parent.code if obj.parent_id else None


class ScheduleOut(Schema):
    id: UUID
    freq: str = Field(description="WEEKLY / MONTHLY（HSDS）")
    interval: int
    byday: str = Field(description="RFC 5545 BYDAY（例: MO,WE / 2WE）")
    opens_at: WallClockOut | None
    closes_at: WallClockOut | None
    valid_from: date | None
    valid_to: date | None
    description: str
    display: str = Field(description="日本語の表示（例: 毎週 水曜 10:00–15:00）")

    @staticmethod
    def resolve_display(obj):
        return str(obj)


class LocationOut(Schema):
    id: UUID
    name: str
    postal_code: str
    address_1: str
    district: str | None = Field(description="地区コード")
    accessibility: str
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_district(obj):
        return obj.district.code if obj.district_id else None


class CapacityOut(Schema):
    id: UUID
    unit: str = Field(description="単位（人 など）")
    unit_id: UUID
    available: int = Field(description="空き。0 は満員")
    maximum: int | None = Field(description="定員")
    description: str
    updated: datetime = Field(description="最終更新日時")
    version: int = Field(description="更新のときに送り返す版番号")

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name


class ResourceSummaryOut(Schema):
    id: UUID
    name: str
    organization: str = Field(description="運営団体の名称")
    status: str = Field(description="active / inactive / defunct / temporarily closed（HSDS）")
    categories: list[str] = Field(description="分類の code")
    districts: list[str] = Field(description="実施場所の地区コード")
    schedules: list[str] = Field(description="開催日時（日本語の表示）")
    fees_description: str
    capacities: list[CapacityOut] = Field(description="空き状況（HSDS 3.1 service_capacity）")
    version: int

    @staticmethod
    def resolve_organization(obj):
        return obj.organization.name

    @staticmethod
    def resolve_categories(obj):
        return [t.code for t in obj.taxonomy_terms.all()]

    @staticmethod
    def resolve_districts(obj):
        return [
            link.location.district.code
            for link in obj.service_at_locations.all()
            if link.location.district_id
        ]

    @staticmethod
    def resolve_schedules(obj):
        return [str(s) for s in obj.schedules.all()]


class ResourceOut(Schema):
    id: UUID
    organization_id: UUID
    organization: str
    name: str
    alternate_name: str
    description: str
    status: str
    eligibility_description: str
    minimum_age: int | None
    maximum_age: int | None
    application_process: str
    fees_description: str
    fee_amount: int | None = Field(description="費用（円／回）。0 は無料")
    capacities: list[CapacityOut] = Field(description="空き状況（HSDS 3.1 service_capacity）")
    contact_name: str
    phone: str
    email: str
    url: str
    categories: list[TermOut]
    locations: list[LocationOut]
    schedules: list[ScheduleOut]
    version: int = Field(description="更新のときに送り返す版番号（楽観的排他制御）")
    updated_at: datetime

    @staticmethod
    def resolve_organization(obj):
        return obj.organization.name

    @staticmethod
    def resolve_categories(obj):
        return list(obj.taxonomy_terms.all())

    @staticmethod
    def resolve_locations(obj):
        return [link.location for link in obj.service_at_locations.all()]

    @staticmethod
    def resolve_schedules(obj):
        return list(obj.schedules.all())


class ResourcePageOut(Schema):
    items: list[ResourceSummaryOut]
    count: int = Field(description="全件数")
    page: int
    page_size: int


class ResourceFilter(Schema):
    category: str | None = Field(None, description="分類の code（下位の分類も含む）")
    district: str | None = Field(None, description="地区コード")
    day: str | None = Field(None, description="曜日 MO TU WE TH FR SA SU")
    at: LocalTime | None = Field(None, description="この時刻に開いているもの（HH:MM）")
    include_inactive: bool = Field(False, description="休止・終了したものも含める")


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ResourceSearchIn(_In):
    text: str | None = Field(None, max_length=100, description="名称・内容・団体名・場所の一部")


class LocationIn(_In):
    name: str | None = None
    postal_code: str | None = None
    address_1: str | None = None
    district: str | None = Field(None, description="地区コード")
    accessibility: str | None = None


class ScheduleIn(_In):
    freq: str = Field("WEEKLY", description="WEEKLY / MONTHLY")
    interval: int = 1
    byday: str = Field("", description="例: MO,WE")
    opens_at: LocalTime | None = None
    closes_at: LocalTime | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    description: str = ""


class ResourceFieldsIn(_In):
    name: str | None = Field(None, description="名称（必須）")
    alternate_name: str | None = None
    description: str | None = None
    eligibility_description: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    application_process: str | None = None
    fees_description: str | None = None
    fee_amount: int | None = None
    contact_name: str | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    organization_id: UUID | None = Field(None, description="登録済みの運営団体のID")
    organization_name: str | None = Field(None, description="新しい運営団体の名称")
    categories: list[str] | None = Field(None, description="分類の code の配列")
    location: LocationIn | None = Field(None, description="主な実施場所")
    schedules: list[ScheduleIn] | None = Field(None, description="開催日時（送ると置き換え）")


class ResourceUpdateIn(ResourceFieldsIn):
    version: int = Field(description="取得したときの version。ほかの人が先に更新していれば 409")


class VersionIn(_In):
    version: int


class CapacityIn(_In):
    available: int = Field(ge=0, description="いま受け入れられる数。満員なら 0")
    maximum: int | None = Field(None, ge=0, description="定員")
    description: str = Field("", max_length=200, description="空きの補足")
    unit_id: UUID | None = Field(None, description="単位のID。省略すると「人」")
    version: int = Field(
        description="取得したときのその単位の空き状況の version（まだなければ 0）。"
        "ほかの人が先に更新していれば 409"
    )


class CityTermOut(Schema):
    id: UUID
    code: str
    name: str


class OutsideTermOut(Schema):
    id: str = Field(description="外部の分類のHSDSのid（GET /hsds/taxonomy_terms と同じ）")
    taxonomy: str = Field(description="分類体系の名称")
    code: str
    name: str
    services: int = Field(description="この分類の社会資源の数")
    mapped_to: CityTermOut | None = Field(description="対応する市の分類。なければ null")
    version: int = Field(description="更新のときに送り返す版番号（まだ対応づけていなければ 0）")


class OutsideTermPageOut(Schema):
    items: list[OutsideTermOut]
    count: int = Field(description="全件数")
    page: int
    page_size: int


class OutsideTermMappingIn(_In):
    mapped_to: UUID | None = Field(
        description="対応する市の分類のid（GET /hsds/taxonomy_terms の市の分類）。null で解除"
    )
    version: int = Field(
        description="取得したときの version（まだ対応づけていなければ 0）。"
        "ほかの人が先に変更していれば 409"
    )


class HsdsProblemOut(Schema):
    field: str = Field(description="問題のあった行（例: services[3]）")
    code: str
    message: str


class HsdsErrorOut(Schema):
    code: str
    message: str
    errors: list[HsdsProblemOut]


class HsdsImportOut(Schema):
    created: dict[str, int] = Field(description="表ごとの追加件数")
    updated: dict[str, int] = Field(description="表ごとの更新件数")
    unchanged: int = Field(description="変更のなかった行の数")
    warnings: list[str] = Field(
        description="読み込まなかった表、HSDSにない項目（そのまま保存）など、知らせること"
    )


# --- helpers -------------------------------------------------------------------------------


def _query(user, f: ResourceFilter, text: str = "") -> selectors.ResourceQuery:
    errors = {}
    category = district = None
    if f.category:
        category = TaxonomyTerm.objects.filter(code=f.category).first()
        if category is None:
            errors["category"] = [ValidationError("分類の code が見つかりません。", code="invalid")]
    if f.district:
        district = District.objects.filter(code=f.district).first()
        if district is None:
            errors["district"] = [ValidationError("地区コードが見つかりません。", code="invalid")]
    if f.day and f.day not in WEEKDAYS:
        errors["day"] = [ValidationError("曜日は MO〜SU で指定してください。", code="invalid")]
    raise_field_errors(errors)
    return selectors.ResourceQuery(
        category=category,
        district_id=district.pk if district else None,
        day=f.day or "",
        at=f.at,
        text=text,
        include_inactive=f.include_inactive,
    )


def _visible(user, service_id):
    service = selectors.detail(user=user, service_id=service_id)
    if service is None:
        raise Http404
    return service


_SERVICE_KEYS = ["name", "alternate_name", "description", "eligibility_description",
                 "minimum_age", "maximum_age", "application_process", "fees_description",
                 "fee_amount", "contact_name", "phone", "email", "url"]  # fmt: skip
_NULLABLE = {"minimum_age", "maximum_age", "fee_amount"}


def _inputs(payload: ResourceFieldsIn, *, partial: bool):
    sent = payload.model_fields_set
    fields = {
        k: (getattr(payload, k) if k in _NULLABLE else (getattr(payload, k) or ""))
        for k in _SERVICE_KEYS
        if not partial or k in sent
    }
    errors = {}
    terms = None
    if payload.categories is not None:
        terms = list(TaxonomyTerm.objects.filter(code__in=payload.categories, active=True))
        unknown = set(payload.categories) - {t.code for t in terms}
        if unknown:
            errors["categories"] = [
                ValidationError(f"不明な分類です: {', '.join(sorted(unknown))}", code="invalid")
            ]
    location = None
    if payload.location is not None:
        loc = payload.location
        location = {
            k: getattr(loc, k) or "" for k in ("name", "postal_code", "address_1", "accessibility")
        }
        location["district"] = None
        if loc.district:
            location["district"] = District.objects.filter(code=loc.district).first()
            if location["district"] is None:
                errors["location.district"] = [
                    ValidationError("地区コードが見つかりません。", code="invalid")
                ]
    schedules = None
    if payload.schedules is not None:
        schedules = [s.model_dump() for s in payload.schedules]
    organization = None
    if payload.organization_id:
        organization = Organization.objects.filter(pk=payload.organization_id).first()
        if organization is None:
            errors["organization_id"] = [
                ValidationError("運営団体が見つかりません。", code="invalid")
            ]
    raise_field_errors(errors)
    return fields, terms, location, schedules, organization


def _organization(user, payload, organization, request, *, required):
    if organization is not None:
        return organization
    if payload.organization_name:
        return services.organization_create(
            actor=user, name=payload.organization_name, request=request
        )
    if required:
        raise ValidationError(
            {"organization_id": ["運営団体（organization_id か organization_name）が必要です。"]}
        )
    return None


# --- routes --------------------------------------------------------------------------------


@router.get(
    "/resources/taxonomy",
    response={200: list[TermOut]},
    url_name="resource_taxonomy",
    summary="社会資源の分類",
    description="検索や登録で使う分類（居場所、就労体験 …）。`code` で指定します。",
)
def resource_taxonomy(request):
    return list(selectors.categories())


@router.get(
    "/resources",
    response={200: ResourcePageOut, 422: ErrorOut},
    url_name="resource_list",
    summary="社会資源の一覧・絞り込み",
    description="分類（下位分類を含む）、地区、曜日と時刻で絞り込みます。既定では実施中のみ。",
)
def resource_list(request, filters: Query[ResourceFilter], paging: Query[PageQuery]):
    query = _query(request.auth, filters)
    return page_of(selectors.search(user=request.auth, query=query), paging)


@router.post(
    "/resources/search",
    response={200: ResourcePageOut, 422: ErrorOut},
    url_name="resource_search",
    summary="社会資源をキーワードで探す",
    description="キーワードは本文（JSON）で送ります（URLやログに残さないため）。"
    "ひらがな・カタカナ、全角・半角の違いは無視します。",
)
def resource_search(
    request, payload: ResourceSearchIn, filters: Query[ResourceFilter], paging: Query[PageQuery]
):
    query = _query(request.auth, filters, payload.text or "")
    return page_of(selectors.search(user=request.auth, query=query), paging)


@router.get(
    "/resources/hsds",
    response={200: dict},
    url_name="hsds_export",
    summary="HSDS形式で書き出す",
    description="社会資源の全体を Open Referral HSDS 3.x の表のまとまり（JSON）で返します。"
    "形式は POST /resources/hsds と同じです。",
)
def hsds_export(request):
    return services.hsds_export(actor=request.auth, request=request)


@router.get(
    "/resources/hsds/datapackage",
    url_name="hsds_datapackage",
    summary="HSDS形式（CSVのデータパッケージ）で書き出す",
    description="GET /resources/hsds と同じ表を、HSDS の CSV データパッケージ"
    "（datapackage.json と表ごとのCSVのZIP）で返します。",
    openapi_extra={
        "responses": {
            "200": {
                "description": "ZIP",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def hsds_datapackage(request):
    data = services.hsds_export(actor=request.auth, request=request)
    response = HttpResponse(hsds.datapackage(data), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="hsds.zip"'
    return response


@router.post(
    "/resources/hsds",
    response={200: HsdsImportOut, 400: ErrorOut, 409: ErrorOut, 422: HsdsErrorOut},
    url_name="hsds_import",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": ["object", "array"]}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "HSDS 3.x の表のJSON（GET /resources/hsds と同じ形式。キーは "
            "organizations.csv / organizations / organization のどれでも）、入れ子の full "
            "レコード（service_full など）、または CSV データパッケージ（application/zip）",
        }
    },
    summary="HSDSファイルを読み込む",
    description="HSDS 3.x の表のまとまり（JSON）を読み込みます。全体を確認し、問題が一つでも"
    "あれば何も登録せず 422 `hsds_invalid` と行ごとの問題を返します。id で照合するので、"
    "同じファイルを2回読み込んでも変わりません。"
    f"ファイルは{limits.megabytes(limits.MAX_HSDS_BYTES)}まで（超えると 413）、"
    f"入れ子は{limits.MAX_JSON_DEPTH}段まで（超えると 422 `too_deep`）。",
)
def hsds_import(request):
    # The whole body is the HSDS document (any shape: hsds_importing.check reports what is wrong).
    body = request.body or b"null"
    try:
        payload = (
            hsds_shapes.read_datapackage(body) if body.startswith(b"PK") else limits.loads(body)
        )
    except limits.TooDeep:
        return Status(422, error_body("too_deep", limits.TooDeep.message))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HttpError(400, "bad json") from exc
    try:
        outcome = services.hsds_import(actor=request.auth, data=payload, request=request)
    except hsds.HsdsProblems as exc:
        return Status(
            422,
            {
                "code": "hsds_invalid",
                "message": f"{len(exc.problems)} 件の問題があるため、何も読み込んでいません。",
                "errors": [
                    {"field": p["record"], "code": "invalid", "message": p["text"]}
                    for p in exc.problems
                ],
            },
        )
    return outcome.__dict__


@router.get(
    "/resources/outside-terms",
    response={200: OutsideTermPageOut},
    url_name="outside_term_list",
    summary="外部の分類の一覧",
    description="HSDSファイルから読み込んだ、この市のものではない分類（分類体系、コード、名称、"
    "社会資源の数、対応する市の分類）。",
)
def outside_term_list(request, paging: Query[PageQuery]):
    page = page_of(selectors.outside_terms(user=request.auth), paging)
    page["items"] = selectors.described(page["items"])
    return page


@router.put(
    "/resources/outside-terms/{term_id}",
    response={200: OutsideTermOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="outside_term_map",
    summary="外部の分類を市の分類に対応づける",
    description="対応づけると、その分類の社会資源が市の分類の絞り込み、HSDS読み取りAPIの "
    "taxonomy_term_id、参加支援のマッチングで見つかります。書き出しの分類は受け取ったまま"
    "です。`mapped_to: null` で解除。`version` は必須で、ほかの人が先に変更していれば 409 "
    "`concurrent_edit`。",
)
def outside_term_map(request, term_id: str, payload: OutsideTermMappingIn):
    user = request.auth
    record = selectors.outside_term(user=user, term_id=term_id)
    if record is None:
        raise Http404
    mapped_to = None
    if payload.mapped_to is not None:
        mapped_to = TaxonomyTerm.objects.filter(pk=payload.mapped_to).first()
        if mapped_to is None:
            raise_field_errors(
                {"mapped_to": [ValidationError("市の分類が見つかりません。", code="invalid")]}
            )
    services.outside_term_map(
        actor=user, term=record, mapped_to=mapped_to, version=payload.version, request=request
    )
    (term,) = selectors.described([selectors.outside_term(user=user, term_id=term_id)])
    return term


@router.get(
    "/resources/{uuid:service_id}",
    response={200: ResourceOut, 404: ErrorOut},
    url_name="resource_detail",
    summary="社会資源の詳細",
    description="運営団体、場所、開催日時、分類、定員、費用、バリアフリー、連絡先。",
)
def resource_detail(request, service_id: UUID):
    return _visible(request.auth, service_id)


@router.post(
    "/resources",
    response={201: ResourceOut, 409: ErrorOut, 422: ErrorOut},
    url_name="resource_create",
    summary="社会資源を登録する",
    description="福祉総務課と各機関の管理者が登録します。運営団体は organization_id か、"
    "新しい団体なら organization_name で指定します。",
)
def resource_create(request, payload: ResourceFieldsIn):
    user = request.auth
    fields, terms, location, schedules, organization = _inputs(payload, partial=False)
    service = services.service_create(
        actor=user,
        organization=_organization(user, payload, organization, request, required=True),
        fields=fields,
        location=location,
        schedules=schedules,
        terms=terms,
        request=request,
    )
    return Status(201, _visible(user, service.pk))


@router.patch(
    "/resources/{uuid:service_id}",
    response={200: ResourceOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="resource_update",
    summary="社会資源を変更する",
    description="送った項目だけを変更します（schedules と categories は送ると置き換え）。"
    "`version` は必須で、ほかの人が先に変更していれば 409 `concurrent_edit`。",
)
def resource_update(request, service_id: UUID, payload: ResourceUpdateIn):
    user = request.auth
    service = _visible(user, service_id)
    fields, terms, location, schedules, organization = _inputs(payload, partial=True)
    services.service_update(
        actor=user,
        service=service,
        version=payload.version,
        organization=_organization(user, payload, organization, request, required=False),
        fields=fields,
        location=location,
        schedules=schedules,
        terms=terms,
        request=request,
    )
    return _visible(user, service_id)


@router.post(
    "/resources/{uuid:service_id}/deactivate",
    response={200: ResourceOut, 404: ErrorOut, 409: ErrorOut},
    url_name="resource_deactivate",
    summary="社会資源を休止・終了にする",
    description="削除はしません（R7）。状態を inactive にし、既定の検索から外します。",
)
def resource_deactivate(request, service_id: UUID, payload: VersionIn):
    user = request.auth
    service = _visible(user, service_id)
    services.service_deactivate(
        actor=user, service=service, version=payload.version, request=request
    )
    return _visible(user, service_id)


@router.put(
    "/resources/{uuid:service_id}/capacity",
    response={200: ResourceOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="resource_capacity_update",
    summary="空き状況を更新する",
    description="社会資源の空き（HSDS 3.1 service_capacity）を、いまの数として報告します。"
    "最終更新日時はこの報告の時刻になります。`version` は必須で、ほかの人が先に更新していれば "
    "409 `concurrent_edit`。",
)
def resource_capacity_update(request, service_id: UUID, payload: CapacityIn):
    user = request.auth
    service = _visible(user, service_id)
    unit = None
    if payload.unit_id is not None:
        unit = CapacityUnit.objects.filter(pk=payload.unit_id).first()
        if unit is None:
            raise_field_errors(
                {"unit_id": [ValidationError("単位が見つかりません。", code="invalid")]}
            )
    services.capacity_update(
        actor=user,
        service=service,
        version=payload.version,
        available=payload.available,
        maximum=payload.maximum,
        description=payload.description,
        unit=unit,
        request=request,
    )
    return _visible(user, service_id)
