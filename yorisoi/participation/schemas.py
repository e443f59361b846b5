"""What the participation support API takes and returns (OpenAPI schemas)."""

from datetime import date
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from .models import (
    FollowUpOutcome,
    PlacementStatus,
    TimeOfDay,
)


class NeedIn(Schema):
    person_id: UUID = Field(description="本人（閲覧できる人）のID")
    case_id: UUID | None = Field(None, description="ケース（任意）")
    interests: list[str] = Field([], description="関心のある分類のコード（/resources/taxonomy）")
    interests_note: str = ""
    short_term_goal: str = Field("", description="短期の目標（本人の言葉で）")
    long_term_goal: str = Field("", description="長期の目標（本人の言葉で）")
    wishes: str = ""
    available_days: list[Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]] = []
    days_required: bool = Field(False, description="通える曜日以外は通えない（絞り込み）")
    time_of_day: Literal[tuple(TimeOfDay.values)] = "any"
    district: str | None = Field(None, description="本人の地区コード。省略時は本人の記録から")
    same_area_only: bool = False
    needs_barrier_free: bool = False
    prefers_small: bool = False
    max_cost_per_month: int | None = Field(None, ge=0)
    responsible_agency: str | None = Field(None, description="担当機関のコード。省略時は自機関")


class NeedUpdateIn(Schema):
    version: int
    case_id: UUID | None = None
    interests: list[str] | None = None
    interests_note: str | None = None
    short_term_goal: str | None = None
    long_term_goal: str | None = None
    wishes: str | None = None
    available_days: list[Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]] | None = None
    days_required: bool | None = None
    time_of_day: Literal[tuple(TimeOfDay.values)] | None = None
    district: str | None = None
    same_area_only: bool | None = None
    needs_barrier_free: bool | None = None
    prefers_small: bool | None = None
    max_cost_per_month: int | None = Field(None, ge=0)
    responsible_agency: str | None = None


class FollowUpOut(Schema):
    id: UUID
    placement_id: UUID
    due_on: date
    status: str
    outcome: str
    note: str
    done_at: str | None


class PlacementOut(Schema):
    id: UUID
    service_id: UUID
    service_name: str
    status: Literal[tuple(PlacementStatus.values)]
    score: int | None
    reasons: list[str]
    proposed_on: date
    contacted_on: date | None
    trial_on: date | None
    started_on: date | None
    settled_on: date | None
    ended_on: date | None
    end_reason: str
    resource_contact: str
    notes: str
    version: int
    follow_ups: list[FollowUpOut]


class NeedSummaryOut(Schema):
    id: UUID
    person_id: UUID | None = Field(description="本人（その記録を見られるときだけ）")
    case_id: UUID | None = Field(description="属するケース（そのケースを見られるときだけ）")
    responsible_agency: str
    short_term_goal: str
    long_term_goal: str
    version: int


class NeedOut(NeedSummaryOut):
    interests: list[str]
    interests_note: str
    wishes: str
    available_days: list[str]
    days_required: bool
    time_of_day: str
    district: str | None
    same_area_only: bool
    needs_barrier_free: bool
    prefers_small: bool
    max_cost_per_month: int | None
    basis: str = Field(description="呼び出した人の閲覧の根拠")
    can_steer: bool
    placements: list[PlacementOut]


class NeedPageOut(Schema):
    items: list[NeedSummaryOut]
    count: int
    page: int
    page_size: int


class ProposalOut(Schema):
    service_id: UUID
    service_name: str
    organization: str
    score: int
    reasons: list[str] = Field(description="順位の理由（日本語、担当者が読む文）")


class ProposalQuery(Schema):
    limit: int = Field(10, ge=1, le=50)


class ProposeIn(Schema):
    service_id: UUID
    notes: str = ""


class MoveIn(Schema):
    version: int | None = Field(None, description="見ていた版（省略時は確認しない）")
    on: date | None = Field(None, description="その段階になった日（省略時は今日）")
    note: str = ""
    resource_contact: str = Field("", description="contact: 先方の担当者")
    reason: str = Field("", description="end: 終了の理由（必須）")


class FollowUpDoneIn(Schema):
    outcome: Literal[tuple(FollowUpOutcome.values)]
    note: str = ""


class DueFollowUpOut(FollowUpOut):
    need_id: UUID
    service_name: str


class DuePageOut(Schema):
    items: list[DueFollowUpOut]
    count: int
    page: int
    page_size: int


class GapIn(Schema):
    need_text: str = Field(description="不足している資源（ニーズ）")
    category: str = Field(description="分類コード")
    district: str | None = None
    case_id: UUID | None = None
    need_id: UUID | None = Field(None, description="参加支援のニーズ（地区とケースを引き継ぐ）")


class GapOut(Schema):
    id: UUID
    need_text: str
    category: str
    district: str | None
    case_id: UUID | None
    need_id: UUID | None
    agency: str
    recorded_at: str
