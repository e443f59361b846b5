"""Comprehensive consultation (包括的相談支援): consultations, their one outcome, and referrals.

R1 No refusal: Outcome has no "refused"; a database check allows only its four values.
R2 Closed-loop referral: Referral.status moves only along REFERRAL_TRANSITIONS; a declined
   referral needs its reason (database check) and stays in the sender's and the coordinator's
   queues until each has acknowledged it.
R3 Someone always holds it: responsible_agency and next_action_on are never empty; the
   services give every open consultation a holder (担当者), a staff member of that agency.
Consultation lifecycle (DOMAIN.md): outcome → contacts (支援経過記録, cases.ProgressRecord)
   → reassignment → closure (終結, ClosureReason) → reopening; ConsultationEvent keeps it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yorisoi.people.validators import validate_multiline_text, validate_text
from yorisoi.references import reference


class Channel(models.TextChoices):
    COUNTER = "counter", _("窓口")
    PHONE = "phone", _("電話")
    VISIT = "visit", _("訪問")
    EMAIL = "email", _("メール")
    FROM_AGENCY = "from_agency", _("関係機関から")
    FROM_NEIGHBOUR = "from_neighbour", _("近隣住民から")
    FROM_VOLUNTEER = "from_volunteer", _("民生委員・児童委員から")
    OTHER = "other", _("その他")


class ConsulterType(models.TextChoices):
    SELF = "self", _("本人")
    FAMILY = "family", _("家族・親族")
    NEIGHBOUR = "neighbour", _("近隣住民")
    AGENCY = "agency", _("関係機関")
    VOLUNTEER = "volunteer", _("民生委員・児童委員")
    OTHER = "other", _("その他")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("緊急")
    HIGH = "high", _("早めの対応が必要")
    NORMAL = "normal", _("通常")


class SharingConsent(models.TextChoices):
    """The national forms keep an intake with consent and one without apart."""

    AGREED = "agreed", _("情報共有に同意あり")
    NOT_AGREED = "not_agreed", _("情報共有に同意なし")
    UNCONFIRMED = "unconfirmed", _("未確認")


class Outcome(models.TextChoices):
    """R1: the only ways a consultation can end its intake. There is no "refused"."""

    RESOLVED = "resolved", _("相談受付で解決")
    CONTINUED = "continued", _("自機関で継続支援")
    REFERRED = "referred", _("他機関へつないだ")
    ESCALATED = "escalated", _("多機関協働へ（福祉総務課）")


class RecordKind(models.TextChoices):
    """What kind of contact a progress record (支援経過記録, cases.ProgressRecord) is. Here, below
    cases, because a consultation's page offers the same kinds as a case's."""

    VISIT = "visit", _("訪問")
    CALL = "call", _("電話")
    INTERVIEW = "interview", _("面談")
    MEETING = "meeting", _("会議・打合せ")
    LIAISON = "liaison", _("関係機関との連絡")
    NOTE = "note", _("メモ")


class ClosureReason(models.TextChoices):
    """終結の理由 of a consultation (services.consultation_close). "その他" needs a note."""

    SOLVED = "solved", _("課題が解決した")
    CONNECTED = "connected", _("他の支援・制度につながった")
    PERSONS_WISH = "persons_wish", _("本人の希望で終了")
    LOST_CONTACT = "lost_contact", _("連絡がとれなくなった")
    MOVED_AWAY = "moved_away", _("転居")
    DIED = "died", _("死亡")
    OTHER = "other", _("その他")


class Consultation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    received_at = models.DateTimeField(_("受付日時"), default=timezone.now)
    receiving_agency = reference("directory.Agency", _("受付機関"))
    responsible_agency = reference("directory.Agency", _("担当機関"))
    channel = models.CharField(_("相談経路"), max_length=20, choices=Channel.choices)
    consulter_type = models.CharField(_("相談者"), max_length=20, choices=ConsulterType.choices)
    consulter_name = models.CharField(
        _("相談者の氏名"), max_length=100, blank=True, validators=[validate_text]
    )
    consulter_contact = models.CharField(
        _("相談者の連絡先"), max_length=100, blank=True, validators=[validate_text]
    )
    person = reference("people.Person", _("本人"), optional=True, related_name="consultations")
    household = reference(
        "people.Household", _("世帯"), optional=True, related_name="consultations"
    )
    subject_note = models.TextField(
        _("本人についてわかっていること"),
        max_length=1000,
        blank=True,
        validators=[validate_multiline_text],
        help_text=_("本人がまだ特定できないとき: 住所、様子など。"),
    )
    summary = models.TextField(_("相談内容"), max_length=4000, validators=[validate_multiline_text])
    urgency = models.CharField(
        _("緊急度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    sharing_consent = models.CharField(
        _("情報共有への同意"),
        max_length=12,
        choices=SharingConsent.choices,
        default=SharingConsent.UNCONFIRMED,
    )
    outcome = models.CharField(_("受付の結果"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(_("結果の日時"), null=True, blank=True)
    outcome_by = reference(settings.AUTH_USER_MODEL, optional=True)
    outcome_note = models.TextField(
        _("結果の補足"), max_length=2000, blank=True, validators=[validate_multiline_text]
    )
    closed_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    # 担当者: a staff member of the responsible agency (access.assignable_staff); every open
    # consultation has one through the services (R3). Empty only on closed historic rows.
    holder = reference(
        settings.AUTH_USER_MODEL,
        _("担当者"),
        optional=True,
        related_name="held_consultations",
    )
    closure_reason = models.CharField(
        _("終結の理由"), max_length=16, choices=ClosureReason.choices, blank=True
    )
    closure_note = models.TextField(
        _("終結の補足"), max_length=2000, blank=True, validators=[validate_multiline_text]
    )
    next_action_on = models.DateField(_("次の対応予定日"))
    last_activity_at = models.DateTimeField(_("最終対応日時"), default=timezone.now)
    reported_by = reference(
        settings.AUTH_USER_MODEL,
        _("通報した民生委員・児童委員"),
        optional=True,
        related_name="reported_consultations",
    )
    created_by = reference(settings.AUTH_USER_MODEL, null=True)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    # How many domains its issues fall in, kept with the issues (services.consultation_create):
    # two or more is a compound case (複合課題), counted every year by evaluation.indicators.
    domain_count = models.PositiveSmallIntegerField(_("課題の分野の数"), default=0, editable=False)

    issues = models.ManyToManyField(
        "directory.IssueCategory",
        through="ConsultationIssue",
        verbose_name=_("課題"),
        related_name="+",
    )

    class Meta:
        verbose_name = _("相談")
        verbose_name_plural = pgettext_lazy("plural", "相談")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["", *Outcome.values]), name="consultation_outcome_r1"
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False)
                | Q(household__isnull=False)
                | ~Q(subject_note=""),
                name="consultation_has_a_subject",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(outcome=""),
                name="consultation_closed_only_with_outcome",
            ),
            models.CheckConstraint(
                condition=Q(closure_reason__in=["", *ClosureReason.values]),
                name="consultation_closure_reason_known",
            ),
            models.CheckConstraint(
                condition=~Q(closure_reason=ClosureReason.OTHER) | ~Q(closure_note=""),
                name="consultation_other_closure_needs_note",
            ),
        ]
        # The queue sections: one agency's open consultations in each section's order.
        indexes = [
            models.Index(fields=["responsible_agency", "closed_at", "next_action_on"]),
            models.Index(fields=["responsible_agency", "closed_at", "received_at"]),
            models.Index(fields=["responsible_agency", "closed_at", "last_activity_at"]),
            # The yearly evaluation counts by period (evaluation.indicators).
            models.Index(fields=["received_at", "domain_count"], name="consultation_received_at"),
            models.Index(fields=["outcome", "outcome_at"], name="consultation_outcome_at"),
            # 担当者の一覧: one staff member's open consultations.
            models.Index(fields=["holder", "closed_at"], name="consultation_holder"),
            # Whom an agency's consultations are about, read from the index alone: the people
            # and households an agency sees through them (access.consultations_about, issue 16).
            models.Index(
                fields=["receiving_agency", "person", "household"],
                name="consultation_received_about",
            ),
            models.Index(
                fields=["responsible_agency", "person", "household"], name="consultation_held_about"
            ),
        ]

    def __str__(self):
        return f"{self.received_at:%Y-%m-%d} {self.get_channel_display()}"

    @property
    def is_open(self):
        return self.closed_at is None


class ConsultationIssue(models.Model):
    consultation = reference(Consultation, related_name="issue_links")
    issue = reference("directory.IssueCategory", _("課題"))
    is_main = models.BooleanField(_("主な課題（◎）"), default=False)

    class Meta:
        verbose_name = _("相談の課題")
        verbose_name_plural = pgettext_lazy("plural", "相談の課題")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "issue"], name="consultation_issue_once"
            ),
            models.UniqueConstraint(
                fields=["consultation"], condition=Q(is_main=True), name="consultation_one_main"
            ),
        ]

    def __str__(self):
        return f"{'◎' if self.is_main else ''}{self.issue}"


class ReferralKind(models.TextChoices):
    """A referral shares the case (the sender stays involved); a transfer moves responsibility
    when accepted. ReferralForm's help text says so to the user."""

    REFERRAL = "referral", pgettext_lazy("referral kind", "つなぎ")
    TRANSFER = "transfer", pgettext_lazy("referral kind", "移管")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("回答待ち")
    ACCEPTED = "accepted", _("受け入れ")
    DECLINED = "declined", _("受け入れできない")
    WITHDRAWN = "withdrawn", _("取り下げ")


# R2: the only moves a referral makes; every other one is refused by services.referral_*.
REFERRAL_TRANSITIONS = {
    ReferralStatus.PENDING: {
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.WITHDRAWN,
    },
    ReferralStatus.ACCEPTED: set(),
    ReferralStatus.DECLINED: set(),
    ReferralStatus.WITHDRAWN: set(),
}


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = reference(Consultation, _("相談"), related_name="referrals")
    kind = models.CharField(_("種類"), max_length=10, choices=ReferralKind.choices)
    from_agency = reference("directory.Agency", _("送り元"))
    to_agency = reference("directory.Agency", _("送り先"))
    reason = models.TextField(
        _("つなぐ理由"), max_length=2000, validators=[validate_multiline_text]
    )
    told_to_person = models.TextField(
        _("本人に伝えたこと"), max_length=2000, blank=True, validators=[validate_multiline_text]
    )
    shared_info = models.TextField(
        _("共有する情報"), max_length=4000, blank=True, validators=[validate_multiline_text]
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    sent_at = models.DateTimeField(_("送った日時"), default=timezone.now)
    sent_by = reference(settings.AUTH_USER_MODEL)
    answered_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    answered_by = reference(settings.AUTH_USER_MODEL, optional=True)
    decline_reason = models.TextField(
        _("受け入れできない理由"),
        max_length=2000,
        blank=True,
        validators=[validate_multiline_text],
    )
    # 受け入れ担当者: who at the receiving agency handles it; set on acceptance, changeable.
    assignee = reference(
        settings.AUTH_USER_MODEL,
        _("受け入れ側の担当者"),
        optional=True,
        related_name="assigned_referrals",
    )
    sender_acknowledged_at = models.DateTimeField(null=True, blank=True)
    coordinator_acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("つなぎ")
        verbose_name_plural = pgettext_lazy("plural", "つなぎ")
        ordering = ["sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_agency=models.F("to_agency")), name="referral_not_to_itself"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.DECLINED) | ~Q(decline_reason=""),
                name="referral_decline_needs_reason",
            ),
            models.UniqueConstraint(
                fields=["consultation"],
                condition=Q(status=ReferralStatus.PENDING),
                name="referral_one_pending_per_consultation",
            ),
        ]
        indexes = [
            models.Index(fields=["to_agency", "status", "sent_at"]),
            models.Index(fields=["from_agency", "status", "sent_at"]),
            # The yearly evaluation counts by period (evaluation.indicators).
            models.Index(fields=["sent_at"], name="referral_sent_at"),
            models.Index(fields=["answered_at"], name="referral_answered_at"),
            # The coordinator follows every declined referral (R2, access.visible_consultations).
            models.Index(
                fields=["consultation"],
                condition=Q(status=ReferralStatus.DECLINED),
                name="referral_declined",
            ),
        ]

    def __str__(self):
        return f"{self.from_agency} → {self.to_agency} ({self.get_status_display()})"


class ConsultationEventKind(models.TextChoices):
    RECORD = "record", _("経過の記録")
    REASSIGNED = "reassigned", _("担当者の変更")
    CLOSED = "closed", _("終結")
    REOPENED = "reopened", _("再開")


class ConsultationEvent(models.Model):
    """What happened to a consultation after its intake, in order: the lifecycle's history shown
    as its timeline. Written by services only, in the same transaction as the change; never
    edited (R7)."""

    consultation = reference(Consultation, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=12, choices=ConsultationEventKind.choices)
    actor = reference(settings.AUTH_USER_MODEL)
    agency = reference("directory.Agency", null=True)
    from_holder = reference(settings.AUTH_USER_MODEL, optional=True)
    to_holder = reference(settings.AUTH_USER_MODEL, optional=True)
    closure_reason = models.CharField(max_length=16, choices=ClosureReason.choices, blank=True)
    text = models.TextField(max_length=2000, blank=True)
    next_action_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("相談の出来事")
        verbose_name_plural = pgettext_lazy("plural", "相談の出来事")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["consultation", "at"])]

    def __str__(self):
        return self.get_kind_display()
