"""R5 The two legal meeting types (kinds are data, directory.MeetingKind), participants with their
confidentiality pledge, and action items.
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

from .cases import Case
from .fields import long_text, one_line


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
    case = reference(Case, related_name="meetings")
    kind = reference("directory.MeetingKind", _("会議の種類"))
    purpose = models.CharField(
        _("目的"),
        max_length=16,
        choices=MeetingPurpose.choices,
        blank=True,
        help_text=_("重層的支援会議では必ず選びます。"),
    )
    held_at = models.DateTimeField(_("日時"))
    place = one_line(_("場所"), max_length=200, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # 計画 Ⅲ: 支援会議 — information sharing and the support arrangement.
    shared_information = long_text(_("共有した情報"), blank=True)
    support_arrangement = long_text(_("支援の方針・役割分担"), blank=True)
    # 計画 Ⅲ: 重層的支援会議 agenda ①–④.
    agenda_plan = long_text(_("① プランの共有"), blank=True)
    agenda_fitness = long_text(_("② プランの適切さの協議"), blank=True)
    agenda_evaluation = long_text(_("③ 終結時の評価"), blank=True)
    agenda_resources = long_text(_("④ 社会資源の充足状況・開発の検討"), blank=True)
    unmet_needs = long_text(
        _("不足している社会資源"),
        max_length=2000,
        blank=True,
        help_text=_("地域に見当たらない支援を書きます（地域づくり・資源開発の材料になります）。"),
    )
    minutes = long_text(_("議事録"), max_length=20000, blank=True)
    decisions = long_text(_("決定事項"), blank=True)
    # 社会福祉法106条の6: what is shared in a 支援会議 stays with its members; the sharing ends
    # when the coordinator ends the meeting's scope (access.py stops at that moment).
    sharing_ended_at = models.DateTimeField(_("情報共有の終了日時"), null=True, blank=True)
    created_by = reference(settings.AUTH_USER_MODEL)
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

    meeting = reference(Meeting, related_name="participants")
    user = reference(
        settings.AUTH_USER_MODEL,
        _("参加者（利用者）"),
        optional=True,
        related_name="meeting_participations",
    )
    agency = reference("directory.Agency", _("所属"), optional=True)
    name = one_line(_("氏名"), max_length=100, blank=True)
    organisation = one_line(_("所属（利用者でない場合）"), max_length=100, blank=True)
    pledged_at = models.DateTimeField(_("守秘義務の誓約日時"), null=True, blank=True)
    pledge_recorded_by = reference(settings.AUTH_USER_MODEL, optional=True)
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
    meeting = reference(Meeting, related_name="action_items")
    case = reference(Case, related_name="action_items")
    description = long_text(_("内容"), max_length=1000)
    owner_agency = reference("directory.Agency", _("担当機関"))
    owner_name = one_line(_("担当者"), max_length=100, blank=True)
    due_on = models.DateField(_("期限"))
    done_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    done_by = reference(settings.AUTH_USER_MODEL, optional=True)

    class Meta:
        verbose_name = _("会議で決めた対応")
        verbose_name_plural = pgettext_lazy("plural", "会議で決めた対応")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner_agency", "done_at", "due_on"])]

    def __str__(self):
        return self.description[:40]
