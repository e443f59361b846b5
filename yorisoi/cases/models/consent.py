"""R4 Consent per subject: scope, method, date, who obtained it; a withdrawal keeps the row."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yorisoi.references import reference

from .cases import Case
from .fields import long_text


class ConsentScope(models.TextChoices):
    ALL_INVOLVED = "all_involved", _("ケースの関係機関すべて")
    NAMED = "named", _("指定した機関のみ")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("書面")
    ORAL = "oral", _("口頭")


class Consent(models.Model):
    """R4: a subject's consent to share their information among the case's agencies.

    Never deleted or edited in substance: a withdrawal sets withdrawn_at and takes effect
    from that moment (access.py reads only consents with withdrawn_at empty).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = reference(Case, related_name="consents")
    person = reference("people.Person", _("本人"))
    scope = models.CharField(
        _("同意の範囲"),
        max_length=12,
        choices=ConsentScope.choices,
        default=ConsentScope.ALL_INVOLVED,
    )
    agencies = models.ManyToManyField(
        "directory.Agency",
        verbose_name=_("共有してよい機関"),
        blank=True,
        related_name="+",
        help_text=_("範囲が「指定した機関のみ」のときに選びます。"),
    )
    method = models.CharField(_("同意の方法"), max_length=8, choices=ConsentMethod.choices)
    given_on = models.DateField(_("同意を得た日"))
    obtained_by = reference(settings.AUTH_USER_MODEL, _("同意を得た職員"))
    note = long_text(_("補足"), max_length=1000, blank=True)
    scan = models.BinaryField(_("同意書の写し"), null=True, blank=True, editable=False)
    scan_name = models.CharField(max_length=200, blank=True, editable=False)
    scan_type = models.CharField(max_length=100, blank=True, editable=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤回の日時"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤回の申し出日"), null=True, blank=True)
    withdrawal_note = long_text(_("撤回の補足"), max_length=1000, blank=True)
    withdrawal_recorded_by = reference(settings.AUTH_USER_MODEL, optional=True)

    class Meta:
        verbose_name = _("同意")
        verbose_name_plural = pgettext_lazy("plural", "同意")
        ordering = ["-given_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_on__isnull=False),
                name="consent_withdrawal_has_a_date",
            )
        ]
        indexes = [models.Index(fields=["case", "person", "withdrawn_at"])]

    def __str__(self):
        return f"{self.person} {self.given_on}"

    @property
    def is_active(self):
        return self.withdrawn_at is None
