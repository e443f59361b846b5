"""Background work (django-tasks, database backend), enqueued each morning with the other
daily jobs (`manage.py enqueue_daily_jobs`) and run by `manage.py db_worker`."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yorisoi.notifications import services as notifications

from . import reminders


@task()
def remind_follow_ups(day: str | None = None) -> int:
    """R8: a notice to the responsible agency's caseworkers for every follow-up due today.
    Idempotent: follow_up_due notifies each of them at most once per follow-up. Returns the
    number of notices created."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    created = 0
    for follow_up in reminders.due_today(today):
        with transaction.atomic():
            created += notifications.follow_up_due(follow_up)
    return created
