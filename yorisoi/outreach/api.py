"""Outreach (アウトリーチ) over HTTP: /api/v1/outreach/…

The same rules as the screens, through the same functions: reads start from
access.visible_outreach_targets(), state changes go through services.py (which check rights,
enforce the trust-stage rule, R3 and R7, and audit them); every read is audited with its basis.

- Targets and contacts are addressed by UUID; categories, districts and agencies by `code`;
  people, cases and consultations by UUID (only ones the caller may read: else 422).
- A target the caller may not read answers 404, the same body as an id that does not exist.
- Errors: a rule that says no is 409 with its `code` (illegal_transition, stage_not_supported,
  trust_not_formed, forbidden …); someone else saved first is 409 `concurrent_edit` with
  `changes`; bad input is 422 per field.
- Lists are paged like every list route: `?page=1&page_size=25` (yorisoi/http/paging.py).
"""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from yorisoi import access
from yorisoi.audit.log import record, record_reads
from yorisoi.directory.models import Agency, District
from yorisoi.http.errors import ErrorOut
from yorisoi.http.paging import PageQuery, page_of
from yorisoi.http.validation import by_code
from yorisoi.intake.models import ConsulterType

from . import selectors, services
from .models import ContactOutcome, Method, OutreachCategory, OutreachTarget, Stage
from .models import Status as St

router = Router(tags=["アウトリーチ"])

_ERRORS = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
TARGET = "/outreach/targets/{target_id}"

StageCode = Literal[tuple(Stage.values)]
OutcomeCode = Literal[tuple(ContactOutcome.values)]
MethodCode = Literal[tuple(Method.values)]
WorriedCode = Literal[tuple(ConsulterType.values)]


# --- schemas -------------------------------------------------------------------------------


class CategoryOut(Schema):
    code: str
    name: str


class TargetSummaryOut(Schema):
    id: UUID
    label: str
    category: str = Field(description="分類コード（/outreach/categories の code）")
    district: str | None = Field(description="地区コード")
    responsible_agency: str = Field(description="担当機関のコード")
    stage: StageCode = Field(description="信頼関係の段階")
    status: Literal[tuple(St.values)]
    next_contact_on: date
    last_contact_at: datetime | None
    quiet: bool = Field(description="設定日数（既定30日）以上、接触がない")
    version: int


class OutreachTargetOut(TargetSummaryOut):
    address: str
    description: str
    worried_by_type: WorriedCode
    worried_by_note: str
    person_id: UUID | None = Field(description="特定した本人（その記録を見られるときだけ）")
    case_id: UUID | None = Field(description="属するケース（そのケースを見られるときだけ）")
    origin_id: UUID | None = Field(description="きっかけの相談")
    handover_consultation_id: UUID | None
    ended_at: datetime | None
    end_note: str
    basis: str = Field(description="呼び出した人の閲覧の根拠")
    can_edit: bool
    can_log_contact: bool
    stage_history: list[dict]


class OutreachTargetPageOut(Schema):
    items: list[TargetSummaryOut]
    count: int
    page: int
    page_size: int


class TargetListQuery(Schema):
    scope: Literal["mine", "all"] = Field(
        "mine", description="mine: 自機関の担当 / all: 見られるもの全部"
    )
    status: Literal["open", "handed_over", "closed", "all"] = "open"
    stage: StageCode | None = None
    category: str | None = Field(None, description="分類コード")
    district: str | None = Field(None, description="地区コード")
    quiet: bool | None = Field(None, description="true: しばらく接触がない対象だけ")


class OutreachTargetIn(Schema):
    label: str = Field(max_length=100, description="呼び方（名前でなくてよい）")
    category: str = Field(description="分類コード")
    address: str = ""
    description: str = Field(description="わかっていること")
    worried_by_type: WorriedCode
    worried_by_note: str = ""
    district: str | None = None
    responsible_agency: str | None = Field(None, description="担当機関のコード。省略時は自機関")
    next_contact_on: date | None = Field(None, description="省略時は今日")
    case_id: UUID | None = None
    origin_id: UUID | None = None


class TargetUpdateIn(Schema):
    version: int
    label: str | None = None
    category: str | None = None
    address: str | None = None
    description: str | None = None
    worried_by_type: WorriedCode | None = None
    worried_by_note: str | None = None
    district: str | None = None
    responsible_agency: str | None = None
    next_contact_on: date | None = None
    case_id: UUID | None = None


class ContactIn(Schema):
    outcome: OutcomeCode
    method: MethodCode = "visit"
    contacted_at: datetime | None = Field(None, description="省略時は今")
    agencies: list[Annotated[str, Field(min_length=1)]] = Field(
        [], description="一緒に行った機関のコード（自機関は自動で含む）"
    )
    observations: str = ""
    next_contact_on: date | None = None


class ContactOut(Schema):
    id: UUID
    contacted_at: datetime
    method: MethodCode
    outcome: OutcomeCode
    agencies: list[str]
    observations: str
    next_contact_on: date | None
    recorded_by: int


class ContactPageOut(Schema):
    items: list[ContactOut]
    count: int
    page: int
    page_size: int


class StageIn(Schema):
    version: int
    to_stage: StageCode
    note: str = ""


class PersonLinkIn(Schema):
    version: int
    person_id: UUID


class HandOverIn(Schema):
    version: int
    note: str = Field(description="引き継ぎの内容")
    to_agency: str | None = Field(
        None, description="ケースのない対象: つなぐ先の機関コード。省略時は多機関協働へ上げる"
    )


class OutreachCloseIn(Schema):
    version: int
    reason: str


# --- helpers -------------------------------------------------------------------------------


def _visible_target(user, target_id) -> OutreachTarget:
    try:
        return selectors.target_detail(user=user, target_id=target_id)
    except OutreachTarget.DoesNotExist as exc:
        raise Http404 from exc


def _by_id(queryset, field, pk, *, label):
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:  # hidden and missing alike
        raise ValidationError({field: f"{label}が見つかりません。"})
    return obj


def _fields(user, data: dict) -> dict:
    out = dict(data)
    if "category" in out:
        out["category"] = by_code(OutreachCategory, "category", out["category"], label="分類")
    if "district" in out:
        out["district"] = by_code(District, "district", out["district"], label="地区")
    if "responsible_agency" in out:
        out["responsible_agency"] = by_code(
            Agency, "responsible_agency", out["responsible_agency"], label="機関"
        )
    if "case_id" in out:
        out["case"] = _by_id(
            access.visible_cases(user), "case_id", out.pop("case_id"), label="ケース"
        )
    if "origin_id" in out:
        out["origin"] = _by_id(
            access.visible_consultations(user), "origin_id", out.pop("origin_id"), label="相談"
        )
    return out


def _summary(t) -> dict:
    return {
        "id": t.pk,
        "label": t.label,
        "category": t.category.code,
        "district": t.district.code if t.district_id else None,
        "responsible_agency": t.responsible_agency.code,
        "stage": t.stage,
        "status": t.status,
        "next_contact_on": t.next_contact_on,
        "last_contact_at": t.last_contact_at,
        "quiet": bool(getattr(t, "quiet", False)),
        "version": t.version,
    }


def _detail(user, target_id) -> dict:
    t = _visible_target(user, target_id)
    rights = access.outreach_access(user, t)
    if not rights.read:
        raise Http404
    return {
        **_summary(t),
        "address": t.address,
        "description": t.description,
        "worried_by_type": t.worried_by_type,
        "worried_by_note": t.worried_by_note,
        # Named only to a reader who may open them, as on the target's page (R6).
        "person_id": t.person_id if access.person_if_open(user, t.person) else None,
        "case_id": t.case_id if access.case_if_open(user, t.case) else None,
        "origin_id": t.origin_id,
        "handover_consultation_id": t.handover_consultation_id,
        "ended_at": t.ended_at,
        "end_note": t.end_note,
        "basis": rights.basis,
        "can_edit": rights.edit,
        "can_log_contact": rights.log_contact,
        "stage_history": [
            {
                "from": c.from_stage,
                "to": c.to_stage,
                "at": c.changed_at.isoformat(),
                "contact_id": str(c.contact_id) if c.contact_id else None,
                "note": c.note,
            }
            for c in selectors.stage_history(t)
        ],
    }, rights


def _contact(c) -> dict:
    return {
        "id": c.pk,
        "contacted_at": c.contacted_at,
        "method": c.method,
        "outcome": c.outcome,
        "agencies": [a.code for a in c.agencies.all()],
        "observations": c.observations,
        "next_contact_on": c.next_contact_on,
        "recorded_by": c.recorded_by_id,
    }


# --- operations ----------------------------------------------------------------------------


@router.get(
    "/outreach/categories",
    response={200: list[CategoryOut]},
    url_name="outreach_category_list",
    summary="アウトリーチの分類",
)
def category_list(request):
    """有効な分類（ひきこもり、ヤングケアラー、ごみ屋敷 …）。マスタデータです。"""
    return list(OutreachCategory.objects.filter(active=True).values("code", "name"))


@router.get(
    "/outreach/targets",
    response={200: OutreachTargetPageOut, 422: ErrorOut},
    url_name="outreach_target_list",
    summary="アウトリーチの対象の一覧",
)
def target_list(request, paging: Query[PageQuery], filters: Query[TargetListQuery]):
    """しばらく接触がない対象（quiet）が先頭、次に次回予定日の早い順（画面と同じ順）。
    返した対象のIDは監査ログ（outreach.targets_listed）に記録されます。"""
    user = request.auth
    targets = selectors.target_list(
        user=user,
        scope=filters.scope,
        status="" if filters.status == "all" else filters.status,
        stage=filters.stage or "",
        category=filters.category or "",
        district=filters.district or "",
    )
    if filters.quiet is not None:
        targets = targets.filter(quiet=filters.quiet)
    page = page_of(targets, paging)
    if page["items"]:
        bases = access.outreach_bases(user, [t.pk for t in page["items"]])
        record_reads("outreach.targets_listed", actor=user, request=request, bases=bases)
    page["items"] = [_summary(t) for t in page["items"]]
    return page


@router.post(
    "/outreach/targets",
    response={201: OutreachTargetOut, **_ERRORS},
    url_name="outreach_target_create",
    summary="アウトリーチの対象を登録する",
)
def target_create(request, payload: OutreachTargetIn):
    """名前がわからなくても登録できます（呼び方・場所・わかっていること・心配している人）。
    担当機関を省略すると自機関、次回予定日を省略すると今日です（R3）。
    ケース・きっかけの相談は見ることのできるものだけ指定できます（ほかは 422）。"""
    user = request.auth
    fields = _fields(user, payload.model_dump())
    target = services.target_create(actor=user, request=request, **fields)
    body, _rights = _detail(user, target.pk)
    return Status(201, body)


@router.get(
    TARGET,
    response={200: OutreachTargetOut, 404: ErrorOut},
    url_name="outreach_target_detail",
    summary="アウトリーチの対象",
)
def target_detail(request, target_id: UUID):
    """わかっていること、段階とその変更の記録、次回予定日、version。見ることのできない対象は
    存在しない場合と同じ 404 です。閲覧は監査ログ（outreach.target_viewed）に記録されます。"""
    user = request.auth
    body, rights = _detail(user, target_id)
    record(
        "outreach.target_viewed",
        actor=user,
        target_type="outreachtarget",
        target_id=str(target_id),
        basis=rights.basis,
        request=request,
    )
    return body


@router.patch(
    TARGET,
    response={200: OutreachTargetOut, **_ERRORS},
    url_name="outreach_target_update",
    summary="アウトリーチの対象を変える",
)
def target_update(request, target_id: UUID, payload: TargetUpdateIn):
    """送った項目だけを変えます（担当機関と福祉総務課）。version が古ければ 409
    `concurrent_edit` と、相手が変えた項目（changes）を返します（R7）。"""
    user = request.auth
    target = _visible_target(user, target_id)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    for key in ("label", "category", "description", "worried_by_type", "next_contact_on"):
        if key in data and data[key] is None:
            raise ValidationError({key: "空にはできません。"})
    for key in ("address", "worried_by_note"):
        if key in data and data[key] is None:
            data[key] = ""
    services.target_update(
        actor=user, target=target, version=payload.version, request=request, **_fields(user, data)
    )
    return _detail(user, target_id)[0]


@router.get(
    f"{TARGET}/contacts",
    response={200: ContactPageOut, 404: ErrorOut},
    url_name="outreach_contact_list",
    summary="訪問・連絡の記録の一覧",
)
def contact_list(request, target_id: UUID, paging: Query[PageQuery]):
    """新しい順。見ることのできない対象は 404。閲覧は監査ログに記録されます。"""
    user = request.auth
    target = _visible_target(user, target_id)
    rights = access.outreach_access(user, target)
    page = page_of(selectors.contacts_of(target), paging)
    record(
        "outreach.contacts_viewed",
        actor=user,
        target=target,
        basis=rights.basis,
        request=request,
        ids=[c.pk for c in page["items"]],
    )
    page["items"] = [_contact(c) for c in page["items"]]
    return page


@router.post(
    f"{TARGET}/contacts",
    response={201: ContactOut, **_ERRORS},
    url_name="outreach_contact_add",
    summary="訪問・連絡を記録する",
)
def contact_add(request, target_id: UUID, payload: ContactIn):
    """方法（既定は訪問）・結果・日時（既定は今）・一緒に行った機関。結果に応じて段階が自動で
    上がります（ドア越し → 接触あり、顔を合わせた・じっくり話せた → 対話できる）。
    担当機関、福祉総務課、同行したことのある機関が記録できます（ほかは 409 `forbidden`）。"""
    user = request.auth
    target = _visible_target(user, target_id)
    agencies = [
        by_code(Agency, "agencies", code, label="機関") for code in dict.fromkeys(payload.agencies)
    ]
    data = payload.model_dump(exclude={"agencies"})
    contact = services.contact_add(
        actor=user, target=target, agencies=agencies, request=request, **data
    )
    return Status(201, _contact(contact))


@router.post(
    f"{TARGET}/stage",
    response={200: OutreachTargetOut, **_ERRORS},
    url_name="outreach_stage_move",
    summary="信頼関係の段階を変える",
)
def stage_move(request, target_id: UUID, payload: StageIn):
    """上げられるのは、訪問・連絡の結果が裏づける段階までです（ないと 409
    `stage_not_supported`）。ない遷移は 409 `illegal_transition`、「支援につながった」は
    引き継ぎ（hand-over）だけで進みます。下げるときは note（理由）が必要です（422）。"""
    user = request.auth
    target = _visible_target(user, target_id)
    services.stage_move(
        actor=user,
        target=target,
        version=payload.version,
        to_stage=payload.to_stage,
        note=payload.note,
        request=request,
    )
    return _detail(user, target_id)[0]


@router.post(
    f"{TARGET}/person",
    response={200: OutreachTargetOut, **_ERRORS},
    url_name="outreach_person_link",
    summary="本人を特定する（本人の記録と結びつける）",
)
def person_link(request, target_id: UUID, payload: PersonLinkIn):
    """見ることのできる本人だけを結びつけられます（ほかは存在しない場合と同じ 422）。
    本人の登録は POST /people で行います。"""
    user = request.auth
    target = _visible_target(user, target_id)
    person = _by_id(access.visible_people(user), "person_id", payload.person_id, label="本人")
    services.person_link(
        actor=user, target=target, version=payload.version, person=person, request=request
    )
    return _detail(user, target_id)[0]


@router.post(
    f"{TARGET}/hand-over",
    response={200: OutreachTargetOut, **_ERRORS},
    url_name="outreach_hand_over",
    summary="支援機関へ引き継ぐ",
)
def hand_over(request, target_id: UUID, payload: HandOverIn):
    """段階が「関係形成」のときだけ（ほかは 409 `trust_not_formed`）。ケースに属する対象は
    ケースのアウトリーチの事業を開始して結びつけ、ケースのない対象は相談として記録して
    to_agency へつなぐ（R2）か、省略時は多機関協働（福祉総務課）へ上げます（R1）。"""
    user = request.auth
    target = _visible_target(user, target_id)
    to_agency = by_code(Agency, "to_agency", payload.to_agency, label="機関")
    services.target_hand_over(
        actor=user,
        target=target,
        version=payload.version,
        note=payload.note,
        to_agency=to_agency,
        request=request,
    )
    return _detail(user, target_id)[0]


@router.post(
    f"{TARGET}/close",
    response={200: OutreachTargetOut, **_ERRORS},
    url_name="outreach_target_close",
    summary="アウトリーチを終了する",
)
def target_close(request, target_id: UUID, payload: OutreachCloseIn):
    """引き継がずに終える（転居など）。理由が必要です（422）。"""
    user = request.auth
    target = _visible_target(user, target_id)
    services.target_close(
        actor=user, target=target, version=payload.version, reason=payload.reason, request=request
    )
    return _detail(user, target_id)[0]
