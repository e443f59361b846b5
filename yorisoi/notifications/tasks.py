"""Background work (django-tasks, database backend): run by `manage.py db_worker`.

`manage.py enqueue_daily_jobs` (from cron, e.g. every morning at 7:00) puts today's jobs in the
queue: the two below and participation.tasks.remind_follow_ups (R8); the worker runs them. All
are idempotent, so a repeated run changes nothing.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yorisoi.accounts.models import CASEWORK_ROLES, User

from . import services
from .models import Digest


@task()
def flag_overdue_referrals(day: str | None = None) -> int:
    """R2: referrals pending past the limit (office days) are announced to both ends."""
    from yorisoi.intake.models import Referral, ReferralStatus
    from yorisoi.intake.queues import overdue_cutoff

    today = date.fromisoformat(day) if day else timezone.localdate()
    overdue = Referral.objects.filter(
        status=ReferralStatus.PENDING, sent_at__lt=overdue_cutoff(today)
    ).select_related("consultation")
    created = 0
    for referral in overdue:
        with transaction.atomic():
            created += services.referral_overdue(referral)
    return created


@task()
def build_daily_digests(day: str | None = None) -> int:
    """One summary per caseworker: counts from their queue and unread notifications."""
    from yorisoi.intake.queues import agency_queue

    today = date.fromisoformat(day) if day else timezone.localdate()
    built = 0
    users = User.objects.filter(is_active=True, role__in=CASEWORK_ROLES, agency__isnull=False)
    for user in users:
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
