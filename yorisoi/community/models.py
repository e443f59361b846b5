"""Community building (地域づくり事業, plan Ⅱ(4)): programs ア–オ, their sites, activities and
trainings. Counts only: no person is named here, so nothing in this app is personal data.

Programs and sites are a city's data (`manage.py load_community`, loader.py), deactivated when a
new file drops them, never deleted. Activities and trainings are recorded by caseworkers;
they are corrected (version + history, R7) or flagged 取り消し (cancelled), never deleted.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from yorisoi.people.validators import validate_multiline_text, validate_text
from yorisoi.references import reference


def fiscal_year_of(day) -> int:
    """The Japanese fiscal year (年度) a date falls in: April to March."""
    return day.year if day.month >= 4 else day.year - 1


def _count(label):
    # ≥ 0 checked twice: by the validator (a message on the form) and by the DB (constraints).
    return models.IntegerField(label, validators=[MinValueValidator(0)])


class CommunityProgram(models.Model):
    """One of the plan's community-building programs (ア–オ)."""

    code = models.SlugField(_("コード"), unique=True)
    letter = models.CharField(_("記号"), max_length=2)
    name = models.CharField(_("事業名"), max_length=100)
    operators = models.CharField(_("実施主体"), max_length=200, blank=True)
    description = models.TextField(_("説明"), blank=True)
    training_names = models.JSONField(_("養成講座の名称（候補）"), default=list, blank=True)
    order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("地域づくり事業")
        verbose_name_plural = pgettext_lazy("plural", "地域づくり事業")
        ordering = ["order", "code"]

    def __str__(self):
        return f"（{self.letter}）{self.name}"


class Site(models.Model):
    """A hub where a program runs: a 通いの場, a 子育て支援センター, a coordinator's area …"""

    code = models.SlugField(_("コード"), unique=True)
    program = reference(CommunityProgram, _("地域づくり事業"), related_name="sites")
    name = models.CharField(_("拠点名"), max_length=100)
    kind = models.CharField(_("拠点の種類"), max_length=100, blank=True)
    area = reference("directory.Area", _("地域"), optional=True)
    district = reference("directory.District", _("地区"), optional=True)
    order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("拠点")
        verbose_name_plural = pgettext_lazy("plural", "拠点")
        ordering = ["program__order", "order", "code"]

    def __str__(self):
        return self.name


class ActivityKind(models.TextChoices):
    EXERCISE = "exercise", _("体操教室")
    SALON = "salon", _("サロン")
    COURSE = "course", _("講座")
    GATHERING = "gathering", _("交流会")
    PLAYROOM = "playroom", _("親子のひろば")
    CONSULTATION = "consultation", _("相談会")
    FORUM = "forum", _("協議体・会議")
    OTHER = "other", _("その他")


class Activity(models.Model):
    """One activity held at a site: how many took part. No names, ever."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    site = reference(Site, _("拠点"), related_name="activities")
    held_on = models.DateField(_("実施日"))
    kind = models.CharField(_("活動の種類"), max_length=20, choices=ActivityKind.choices)
    participants = _count(_("参加者数"))
    volunteers = _count(_("ボランティア数"))
    note = models.TextField(
        _("メモ"),
        max_length=1000,
        blank=True,
        validators=[validate_multiline_text],
        help_text=_("人数の内訳や内容など。個人が特定できることは書かないでください。"),
    )
    cancelled = models.BooleanField(_("取り消し"), default=False)
    cancel_reason = models.CharField(
        _("取り消しの理由"), max_length=200, blank=True, validators=[validate_text]
    )
    agency = reference("directory.Agency", _("記録した機関"))
    recorded_by = reference(settings.AUTH_USER_MODEL, _("記録者"))
    created_at = models.DateTimeField(_("記録日時"), default=timezone.now)
    version = models.PositiveIntegerField(_("版"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活動")
        verbose_name_plural = pgettext_lazy("plural", "活動")
        ordering = ["-held_on", "-created_at"]
        indexes = [models.Index(fields=["site", "held_on"]), models.Index(fields=["held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__gte=0),
                name="community_activity_participants_not_negative",
                violation_error_message=_("参加者数は0以上にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(volunteers__gte=0),
                name="community_activity_volunteers_not_negative",
                violation_error_message=_("ボランティア数は0以上にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ActivityKind]),
                name="community_activity_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(cancelled=False) | ~Q(cancel_reason=""),
                name="community_activity_cancel_has_reason",
                violation_error_message=_("取り消すときは理由を書いてください。"),
            ),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.site} {self.get_kind_display()}"

    @property
    def fiscal_year(self):
        return fiscal_year_of(self.held_on)


class Training(models.Model):
    """A training a program held (e.g. ヘルスリーダー養成講座) and how many completed it."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    program = reference(CommunityProgram, _("地域づくり事業"), related_name="trainings")
    name = models.CharField(_("講座名"), max_length=100, validators=[validate_text])
    held_on = models.DateField(_("実施日"))
    people_trained = _count(_("修了者数"))
    note = models.TextField(
        _("メモ"),
        max_length=1000,
        blank=True,
        validators=[validate_multiline_text],
        help_text=_("個人が特定できることは書かないでください。"),
    )
    cancelled = models.BooleanField(_("取り消し"), default=False)
    cancel_reason = models.CharField(
        _("取り消しの理由"), max_length=200, blank=True, validators=[validate_text]
    )
    agency = reference("directory.Agency", _("記録した機関"))
    recorded_by = reference(settings.AUTH_USER_MODEL, _("記録者"))
    created_at = models.DateTimeField(_("記録日時"), default=timezone.now)
    version = models.PositiveIntegerField(_("版"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("養成講座")
        verbose_name_plural = pgettext_lazy("plural", "養成講座")
        ordering = ["-held_on", "-created_at"]
        indexes = [models.Index(fields=["program", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_trained__gte=0),
                name="community_training_people_not_negative",
                violation_error_message=_("修了者数は0以上にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(cancelled=False) | ~Q(cancel_reason=""),
                name="community_training_cancel_has_reason",
                violation_error_message=_("取り消すときは理由を書いてください。"),
            ),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.name}"

    @property
    def fiscal_year(self):
        return fiscal_year_of(self.held_on)
