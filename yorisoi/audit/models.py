from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yorisoi.references import reference


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("監査ログは変更できません。")

    def delete(self):
        raise AppendOnlyError("監査ログは削除できません。")


class AuditEvent(models.Model):
    """One read or change of personal data, or an export (R6).

    Append-only: the model refuses updates and deletes, and database triggers (see the
    migration) refuse them from raw SQL too. Tamper-evident: `seq` and `hash` chain each event
    to the one before (chain.py). Never holds personal data beyond ids.
    """

    seq = models.PositiveBigIntegerField(_("連番"), unique=True, editable=False)
    hash = models.CharField(_("ハッシュ"), max_length=64, editable=False)
    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    actor = reference(settings.AUTH_USER_MODEL, _("操作者"), null=True)
    actor_agency = reference("directory.Agency", _("操作者の所属"), null=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    target_type = models.CharField(_("対象の種類"), max_length=32, blank=True)
    target_id = models.CharField(_("対象ID"), max_length=64, blank=True, db_index=True)
    basis = models.CharField(_("根拠"), max_length=32, blank=True)
    channel = models.CharField(_("経路"), max_length=8, default="web")
    ip_address = models.GenericIPAddressField(_("接続元"), null=True, blank=True)
    data = models.JSONField(_("補足（IDのみ）"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("監査ログ")
        verbose_name_plural = pgettext_lazy("plural", "監査ログ")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("監査ログは変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("監査ログは削除できません。")
