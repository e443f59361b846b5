"""Outreach and continuous support (アウトリーチ等を通じた継続的支援事業, plan Ⅱ(3)).

An outreach target (アウトリーチの対象) may start with no name: where they live, what is known,
who worried about them. Each visit or contact attempt is a ContactAttempt. Trust grows in
stages; a stage moves up only when a contact's outcome supports it.

Rules and where they live:
- Trust stages: STAGE_TRANSITIONS (which moves exist) and OUTCOME_SUPPORTS (how far each contact
  outcome lets the stage go) below; services.stage_move and services.contact_add are the doors.
- R3 someone always holds it: responsible_agency and next_contact_on are never empty.
- R6 need to know: yorisoi/access.py (visible_outreach_targets, outreach_access), nowhere else.
- R7 nothing lost: no deletes (PROTECT), a version column and history on the target, stage
  changes kept as rows, contacts are append-only.
- Quiet flag: selectors.quiet_targets / settings.YORISOI_OUTREACH_QUIET_DAYS (default 30).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from yorisoi.intake.models import ConsulterType
from yorisoi.people.validators import validate_multiline_text, validate_text
from yorisoi.references import reference


def _text(label, max_length=2000, **kwargs):
    return models.TextField(
        label, max_length=max_length, validators=[validate_multiline_text], **kwargs
    )


def _line(label, max_length=200, **kwargs):
    return models.CharField(label, max_length=max_length, validators=[validate_text], **kwargs)


class OutreachCategory(models.Model):
    """ひきこもり, ヤングケアラー, ごみ屋敷 …: data (data/categories.toml), not code."""

    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("分類"), max_length=100)
    order = models.PositiveIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("アウトリーチの分類")
        verbose_name_plural = pgettext_lazy("plural", "アウトリーチの分類")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Stage(models.TextChoices):
    """信頼関係の段階 (trust stage), in order."""

    NOT_CONTACTED = "not_contacted", _("未接触")
    CONTACTED = "contacted", _("接触あり")
    DIALOGUE = "dialogue", _("対話できる")
    RELATIONSHIP = "relationship", _("関係形成")
    CONNECTED = "connected", _("支援につながった")


STAGE_ORDER = {stage: i for i, stage in enumerate(Stage)}


class Method(models.TextChoices):
    VISIT = "visit", _("訪問")
    PHONE = "phone", _("電話")
    LETTER = "letter", _("手紙")
    VIA_FAMILY = "via_family", _("家族を通じて")
    VIA_VOLUNTEER = "via_volunteer", _("民生委員を通じて")


class ContactOutcome(models.TextChoices):
    ABSENT = "absent", _("不在")
    NOTE_LEFT = "note_left", _("手紙・メモを残した")
    THROUGH_DOOR = "through_door", _("ドア越し・インターホン越しに話した")
    FACE_TO_FACE = "face_to_face", _("顔を合わせた")
    LONG_TALK = "long_talk", _("本人とじっくり話せた")


# THE trust-stage rule, in one table each (tested in tests/test_stage_rules.py).
#
# OUTCOME_SUPPORTS: the highest stage a contact with this outcome is evidence for. A stage may
# move up only as far as the best outcome of the target's contacts supports; nobody can write
# 「関係形成」 for a person nobody has talked with.
# OUTCOME_RAISES: where logging the contact moves the stage by itself (never down). 関係形成 is
# the worker's judgement (stage_move), backed by a long talk; 支援につながった only by hand-over.
OUTCOME_SUPPORTS = {
    ContactOutcome.ABSENT: Stage.NOT_CONTACTED,
    ContactOutcome.NOTE_LEFT: Stage.NOT_CONTACTED,
    ContactOutcome.THROUGH_DOOR: Stage.CONTACTED,
    ContactOutcome.FACE_TO_FACE: Stage.DIALOGUE,
    ContactOutcome.LONG_TALK: Stage.RELATIONSHIP,
}
OUTCOME_RAISES = {
    ContactOutcome.ABSENT: None,
    ContactOutcome.NOTE_LEFT: None,
    ContactOutcome.THROUGH_DOOR: Stage.CONTACTED,
    ContactOutcome.FACE_TO_FACE: Stage.DIALOGUE,
    ContactOutcome.LONG_TALK: Stage.DIALOGUE,
}
# The moves a worker may make by hand (services.stage_move). Down moves record that trust was
# lost (with a note). CONNECTED is reached only through services.target_hand_over.
STAGE_TRANSITIONS = {
    Stage.NOT_CONTACTED: {Stage.CONTACTED, Stage.DIALOGUE, Stage.RELATIONSHIP},
    Stage.CONTACTED: {Stage.DIALOGUE, Stage.RELATIONSHIP},
    Stage.DIALOGUE: {Stage.CONTACTED, Stage.RELATIONSHIP},
    Stage.RELATIONSHIP: {Stage.CONTACTED, Stage.DIALOGUE},
    Stage.CONNECTED: set(),
}
# Hand-over needs trust formed (「関係形成」).
HAND_OVER_FROM = {Stage.RELATIONSHIP}


class Status(models.TextChoices):
    OPEN = "open", _("対応中")
    HANDED_OVER = "handed_over", _("支援機関へ引き継ぎ済み")
    CLOSED = "closed", _("終了")


STATUS_TRANSITIONS = {
    Status.OPEN: {Status.HANDED_OVER, Status.CLOSED},
    Status.HANDED_OVER: set(),
    Status.CLOSED: {Status.OPEN},  # reopened (services.target_reopen), history kept
}


class OutreachTarget(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    label = _line(
        _("呼び方"),
        max_length=100,
        help_text=_(
            "一覧で見分けるための短い呼び方。名前がわからなくてかまいません。"
            "例: 「中部2丁目 2階の方」"
        ),
    )
    category = reference(OutreachCategory, _("分類"))
    address = _line(_("住所・場所"), max_length=200, blank=True)
    description = _text(
        _("わかっていること"),
        help_text=_("例: 「2階、夜も明かりがついている」「庭にごみがたまっている」"),
    )
    worried_by_type = models.CharField(
        _("心配している人"), max_length=20, choices=ConsulterType.choices
    )
    worried_by_note = _text(
        _("心配している人について"),
        max_length=1000,
        blank=True,
        help_text=_("例: 「隣の住民。夜中に物音がすると心配している」"),
    )
    district = reference("directory.District", _("地区"), optional=True)
    responsible_agency = reference("directory.Agency", _("担当機関"))
    next_contact_on = models.DateField(_("次の訪問・連絡の予定日"))
    stage = models.CharField(
        _("信頼関係の段階"), max_length=16, choices=Stage.choices, default=Stage.NOT_CONTACTED
    )
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.OPEN)
    ended_at = models.DateTimeField(_("引き継ぎ・終了の日時"), null=True, blank=True)
    end_note = _text(_("引き継ぎ・終了の理由"), max_length=2000, blank=True)
    person = reference("people.Person", _("本人"), optional=True)
    case = reference("cases.Case", _("ケース"), optional=True)
    origin = reference("intake.Consultation", _("きっかけの相談"), optional=True)
    # Where the hand-over went: a consultation escalated or referred (R2), or a case's track.
    handover_consultation = reference("intake.Consultation", _("引き継ぎの相談"), optional=True)
    handover_track = reference("cases.Track", _("引き継ぎ先の事業の利用"), optional=True)
    last_contact_at = models.DateTimeField(_("最後の接触の日時"), null=True, blank=True)
    created_by = reference(settings.AUTH_USER_MODEL)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    version = models.PositiveIntegerField(_("版"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("アウトリーチの対象")
        verbose_name_plural = pgettext_lazy("plural", "アウトリーチの対象")
        ordering = ["next_contact_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="outreach_stage_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="outreach_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=Status.OPEN, ended_at__isnull=True)
                | (~Q(status=Status.OPEN) & Q(ended_at__isnull=False) & ~Q(end_note="")),
                name="outreach_ended_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.HANDED_OVER) | Q(stage=Stage.CONNECTED),
                name="outreach_handed_over_is_connected",
            ),
        ]
        indexes = [models.Index(fields=["responsible_agency", "status", "next_contact_on"])]

    def __str__(self):
        return self.label

    @property
    def is_open(self):
        return self.status == Status.OPEN


class ContactAttempt(models.Model):
    """One visit or contact attempt: logged in a few taps (append-only)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    target = reference(OutreachTarget, _("アウトリーチの対象"), related_name="contacts")
    contacted_at = models.DateTimeField(_("日時"), default=timezone.now)
    agencies = models.ManyToManyField(
        "directory.Agency", verbose_name=_("訪問・連絡した機関"), related_name="+"
    )
    method = models.CharField(
        _("方法"), max_length=16, choices=Method.choices, default=Method.VISIT
    )
    outcome = models.CharField(_("結果"), max_length=16, choices=ContactOutcome.choices)
    observations = _text(_("様子・気づいたこと"), max_length=4000, blank=True)
    next_contact_on = models.DateField(_("次の予定日"), null=True, blank=True)
    recorded_by = reference(settings.AUTH_USER_MODEL, _("記録した人"))
    recorded_at = models.DateTimeField(_("記録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("訪問・連絡の記録")
        verbose_name_plural = pgettext_lazy("plural", "訪問・連絡の記録")
        ordering = ["-contacted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=Method.values), name="outreach_contact_method_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ContactOutcome.values),
                name="outreach_contact_outcome_known",
            ),
        ]
        indexes = [models.Index(fields=["target", "contacted_at"])]

    def __str__(self):
        return f"{self.contacted_at:%Y-%m-%d} {self.get_outcome_display()}"


class StageChange(models.Model):
    """The stage's history: every move, with the contact that supported it or the note."""

    target = reference(OutreachTarget, related_name="stage_changes")
    from_stage = models.CharField(_("変更前"), max_length=16, choices=Stage.choices)
    to_stage = models.CharField(_("変更後"), max_length=16, choices=Stage.choices)
    contact = reference(ContactAttempt, _("根拠の記録"), optional=True)
    note = _text(_("補足"), max_length=1000, blank=True)
    changed_at = models.DateTimeField(_("日時"), default=timezone.now)
    changed_by = reference(settings.AUTH_USER_MODEL)

    class Meta:
        verbose_name = _("信頼関係の段階の変更")
        verbose_name_plural = pgettext_lazy("plural", "信頼関係の段階の変更")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"
