"""R8: follow-ups due today become in-app notices for the responsible agency.

The daily django-tasks job tasks.remind_follow_ups calls due_today(today) and hands each
follow-up to the notifications app (notifications.services.follow_up_due), which owns the
notices; this module only says which follow-ups are due.
"""

from django.db.models import QuerySet

from .models import FollowUp, FollowUpStatus


def due_today(today) -> QuerySet:
    """Open follow-ups whose day is today (those of placements settled or ended were
    cancelled and are not here)."""
    return (
        FollowUp.objects.filter(status=FollowUpStatus.OPEN, due_on=today)
        .select_related("placement__need")
        .order_by("placement__need__responsible_agency_id", "id")
    )
