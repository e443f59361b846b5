"""In-app notifications and the daily digest. They carry kinds and ids, never personal data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yorisoi.references import reference


class Kind(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", _("新しいつなぎが届きました")
    REFERRAL_DECLINED = "referral_declined", _("つなぎが受け入れられませんでした")
    REFERRAL_OVERDUE = "referral_overdue", _("回答期限を過ぎたつなぎがあります")
    ESCALATION_RECEIVED = "escalation_received", _("多機関協働への相談が届きました")
    MEETING_INVITED = "meeting_invited", _("会議への参加依頼が届きました")
    ACTION_ITEM_ASSIGNED = "action_item_assigned", _("会議で決めた対応が自機関に割り当てられました")
    FOLLOW_UP_DUE = "follow_up_due", _("参加支援のフォローアップ日です")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("種類"), max_length=32, choices=Kind.choices)
    consultation = reference("intake.Consultation", optional=True)
    referral = reference("intake.Referral", optional=True)
    meeting = reference("cases.Meeting", optional=True)
    follow_up = reference("participation.FollowUp", optional=True)
    created_at = models.DateTimeField(_("日時"), default=timezone.now)
    read_at = models.DateTimeField(_("既読"), null=True, blank=True)

    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = pgettext_lazy("plural", "お知らせ")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            # An overdue referral is announced once per person, however often the job runs.
            models.UniqueConstraint(
                fields=["recipient", "kind", "referral"],
                condition=models.Q(kind="referral_overdue"),
                name="notification_overdue_once",
            ),
            # R8: a follow-up due today is announced once per person, however often the job runs.
            models.UniqueConstraint(
                fields=["recipient", "kind", "follow_up"],
                condition=models.Q(kind="follow_up_due"),
                name="notification_follow_up_due_once",
            ),
        ]

    def __str__(self):
        return str(self.get_kind_display())


class Digest(models.Model):
    """The daily summary per user, built by a background task (counts only)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    day = models.DateField(_("日付"))
    counts = models.JSONField(_("件数"), default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("日次のまとめ")
        verbose_name_plural = pgettext_lazy("plural", "日次のまとめ")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_a_day")
        ]

    def __str__(self):
        return f"{self.day}"
