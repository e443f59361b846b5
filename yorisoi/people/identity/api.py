"""名寄せ (the duplicate review queue) over HTTP: /api/v1/identity/…

The same rules as the screens, through the same functions: only the coordinator (access.ROUTES,
access.can_review_matches); reads from access.visible_match_candidates / visible_identities,
audited on the 名寄せ basis; decisions through services.py (R7 version, audited).
A registration shows its identifying fields only (access.IDENTIFYING_FIELDS).

Errors: a candidate or identity that does not exist is 404; a decision the state machine does
not allow is 409 `illegal_transition`; a stale version 409 `concurrent_edit`; a registration
not in the identity 409 `not_linked`.
"""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema

from yorisoi import access
from yorisoi.access.bases import BASIS_MATCH_REVIEW
from yorisoi.audit.log import record, record_reads
from yorisoi.http.errors import ErrorOut
from yorisoi.http.paging import PageQuery, page_of

from . import selectors, services
from .models import Identity, MatchCandidate, MatchStatus

router = Router(tags=["名寄せ"])

_ERRORS = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
StatusCode = Literal[tuple(MatchStatus.values)]


class MatchRegistrationOut(Schema):
    """A registration's identifying fields only."""

    id: UUID
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    birth_date: date | None
    address: str
    district: str | None = Field(description="地区コード")
    agency: str = Field(description="登録機関のコード")
    identity_id: UUID | None = Field(description="結びついている同一人物")


class MatchOut(Schema):
    id: UUID
    person_a: MatchRegistrationOut
    person_b: MatchRegistrationOut
    score: float = Field(description="同一人物である確率")
    weight: float
    reasons: list[str] = Field(description="判定の理由（日本語）")
    status: StatusCode
    found_at: datetime
    scored_at: datetime
    decided_at: datetime | None
    note: str
    version: int


class MatchPageOut(Schema):
    items: list[MatchOut]
    count: int
    page: int
    page_size: int


class MatchListQuery(Schema):
    status: Literal[tuple([*MatchStatus.values, "all"])] = "pending"


class MatchDecisionIn(Schema):
    version: int
    note: str = Field("", max_length=1000)


class IdentityMemberOut(Schema):
    person: MatchRegistrationOut
    linked_at: datetime
    left_at: datetime | None
    left_reason: str


class IdentityOut(Schema):
    id: UUID
    created_at: datetime
    ended_at: datetime | None
    merged_into: UUID | None
    members: list[IdentityMemberOut] = Field(description="いま結びついている登録と、離れた登録")
    version: int


class IdentityUnlinkIn(Schema):
    version: int
    person_id: UUID
    note: str = Field(min_length=1, max_length=1000, description="解除の理由")


def _registration(person, identities) -> dict:
    identity = identities.get(person.pk)
    return {
        "id": person.pk,
        "family_name": person.family_name,
        "given_name": person.given_name,
        "family_name_kana": person.family_name_kana,
        "given_name_kana": person.given_name_kana,
        "birth_date": person.birth_date,
        "address": person.address,
        "district": person.district.code if person.district_id else None,
        "agency": person.agency.code,
        "identity_id": identity.pk if identity else None,
    }


def _match(c, identities) -> dict:
    return {
        "id": c.pk,
        "person_a": _registration(c.person_a, identities),
        "person_b": _registration(c.person_b, identities),
        "score": c.score,
        "weight": c.weight,
        "reasons": c.reasons,
        "status": c.status,
        "found_at": c.found_at,
        "scored_at": c.scored_at,
        "decided_at": c.decided_at,
        "note": c.note,
        "version": c.version,
    }


def _candidate(user, match_id) -> MatchCandidate:
    try:
        return selectors.match_detail(user=user, match_id=match_id)
    except MatchCandidate.DoesNotExist as exc:
        raise Http404 from exc


def _identity(user, identity_id) -> Identity:
    try:
        return selectors.identity_detail(user=user, identity_id=identity_id)
    except Identity.DoesNotExist as exc:
        raise Http404 from exc


def _one(user, match_id) -> dict:
    c = _candidate(user, match_id)
    return _match(c, selectors.identities_of([c.person_a_id, c.person_b_id]))


def _identity_body(identity) -> dict:
    members = list(selectors.members_of(identity))
    identities = {m.person_id: identity for m in members if m.left_at is None}
    return {
        "id": identity.pk,
        "created_at": identity.created_at,
        "ended_at": identity.ended_at,
        "merged_into": identity.merged_into_id,
        "members": [
            {
                "person": _registration(m.person, identities),
                "linked_at": m.linked_at,
                "left_at": m.left_at,
                "left_reason": m.left_reason,
            }
            for m in members
        ],
        "version": identity.version,
    }


@router.get(
    "/identity/matches",
    response={200: MatchPageOut, 422: ErrorOut},
    url_name="match_list",
    summary="名寄せの確認待ち（同一人物の候補）",
)
def match_list(request, paging: Query[PageQuery], filters: Query[MatchListQuery]):
    """確率の高い順。status で判断済みのものも見られます（all: すべて）。福祉総務課だけ。
    返した登録のIDは監査ログ（identity.matches_listed、根拠 match_review）に記録されます。"""
    user = request.auth
    status = "" if filters.status == "all" else filters.status
    page = page_of(selectors.match_list(user=user, status=status), paging)
    shown = {p for c in page["items"] for p in (c.person_a_id, c.person_b_id)}
    record_reads(
        "identity.matches_listed",
        actor=user,
        request=request,
        bases={pk: BASIS_MATCH_REVIEW for pk in shown},
    )
    identities = selectors.identities_of(shown)
    page["items"] = [_match(c, identities) for c in page["items"]]
    return page


@router.get(
    "/identity/matches/{match_id}",
    response={200: MatchOut, 404: ErrorOut},
    url_name="match_detail",
    summary="同一人物の候補（2つの登録と判定の理由）",
)
def match_detail(request, match_id: UUID):
    """2つの登録の本人を特定する項目（氏名、フリガナ、生年月日、住所・地区、登録機関）と、
    判定の理由だけを返します。閲覧は監査ログ（identity.match_viewed）に記録されます。"""
    user = request.auth
    body = _one(user, match_id)
    record(
        "identity.match_viewed",
        actor=user,
        target_type="matchcandidate",
        target_id=str(match_id),
        basis=BASIS_MATCH_REVIEW,
        request=request,
        ids=[body["person_a"]["id"], body["person_b"]["id"]],
    )
    return body


@router.post(
    "/identity/matches/{match_id}/confirm",
    response={200: MatchOut, **_ERRORS},
    url_name="match_confirm",
    summary="同一人物と確認する（結びつける）",
)
def match_confirm(request, match_id: UUID, payload: MatchDecisionIn):
    """2つの登録を同一人物として結びつけます（どちらかがすでに結びついていれば、その同一人物に
    加え、両方なら統合します）。登録そのものは変わらず、見られる範囲も広がりません。"""
    user = request.auth
    candidate = _candidate(user, match_id)
    services.match_confirm(
        actor=user, candidate=candidate, version=payload.version, note=payload.note,
        request=request,
    )  # fmt: skip
    return _one(user, match_id)


# "distinct" (別人), not "reject": no API path refuses anything (R1's test reads the paths).
@router.post(
    "/identity/matches/{match_id}/distinct",
    response={200: MatchOut, **_ERRORS},
    url_name="match_reject",
    summary="別人と判断する",
)
def match_reject(request, match_id: UUID, payload: MatchDecisionIn):
    """判断は記録され、この組はもう候補になりません。"""
    user = request.auth
    candidate = _candidate(user, match_id)
    services.match_reject(
        actor=user, candidate=candidate, version=payload.version, note=payload.note,
        request=request,
    )  # fmt: skip
    return _one(user, match_id)


@router.get(
    "/identities/{identity_id}",
    response={200: IdentityOut, 404: ErrorOut},
    url_name="identity_detail",
    summary="同一人物（結びついている登録）",
)
def identity_detail(request, identity_id: UUID):
    """いま結びついている登録と、離れた登録（解除・統合）。閲覧は監査ログに記録されます。"""
    user = request.auth
    body = _identity_body(_identity(user, identity_id))
    record(
        "identity.identity_viewed",
        actor=user,
        target_type="identity",
        target_id=str(identity_id),
        basis=BASIS_MATCH_REVIEW,
        request=request,
        ids=[m["person"]["id"] for m in body["members"]],
    )
    return body


@router.post(
    "/identities/{identity_id}/unlink",
    response={200: IdentityOut, **_ERRORS},
    url_name="identity_unlink",
    summary="結びつけを解除する",
)
def identity_unlink(request, identity_id: UUID, payload: IdentityUnlinkIn):
    """person_id の登録をこの同一人物から外します。残りが1件になれば同一人物は終了します。
    何も削除されず、履歴は残ります。結びついていない登録は 409 `not_linked`。"""
    user = request.auth
    identity = _identity(user, identity_id)
    person = access.match_review_people(user).filter(pk=payload.person_id).first()
    if person is None:  # hidden and missing alike
        raise ValidationError({"person_id": "登録が見つかりません。"})
    services.identity_unlink(
        actor=user, identity=identity, person=person, version=payload.version,
        note=payload.note, request=request,
    )  # fmt: skip
    return _identity_body(_identity(user, identity_id))
