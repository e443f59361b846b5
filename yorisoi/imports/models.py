"""Bringing a city's existing records in (issue 15): one ImportJob per uploaded file, and the
external ids that make a second import of the same rows change nothing.

R7 Nothing is lost: an import is all or nothing (services.import_commit writes only a file whose
every row is clean, in one transaction), and the per-row problems are kept on the job. The
problems name a row, a column and what is wrong, never the cell's value: a job holds no
personal data beyond the file itself, which is dropped once the job is committed or refused.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yorisoi.references import reference


class ImportKind(models.TextChoices):
    CONSULTATIONS = "consultations", _("本人・世帯・相談")


class ImportStatus(models.TextChoices):
    """checking → checked | failed; checked → committing → committed | failed. A small file
    skips the -ing states (checked in the request); a large one waits in them for the
    background task (tasks.py)."""

    CHECKING = "checking", _("確認中")
    CHECKED = "checked", _("確認済み（未登録）")
    COMMITTING = "committing", _("登録中")
    FAILED = "failed", _("問題あり（何も登録していません）")
    COMMITTED = "committed", _("登録済み")


class ImportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(
        _("種類"), max_length=20, choices=ImportKind.choices, default=ImportKind.CONSULTATIONS
    )
    created_by = reference(settings.AUTH_USER_MODEL, _("取り込んだ人"))
    # The agency the user acted for (R6): every record is written in its name.
    agency = reference("directory.Agency", _("取り込んだ機関"))
    file_name = models.CharField(_("ファイル名"), max_length=200)
    sha256 = models.CharField(_("ファイルのSHA-256"), max_length=64, db_index=True)
    file_format = models.CharField(_("形式"), max_length=10)
    encoding = models.CharField(_("文字コード"), max_length=20, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    rows = models.PositiveIntegerField(_("行数"), default=0)
    error_count = models.PositiveIntegerField(_("エラー"), default=0)
    warning_count = models.PositiveIntegerField(_("注意"), default=0)
    # {"person": {"created": n, "updated": n, "unchanged": n}, "household": …, "consultation": …}
    counts = models.JSONField(_("件数"), default=dict, blank=True)
    # [{"row": 3, "column": "生年月日", "message": "…", "level": "error" | "warning"}]
    problems = models.JSONField(_("行ごとの問題"), default=list, blank=True)
    # [{"row": 3, "person_id": "…"}, {"row": 3, "other_row": 7}]: likely duplicates, never merged.
    matches = models.JSONField(_("同じ人かもしれない記録"), default=list, blank=True)
    # [{"row": 3, "kind": "person", "fields": ["phone"]}]: what a corrected file changes.
    changes = models.JSONField(_("変わる項目"), default=list, blank=True)
    # The uploaded file, kept between the check and the commit only.
    content = models.BinaryField(default=b"", editable=False)
    progress = models.PositiveIntegerField(_("進み具合（行）"), default=0)
    created_at = models.DateTimeField(_("確認した日時"), default=timezone.now)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("取り込み")
        verbose_name_plural = pgettext_lazy("plural", "取り込み")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "created_at"], name="importjob_agency_created")]

    def __str__(self):
        return self.file_name

    @property
    def errors(self):
        return [p for p in self.problems if p["level"] == "error"]

    @property
    def warnings(self):
        return [p for p in self.problems if p["level"] == "warning"]

    @property
    def changes_anything(self) -> bool:
        return any(c.get("created") or c.get("updated") for c in self.counts.values())


class RecordKind(models.TextChoices):
    PERSON = "person", _("本人")
    HOUSEHOLD = "household", _("世帯")
    CONSULTATION = "consultation", _("相談")


class ExternalRef(models.Model):
    """A record's id in the source system, per source agency: what makes an import idempotent.
    `fingerprints` holds a hash of each field's value as last imported (never the value), so a
    corrected file changes only the fields whose value in the file changed, and an edit made
    on the screen since is left alone when the file still says what it said. A person's ref
    also holds their household and 続柄 (existing.MEMBERSHIP); a ref written before that key
    existed leaves the database to decide whether a file changes them."""

    agency = reference("directory.Agency", _("機関"))
    kind = models.CharField(_("種類"), max_length=20, choices=RecordKind.choices)
    external_id = models.CharField(_("外部ID"), max_length=64)
    record_id = models.UUIDField(_("記録のID"))
    fingerprints = models.JSONField(default=dict, blank=True)
    # None: registered by an export (exporting.py), which names a record by its UUID.
    job = reference(ImportJob, _("最後に取り込んだ取り込み"), optional=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("外部ID")
        verbose_name_plural = pgettext_lazy("plural", "外部ID")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "external_id"], name="external_ref_once_per_agency"
            )
        ]
        # An export looks its records' external ids up by record (exporting.py).
        indexes = [
            models.Index(fields=["agency", "kind", "record_id"], name="external_ref_by_record")
        ]

    def __str__(self):
        return f"{self.kind}:{self.external_id}"
