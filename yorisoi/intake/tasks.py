"""Background work of comprehensive consultation (django-tasks, run by `manage.py db_worker`;
put in the queue each morning by `manage.py enqueue_daily_jobs`). Idempotent."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yorisoi.notifications import services

from .models import Referral, ReferralStatus
from .queues import overdue_cutoff


@task()
def flag_overdue_referrals(day: str | None = None) -> int:
    """R2: referrals pending past the limit (office days) are announced to both ends."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    overdue = Referral.objects.filter(
        status=ReferralStatus.PENDING, sent_at__lt=overdue_cutoff(today)
    ).select_related("consultation")
    created = 0
    for referral in overdue:
        with transaction.atomic():
            created += services.referral_overdue(referral)
    return created
