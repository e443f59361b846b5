"""Background work (django-tasks, database backend), enqueued each morning with the other
daily jobs (notifications' `enqueue_daily_jobs` command) and run by `manage.py db_worker`."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import reminders


def _notifier():
    """notifications.services.follow_up_due(follow_up) -> int, once the lead has added it
    (see the report of issue 5); until then the job only counts what is due."""
    from yorisoi.notifications import services

    return getattr(services, "follow_up_due", None)


@task()
def remind_follow_ups(day: str | None = None) -> int:
    """R8: a notice to the responsible agency for every follow-up due today. Idempotent as
    long as follow_up_due notifies each recipient at most once per follow-up."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    notify = _notifier()
    count = 0
    for follow_up in reminders.due_today(today):
        with transaction.atomic():
            count += notify(follow_up) if notify is not None else 1
    return count
