"""The work-item table behind 今日やること (R3 Someone always holds it; issue 14).

One row per thing someone must do, derived from the state of its source record by one pure
function per source kind (derive.py) and kept in step by the services that change the source
(refresh.py, in the same transaction). `manage.py rebuild_work_items` recomputes the whole table
from the records with the same functions; a test proves maintained == rebuilt.

What depends on the clock (overdue by N days, answer due in N office days, stalled) is computed
when the list is read, from the dates stored here; nothing here goes stale as days pass.

Rows are derived, not case data: they cascade with their source (R7 protects the records, not
this index of them). Sources are explicit nullable foreign keys, so the list joins cheaply.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # an agency's own work
    NEW = "new", _("新しい相談")
    HELD = "held", _("担当している相談")
    TO_ANSWER = "to_answer", _("回答を求められているつなぎ")
    DECLINED_RETURNED = "declined_returned", _("受け入れられなかったつなぎ（戻り）")
    AWAITING_ANSWER = "awaiting_answer", _("回答待ちのつなぎ")
    CASE_ACTION = "case_action", _("ケースの次の対応")
    ACTION_ITEM = "action_item", _("会議で決めた自機関の対応")
    FOLLOW_UP = "follow_up", _("参加支援のフォローアップ")
    MEETING = "meeting", _("参加する会議")
    PLEDGE = "pledge", _("誓約書の署名")
    # the coordinating division's (福祉総務課) own
    ESCALATION = "escalation", _("多機関協働への相談")
    DECLINE_TO_ACKNOWLEDGE = "decline_to_acknowledge", _("受け入れできなかったつなぎ")
    OVERDUE_REFERRAL = "overdue_referral", _("回答期限を過ぎたつなぎ")
    PASS_AROUND = "pass_around", _("たらいまわしの恐れ")


# Urgency as a rank: lower is more pressing (intake.Urgency's three values).
URGENCY_RANK = {"urgent": 0, "high": 1, "normal": 2}
NORMAL_RANK = URGENCY_RANK["normal"]


class WorkItem(models.Model):
    kind = models.CharField(_("種類"), max_length=24, choices=Kind.choices)
    # Whom it waits for: an agency (its caseworkers), or, with coordinator_only, the
    # coordinating division's coordinators (R2: they chase declines and overdue referrals).
    agency = models.ForeignKey(
        "directory.Agency", models.CASCADE, null=True, related_name="+", verbose_name=_("機関")
    )
    coordinator_only = models.BooleanField(default=False)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("担当者"),
    )
    due_on = models.DateField(_("期限"))
    # Hidden until this day (an overdue referral reaches the coordinator once it is overdue).
    shows_from = models.DateField(null=True)
    urgency = models.PositiveSmallIntegerField(_("緊急度"), default=NORMAL_RANK)
    last_activity_at = models.DateTimeField(_("最終対応日時"), null=True)

    consultation = models.ForeignKey(
        "intake.Consultation", models.CASCADE, null=True, related_name="+"
    )
    referral = models.ForeignKey("intake.Referral", models.CASCADE, null=True, related_name="+")
    case = models.ForeignKey("cases.Case", models.CASCADE, null=True, related_name="+")
    action_item = models.ForeignKey("cases.ActionItem", models.CASCADE, null=True, related_name="+")
    meeting = models.ForeignKey("cases.Meeting", models.CASCADE, null=True, related_name="+")
    participant = models.ForeignKey(
        "cases.MeetingParticipant", models.CASCADE, null=True, related_name="+"
    )
    placement = models.ForeignKey(
        "participation.Placement", models.CASCADE, null=True, related_name="+"
    )
    follow_up = models.ForeignKey(
        "participation.FollowUp", models.CASCADE, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("やること")
        verbose_name_plural = _("やること")
        indexes = [
            # The today list and its counts: an agency's rows (or one staff member's) by date.
            models.Index(fields=["agency", "due_on", "urgency"], name="work_agency_due"),
            models.Index(fields=["staff", "due_on", "urgency"], name="work_staff_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on}"
