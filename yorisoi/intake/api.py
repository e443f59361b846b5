"""Consultations (包括的相談支援), referrals and 民生委員 reports over HTTP: /api/v1/. The
work list (/queue) is front.api.

The same rules as the screens, through the same functions: reads start from
access.visible_consultations() (or access.volunteer_reports()), state changes go through
services (which audit them and raise RuleViolation → 409 with its code, ValidationError → 422),
and every read of personal data is written to the audit trail (R6).

- Consultations, referrals, people and households are addressed by UUID; agencies and issues by
  `code`. A consultation (or a referral of one) the caller may not read answers 404, the same
  body as an id that does not exist.
- R1: there is no way to refuse a consultation. The only outcomes are resolve, continue,
  escalate, and a referral that the receiving agency accepts.
- R2: a declined referral needs a reason and comes back to the sender and the coordinator.
- 民生委員 see only the status of what they reported, never the record.
"""

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from yorisoi import access
from yorisoi.access.bases import BASIS_VOLUNTEER_REPORT
from yorisoi.accounts.models import User
from yorisoi.audit.log import record, record_reads
from yorisoi.http.errors import ErrorOut, one_or_404
from yorisoi.http.paging import PageQuery, WindowOut, page_of, window_page_of
from yorisoi.http.validation import agency_by_code, raise_field_errors

from . import selectors, services
from .models import Consultation, Referral

router = Router(tags=["包括的相談支援"])


# --- schemas -------------------------------------------------------------------------------


class _In(Schema):
    # A misspelt field would otherwise be dropped without a word and its value lost.
    model_config = ConfigDict(extra="forbid")


class ConsultationIssueOut(Schema):
    code: str = Field(description="課題分類のコード（/issue-categories の code）")
    name: str
    main: bool = Field(description="主な課題（◎）なら true")


class ReferralOut(Schema):
    id: UUID
    consultation_id: UUID
    kind: str = Field(description="referral（つなぎ）/ transfer（移管）")
    status: str = Field(description="pending / accepted / declined / withdrawn")
    from_agency: str = Field(description="送り元の機関コード")
    to_agency: str = Field(description="送り先の機関コード")
    reason: str = Field(description="つなぐ理由")
    told_to_person: str = Field(description="本人に伝えたこと")
    shared_info: str = Field(description="共有する情報")
    sent_at: datetime
    answered_at: datetime | None
    decline_reason: str = Field(description="受け入れできない理由（declined のとき）")
    assignee_id: int | None = Field(description="受け入れ側の担当者の利用者ID（accepted のとき）")
    sender_acknowledged_at: datetime | None
    coordinator_acknowledged_at: datetime | None
    answer_due_on: date = Field(
        description="回答期限: 送った日から回答待ちの上限（開庁日数）を数えた日"
        "（土日・祝日・年末年始は数えない）"
    )
    office_days_waiting: int = Field(
        description="送ってから過ぎた開庁日数（回答待ちなら今日まで、回答済みなら回答した日まで）"
    )

    @staticmethod
    def resolve_answer_due_on(obj):
        return selectors.referral_deadline(obj).due_on

    @staticmethod
    def resolve_office_days_waiting(obj):
        return selectors.referral_deadline(obj).office_days_waiting

    @staticmethod
    def resolve_from_agency(obj):
        return obj.from_agency.code

    @staticmethod
    def resolve_to_agency(obj):
        return obj.to_agency.code


class ConsultationSummaryOut(Schema):
    id: UUID
    received_at: datetime
    channel: str
    urgency: str
    summary: str
    outcome: str = Field(description="resolved / continued / referred / escalated、未決定は空")
    receiving_agency: str = Field(description="受付機関のコード")
    responsible_agency: str = Field(description="担当機関のコード")
    person_id: UUID | None
    household_id: UUID | None
    next_action_on: date
    holder_id: int | None = Field(description="担当者の利用者ID（担当機関の職員）")
    holder_name: str | None = Field(description="担当者の表示名")
    closed_at: datetime | None
    closure_reason: str = Field(
        description="終結の理由: solved / connected / persons_wish / lost_contact / moved_away / "
        "died / other、終結していなければ空"
    )
    closure_note: str
    version: int = Field(description="結果を記録するときに送り返す版番号（楽観的排他制御）")

    @staticmethod
    def resolve_holder_name(obj):
        return str(obj.holder) if obj.holder_id else None

    @staticmethod
    def resolve_receiving_agency(obj):
        return obj.receiving_agency.code

    @staticmethod
    def resolve_responsible_agency(obj):
        return obj.responsible_agency.code


class ConsultationOut(ConsultationSummaryOut):
    consulter_type: str
    consulter_name: str
    consulter_contact: str
    subject_note: str
    sharing_consent: str
    issues: list[ConsultationIssueOut]
    main_issue: str | None = Field(description="主な課題のコード")
    outcome_at: datetime | None
    outcome_note: str
    last_activity_at: datetime
    created_at: datetime
    referrals: list[ReferralOut] = Field(description="つなぎの経過（古い順）")
    pass_around_risk: bool = Field(
        description="受け入れできないが重なっている（たらいまわしの恐れ）なら true"
    )

    @staticmethod
    def resolve_issues(obj):
        return [
            {"code": link.issue.code, "name": link.issue.name, "main": link.is_main}
            for link in obj.issue_links.all()
        ]

    @staticmethod
    def resolve_main_issue(obj):
        return next((link.issue.code for link in obj.issue_links.all() if link.is_main), None)

    @staticmethod
    def resolve_referrals(obj):
        return selectors.handoff_chain(obj)

    @staticmethod
    def resolve_pass_around_risk(obj):
        return selectors.at_risk_of_pass_around(obj)


class ConsultationPageOut(WindowOut):
    """数えずに返す一覧（issue 16: 相談は年々増えます）。全件数は最後のページでだけ分かります。"""

    items: list[ConsultationSummaryOut]


class ConsultationCreateIn(_In):
    received_at: datetime | None = Field(None, description="受付日時（省略時は現在）")
    channel: str | None = Field(
        None,
        description="相談経路: counter, phone, visit, email, from_agency, from_neighbour, "
        "from_volunteer, other",
    )
    consulter_type: str | None = Field(
        None, description="相談者: self, family, neighbour, agency, volunteer, other"
    )
    consulter_name: str | None = None
    consulter_contact: str | None = None
    person_id: UUID | None = Field(None, description="登録済みの本人のID（見られる本人のみ）")
    household_id: UUID | None = Field(None, description="登録済みの世帯のID（見られる世帯のみ）")
    subject_note: str | None = Field(None, description="本人がまだ特定できないとき: 住所、様子など")
    summary: str | None = Field(None, description="相談内容（必須）")
    issues: list[str] = Field([], description="課題分類のコード（/issue-categories の code）")
    main_issue: str | None = Field(None, description="主な課題（◎）のコード")
    urgency: str | None = Field(None, description="urgent / high / normal（既定）")
    sharing_consent: str | None = Field(
        None, description="agreed / not_agreed / unconfirmed（既定）"
    )
    next_action_on: date | None = Field(
        None,
        description="次の対応予定日（省略時は今日: 結果を決める日。過去の日付は 422）",
    )
    resolved: bool = Field(
        False,
        description="受付の場で解決したら true: 課題なしでも受け付け、相談受付で解決として終えます",
    )
    outcome: str | None = Field(
        None,
        description="受付の場で決めた結果: continued（次の対応予定日を引き継ぐ）/ resolved / "
        "escalated。省略すると未決定のまま（あとで /continue などで記録）",
    )


class _VersionIn(_In):
    version: int = Field(description="取得したときの version。ほかの人が先に更新していれば 409")
    note: str | None = Field(None, description="結果の補足")


class ResolveIn(_VersionIn):
    pass


class ContinueIn(_VersionIn):
    next_action_on: date | None = Field(
        None, description="次の対応予定日（省略時は受付のときの次の対応予定日）"
    )


class EscalateIn(_VersionIn):
    pass


class ReferralSendIn(_In):
    to_agency: str | None = Field(None, description="送り先の機関コード（/agencies の code）")
    kind: str | None = Field(None, description="referral（つなぎ）/ transfer（移管）")
    reason: str | None = Field(None, description="つなぐ理由（必須）")
    told_to_person: str | None = Field(None, description="本人に伝えたこと")
    shared_info: str | None = Field(None, description="共有する情報")


class DeclineIn(_In):
    reason: str | None = Field(None, description="受け入れできない理由（必須）")


class VolunteerReportIn(_In):
    summary: str | None = Field(None, description="気づいたこと・相談内容（必須）")
    subject_note: str | None = Field(None, description="対象の方についてわかっていること（必須）")
    urgency: str | None = Field(None, description="urgent / high / normal（既定）")
    to_agency: str | None = Field(None, description="届け先の機関コード（省略時は福祉総務課）")


class VolunteerReportOut(Schema):
    id: UUID
    received_at: datetime
    status: str = Field(description="received（受付）/ being_handled（対応中）/ connected")
    status_display: str


class VolunteerReportPageOut(Schema):
    items: list[VolunteerReportOut]
    count: int
    page: int
    page_size: int


# --- helpers -------------------------------------------------------------------------------


def _visible(user):
    return access.visible_consultations(user).select_related(
        "receiving_agency", "responsible_agency", "holder"
    )


def _visible_consultation(user, consultation_id) -> Consultation:
    return one_or_404(_visible(user).prefetch_related("issue_links__issue"), pk=consultation_id)


def _visible_referral(user, referral_id) -> Referral:
    referrals = selectors.visible_referrals(user).select_related("from_agency", "to_agency")
    return one_or_404(referrals, pk=referral_id)


def _fresh_referral(referral: Referral) -> Referral:
    return Referral.objects.select_related("from_agency", "to_agency").get(pk=referral.pk)


def _referral_step(request, referral_id, step, **fields) -> Referral:
    """R2: one answer to a referral the caller can see (services raise 409 when it is not theirs
    to give or already given); the referral as it is now."""
    user = request.auth
    referral = _visible_referral(user, referral_id)
    step(actor=user, referral=referral, request=request, **fields)
    return _fresh_referral(referral)


# --- consultations -------------------------------------------------------------------------


@router.get(
    "/consultations",
    response={200: ConsultationPageOut},
    url_name="consultation_list",
    summary="相談の一覧",
)
def consultation_list(request, paging: Query[PageQuery]):
    """見ることのできる相談の一覧（受付日時の新しい順）。

    返した相談のIDは監査ログ（consultation.listed）に記録されます。
    """
    user = request.auth
    result = window_page_of(_visible(user).order_by("-received_at", "pk"), paging)
    bases = access.consultation_bases(user, [c.pk for c in result["items"]])
    record_reads("consultation.listed", actor=user, request=request, bases=bases)
    return result


@router.post(
    "/consultations",
    response={201: ConsultationOut, 409: ErrorOut, 422: ErrorOut},
    url_name="consultation_create",
    summary="相談を受け付ける",
)
def consultation_create(request, payload: ConsultationCreateIn):
    """相談を受け付けます（断らない相談）。受け付けた機関が担当機関になります。

    本人（person_id）・世帯（household_id）は見ることのできるものだけを指定できます。
    見られないものは存在しない場合と同じ 422 になります。本人が特定できないときは
    subject_note に様子などを書いてください。課題は /issue-categories の code で指定します。

    受付の場で解決した（resolved: true または outcome: resolved）のでなければ、課題（issues）を
    1つ以上と主な課題（main_issue、◎）が必要です。課題が1つだけならそれが◎になります。
    受付日時が未来、次の対応予定日が過去なら 422 です。
    """
    user = request.auth
    errors = {}
    fields = payload.model_dump(
        exclude={"person_id", "household_id", "issues", "main_issue", "resolved", "outcome"}
    )
    for key in ("received_at", "urgency", "sharing_consent", "next_action_on"):
        if fields[key] is None:
            del fields[key]
    fields = {key: "" if value is None else value for key, value in fields.items()}
    if payload.person_id is not None:
        person = access.visible_people(user).filter(pk=payload.person_id).first()
        if person is None:
            errors["person_id"] = [
                ValidationError("選んだ本人が見つかりません。", code="not_found")
            ]
        fields["person"] = person
    if payload.household_id is not None:
        household = access.visible_households(user).filter(pk=payload.household_id).first()
        if household is None:
            errors["household_id"] = [
                ValidationError("選んだ世帯が見つかりません。", code="not_found")
            ]
        fields["household"] = household
    raise_field_errors(errors)
    consultation = services.consultation_create(
        actor=user,
        request=request,
        issues=payload.issues,
        main_issue=payload.main_issue or None,
        resolved=payload.resolved,
        outcome=payload.outcome or "",
        at_the_door=True,
        **fields,
    )
    return Status(201, _visible_consultation(user, consultation.pk))


@router.get(
    "/consultations/{consultation_id}",
    response={200: ConsultationOut, 404: ErrorOut},
    url_name="consultation_detail",
    summary="相談の内容",
)
def consultation_detail(request, consultation_id: UUID):
    """相談の内容、課題、結果、担当機関、つなぎの経過、たらいまわしの恐れ。

    見ることのできない相談は、存在しない場合と同じ 404 になります。
    閲覧は監査ログ（consultation.viewed、閲覧の根拠つき）に記録されます。
    """
    user = request.auth
    consultation = _visible_consultation(user, consultation_id)
    record(
        "consultation.viewed",
        actor=user,
        target=consultation,
        basis=access.consultation_basis(user, consultation) or "",
        request=request,
    )
    return consultation


def _decide(request, consultation_id, payload, decide, **fields):
    """R1: one of the outcomes (services._decide), on the version the caller saw (R7)."""
    user = request.auth
    decide(
        actor=user,
        consultation=_visible_consultation(user, consultation_id),
        version=payload.version,
        note=payload.note or "",
        request=request,
        **fields,
    )
    return _visible_consultation(user, consultation_id)


@router.post(
    "/consultations/{consultation_id}/resolve",
    response={200: ConsultationOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="consultation_resolve",
    summary="相談受付で解決した",
)
def consultation_resolve(request, consultation_id: UUID, payload: ResolveIn):
    """相談受付の段階で解決したことを記録し、相談を終えます（担当機関のみ）。

    結果は1つだけです。すでに結果があれば 409 `outcome_exists`、回答待ちのつなぎがあれば
    409 `referral_pending`、先に更新されていれば 409 `concurrent_edit` です。
    """
    return _decide(request, consultation_id, payload, services.consultation_resolve)


@router.post(
    "/consultations/{consultation_id}/continue",
    response={200: ConsultationOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="consultation_continue",
    summary="自機関で継続して支援する",
)
def consultation_continue(request, consultation_id: UUID, payload: ContinueIn):
    """自機関で継続して支援することを記録します（担当機関のみ）。next_action_on を省略すると
    受付のときの次の対応予定日を引き継ぎます。

    エラーは resolve と同じです（409 outcome_exists / referral_pending / concurrent_edit）。
    """
    return _decide(
        request,
        consultation_id,
        payload,
        services.consultation_continue,
        next_action_on=payload.next_action_on,
    )


@router.post(
    "/consultations/{consultation_id}/escalate",
    response={200: ConsultationOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="consultation_escalate",
    summary="多機関協働へ上げる",
)
def consultation_escalate(request, consultation_id: UUID, payload: EscalateIn):
    """多機関協働（福祉総務課）へ上げます。以後は福祉総務課が担当機関になります。

    エラーは resolve と同じです（409 outcome_exists / referral_pending / concurrent_edit）。
    """
    return _decide(request, consultation_id, payload, services.consultation_escalate)


# --- the consultation's life: holder, closure, reopening ----------------------------------


class StaffOut(Schema):
    id: int = Field(description="利用者ID")
    name: str

    @staticmethod
    def resolve_name(obj):
        return str(obj)


class ReassignIn(_In):
    version: int = Field(description="取得したときの version。ほかの人が先に更新していれば 409")
    holder: int = Field(description="新しい担当者の利用者ID（/consultations/{id}/staff の id）")
    note: str | None = Field(None, description="変更の理由")


class CloseIn(_In):
    version: int = Field(description="取得したときの version。ほかの人が先に更新していれば 409")
    closure_reason: str | None = Field(
        None,
        description="終結の理由（必須）: solved / connected / persons_wish / lost_contact / "
        "moved_away / died / other",
    )
    closure_note: str | None = Field(None, description="終結の補足（other のときは必須）")


class ConsultationReopenIn(_In):
    version: int = Field(description="取得したときの version。ほかの人が先に更新していれば 409")
    reopen_reason: str | None = Field(None, description="再開する理由（必須）")
    next_action_on: date | None = Field(None, description="次の対応予定日（必須、今日以降）")
    holder: int | None = Field(None, description="担当者の利用者ID（省略時は自分）")


class AssigneeIn(_In):
    assignee: int = Field(description="受け入れ側の担当者の利用者ID（送り先の機関の職員）")


def _user(pk):
    return User.objects.filter(pk=pk).first() if pk is not None else None


@router.get(
    "/consultations/{consultation_id}/staff",
    response={200: list[StaffOut], 404: ErrorOut},
    url_name="consultation_staff",
    summary="担当者に選べる職員",
)
def consultation_staff(request, consultation_id: UUID):
    """担当機関の利用中の職員（担当者に選べる人）。担当機関の職員でなければ空の一覧です。"""
    user = request.auth
    consultation = _visible_consultation(user, consultation_id)
    return list(access.assignable_staff(user, consultation.responsible_agency_id))


@router.post(
    "/consultations/{consultation_id}/holder",
    response={200: ConsultationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="consultation_reassign",
    summary="担当者を変更する",
)
def consultation_reassign(request, consultation_id: UUID, payload: ReassignIn):
    """同じ機関の職員に担当者を変更します（担当機関のみ、監査ログに前後の担当者）。
    職員でない人は 422、終結した相談は 409 `closed`、version が古ければ 409 `concurrent_edit`。"""
    user = request.auth
    services.consultation_reassign(
        actor=user,
        consultation=_visible_consultation(user, consultation_id),
        version=payload.version,
        holder=_user(payload.holder),
        note=payload.note or "",
        request=request,
    )
    return _visible_consultation(user, consultation_id)


@router.post(
    "/consultations/{consultation_id}/close",
    response={200: ConsultationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="consultation_close",
    summary="相談を終結する",
)
def consultation_close(request, consultation_id: UUID, payload: CloseIn):
    """理由を選んで終結します（担当機関のみ）。受付の結果がまだなら 409 `no_outcome`、回答待ちの
    つなぎがあれば 409 `referral_pending`、すでに終結なら 409 `closed`。理由がない・other で
    補足がないなら 422。"""
    user = request.auth
    services.consultation_close(
        actor=user,
        consultation=_visible_consultation(user, consultation_id),
        version=payload.version,
        reason=payload.closure_reason or "",
        note=payload.closure_note or "",
        request=request,
    )
    return _visible_consultation(user, consultation_id)


@router.post(
    "/consultations/{consultation_id}/reopen",
    response={200: ConsultationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="consultation_reopen",
    summary="相談を再開する",
)
def consultation_reopen(request, consultation_id: UUID, payload: ConsultationReopenIn):
    """終結した相談を再開します（担当機関のみ）。理由と次の対応予定日（今日以降）が必要、
    担当者は省略すると自分。終結していなければ 409 `open`。"""
    user = request.auth
    services.consultation_reopen(
        actor=user,
        consultation=_visible_consultation(user, consultation_id),
        version=payload.version,
        reason=payload.reopen_reason or "",
        next_action_on=payload.next_action_on,
        holder=_user(payload.holder),
        request=request,
    )
    return _visible_consultation(user, consultation_id)


# --- referrals -----------------------------------------------------------------------------


@router.post(
    "/consultations/{consultation_id}/referrals",
    response={201: ReferralOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="referral_send",
    summary="他機関へつなぐ",
)
def referral_send(request, consultation_id: UUID, payload: ReferralSendIn):
    """担当機関が相談を他機関へつなぎます（つなぐ理由は必須）。

    kind は referral（情報共有。送り元も関わり続ける）か transfer（受け入れで担当が移る）。
    自機関へは 409 `self_referral`、回答待ちのつなぎがあれば 409 `referral_pending`、
    終了した相談は 409 `closed` です。
    """
    user = request.auth
    consultation = _visible_consultation(user, consultation_id)
    errors = {}
    to_agency = agency_by_code(payload.to_agency, field="to_agency", errors=errors)
    raise_field_errors(errors)
    referral = services.referral_send(
        actor=user,
        consultation=consultation,
        to_agency=to_agency,
        kind=payload.kind or "",
        reason=payload.reason or "",
        told_to_person=payload.told_to_person or "",
        shared_info=payload.shared_info or "",
        request=request,
    )
    return Status(201, _fresh_referral(referral))


@router.post(
    "/referrals/{referral_id}/accept",
    response={200: ReferralOut, 404: ErrorOut, 409: ErrorOut},
    url_name="referral_accept",
    summary="つなぎを受け入れる",
)
def referral_accept(request, referral_id: UUID):
    """送り先の機関がつなぎを受け入れます。回答済みのつなぎは 409 `illegal_transition`。"""
    return _referral_step(request, referral_id, services.referral_accept)


@router.post(
    "/referrals/{referral_id}/decline",
    response={200: ReferralOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="referral_decline",
    summary="つなぎを受け入れできないと回答する",
)
def referral_decline(request, referral_id: UUID, payload: DeclineIn):
    """受け入れできない理由（必須、なければ 422 `decline_reason`）を添えて回答します。

    つなぎは終わらず、送り元と福祉総務課の確認待ちに戻ります。回答済みのつなぎは
    409 `illegal_transition`。
    """
    return _referral_step(
        request, referral_id, services.referral_decline, reason=payload.reason or ""
    )


@router.post(
    "/referrals/{referral_id}/withdraw",
    response={200: ReferralOut, 404: ErrorOut, 409: ErrorOut},
    url_name="referral_withdraw",
    summary="つなぎを取り下げる",
)
def referral_withdraw(request, referral_id: UUID):
    """送り元の機関が回答待ちのつなぎを取り下げます。回答済みなら 409 `illegal_transition`。"""
    return _referral_step(request, referral_id, services.referral_withdraw)


@router.post(
    "/referrals/{referral_id}/acknowledge",
    response={200: ReferralOut, 404: ErrorOut, 409: ErrorOut},
    url_name="referral_acknowledge",
    summary="受け入れできなかったつなぎを確認済みにする",
)
def referral_acknowledge(request, referral_id: UUID):
    """送り元または福祉総務課が、受け入れできなかったつなぎを確認済みにします。

    受け入れできなかったつなぎ以外は 409 `illegal_transition` です。
    """
    return _referral_step(request, referral_id, services.referral_acknowledge)


# --- 民生委員・児童委員 ------------------------------------------------------------------------


def _volunteer_row(c: Consultation) -> dict:
    status = selectors.volunteer_status(c)
    return {
        "id": c.pk,
        "received_at": c.received_at,
        "status": status,
        "status_display": str(selectors.VOLUNTEER_STATUS[status]),
    }


@router.post(
    "/volunteer-reports",
    response={201: VolunteerReportOut, 409: ErrorOut, 422: ErrorOut},
    url_name="volunteer_report_create",
    summary="民生委員・児童委員からの報告",
)
def volunteer_report_create(request, payload: VolunteerReportIn):
    """民生委員・児童委員が気づいたことを報告します。届け先（省略時は福祉総務課）の相談になります。

    報告したあとに見られるのは、受付日時と状況（受付・対応中・支援につながった）だけです。
    """
    user = request.auth
    errors = {}
    to_agency = agency_by_code(payload.to_agency, field="to_agency", errors=errors, required=False)
    for key in ("summary", "subject_note"):
        if not (getattr(payload, key) or "").strip():
            errors[key] = [ValidationError("入力してください。", code="required")]
    raise_field_errors(errors)
    consultation = services.volunteer_report_create(
        actor=user,
        summary=payload.summary or "",
        subject_note=payload.subject_note or "",
        urgency=payload.urgency or "normal",
        to_agency=to_agency,
        request=request,
    )
    return Status(201, _volunteer_row(consultation))


@router.get(
    "/volunteer-reports",
    response={200: VolunteerReportPageOut},
    url_name="volunteer_report_list",
    summary="報告の状況",
)
def volunteer_report_list(request, paging: Query[PageQuery]):
    """自分が報告したものの受付日時と状況だけを返します（内容は返しません）。"""
    user = request.auth
    reports = access.volunteer_reports(user).order_by("-received_at", "pk")
    result = page_of(reports, paging)
    result["items"] = [_volunteer_row(c) for c in result["items"]]
    record(
        "volunteer_report.listed",
        actor=user,
        request=request,
        ids=[i["id"] for i in result["items"]],
        basis=BASIS_VOLUNTEER_REPORT,
    )
    return result


@router.post(
    "/referrals/{referral_id}/assignee",
    response={200: ReferralOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="referral_assign",
    summary="受け入れ側の担当者を決める",
)
def referral_assign(request, referral_id: UUID, payload: AssigneeIn):
    """受け入れたつなぎの担当者（送り先の機関の職員）を決め・変えます。送り先の機関でなければ
    403、まだ受け入れていなければ 409 `illegal_transition`、職員でない人は 422。"""
    return _referral_step(
        request, referral_id, services.referral_assign, assignee=_user(payload.assignee)
    )
