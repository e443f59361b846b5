"""Participation support (参加支援) over HTTP: /api/v1/participation/…

The same rules as the screens, through the same functions: reads start from
access.visible_participation_needs(); changes go through services.py (rights, the placement
state machine, R7, R8 follow-ups, audit). Every read of a need is audited with its basis.

- Needs, placements and follow-ups by UUID; categories (taxonomy terms), districts and
  agencies by `code`; people and cases by UUID (only ones the caller may read: else 422).
- A need the caller may not read answers 404, the same body as an id that does not exist.
- Errors: a rule that says no is 409 with its `code` (illegal_transition, already_proposed,
  follow_up_closed, forbidden …); someone else saved first 409 `concurrent_edit`; bad input 422."""

from datetime import date
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Status

from yorisoi import access
from yorisoi.audit.log import record, record_reads
from yorisoi.directory.models import Agency, District
from yorisoi.http.errors import ErrorOut, one_or_404
from yorisoi.http.paging import PageQuery, page_of
from yorisoi.http.validation import by_code
from yorisoi.resources.models import Service, TaxonomyTerm

from . import selectors, services
from .models import (
    ParticipationNeed,
)
from .schemas import (
    DuePageOut,
    FollowUpDoneIn,
    FollowUpOut,
    GapIn,
    GapOut,
    MoveIn,
    NeedIn,
    NeedOut,
    NeedPageOut,
    NeedUpdateIn,
    PlacementOut,
    ProposalOut,
    ProposalQuery,
    ProposeIn,
)

router = Router(tags=["参加支援"])


_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


NEED = "/participation/needs/{need_id}"


def _need(user, need_id) -> ParticipationNeed:
    try:
        return selectors.need_detail(user=user, need_id=need_id)
    except ParticipationNeed.DoesNotExist as exc:
        raise Http404 from exc


def _fields(user, data: dict) -> dict:
    out = dict(data)
    if "person_id" in out:
        out["person"] = access.visible_people(user).filter(pk=out.pop("person_id")).first()
        if out["person"] is None:
            raise ValidationError({"person_id": "本人が見つかりません。"})
    if "case_id" in out:
        case_id = out.pop("case_id")
        out["case"] = access.visible_cases(user).filter(pk=case_id).first() if case_id else None
        if case_id and out["case"] is None:
            raise ValidationError({"case_id": "ケースが見つかりません。"})
    if "interests" in out and out["interests"] is not None:
        codes = out["interests"]
        terms = list(TaxonomyTerm.objects.filter(code__in=codes, active=True))
        unknown = sorted(set(codes) - {t.code for t in terms})
        if unknown:
            raise ValidationError(
                {"interests": f"分類のコードが見つかりません: {', '.join(unknown)}"}
            )
        out["interests"] = terms
    if "available_days" in out and out["available_days"] is not None:
        out["available_days"] = ",".join(out["available_days"])
    if "district" in out:
        out["district"] = by_code(District, "district", out["district"], label="地区")
    if "responsible_agency" in out:
        out["responsible_agency"] = by_code(
            Agency, "responsible_agency", out["responsible_agency"], label="機関"
        )
    return out


def _follow_up(f) -> dict:
    return {
        "id": f.pk,
        "placement_id": f.placement_id,
        "due_on": f.due_on,
        "status": f.status,
        "outcome": f.outcome,
        "note": f.note,
        "done_at": f.done_at.isoformat() if f.done_at else None,
    }


def _placement(p) -> dict:
    return {
        "id": p.pk,
        "service_id": p.service_id,
        "service_name": p.service.name,
        "status": p.status,
        "score": p.score,
        "reasons": p.reasons,
        "proposed_on": p.proposed_on,
        "contacted_on": p.contacted_on,
        "trial_on": p.trial_on,
        "started_on": p.started_on,
        "settled_on": p.settled_on,
        "ended_on": p.ended_on,
        "end_reason": p.end_reason,
        "resource_contact": p.resource_contact,
        "notes": p.notes,
        "version": p.version,
        "follow_ups": [_follow_up(f) for f in p.follow_ups.all()],
    }


def _opens(user, needs) -> tuple[set, set]:
    """The people and the cases of `needs` that `user` may open, in two queries for a page."""
    people = access.person_bases(user, {n.person_id for n in needs})
    cases = access.case_bases(user, {n.case_id for n in needs if n.case_id})
    return set(people), set(cases)


def _summary(n, opens) -> dict:
    people, cases = opens
    return {
        "id": n.pk,
        # Named only to a reader who may open them, as on the need's page (R6).
        "person_id": n.person_id if n.person_id in people else None,
        "case_id": n.case_id if n.case_id in cases else None,
        "responsible_agency": n.responsible_agency.code,
        "short_term_goal": n.short_term_goal,
        "long_term_goal": n.long_term_goal,
        "version": n.version,
    }


def _detail(user, n, basis) -> dict:
    return {
        **_summary(n, _opens(user, [n])),
        "interests": [t.code for t in n.interests.all()],
        "interests_note": n.interests_note,
        "wishes": n.wishes,
        "available_days": n.days,
        "days_required": n.days_required,
        "time_of_day": n.time_of_day,
        "district": n.district.code if n.district_id else None,
        "same_area_only": n.same_area_only,
        "needs_barrier_free": n.needs_barrier_free,
        "prefers_small": n.prefers_small,
        "max_cost_per_month": n.max_cost_per_month,
        "basis": basis,
        "can_steer": access.can_steer_participation(user, n),
        "placements": [_placement(p) for p in selectors.placements_of(n)],
    }


def _read(request, need_id):
    user = request.auth
    need = _need(user, need_id)
    basis = access.participation_basis(user, need)
    if basis is None:
        raise Http404
    return user, need, basis


def _gap(g) -> dict:
    return {
        "id": g.pk,
        "need_text": g.need_text,
        "category": g.category.code,
        "district": g.district.code if g.district_id else None,
        "case_id": g.case_id,
        "need_id": g.need_id,
        "agency": g.agency.code,
        "recorded_at": g.recorded_at.isoformat(),
    }


@router.get(
    "/participation/needs",
    response={200: NeedPageOut, 422: ErrorOut},
    url_name="participation_need_list",
    summary="参加支援のニーズの一覧",
)
def need_list(request, paging: Query[PageQuery], scope: Literal["mine", "all"] = "mine"):
    """mine: 自機関が担当するもの / all: 閲覧できるもの全部。新しい順。
    返したIDは監査ログ（participation.needs_listed）に記録されます。"""
    user = request.auth
    page = page_of(selectors.need_list(user=user, scope=scope), paging)
    opens = _opens(user, page["items"])
    page["items"] = [_summary(n, opens) for n in page["items"]]
    if page["items"]:
        bases = access.participation_bases(user, [n["id"] for n in page["items"]])
        record_reads("participation.needs_listed", actor=user, request=request, bases=bases)
    return page


@router.post(
    "/participation/needs",
    response={201: NeedOut, **_ERRORS},
    url_name="participation_need_create",
    summary="参加支援のニーズを登録",
)
def need_create(request, payload: NeedIn):
    """本人の関心・希望・制約と目標を登録します。担当機関の省略時は自機関、地区の省略時は
    本人の記録の地区。本人・ケースは閲覧できるものだけ（それ以外は422）。"""
    user = request.auth
    need = services.need_create(actor=user, request=request, **_fields(user, payload.dict()))
    need = _need(user, need.pk)
    return Status(201, _detail(user, need, "own_agency"))


@router.get(
    NEED,
    response={200: NeedOut, 404: ErrorOut},
    url_name="participation_need_detail",
    summary="参加支援のニーズ（参加先とフォローアップを含む）",
)
def need_detail(request, need_id: UUID):
    """閲覧できないニーズは存在しないIDと同じく404。閲覧は根拠とともに監査ログに記録されます。"""
    user, need, basis = _read(request, need_id)
    record("participation.need_viewed", actor=user, target=need, basis=basis, request=request)
    return _detail(user, need, basis)


@router.patch(
    NEED,
    response={200: NeedOut, **_ERRORS},
    url_name="participation_need_update",
    summary="参加支援のニーズを更新",
)
def need_update(request, need_id: UUID, payload: NeedUpdateIn):
    """指定した項目だけを更新します。version が古いと 409 concurrent_edit（R7）。
    担当機関と福祉総務課だけが更新できます（それ以外は409 forbidden）。"""
    user, need, basis = _read(request, need_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    services.need_update(
        actor=user, need=need, version=version, request=request, **_fields(user, data)
    )
    return _detail(user, _need(user, need_id), basis)


@router.get(
    NEED + "/proposals",
    response={200: list[ProposalOut], 404: ErrorOut, 422: ErrorOut},
    url_name="participation_proposals",
    summary="社会資源の提案（順位と理由）",
)
def proposals(request, need_id: UUID, query: Query[ProposalQuery]):
    """ニーズに合う社会資源を点数の高い順に返します。理由（reasons）は担当者が読める日本語の
    短い文です（「関心（居場所）に合う」「水曜・金曜に開いている」「本人の地区（富洲原）」…）。
    休止中・費用の上限超過・（必須のとき）通える曜日に開いていないものは含みません。"""
    user, need, basis = _read(request, need_id)
    ranked = selectors.rank_resources(need, limit=query.limit)
    record("participation.proposals_viewed", actor=user, target=need, basis=basis, request=request)
    return [
        {
            "service_id": r.service.pk,
            "service_name": r.service.name,
            "organization": r.service.organization.name,
            "score": r.score,
            "reasons": r.reasons,
        }
        for r in ranked
    ]


@router.post(
    NEED + "/placements",
    response={201: PlacementOut, **_ERRORS},
    url_name="participation_placement_propose",
    summary="社会資源を参加先として提案",
)
def placement_propose(request, need_id: UUID, payload: ProposeIn):
    """提案時の点数と理由を参加先に残します。同じ社会資源が進行中なら409 already_proposed、
    休止中なら409 inactive_resource。"""
    user, need, _basis = _read(request, need_id)
    service = Service.objects.filter(pk=payload.service_id).first()
    if service is None:
        raise ValidationError({"service_id": "社会資源が見つかりません。"})
    p = services.placement_propose(
        actor=user, need=need, service=service, notes=payload.notes, request=request
    )
    return Status(201, _placement(selectors.placements_of(need).get(pk=p.pk)))


@router.post(
    "/participation/placements/{placement_id}/{move}",
    response={200: PlacementOut, **_ERRORS},
    url_name="participation_placement_move",
    summary="参加先の段階を進める（連絡・お試し・開始・定着・終了）",
)
def placement_move(
    request,
    placement_id: UUID,
    move: Literal["contact", "trial", "start", "settle", "end"],
    payload: MoveIn,
):
    """提案 → 調整中（contact）→ お試し（trial）→ 開始（start）→ 定着（settle）｜終了（end、
    理由が必須）。それ以外の順は409 illegal_transition。開始でフォローアップ（既定: 2週間・
    1か月・3か月後）が予定され、定着・終了で未実施のものは取りやめになります（R8）。"""
    user = request.auth
    placement = one_or_404(selectors.visible_placements(user), pk=placement_id)
    kwargs = {"actor": user, "placement": placement, "version": payload.version,
              "on": payload.on, "request": request}  # fmt: skip
    if move == "end":
        done = services.placement_end(reason=payload.reason, **kwargs)
    elif move == "contact":
        done = services.placement_contact(
            note=payload.note, resource_contact=payload.resource_contact, **kwargs
        )
    else:
        done = services.MOVES[move](note=payload.note, **kwargs)
    return _placement(selectors.placements_of(done.need).get(pk=done.pk))


@router.get(
    "/participation/follow-ups/due",
    response={200: DuePageOut, 422: ErrorOut},
    url_name="participation_follow_ups_due",
    summary="期日が来たフォローアップ（自機関）",
)
def follow_ups_due(request, paging: Query[PageQuery], today: date | None = None):
    """自機関が担当する参加先の、期日（today、省略時は今日）までの未実施フォローアップ。
    定着・終了した参加先のものは含みません。"""
    user = request.auth
    page = page_of(selectors.due_follow_ups(user, today or timezone.localdate()), paging)
    page["items"] = [
        {
            **_follow_up(f),
            "need_id": f.placement.need_id,
            "service_name": f.placement.service.name,
        }
        for f in page["items"]
    ]
    if page["items"]:
        bases = access.participation_bases(user, {i["need_id"] for i in page["items"]})
        record_reads("participation.follow_ups_listed", actor=user, request=request, bases=bases)
    return page


@router.post(
    "/participation/follow-ups/{follow_up_id}/done",
    response={200: FollowUpOut, **_ERRORS},
    url_name="participation_follow_up_done",
    summary="フォローアップを実施済みにする",
)
def follow_up_done(request, follow_up_id: UUID, payload: FollowUpDoneIn):
    """結果（順調・気になること・通えていない）と様子を記録します。実施済みか取りやめのものは
    409 follow_up_closed。"""
    user = request.auth
    follow_up = one_or_404(selectors.visible_follow_ups(user), pk=follow_up_id)
    done = services.follow_up_done(
        actor=user, follow_up=follow_up, outcome=payload.outcome, note=payload.note,
        request=request,
    )  # fmt: skip
    return _follow_up(done)


@router.post(
    "/participation/gaps",
    response={201: GapOut, **_ERRORS},
    url_name="participation_gap_create",
    summary="不足している社会資源を記録",
)
def gap_create(request, payload: GapIn):
    """合う社会資源がないとき（R8）。重層的支援会議の議題④と年次評価に使われます。
    need_id を渡すと地区とケースを引き継ぎます。"""
    user = request.auth
    need = None
    if payload.need_id:
        need = one_or_404(access.visible_participation_needs(user), pk=payload.need_id)
    category = by_code(TaxonomyTerm, "category", payload.category, label="分類")
    if category is None:
        raise ValidationError({"category": "分類を選んでください。"})
    data = _fields(user, {"case_id": payload.case_id, "district": payload.district})
    gap = services.gap_record(
        actor=user, need_text=payload.need_text, category=category, need=need, request=request,
        **data,
    )  # fmt: skip
    return Status(201, _gap(gap))


@router.get(
    "/participation/cases/{case_id}/gaps",
    response={200: list[GapOut], 404: ErrorOut},
    url_name="participation_case_gaps",
    summary="ケースで記録された不足している社会資源（議題④）",
)
def case_gaps(request, case_id: UUID):
    """重層的支援会議の議題④「社会資源の充足状況・開発の検討」の材料。閲覧できないケースは404。"""
    user = request.auth
    case = one_or_404(access.visible_cases(user), pk=case_id)
    record(
        "participation.case_gaps_viewed",
        actor=user,
        target=case,
        basis=access.case_basis(user, case) or "",
        request=request,
    )
    return [_gap(g) for g in selectors.gaps_for_case(case)]
