"""The progress record (支援経過記録): what agencies write, and the events the services record."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from yorisoi.intake.models import RecordKind
from yorisoi.references import reference

from .cases import Case
from .fields import long_text
from .meetings import Meeting


class ProgressRecord(models.Model):
    """One entry of the 支援経過記録, of a case or of a consultation (exactly one: a database
    check); corrections keep their history (R7). On a consultation it also says the next action
    (次の対応), which R3 asks of everything open (services.records.record_add)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = reference(Case, optional=True, related_name="records")
    consultation = reference(
        "intake.Consultation", _("相談"), optional=True, related_name="progress_records"
    )
    kind = models.CharField(_("種類"), max_length=10, choices=RecordKind.choices)
    occurred_at = models.DateTimeField(_("日時"), default=timezone.now)
    agency = reference("directory.Agency", _("記録した機関"))
    author = reference(settings.AUTH_USER_MODEL, _("記録者"))
    text = long_text(_("内容"), max_length=8000)
    next_action = models.CharField(
        _("次の対応"), max_length=200, blank=True, help_text=_("例: 「ケアマネジャーと同行訪問」")
    )
    next_action_on = models.DateField(_("次の対応予定日"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("支援経過記録")
        verbose_name_plural = pgettext_lazy("plural", "支援経過記録")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["case", "occurred_at"]),
            models.Index(fields=["consultation", "occurred_at"], name="record_consultation"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, consultation__isnull=True)
                | Q(case__isnull=True, consultation__isnull=False),
                name="record_of_a_case_or_a_consultation",
            )
        ]

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

    case = reference(Case, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=CaseEventKind.choices)
    actor = reference(settings.AUTH_USER_MODEL)
    agency = reference("directory.Agency", null=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    text = models.TextField(max_length=2000, blank=True)
    meeting = reference(Meeting, optional=True)

    class Meta:
        verbose_name = _("ケースの出来事")
        verbose_name_plural = pgettext_lazy("plural", "ケースの出来事")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self):
        return self.get_kind_display()
