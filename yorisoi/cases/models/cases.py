"""The case (多機関協働): its status machine (CASE_TRANSITIONS), subjects, lead and involved agencies
with their roles (R3), and program tracks.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from yorisoi.references import reference

from .fields import long_text, one_line


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
    title = one_line(
        _("ケース名"),
        max_length=100,
        help_text=_("一覧で見分けるための短い名前。例: 「高齢の父と障害のある息子の世帯」"),
    )
    household = reference("people.Household", _("世帯"), optional=True, related_name="cases")
    origin = reference(
        "intake.Consultation", _("きっかけの相談"), optional=True, related_name="cases"
    )
    lead_agency = reference("directory.Agency", _("主担当機関"))
    status = models.CharField(
        _("状態"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.INTAKE
    )
    summary = long_text(_("ケースの概要"), blank=True)
    next_action_on = models.DateField(_("次の対応予定日"))
    last_activity_at = models.DateTimeField(_("最終対応日時"), default=timezone.now)
    # 支援決定: a 重層的支援会議 handles only cases the municipality decided to support.
    support_decided_on = models.DateField(_("支援決定日"), null=True, blank=True)
    support_decided_by = reference(settings.AUTH_USER_MODEL, optional=True)
    opened_at = models.DateTimeField(_("開始日時"), default=timezone.now)
    ended_at = models.DateTimeField(_("終結・中断の日時"), null=True, blank=True)
    end_note = long_text(
        _("終結時の評価・中断の理由"),
        blank=True,
        help_text=_("終結では支援全体の評価を、中断ではその理由を書きます。"),
    )
    created_by = reference(settings.AUTH_USER_MODEL)
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

    case = reference(Case, related_name="subjects")
    person = reference("people.Person", _("本人"))
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ケースの本人")
        verbose_name_plural = pgettext_lazy("plural", "ケースの本人")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="case_subject_once")]

    def __str__(self):
        return str(self.person)


class Involvement(models.Model):
    """関係機関 and its 役割分担. The lead agency has a row too (is_lead); ended rows stay."""

    case = reference(Case, related_name="involvements")
    agency = reference("directory.Agency", _("機関"))
    role = long_text(
        _("役割分担"),
        max_length=2000,
        help_text=_("この機関が担うこと。例: 「父の介護認定とサービス調整」"),
    )
    contact_name = one_line(_("担当者"), max_length=100, blank=True)
    contact_phone = one_line(_("担当者の連絡先"), max_length=50, blank=True)
    # 担当者 as a staff member of the agency (access.assignable_staff), when it uses yorisoi;
    # contact_name stays for agencies whose staff are not users.
    staff = reference(
        settings.AUTH_USER_MODEL, _("担当職員"), optional=True, related_name="involvements"
    )
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
    case = reference(Case, related_name="tracks")
    program = models.CharField(_("事業"), max_length=16, choices=Program.choices)
    started_on = models.DateField(_("開始日"), default=timezone.localdate)
    ended_on = models.DateField(_("終了日"), null=True, blank=True)
    note = long_text(_("補足"), max_length=1000, blank=True)

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
