"""What the cases API takes and returns (OpenAPI schemas). Japanese descriptions; ids are UUIDs,
master data travels by code.
"""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from yorisoi.http.validation import RowId


class RightsOut(Schema):
    edit: bool = Field(description="ケース名・概要・予定日、関係機関、事業の変更")
    record: bool = Field(description="支援経過記録の記入")
    assess: bool = Field(description="アセスメントの保存")
    consent: bool = Field(description="同意の記録・撤回")
    meetings: bool = Field(description="会議・プラン・終結・中断（福祉総務課）")


class CaseSummaryOut(Schema):
    id: UUID
    number: str = Field(description="ケース番号（例: 2026-0001）")
    title: str
    status: str = Field(
        description="intake / assessment / planning / support / review / closed / suspended"
    )
    status_display: str
    lead_agency: str = Field(description="主担当機関のコード（/agencies の code）")
    next_action_on: date
    last_activity_at: datetime
    opened_at: datetime
    ended_at: datetime | None
    basis: str = Field(
        description="呼び出した人がこのケースを見る根拠: own_agency / coordinator / consent / "
        "art106_6_meeting"
    )
    version: int = Field(description="更新のときに送り返す版番号（楽観的排他制御）")


class SubjectOut(Schema):
    person_id: UUID
    full_name: str
    full_name_kana: str
    birth_date: date | None


class InvolvementOut(Schema):
    id: int
    agency: str = Field(description="機関コード")
    agency_name: str
    role: str = Field(description="役割分担")
    contact_name: str
    contact_phone: str
    staff_id: int | None = Field(description="担当職員の利用者ID（その機関の職員）")
    staff_name: str | None = Field(description="担当職員の表示名")
    is_lead: bool
    started_on: date
    ended_on: date | None
    version: int


class TrackOut(Schema):
    id: int
    program: str = Field(description="collaboration / accompaniment / outreach / participation")
    program_display: str
    started_on: date
    ended_on: date | None
    note: str


class ConsentSummaryOut(Schema):
    person_id: UUID
    has_active_consent: bool = Field(description="撤回されていない同意があれば true")
    consent_id: UUID | None = Field(description="有効な同意のうち最新のもの")
    scope: str | None = Field(description="all_involved / named")
    agencies: list[str] = Field(description="範囲が named のときの機関コード")
    method: str | None = Field(description="written / oral")
    given_on: date | None
    withdrawn_count: int = Field(description="撤回された同意の件数（履歴）")


class SharingOut(Schema):
    has_active_consent: bool = Field(description="本人全員に有効な同意があれば true")
    active_support_meetings: int = Field(description="情報共有が続いている支援会議の数")
    support_decided_on: date | None = Field(description="支援決定日（重層的支援会議の前提）")
    basis: str = Field(description="呼び出した人がこのケースを見る根拠")


class CaseOut(CaseSummaryOut):
    summary: str
    household_id: UUID | None
    origin_consultation_id: UUID | None = Field(description="きっかけの相談のID")
    end_note: str = Field(description="終結時の評価・中断の理由")
    subjects: list[SubjectOut] = Field(description="本人")
    involvements: list[InvolvementOut] = Field(description="関係機関と役割分担（終了したものも）")
    tracks: list[TrackOut] = Field(description="事業の利用（終了したものも）")
    consents: list[ConsentSummaryOut] | None = Field(
        description="本人ごとの同意の状況。ケースの概要だけを見る民生委員には null"
    )
    sharing: SharingOut = Field(description="情報共有の根拠（同意・支援会議）")
    rights: RightsOut = Field(description="呼び出した人ができること")


class CasePageOut(Schema):
    items: list[CaseSummaryOut]
    count: int = Field(description="全件数")
    page: int
    page_size: int


class ConsentOut(Schema):
    id: UUID
    person_id: UUID
    scope: str = Field(description="all_involved / named")
    agencies: list[str] = Field(description="範囲が named のときの機関コード")
    method: str = Field(description="written（書面）/ oral（口頭）")
    given_on: date
    obtained_by: str = Field(description="同意を得た職員")
    note: str
    has_scan: bool = Field(description="同意書の写しがあれば true（内容はこの API では返しません）")
    scan_name: str
    scan_type: str
    recorded_at: datetime
    is_active: bool
    withdrawn_at: datetime | None
    withdrawn_on: date | None
    withdrawal_note: str


class ConsentPageOut(Schema):
    items: list[ConsentOut]
    count: int
    page: int
    page_size: int


class TimelineEntryOut(Schema):
    id: str | None = Field(description="支援経過記録のID（訂正に使う）。出来事・つなぎは null")
    source: str = Field(description="record（支援経過記録）/ event（ケースの出来事）/ referral")
    at: datetime
    kind: str = Field(description="record.visit、event.status、referral など（絞り込みと同じ値）")
    kind_label: str
    agency: str | None = Field(description="記録・操作した機関のコード")
    agency_name: str | None
    author: str = Field(description="記録者・操作者")
    text: str
    version: int | None = Field(None, description="支援経過記録の版番号（訂正のときに送り返す）")


class TimelinePageOut(Schema):
    items: list[TimelineEntryOut]
    count: int
    page: int
    page_size: int


class RecordOut(Schema):
    id: UUID
    case_id: UUID | None = Field(description="ケースの記録ならそのID")
    consultation_id: UUID | None = Field(description="相談の記録ならそのID")
    kind: str
    kind_label: str
    occurred_at: datetime
    agency: str
    author: str
    text: str
    next_action: str = Field(description="次の対応")
    next_action_on: date | None = Field(description="次の対応予定日")
    created_at: datetime
    version: int


class ParticipantOut(Schema):
    id: int
    user_id: int | None
    name: str = Field(description="利用者なら表示名、そうでなければ入力した氏名")
    agency: str | None = Field(description="利用者の所属機関のコード")
    organisation: str
    pledged_at: datetime | None = Field(description="守秘義務の誓約日時")
    attended: bool


class ActionItemOut(Schema):
    id: UUID
    meeting_id: UUID
    case_id: UUID
    description: str
    owner_agency: str
    owner_name: str
    due_on: date
    done_at: datetime | None


class MeetingSummaryOut(Schema):
    id: UUID
    kind: str = Field(description="会議の種類のコード")
    kind_name: str
    legal_type: str = Field(description="support_meeting（支援会議）/ multilayer_meeting")
    purpose: str = Field(description="plan_creation / plan_review / closure / suspension / 空")
    held_at: datetime
    place: str
    status: str = Field(description="scheduled / held")
    sharing_ended_at: datetime | None
    version: int


class MeetingOut(Schema):
    """全体か、誓約前の支援会議の参加者向けの最小限（access = pledge_only）。"""

    id: UUID
    access: str = Field(
        description="full（会議の内容を返す）/ pledge_only（誓約前の支援会議の参加者: "
        "日時・場所・種類と誓約の状態だけ）"
    )
    kind: str
    kind_name: str
    legal_type: str
    held_at: datetime
    place: str
    pledge_required: bool = Field(
        description="呼び出した人が誓約しないとケースを見られなければ true"
    )
    pledged: bool | None = Field(description="呼び出した人の誓約の状態（参加者でなければ null）")
    case_id: UUID | None = None
    case_number: str | None = None
    case_title: str | None = None
    purpose: str | None = None
    status: str | None = None
    shared_information: str | None = None
    support_arrangement: str | None = None
    agenda_plan: str | None = None
    agenda_fitness: str | None = None
    agenda_evaluation: str | None = None
    agenda_resources: str | None = None
    unmet_needs: str | None = None
    minutes: str | None = None
    decisions: str | None = None
    sharing_ended_at: datetime | None = None
    participants: list[ParticipantOut] | None = None
    action_items: list[ActionItemOut] | None = None
    version: int | None = None


class MeetingPageOut(Schema):
    items: list[MeetingSummaryOut]
    count: int
    page: int
    page_size: int


class MyMeetingOut(Schema):
    id: UUID
    kind: str
    kind_name: str
    legal_type: str
    held_at: datetime
    place: str
    pledged: bool
    pledge_required: bool = Field(description="誓約しないとケースを見られなければ true")
    case_id: UUID | None = Field(description="ケースを見られるときだけ")
    case_number: str | None
    case_title: str | None


class MyMeetingPageOut(Schema):
    items: list[MyMeetingOut]
    count: int
    page: int
    page_size: int


class CaseIssueOut(Schema):
    domain: str = Field(description="分野のコード")
    domain_name: str
    description: str


class AssessmentOut(Schema):
    id: UUID
    number: int = Field(description="版")
    household_situation: str
    strengths: str
    risks: str
    wishes: str
    issues: list[CaseIssueOut]
    created_by: str
    created_by_agency: str
    created_at: datetime


class AssessmentPageOut(Schema):
    items: list[AssessmentOut]
    count: int
    page: int
    page_size: int


class GoalReviewOut(Schema):
    meeting_id: UUID
    rating: str = Field(description="achieved / partly / not_yet")
    note: str
    reviewed_at: datetime


class GoalOut(Schema):
    id: int
    term: str = Field(description="short（短期）/ long（長期）")
    text: str
    reviews: list[GoalReviewOut]


class PlanActionOut(Schema):
    agency: str
    description: str
    due_on: date | None


class PlanOut(Schema):
    id: UUID
    number: int = Field(description="版")
    meeting_id: UUID = Field(description="決定した重層的支援会議")
    next_review_on: date
    uses_outreach: bool
    uses_participation: bool
    person_agreed: bool
    note: str
    created_at: datetime
    goals: list[GoalOut]
    actions: list[PlanActionOut]


class PlanPageOut(Schema):
    items: list[PlanOut]
    count: int
    page: int
    page_size: int


class _In(Schema):
    # A misspelt field would otherwise be dropped without a word and its value lost.
    model_config = ConfigDict(extra="forbid")


class _VersionIn(_In):
    version: int = Field(description="取得したときの version。ほかの人が先に更新していれば 409")


class CaseListQuery(Schema):
    status: Literal["active", "closed", "all"] = Field(
        "active", description="active（進行中、既定）/ closed（終結・中断）/ all"
    )
    number: str | None = Field(None, description="ケース番号（完全一致）")


class CaseOpenIn(_In):
    title: str | None = Field(None, description="ケース名（必須、100文字以内）")
    person_ids: list[UUID] = Field([], description="本人のID（省略時は世帯員全員）")
    household_id: UUID | None = Field(None, description="世帯のID")
    origin_consultation_id: UUID | None = Field(
        None, description="多機関協働へ上がった相談のID（この相談はケースに引き継がれます）"
    )
    lead_agency: str | None = Field(None, description="主担当機関のコード（省略時は自機関）")
    lead_role: str | None = Field(None, description="主担当機関の役割")
    summary: str | None = None
    next_action_on: date | None = Field(None, description="次の対応予定日（省略時は今日）")


class CaseUpdateIn(_VersionIn):
    title: str | None = None
    summary: str | None = None
    next_action_on: date | None = None


class CaseMoveIn(_VersionIn):
    to_status: str = Field(description="assessment / planning / review など（終結・中断は不可）")
    note: str | None = None


class CaseLeadIn(_VersionIn):
    agency: str = Field(description="新しい主担当機関のコード")
    role: str = Field(description="主担当機関の役割")


class InvolvementAddIn(_In):
    agency: str = Field(description="機関コード（/agencies の code）")
    role: str | None = Field(None, description="役割分担（必須）")
    contact_name: str | None = None
    contact_phone: str | None = None


class InvolvementUpdateIn(_VersionIn):
    role: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


class EndIn(_In):
    ended_on: date | None = Field(None, description="終了日（省略時は今日）")
    note: str | None = None


class TrackStartIn(_In):
    program: str = Field(description="accompaniment / outreach / participation / collaboration")
    started_on: date | None = None
    note: str | None = None


class ConsentIn(_In):
    person_id: UUID = Field(description="同意した本人（このケースの本人）")
    scope: str | None = Field(None, description="all_involved（既定）/ named")
    agencies: list[str] = Field([], description="範囲が named のとき: 共有してよい機関のコード")
    method: str | None = Field(None, description="written（書面）/ oral（口頭）")
    given_on: date = Field(description="同意を得た日")
    note: str | None = None
    scan_base64: str | None = Field(None, description="同意書の写し（Base64、5MBまで）")
    scan_name: str | None = Field(None, description="写しのファイル名")
    scan_type: str | None = Field(None, description="application/pdf / image/jpeg / image/png")


class WithdrawIn(_In):
    withdrawn_on: date | None = Field(None, description="撤回の申し出日（省略時は今日）")
    note: str | None = None


class SupportDecisionIn(_In):
    decided_on: date | None = Field(None, description="支援決定日（省略時は今日）")


class TimelineQuery(Schema):
    agency: str | None = Field(None, description="機関コードで絞り込む")
    kind: str | None = Field(
        None,
        description="種類で絞り込む: record.visit, record.call, … / event.status, event.plan, … / "
        "referral（きっかけの相談のつなぎ）",
    )


class RecordIn(_In):
    kind: str = Field(description="visit / call / interview / meeting / liaison / note")
    text: str | None = Field(None, description="内容（必須）")
    occurred_at: datetime | None = Field(None, description="日時（省略時は現在）")


class ConsultationRecordIn(_VersionIn):
    kind: str = Field(description="visit / call / interview / meeting / liaison / note")
    text: str | None = Field(None, description="内容（必須）")
    occurred_at: datetime | None = Field(None, description="日時（省略時は現在）")
    next_action: str | None = Field(None, description="次の対応（例: ケアマネと同行訪問）")
    next_action_on: date | None = Field(
        None, description="次の対応予定日（必須、今日以降）。相談の次の対応予定日になります"
    )


class RecordPageOut(Schema):
    items: list[RecordOut]
    count: int
    page: int
    page_size: int


class InvolvementStaffIn(_VersionIn):
    staff: int = Field(description="担当職員の利用者ID（その機関の利用中の職員）")


class RecordCorrectIn(_VersionIn):
    kind: str | None = None
    text: str | None = None
    occurred_at: datetime | None = None


class CaseCloseIn(_VersionIn):
    meeting_id: UUID = Field(description="終結を判断した重層的支援会議（目的 closure）")
    evaluation: str | None = Field(None, description="終結時の評価（必須）")


class SuspendIn(_VersionIn):
    meeting_id: UUID = Field(description="中断を判断した重層的支援会議（目的 suspension）")
    reason: str | None = Field(None, description="中断の理由（必須）")


class ReopenIn(_VersionIn):
    reason: str | None = Field(None, description="再開の理由（必須）")
    next_action_on: date | None = None


class MeetingCreateIn(_In):
    kind: str = Field(description="会議の種類のコード（例: shien-kaigi, jusoteki-shien-kaigi）")
    purpose: str | None = Field(
        None, description="重層的支援会議の目的: plan_creation / plan_review / closure / suspension"
    )
    held_at: datetime
    place: str | None = None
    participant_user_ids: list[RowId] = Field(
        [], description="参加者の利用者ID（/cases/meetings/{id} の participants[].user_id と同じ）"
    )


class MeetingRecordIn(_VersionIn):
    held: bool = Field(True, description="開催済みにするなら true")
    held_at: datetime | None = None
    place: str | None = None
    shared_information: str | None = None
    support_arrangement: str | None = None
    agenda_plan: str | None = None
    agenda_fitness: str | None = None
    agenda_evaluation: str | None = None
    agenda_resources: str | None = None
    unmet_needs: str | None = None
    minutes: str | None = None
    decisions: str | None = None


class ParticipantIn(_In):
    user_id: RowId | None = Field(None, description="利用者ID（利用者でない人は name を指定）")
    name: str | None = None
    organisation: str | None = None


class PledgeIn(_In):
    participant_id: RowId | None = Field(
        None,
        description="福祉総務課が、アカウントのない参加者の書面の誓約を記録するときの参加者ID。"
        "省略すると呼び出した本人の誓約",
    )


class ActionItemIn(_In):
    description: str | None = None
    owner_agency: str = Field(description="担当機関のコード")
    owner_name: str | None = None
    due_on: date


class IssueIn(_In):
    domain: str = Field(description="分野のコード（例: elderly, disability）")
    description: str


class AssessmentIn(_In):
    based_on: int | None = Field(
        description="書き始めたときの最新の版（初版は null）。先に別の版が保存されていれば 409"
    )
    household_situation: str | None = None
    strengths: str | None = None
    risks: str | None = None
    wishes: str | None = None
    issues: list[IssueIn] = []


class GoalIn(_In):
    term: str = Field(description="short / long")
    text: str


class PlanActionIn(_In):
    agency: str = Field(description="担当機関のコード")
    description: str
    due_on: date | None = None


class PlanIn(_In):
    meeting_id: UUID = Field(
        description="決定した重層的支援会議（初版は plan_creation、以後は plan_review）"
    )
    based_on: int | None = Field(description="最新の版（初版は null）")
    next_review_on: date
    goals: list[GoalIn]
    actions: list[PlanActionIn] = []
    uses_outreach: bool = False
    uses_participation: bool = False
    person_agreed: bool = False
    note: str | None = None


class RatingIn(_In):
    goal_id: RowId
    rating: str = Field(description="achieved / partly / not_yet")
    note: str | None = None


class ReviewIn(_In):
    ratings: list[RatingIn]
