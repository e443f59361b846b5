"""Background work of the evaluation (django-tasks, database backend, run by `manage.py
db_worker`; `make run` starts one): the committee report over many years (issue 6, 6: long
work shows progress). services.request_report enqueues it when the request commits."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from yorisoi import reports

from . import periods, report, selectors
from .models import ReportRun, ReportStatus

logger = logging.getLogger(__name__)

SAVE_EVERY = 5  # steps between two progress writes: a few rows, not one per indicator
DEFAULT_KEEP_DAYS = 7  # settings.YORISOI_REPORT_KEEP_DAYS: report files kept this long

RENDERERS = {"pdf": reports.report_pdf, "xlsx": reports.report_xlsx}


def filename_of(period: periods.Period, fmt: str) -> str:
    """ASCII only (every browser and mail client keeps it), no personal data."""
    return f"yorisoi-evaluation-{period.key}.{fmt}"


@task()
def make_report(run_id: str) -> str:
    """Build the report asked for by run.requested_by, as they may see the evaluation now (a
    user who has lost the role since gets a failed run), render it and keep the file on the run.
    Returns the run's final status. A run already done or failed is left as it is."""
    run = ReportRun.objects.select_related("requested_by").defer("content").get(pk=run_id)
    with translation.override(settings.LANGUAGE_CODE):  # the committee reads Japanese
        return _make(run)


def _make(run: ReportRun) -> str:
    if run.status in (ReportStatus.DONE, ReportStatus.FAILED):
        return run.status
    run.status = ReportStatus.RUNNING
    run.done_steps = 0
    run.error = ""
    run.save(update_fields=["status", "done_steps", "error"])
    saved = 0
    built = 0  # the steps of building the figures, once done

    def progress(done: int, total: int) -> None:
        nonlocal saved
        run.done_steps = done
        if done - saved >= SAVE_EVERY or done == run.total_steps:
            run.save(update_fields=["done_steps", "total_steps"])
            saved = done

    def building(done: int, total: int) -> None:
        # Drawing the file takes about as many steps again (one per section, charts drawn).
        run.total_steps = 2 * total
        progress(done, 2 * total)

    def rendering(done: int, total: int) -> None:
        run.total_steps = built + total
        progress(built + done, built + total)

    try:
        period = periods.parse(run.params["period"])
        years = int(run.params.get("years", 1))
        document = report.build(run.requested_by, period, years, progress=building)
        built = run.done_steps
        content = RENDERERS[run.fmt](document, progress=rendering)
    except selectors.NoEvaluation:
        logger.warning("evaluation report %s: the requester no longer sees the evaluation", run.pk)
        return _fail(run, _("この報告書を作成する権限がなくなりました。"))
    except Exception as error:
        # Figures only, so the traceback holds no personal data; the run keeps the class name.
        logger.exception("evaluation report %s failed", run.pk)
        return _fail(
            run,
            _("報告書を作成できませんでした（%(error)s）。") % {"error": type(error).__name__},
        )
    run.content = content
    run.filename = filename_of(period, run.fmt)
    run.status = ReportStatus.DONE
    run.done_steps = run.total_steps
    run.finished_at = timezone.now()
    run.save(
        update_fields=["content", "filename", "status", "done_steps", "total_steps", "finished_at"]
    )
    return run.status


def _fail(run: ReportRun, message: str) -> str:
    run.status = ReportStatus.FAILED
    run.error = message[:200]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    return run.status


def keep_days() -> int:
    return int(getattr(settings, "YORISOI_REPORT_KEEP_DAYS", DEFAULT_KEEP_DAYS))


@task()
def purge_old_reports() -> int:
    """Each morning (enqueue_daily_jobs): report runs finished more than keep_days() ago go,
    with their files — a report can be made again at any time from the records; who asked
    for which report stays in the audit log. Runs still queued or running are left alone."""
    cutoff = timezone.now() - timedelta(days=keep_days())
    old = ReportRun.objects.filter(
        status__in=[ReportStatus.DONE, ReportStatus.FAILED], finished_at__lt=cutoff
    )
    deleted, _by_model = old.delete()
    return deleted
