"""Background work of imports (django-tasks, database backend, run by `manage.py db_worker`):
a large file is checked and committed here, not in the request (services.BACKGROUND_BYTES,
BACKGROUND_ROWS). The job's page polls the job and shows its progress. Idempotent: a job no
longer waiting in its state is left as it is."""

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import task

from yorisoi import access

from .models import ImportJob, ImportStatus
from .services import run_check, run_commit


def _still_allowed(job) -> bool:
    """The user may have lost the role or moved agency since: then the job fails (R6)."""
    actor = job.created_by
    if access.can_import(actor) and access.may_import_for(actor, job.agency_id):
        return True
    job.status = ImportStatus.FAILED
    job.content = b""
    job.finished_at = timezone.now()
    job.problems = [
        {"row": 0, "column": "", "level": "error",
         "message": "取り込んだ人がこの機関の職員ではなくなったため、取り込みをやめました。"}
    ]  # fmt: skip
    job.error_count = 1
    job.save()
    return False


@task()
def check_import(job_id: str) -> str:
    job = ImportJob.objects.select_related("created_by", "agency").get(pk=job_id)
    if job.status != ImportStatus.CHECKING or not _still_allowed(job):
        return job.status
    with translation.override(settings.LANGUAGE_CODE):  # the problems are read in Japanese
        return run_check(job, actor=job.created_by).status


@task()
def commit_import(job_id: str) -> str:
    job = ImportJob.objects.select_related("created_by", "agency").get(pk=job_id)
    if job.status != ImportStatus.COMMITTING or not _still_allowed(job):
        return job.status
    with translation.override(settings.LANGUAGE_CODE):
        return run_commit(job, actor=job.created_by, status=ImportStatus.COMMITTING).status
