"""The daily digest: one summary per caseworker of what waits in their agency's work list and
of their unread notifications (django-tasks; `manage.py enqueue_daily_jobs` queues it)."""

from datetime import date

from django.utils import timezone
from django_tasks import task

from yorisoi import access
from yorisoi.accounts.models import User
from yorisoi.intake.queues import agency_queue
from yorisoi.notifications.models import Digest


@task()
def build_daily_digests(day: str | None = None) -> int:
    """One summary per caseworker: counts from their queue and unread notifications."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    built = 0
    users = User.objects.filter(is_active=True, agency__isnull=False).order_by("pk")
    for user in filter(access.reads_people, users):
        counts = {
            name: section.count()
            for name, section in agency_queue(user=user, today=today).sections().items()
        }
        counts["unread"] = user.notifications.filter(read_at__isnull=True).count()
        _, created = Digest.objects.update_or_create(
            recipient=user, day=today, defaults={"counts": counts}
        )
        built += created
    return built
