"""Assessments and support plans as numbered versions (R7), their goals, actions and reviews."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yorisoi.references import reference

from .cases import Case
from .fields import long_text
from .meetings import Meeting


class Assessment(models.Model):
    """One version of the case's assessment. A save adds a version; none is overwritten."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = reference(Case, related_name="assessments")
    number = models.PositiveIntegerField(_("版"))
    household_situation = long_text(_("世帯の状況"))
    strengths = long_text(_("強み・できていること"), blank=True)
    risks = long_text(_("リスク"), blank=True)
    wishes = long_text(
        _("本人の意向"),
        blank=True,
        help_text=_("本人の言葉のまま書きます。例: 「父と一緒にこの家で暮らしたい」"),
    )
    created_by = reference(settings.AUTH_USER_MODEL)
    created_by_agency = reference("directory.Agency")
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

    assessment = reference(Assessment, related_name="issues")
    domain = reference("directory.Domain", _("分野"))
    description = long_text(_("課題"), max_length=2000)

    class Meta:
        verbose_name = _("アセスメントの課題")
        verbose_name_plural = pgettext_lazy("plural", "アセスメントの課題")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.domain}: {self.description[:40]}"


class SupportPlan(models.Model):
    """One version of the support plan, decided at a 重層的支援会議 (R5)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = reference(Case, related_name="plans")
    number = models.PositiveIntegerField(_("版"))
    meeting = reference(Meeting, _("決定した重層的支援会議"), related_name="plans")
    next_review_on = models.DateField(_("次回の見直し予定日"))
    uses_outreach = models.BooleanField(_("アウトリーチ等を通じた継続的支援を利用"), default=False)
    uses_participation = models.BooleanField(_("参加支援を利用"), default=False)
    person_agreed = models.BooleanField(
        _("本人がプランに同意"), default=False, help_text=_("プラン兼利用申込書への本人の同意。")
    )
    note = long_text(_("補足"), max_length=2000, blank=True)
    created_by = reference(settings.AUTH_USER_MODEL)
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
    plan = reference(SupportPlan, related_name="goals")
    term = models.CharField(_("期間"), max_length=5, choices=GoalTerm.choices)
    text = long_text(_("目標"), max_length=1000)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("目標")
        verbose_name_plural = pgettext_lazy("plural", "目標")
        ordering = ["term", "order", "pk"]

    def __str__(self):
        return self.text[:40]


class PlanAction(models.Model):
    plan = reference(SupportPlan, related_name="actions")
    agency = reference("directory.Agency", _("担当機関"))
    description = long_text(_("支援内容"), max_length=1000)
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

    goal = reference(PlanGoal, related_name="reviews")
    meeting = reference(Meeting, related_name="goal_reviews")
    rating = models.CharField(_("評価"), max_length=10, choices=GoalRating.choices)
    note = long_text(_("評価の補足"), max_length=1000, blank=True)
    reviewed_by = reference(settings.AUTH_USER_MODEL)
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("目標の評価")
        verbose_name_plural = pgettext_lazy("plural", "目標の評価")
        constraints = [models.UniqueConstraint(fields=["goal", "meeting"], name="goal_review_once")]

    def __str__(self):
        return self.get_rating_display()
