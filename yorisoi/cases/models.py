"""Multi-agency collaboration (多機関協働事業): collaborative cases and everything hung on them.

A case (ケース) is one story for a subject or a whole household: a lead agency (主担当) and
involved agencies with their roles (役割分担), program tracks with their own start and end,
consent per subject (R4), the two legal kinds of meeting (R5), assessments and support plans
kept as versions (R7), and one progress record (支援経過記録).

Rules and where they live:
- R3 every open case has one lead agency and a next-action date: Case fields, never empty.
- R4 consent: Consent rows are never deleted; a withdrawal is a date (services.consent_withdraw).
- R5 meetings gate plans: services.plan_create / case_close / case_suspend ask for a held
  重層的支援会議 of the right purpose; services.meeting_schedule asks for the support decision
  and active consent; a 支援会議 opens the case to a participant only after their pledge.
- R6 need to know: yorisoi/access.py (visible_cases, case_basis), nowhere else.
- R7 nothing lost: no deletes (PROTECT everywhere), versions for assessments and plans, a
  version column on what two people may edit at once.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from yorisoi.people.validators import validate_multiline_text, validate_text


def _text(label, max_length=4000, **kwargs):
    return models.TextField(
        label, max_length=max_length, validators=[validate_multiline_text], **kwargs
    )


def _line(label, max_length=200, **kwargs):
    return models.CharField(label, max_length=max_length, validators=[validate_text], **kwargs)


# --- the case -------------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("受付")
    ASSESSMENT = "assessment", _("アセスメント")
    PLANNING = "planning", _("プラン作成")
    SUPPORT = "support", _("支援・モニタリング")
    REVIEW = "review", _("評価・見直し")
    CLOSED = "closed", _("終結")
    SUSPENDED = "suspended", _("中断")


ACTIVE_STATUSES = [
    CaseStatus.INTAKE,
    CaseStatus.ASSESSMENT,
    CaseStatus.PLANNING,
    CaseStatus.SUPPORT,
    CaseStatus.REVIEW,
]

# The lifecycle (status is a state machine; services.case_move is the one door).
# Closure and suspension come only from a 重層的支援会議 decision (R5): services.case_close /
# case_suspend; reopening only through services.case_reopen.
CASE_TRANSITIONS = {
    CaseStatus.INTAKE: {CaseStatus.ASSESSMENT, CaseStatus.PLANNING},
    CaseStatus.ASSESSMENT: {CaseStatus.PLANNING},
    CaseStatus.PLANNING: {CaseStatus.SUPPORT, CaseStatus.ASSESSMENT},
    CaseStatus.SUPPORT: {CaseStatus.REVIEW},
    CaseStatus.REVIEW: {CaseStatus.SUPPORT, CaseStatus.ASSESSMENT},
    CaseStatus.CLOSED: set(),
    CaseStatus.SUSPENDED: set(),
}


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("ケース番号"), max_length=20, unique=True, editable=False)
    title = _line(
        _("ケース名"),
        max_length=100,
        help_text=_("一覧で見分けるための短い名前。例: 「高齢の父と障害のある息子の世帯」"),
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("世帯"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    origin = models.ForeignKey(
        "intake.Consultation",
        verbose_name=_("きっかけの相談"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    lead_agency = models.ForeignKey(
        "directory.Agency", verbose_name=_("主担当機関"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状態"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.INTAKE
    )
    summary = _text(_("ケースの概要"), blank=True)
    next_action_on = models.DateField(_("次の対応予定日"))
    last_activity_at = models.DateTimeField(_("最終対応日時"), default=timezone.now)
    # 支援決定: a 重層的支援会議 handles only cases the municipality decided to support.
    support_decided_on = models.DateField(_("支援決定日"), null=True, blank=True)
    support_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("開始日時"), default=timezone.now)
    ended_at = models.DateTimeField(_("終結・中断の日時"), null=True, blank=True)
    end_note = _text(
        _("終結時の評価・中断の理由"),
        blank=True,
        help_text=_("終結では支援全体の評価を、中断ではその理由を書きます。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ケース")
        verbose_name_plural = pgettext_lazy("plural", "ケース")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in CaseStatus]), name="case_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[CaseStatus.CLOSED, CaseStatus.SUSPENDED])
                | Q(ended_at__isnull=True),
                name="case_ended_only_when_closed_or_suspended",
            ),
        ]
        indexes = [models.Index(fields=["lead_agency", "status", "next_action_on"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES


class CaseSubject(models.Model):
    """本人: a case is for one person or for several members of a household."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="subjects")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("本人"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ケースの本人")
        verbose_name_plural = pgettext_lazy("plural", "ケースの本人")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="case_subject_once")]

    def __str__(self):
        return str(self.person)


class Involvement(models.Model):
    """関係機関 and its 役割分担. The lead agency has a row too (is_lead); ended rows stay."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="involvements")
    agency = models.ForeignKey(
        "directory.Agency", verbose_name=_("機関"), on_delete=models.PROTECT, related_name="+"
    )
    role = _text(
        _("役割分担"),
        max_length=2000,
        help_text=_("この機関が担うこと。例: 「父の介護認定とサービス調整」"),
    )
    contact_name = _line(_("担当者"), max_length=100, blank=True)
    contact_phone = _line(_("担当者の連絡先"), max_length=50, blank=True)
    is_lead = models.BooleanField(_("主担当"), default=False)
    started_on = models.DateField(_("関わり始めた日"), default=timezone.localdate)
    ended_on = models.DateField(_("関わりを終えた日"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("関係機関")
        verbose_name_plural = pgettext_lazy("plural", "関係機関")
        ordering = ["-is_lead", "started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=Q(ended_on__isnull=True),
                name="involvement_once_while_active",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(ended_on__isnull=True, is_lead=True),
                name="involvement_one_lead",
            ),
        ]
        indexes = [models.Index(fields=["agency", "ended_on"])]

    def __str__(self):
        return str(self.agency)

    @property
    def is_active(self):
        return self.ended_on is None


class Program(models.TextChoices):
    """The programs a case draws on; each is a track with its own start and end."""

    COLLABORATION = "collaboration", _("多機関協働")
    ACCOMPANIMENT = "accompaniment", _("伴走支援（主担当機関）")
    OUTREACH = "outreach", _("アウトリーチ等を通じた継続的支援")
    PARTICIPATION = "participation", _("参加支援")


class Track(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tracks")
    program = models.CharField(_("事業"), max_length=16, choices=Program.choices)
    started_on = models.DateField(_("開始日"), default=timezone.localdate)
    ended_on = models.DateField(_("終了日"), null=True, blank=True)
    note = _text(_("補足"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("事業の利用")
        verbose_name_plural = pgettext_lazy("plural", "事業の利用")
        ordering = ["started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "program"],
                condition=Q(ended_on__isnull=True),
                name="track_one_open_per_program",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="track_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.get_program_display()


# --- consent (R4) ---------------------------------------------------------------------------


class ConsentScope(models.TextChoices):
    ALL_INVOLVED = "all_involved", _("ケースの関係機関すべて")
    NAMED = "named", _("指定した機関のみ")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("書面")
    ORAL = "oral", _("口頭")


class Consent(models.Model):
    """R4: a subject's consent to share their information among the case's agencies.

    Never deleted or edited in substance: a withdrawal sets withdrawn_at and takes effect
    from that moment (access.py reads only consents with withdrawn_at empty).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("本人"), on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(
        _("同意の範囲"),
        max_length=12,
        choices=ConsentScope.choices,
        default=ConsentScope.ALL_INVOLVED,
    )
    agencies = models.ManyToManyField(
        "directory.Agency",
        verbose_name=_("共有してよい機関"),
        blank=True,
        related_name="+",
        help_text=_("範囲が「指定した機関のみ」のときに選びます。"),
    )
    method = models.CharField(_("同意の方法"), max_length=8, choices=ConsentMethod.choices)
    given_on = models.DateField(_("同意を得た日"))
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("同意を得た職員"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = _text(_("補足"), max_length=1000, blank=True)
    scan = models.BinaryField(_("同意書の写し"), null=True, blank=True, editable=False)
    scan_name = models.CharField(max_length=200, blank=True, editable=False)
    scan_type = models.CharField(max_length=100, blank=True, editable=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤回の日時"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤回の申し出日"), null=True, blank=True)
    withdrawal_note = _text(_("撤回の補足"), max_length=1000, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("同意")
        verbose_name_plural = pgettext_lazy("plural", "同意")
        ordering = ["-given_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_on__isnull=False),
                name="consent_withdrawal_has_a_date",
            )
        ]
        indexes = [models.Index(fields=["case", "person", "withdrawn_at"])]

    def __str__(self):
        return f"{self.person} {self.given_on}"

    @property
    def is_active(self):
        return self.withdrawn_at is None


# --- meetings (R5) --------------------------------------------------------------------------


class MeetingPurpose(models.TextChoices):
    """What a 重層的支援会議 is held for (計画 Ⅲ)."""

    PLAN_CREATION = "plan_creation", _("プランの作成")
    PLAN_REVIEW = "plan_review", _("プランの見直し")
    CLOSURE = "closure", _("終結の判断")
    SUSPENSION = "suspension", _("中断の判断")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("予定")
    HELD = "held", _("開催済み")


class Meeting(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meetings")
    kind = models.ForeignKey(
        "directory.MeetingKind",
        verbose_name=_("会議の種類"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(
        _("目的"),
        max_length=16,
        choices=MeetingPurpose.choices,
        blank=True,
        help_text=_("重層的支援会議では必ず選びます。"),
    )
    held_at = models.DateTimeField(_("日時"))
    place = _line(_("場所"), max_length=200, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # 計画 Ⅲ: 支援会議 — information sharing and the support arrangement.
    shared_information = _text(_("共有した情報"), blank=True)
    support_arrangement = _text(_("支援の方針・役割分担"), blank=True)
    # 計画 Ⅲ: 重層的支援会議 agenda ①–④.
    agenda_plan = _text(_("① プランの共有"), blank=True)
    agenda_fitness = _text(_("② プランの適切さの協議"), blank=True)
    agenda_evaluation = _text(_("③ 終結時の評価"), blank=True)
    agenda_resources = _text(_("④ 社会資源の充足状況・開発の検討"), blank=True)
    unmet_needs = _text(
        _("不足している社会資源"),
        max_length=2000,
        blank=True,
        help_text=_("地域に見当たらない支援を書きます（地域づくり・資源開発の材料になります）。"),
    )
    minutes = _text(_("議事録"), max_length=20000, blank=True)
    decisions = _text(_("決定事項"), blank=True)
    # 社会福祉法106条の6: what is shared in a 支援会議 stays with its members; the sharing ends
    # when the coordinator ends the meeting's scope (access.py stops at that moment).
    sharing_ended_at = models.DateTimeField(_("情報共有の終了日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会議")
        verbose_name_plural = pgettext_lazy("plural", "会議")
        ordering = ["-held_at"]

    def __str__(self):
        return f"{self.kind} {timezone.localtime(self.held_at):%Y-%m-%d}"


class MeetingParticipant(models.Model):
    """Who takes part. A user of yorisoi (agency staff, 民生委員) or someone named by hand
    (another division without an account). The pledge (守秘義務の誓約) opens a 支援会議 case
    to a participating user; without it the case stays closed to them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("参加者（利用者）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_participations",
    )
    agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("所属"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = _line(_("氏名"), max_length=100, blank=True)
    organisation = _line(_("所属（利用者でない場合）"), max_length=100, blank=True)
    pledged_at = models.DateTimeField(_("守秘義務の誓約日時"), null=True, blank=True)
    pledge_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attended = models.BooleanField(_("出席"), default=True)

    class Meta:
        verbose_name = _("会議の参加者")
        verbose_name_plural = pgettext_lazy("plural", "会議の参加者")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="meeting_participant_once",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="meeting_participant_named"
            ),
        ]
        indexes = [models.Index(fields=["user", "pledged_at"])]

    def __str__(self):
        return str(self.user) if self.user_id else self.name


class ActionItem(models.Model):
    """A meeting's action item; it waits in the owning agency's queue until done."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="action_items")
    description = _text(_("内容"), max_length=1000)
    owner_agency = models.ForeignKey(
        "directory.Agency", verbose_name=_("担当機関"), on_delete=models.PROTECT, related_name="+"
    )
    owner_name = _line(_("担当者"), max_length=100, blank=True)
    due_on = models.DateField(_("期限"))
    done_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("会議で決めた対応")
        verbose_name_plural = pgettext_lazy("plural", "会議で決めた対応")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner_agency", "done_at", "due_on"])]

    def __str__(self):
        return self.description[:40]


# --- assessment and plan (versions, R7) ----------------------------------------------------


class Assessment(models.Model):
    """One version of the case's assessment. A save adds a version; none is overwritten."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    number = models.PositiveIntegerField(_("版"))
    household_situation = _text(_("世帯の状況"))
    strengths = _text(_("強み・できていること"), blank=True)
    risks = _text(_("リスク"), blank=True)
    wishes = _text(
        _("本人の意向"),
        blank=True,
        help_text=_("本人の言葉のまま書きます。例: 「父と一緒にこの家で暮らしたい」"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_by_agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("アセスメント")
        verbose_name_plural = pgettext_lazy("plural", "アセスメント")
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="assessment_version_once")
        ]

    def __str__(self):
        return f"{self.case.number} アセスメント 第{self.number}版"


class AssessmentIssue(models.Model):
    """課題 by domain (分野); several domains make a compound case (PDCA counts them)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="issues")
    domain = models.ForeignKey(
        "directory.Domain", verbose_name=_("分野"), on_delete=models.PROTECT, related_name="+"
    )
    description = _text(_("課題"), max_length=2000)

    class Meta:
        verbose_name = _("アセスメントの課題")
        verbose_name_plural = pgettext_lazy("plural", "アセスメントの課題")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.domain}: {self.description[:40]}"


class SupportPlan(models.Model):
    """One version of the support plan, decided at a 重層的支援会議 (R5)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    number = models.PositiveIntegerField(_("版"))
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("決定した重層的支援会議"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    next_review_on = models.DateField(_("次回の見直し予定日"))
    uses_outreach = models.BooleanField(_("アウトリーチ等を通じた継続的支援を利用"), default=False)
    uses_participation = models.BooleanField(_("参加支援を利用"), default=False)
    person_agreed = models.BooleanField(
        _("本人がプランに同意"), default=False, help_text=_("プラン兼利用申込書への本人の同意。")
    )
    note = _text(_("補足"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("支援プラン")
        verbose_name_plural = pgettext_lazy("plural", "支援プラン")
        ordering = ["case", "-number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="plan_version_once")]

    def __str__(self):
        return f"{self.case.number} 支援プラン 第{self.number}版"


class GoalTerm(models.TextChoices):
    SHORT = "short", _("短期目標")
    LONG = "long", _("長期目標")


class PlanGoal(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="goals")
    term = models.CharField(_("期間"), max_length=5, choices=GoalTerm.choices)
    text = _text(_("目標"), max_length=1000)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("目標")
        verbose_name_plural = pgettext_lazy("plural", "目標")
        ordering = ["term", "order", "pk"]

    def __str__(self):
        return self.text[:40]


class PlanAction(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="actions")
    agency = models.ForeignKey(
        "directory.Agency", verbose_name=_("担当機関"), on_delete=models.PROTECT, related_name="+"
    )
    description = _text(_("支援内容"), max_length=1000)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("支援内容（機関別）")
        verbose_name_plural = pgettext_lazy("plural", "支援内容（機関別）")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.description[:40]


class GoalRating(models.TextChoices):
    ACHIEVED = "achieved", _("達成")
    PARTLY = "partly", _("一部達成")
    NOT_YET = "not_yet", _("未達成")


class GoalReview(models.Model):
    """At a review each goal of the plan under review is rated, with a note."""

    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="reviews")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="goal_reviews")
    rating = models.CharField(_("評価"), max_length=10, choices=GoalRating.choices)
    note = _text(_("評価の補足"), max_length=1000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("目標の評価")
        verbose_name_plural = pgettext_lazy("plural", "目標の評価")
        constraints = [models.UniqueConstraint(fields=["goal", "meeting"], name="goal_review_once")]

    def __str__(self):
        return self.get_rating_display()


# --- progress record (支援経過記録) ----------------------------------------------------------


class RecordKind(models.TextChoices):
    VISIT = "visit", _("訪問")
    CALL = "call", _("電話")
    INTERVIEW = "interview", _("面談")
    MEETING = "meeting", _("会議・打合せ")
    LIAISON = "liaison", _("関係機関との連絡")
    NOTE = "note", _("メモ")


class ProgressRecord(models.Model):
    """One entry of the 支援経過記録; corrections keep their history (R7)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(_("種類"), max_length=10, choices=RecordKind.choices)
    occurred_at = models.DateTimeField(_("日時"), default=timezone.now)
    agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("記録した機関"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = _text(_("内容"), max_length=8000)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("支援経過記録")
        verbose_name_plural = pgettext_lazy("plural", "支援経過記録")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["case", "occurred_at"])]

    def __str__(self):
        return f"{timezone.localtime(self.occurred_at):%Y-%m-%d} {self.get_kind_display()}"


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("ケース開始")
    STATUS = "status", _("状態の変更")
    LEAD = "lead", _("主担当機関の変更")
    INVOLVEMENT = "involvement", _("関係機関・役割分担")
    TRACK = "track", _("事業の開始・終了")
    CONSENT = "consent", _("同意")
    SUPPORT_DECISION = "support_decision", _("支援決定")
    MEETING = "meeting", _("会議")
    ASSESSMENT = "assessment", _("アセスメント")
    PLAN = "plan", _("支援プラン")
    CLOSED = "closed", _("終結")
    SUSPENDED = "suspended", _("中断")
    REOPENED = "reopened", _("再開")


class CaseEvent(models.Model):
    """What happened to the case, in order: the lifecycle's history for the progress record.
    Written by services only, in the same transaction as the change; never edited."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=CaseEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "directory.Agency", null=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    text = models.TextField(max_length=2000, blank=True)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("ケースの出来事")
        verbose_name_plural = pgettext_lazy("plural", "ケースの出来事")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self):
        return self.get_kind_display()
