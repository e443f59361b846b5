"""What the evaluation keeps: the city's targets, and report files made in the background.
The figures themselves are never stored: they are computed from the records (indicators.py)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from yorisoi.references import reference


class Target(models.Model):
    """The city's target for one indicator in one fiscal year (計画 Ⅴ: 数値目標)."""

    indicator = models.CharField(_("指標"), max_length=40)
    fiscal_year = models.PositiveIntegerField(
        _("年度"), validators=[MinValueValidator(1900), MaxValueValidator(9998)]
    )
    value = models.DecimalField(
        _("目標値"), max_digits=12, decimal_places=1, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("目標の根拠・メモ"), max_length=200, blank=True)
    set_by = reference(settings.AUTH_USER_MODEL, editable=False)
    set_at = models.DateTimeField(_("設定日時"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("数値目標")
        verbose_name_plural = pgettext_lazy("plural", "数値目標")
        ordering = ["fiscal_year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"], name="evaluation_one_target_per_year"
            )
        ]

    def __str__(self):
        return f"{self.indicator} {self.fiscal_year}: {self.value}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("作成中")
    DONE = "done", _("完成")
    FAILED = "failed", _("失敗")


class ReportRun(models.Model):
    """A report made by a background task (tasks.make_report): its progress, then its file.
    Only the user who asked for it can see it and download it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = reference(settings.AUTH_USER_MODEL)
    requested_at = models.DateTimeField(default=timezone.now)
    fmt = models.CharField(_("形式"), max_length=8)  # "pdf" | "xlsx"
    params = models.JSONField(default=dict)  # periods and scope; never personal data
    status = models.CharField(
        max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    done_steps = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=1)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("報告書の作成")
        verbose_name_plural = pgettext_lazy("plural", "報告書の作成")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.fmt} {self.status}"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done_steps / max(1, self.total_steps)))
