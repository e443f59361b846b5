"""Participation support (参加支援事業, plan Ⅱ(5); rule R8).

A participation need (参加支援のニーズ) holds what the person likes, wishes and cannot do;
matching (selectors.rank_resources) proposes social resources with reasons; a placement
(つなぎ先) moves through PLACEMENT_TRANSITIONS; follow-ups are scheduled when it starts and
stay in the responsible agency's queue until it is settled (定着) or ended (R8). When nothing
fits, a resource gap (不足している社会資源) is recorded: it feeds the 重層的支援会議 agenda item ④.

Rules and where they live:
- R8 follow-ups: services.placement_start (scheduled, settings.YORISOI_FOLLOW_UP_DAYS) and
  services._cancel_open_follow_ups (at settle / end: cancelled, never deleted).
- R6 need to know: yorisoi/access.py (visible_participation_needs, participation_basis).
- R7 nothing lost: no deletes (PROTECT), version column and history on need and placement.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from yorisoi.people.validators import validate_multiline_text
from yorisoi.references import reference
from yorisoi.resources.models import WEEKDAYS


def _text(label, max_length=2000, **kwargs):
    return models.TextField(
        label, max_length=max_length, validators=[validate_multiline_text], **kwargs
    )


class TimeOfDay(models.TextChoices):
    ANY = "any", _("いつでも")
    MORNING = "morning", _("午前")
    AFTERNOON = "afternoon", _("午後")
    EVENING = "evening", _("夕方・夜")


def validate_days(value: str):
    from django.core.exceptions import ValidationError

    for token in [t for t in value.split(",") if t]:
        if token not in WEEKDAYS:
            raise ValidationError(_("曜日は MO,TU,WE,TH,FR,SA,SU で指定します。"))


class ParticipationNeed(models.Model):
    """What the person wants to take part in, in their own words, and what limits them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = reference("people.Person", _("本人"))
    case = reference("cases.Case", _("ケース"), optional=True)
    interests = models.ManyToManyField(
        "resources.TaxonomyTerm", verbose_name=_("関心のある分類"), blank=True, related_name="+"
    )
    interests_note = _text(
        _("関心・好きなこと"), max_length=1000, blank=True, help_text=_("例: 「絵を描くこと、猫」")
    )
    short_term_goal = _text(
        _("短期の目標（本人の言葉で）"),
        max_length=1000,
        blank=True,
        help_text=_("例: 「まず週1回、地域活動支援センターに通う」"),
    )
    long_term_goal = _text(
        _("長期の目標（本人の言葉で）"),
        max_length=1000,
        blank=True,
        help_text=_("例: 「いずれは働きたい」"),
    )
    wishes = _text(_("希望・不安なこと"), max_length=2000, blank=True)
    available_days = models.CharField(
        _("通える曜日"),
        max_length=30,
        blank=True,
        validators=[validate_days],
        help_text=_("例: WE,FR（水曜と金曜）。空欄はいつでも"),
    )
    days_required = models.BooleanField(
        _("通える曜日以外は通えない"),
        default=False,
        help_text=_("チェックすると、通える曜日に開いていない社会資源は提案しません。"),
    )
    time_of_day = models.CharField(
        _("通える時間帯"), max_length=10, choices=TimeOfDay.choices, default=TimeOfDay.ANY
    )
    district = reference("directory.District", _("本人の地区"), optional=True)
    same_area_only = models.BooleanField(
        _("近くの地域（北・中・南）のみ"),
        default=False,
        help_text=_("遠くへは通えないとき。本人の地区と同じ地域の社会資源だけを提案します。"),
    )
    needs_barrier_free = models.BooleanField(_("バリアフリーが必要"), default=False)
    prefers_small = models.BooleanField(
        _("少人数・静かな場所を希望"), default=False, help_text=_("人が多い場所に不安があるとき")
    )
    max_cost_per_month = models.PositiveIntegerField(
        _("費用の上限（円／月）"), null=True, blank=True
    )
    responsible_agency = reference("directory.Agency", _("担当機関"))
    created_by = reference(settings.AUTH_USER_MODEL, _("登録者"))
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    version = models.PositiveIntegerField(_("版"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("参加支援のニーズ")
        verbose_name_plural = pgettext_lazy("plural", "参加支援のニーズ")
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["responsible_agency", "created_at"])]

    def __str__(self):
        return str(self.short_term_goal or self.interests_note or _("参加支援のニーズ"))[:40]

    @property
    def days(self) -> list[str]:
        return [d for d in self.available_days.split(",") if d]


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("提案")
    COORDINATING = "coordinating", _("調整中（先方に連絡済み）")
    TRIAL = "trial", _("お試し参加")
    STARTED = "started", _("参加開始")
    SETTLED = "settled", _("定着")
    ENDED = "ended", _("終了")


PS = PlacementStatus
# THE placement state machine (tested in tests/test_placement_states.py). One service per move.
PLACEMENT_TRANSITIONS = {
    PS.PROPOSED: {PS.COORDINATING, PS.ENDED},
    PS.COORDINATING: {PS.TRIAL, PS.STARTED, PS.ENDED},
    PS.TRIAL: {PS.STARTED, PS.ENDED},
    PS.STARTED: {PS.SETTLED, PS.ENDED},
    PS.SETTLED: set(),
    PS.ENDED: set(),
}
OPEN_PLACEMENT = [PS.PROPOSED, PS.COORDINATING, PS.TRIAL, PS.STARTED]


class Placement(models.Model):
    """One social resource proposed for a need, and how the connection went."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    need = reference(ParticipationNeed, _("参加支援のニーズ"), related_name="placements")
    service = reference("resources.Service", _("社会資源"))
    status = models.CharField(
        _("状態"), max_length=16, choices=PlacementStatus.choices, default=PS.PROPOSED
    )
    score = models.IntegerField(_("提案時の点数"), null=True, blank=True)
    reasons = models.JSONField(_("提案の理由"), default=list, blank=True)
    proposed_on = models.DateField(_("提案日"), default=timezone.localdate)
    contacted_on = models.DateField(_("先方に連絡した日"), null=True, blank=True)
    trial_on = models.DateField(_("お試し参加の日"), null=True, blank=True)
    started_on = models.DateField(_("参加開始日"), null=True, blank=True)
    settled_on = models.DateField(_("定着と判断した日"), null=True, blank=True)
    ended_on = models.DateField(_("終了日"), null=True, blank=True)
    end_reason = _text(_("終了の理由"), max_length=1000, blank=True)
    resource_contact = models.CharField(_("先方の担当者"), max_length=100, blank=True)
    notes = _text(_("メモ"), max_length=4000, blank=True)
    created_by = reference(settings.AUTH_USER_MODEL, _("提案した人"))
    version = models.PositiveIntegerField(_("版"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("参加先")
        verbose_name_plural = pgettext_lazy("plural", "参加先")
        ordering = ["proposed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PlacementStatus.values),
                name="participation_placement_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status=PS.ENDED) | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="participation_placement_ended_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=PS.SETTLED) | Q(settled_on__isnull=False),
                name="participation_placement_settled_dated",
            ),
            models.UniqueConstraint(
                fields=["need", "service"],
                condition=Q(status__in=OPEN_PLACEMENT),
                name="participation_placement_one_open_per_service",
            ),
        ]

    def __str__(self):
        return f"{self.service_id} ({self.get_status_display()})"

    @property
    def is_open(self):
        return self.status in OPEN_PLACEMENT


class FollowUpOutcome(models.TextChoices):
    GOING_WELL = "going_well", _("順調に通えている")
    SOME_CONCERNS = "some_concerns", _("気になることがある")
    NOT_ATTENDING = "not_attending", _("通えていない")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("予定")
    DONE = "done", _("実施済み")
    CANCELLED = "cancelled", _("取りやめ（定着・終了）")


class FollowUp(models.Model):
    """フォローアップ: scheduled when a placement starts (R8)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    placement = reference(Placement, _("参加先"), related_name="follow_ups")
    due_on = models.DateField(_("予定日"))
    status = models.CharField(
        _("状態"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    done_at = models.DateTimeField(_("実施日時"), null=True, blank=True)
    done_by = reference(settings.AUTH_USER_MODEL, _("実施した人"), optional=True)
    outcome = models.CharField(
        _("結果"), max_length=16, choices=FollowUpOutcome.choices, blank=True
    )
    note = _text(_("様子"), max_length=2000, blank=True)
    cancelled_at = models.DateTimeField(_("取りやめた日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("フォローアップ")
        verbose_name_plural = pgettext_lazy("plural", "フォローアップ")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FollowUpStatus.values),
                name="participation_follow_up_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status=FollowUpStatus.DONE)
                | (Q(done_at__isnull=False) & ~Q(outcome="")),
                name="participation_follow_up_done_with_outcome",
            ),
            models.UniqueConstraint(
                fields=["placement", "due_on"], name="participation_follow_up_once_a_day"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.due_on:%Y-%m-%d} {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        """Still to be done: not done, nor cancelled when the placement settled or ended (R8)."""
        return self.status == FollowUpStatus.OPEN


class ResourceGap(models.Model):
    """不足している社会資源: a need no resource met (R8). Feeds 重層的支援会議 agenda ④ and the
    yearly evaluation (counts per year, category and district)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    need_text = _text(
        _("不足している資源（ニーズ）"),
        max_length=1000,
        help_text=_("例: 「北部に、平日夕方に通える少人数の居場所がない」"),
    )
    category = reference("resources.TaxonomyTerm", _("分類"))
    district = reference("directory.District", _("地区"), optional=True)
    case = reference("cases.Case", _("ケース"), optional=True)
    need = reference(ParticipationNeed, _("参加支援のニーズ"), optional=True, related_name="gaps")
    agency = reference("directory.Agency", _("記録した機関"))
    recorded_by = reference(settings.AUTH_USER_MODEL, _("記録した人"))
    recorded_at = models.DateTimeField(_("記録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("不足している社会資源")
        verbose_name_plural = pgettext_lazy("plural", "不足している社会資源")
        ordering = ["-recorded_at", "id"]
        indexes = [models.Index(fields=["recorded_at", "category"])]

    def __str__(self):
        return self.need_text[:40]
