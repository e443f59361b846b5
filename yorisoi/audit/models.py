from django.conf import settings
from django.db import models
from django.utils import timezone


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
    migration) refuse them from raw SQL too. Never holds personal data beyond ids.
    """

    at = models.DateTimeField("日時", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_agency = models.ForeignKey(
        "directory.Agency",
        verbose_name="操作者の所属",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("操作", max_length=64, db_index=True)
    target_type = models.CharField("対象の種類", max_length=32, blank=True)
    target_id = models.CharField("対象ID", max_length=64, blank=True, db_index=True)
    basis = models.CharField("根拠", max_length=32, blank=True)
    channel = models.CharField("経路", max_length=8, default="web")
    ip_address = models.GenericIPAddressField("接続元", null=True, blank=True)
    data = models.JSONField("補足（IDのみ）", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "監査ログ"
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
