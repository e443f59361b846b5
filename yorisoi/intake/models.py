"""Comprehensive consultation (包括的相談支援): consultations, their one outcome, and referrals.

R1 No refusal: Outcome has no "refused"; a database check allows only its four values.
R2 Closed-loop referral: Referral.status moves only along REFERRAL_TRANSITIONS; a declined
   referral needs its reason (database check) and stays in the sender's and the coordinator's
   queues until each has acknowledged it.
R3 Someone always holds it: responsible_agency and next_action_on are never empty.
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
        ]
        # The queue sections: one agency's open consultations in each section's order.
        indexes = [
            models.Index(fields=["responsible_agency", "closed_at", "next_action_on"]),
            models.Index(fields=["responsible_agency", "closed_at", "received_at"]),
            models.Index(fields=["responsible_agency", "closed_at", "last_activity_at"]),
            # The yearly evaluation counts by period (evaluation.indicators).
            models.Index(fields=["received_at", "domain_count"], name="consultation_received_at"),
            models.Index(fields=["outcome", "outcome_at"], name="consultation_outcome_at"),
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
        ]

    def __str__(self):
        return f"{self.from_agency} → {self.to_agency} ({self.get_status_display()})"
