"""The daily digest: one summary per caseworker of what waits in their work list (今日やること,
the same tabs and counts as the home page, yorisoi.work) and of their unread notifications
(django-tasks; `manage.py enqueue_daily_jobs` queues it). Counts only, never a name (R6)."""

from datetime import date

from django.utils import timezone
from django_tasks import task

from yorisoi.accounts.models import User
from yorisoi.notifications.models import Digest
from yorisoi.work import selectors as work_selectors


@task()
def build_daily_digests(day: str | None = None) -> int:
    """One summary per caseworker: the counts of their today list's tabs, and unread notices."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    built = 0
    users = User.objects.filter(is_active=True, agency__isnull=False).order_by("pk")
    for user in filter(work_selectors.has_work_list, users):
        counts = work_selectors.tab_counts(user, today=today)
        counts["unread"] = user.notifications.filter(read_at__isnull=True).count()
        _, created = Digest.objects.update_or_create(
            recipient=user, day=today, defaults={"counts": counts}
        )
        built += created
    return built
