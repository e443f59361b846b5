"""名寄せ: one person known to several agencies (DOMAIN.md "One person across agencies").

Each agency keeps its own registration (people.Person); a confirmed match links registrations
into an Identity (the golden record) through IdentityMember rows. The registrations themselves
are never changed by linking, and linking never widens anyone's access (R6: who sees a person
still follows consultations, cases, consent and 支援会議 pledges, access/people.py).

Rules and where they live:
- Which pairs the coordinator reviews: services.candidates_score (the engine in
  yorisoi/linkage/ proposes, a rejected or decided pair is never proposed again).
- A candidate's decisions: MATCH_TRANSITIONS below; services.match_confirm, match_reject and
  identity_unlink are the doors.
- R6: access/identity.py (only the coordinator reviews; what the queue may show of a person).
- R7 nothing lost: no deletes (PROTECT), memberships end (left_at) rather than disappear,
  history on every model, a version column on candidates and identities.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from yorisoi.people.validators import validate_multiline_text
from yorisoi.references import reference


class Identity(models.Model):
    """One person as the city knows them: the registrations linked as one (名寄せ結果)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    created_by = reference(settings.AUTH_USER_MODEL, _("作成した人"))
    # Two identities found to be one are merged: the other's members move here, it is kept.
    merged_into = reference("self", _("統合先"), optional=True)
    # Fewer than two registrations left after an unlink: nothing to link any more.
    ended_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("同一人物")
        verbose_name_plural = pgettext_lazy("plural", "同一人物")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.pk)

    @property
    def is_active(self):
        return self.ended_at is None and self.merged_into_id is None


class LeaveReason(models.TextChoices):
    UNLINKED = "unlinked", _("結びつけを解除")
    MERGED = "merged", _("統合で移動")
    ENDED = "ended", _("残りが1件になった")


class IdentityMember(models.Model):
    """One registration (people.Person) belonging to an identity, from linked_at until left_at.
    A person belongs to at most one identity at a time (a database constraint)."""

    identity = reference(Identity, _("同一人物"), related_name="members")
    person = reference("people.Person", _("登録"), related_name="+")
    linked_at = models.DateTimeField(_("結びつけた日時"), default=timezone.now)
    linked_by = reference(settings.AUTH_USER_MODEL, _("結びつけた人"))
    left_at = models.DateTimeField(_("離れた日時"), null=True, blank=True)
    left_by = reference(settings.AUTH_USER_MODEL, _("解除した人"), optional=True)
    left_reason = models.CharField(
        _("離れた理由"), max_length=12, choices=LeaveReason.choices, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("同一人物の登録")
        verbose_name_plural = pgettext_lazy("plural", "同一人物の登録")
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(left_at__isnull=True),
                name="identity_person_in_one_identity",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True, left_reason="")
                | (Q(left_at__isnull=False) & ~Q(left_reason="")),
                name="identity_member_left_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.identity_id}: {self.person_id}"


class MatchStatus(models.TextChoices):
    PENDING = "pending", _("確認待ち")
    CONFIRMED = "confirmed", _("同一人物と確認")
    REJECTED = "rejected", _("別人と判断")
    UNLINKED = "unlinked", _("結びつけを解除")


# THE decisions on a candidate pair, one table (tests/test_review.py). A rejected pair stays
# rejected (the job never proposes it again); an unlinked one too: the coordinator undid it.
MATCH_TRANSITIONS = {
    MatchStatus.PENDING: {MatchStatus.CONFIRMED, MatchStatus.REJECTED},
    MatchStatus.CONFIRMED: {MatchStatus.UNLINKED},
    MatchStatus.REJECTED: set(),
    MatchStatus.UNLINKED: set(),
}


class MatchCandidate(models.Model):
    """Two registrations the engine judges likely to be one person, for the coordinator to
    decide. The pair is ordered (person_a < person_b) so that it exists once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person_a = reference("people.Person", _("登録A"), related_name="+")
    person_b = reference("people.Person", _("登録B"), related_name="+")
    score = models.FloatField(_("同一人物である確率"))
    weight = models.FloatField(_("一致の重み（ビット）"))
    reasons = models.JSONField(_("判定の理由"), default=list)
    status = models.CharField(
        _("状態"), max_length=12, choices=MatchStatus.choices, default=MatchStatus.PENDING
    )
    found_at = models.DateTimeField(_("候補になった日時"), default=timezone.now)
    scored_at = models.DateTimeField(_("最後に採点した日時"), default=timezone.now)
    decided_at = models.DateTimeField(_("判断した日時"), null=True, blank=True)
    decided_by = reference(settings.AUTH_USER_MODEL, _("判断した人"), optional=True)
    note = models.TextField(
        _("判断のメモ"), max_length=1000, blank=True, validators=[validate_multiline_text]
    )
    version = models.PositiveIntegerField(_("版"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("同一人物の候補")
        verbose_name_plural = pgettext_lazy("plural", "同一人物の候補")
        ordering = ["-score", "found_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="match_pair_once"),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="match_pair_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MatchStatus.values), name="match_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=MatchStatus.PENDING)
                | Q(decided_at__isnull=False, decided_by__isnull=False),
                name="match_decided_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["status", "score"])]

    def __str__(self):
        return f"{self.person_a_id} / {self.person_b_id}"


class ScoringRun(models.Model):
    """One run of the job (services.candidates_score). The last finished run's start is the
    watermark: the next run scores the people registered or changed since."""

    started_at = models.DateTimeField(_("開始日時"), default=timezone.now)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    since = models.DateTimeField(_("対象（この日時以降の登録・更新）"), null=True, blank=True)
    people_scored = models.PositiveIntegerField(_("採点した登録"), default=0)
    people_total = models.PositiveIntegerField(_("照合した登録"), default=0)
    candidates_new = models.PositiveIntegerField(_("新しい候補"), default=0)
    candidates_updated = models.PositiveIntegerField(_("更新した候補"), default=0)
    started_by = reference(settings.AUTH_USER_MODEL, _("実行した人"), optional=True)
    # A run over named people (on demand) scores them but leaves the watermark where it was.
    moves_watermark = models.BooleanField(_("基準日時を進める"), default=True)

    class Meta:
        verbose_name = _("名寄せの採点")
        verbose_name_plural = pgettext_lazy("plural", "名寄せの採点")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}"
