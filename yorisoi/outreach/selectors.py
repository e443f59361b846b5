"""Reads of outreach targets: always from access.visible_outreach_targets (R6)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from yorisoi import access

from .models import OutreachTarget, Status

DEFAULT_QUIET_DAYS = 30


def quiet_days() -> int:
    """settings.YORISOI_OUTREACH_QUIET_DAYS: days without contact before a target is flagged."""
    return int(getattr(settings, "YORISOI_OUTREACH_QUIET_DAYS", DEFAULT_QUIET_DAYS))


def quiet_cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=quiet_days())


def with_quiet_flag(queryset: QuerySet, now=None) -> QuerySet:
    """Annotate `quiet`: an open target with no contact (or, never contacted, no contact since
    it was registered) for longer than the configured number of days."""
    cutoff = quiet_cutoff(now)
    return queryset.annotate(
        contact_clock=Coalesce(F("last_contact_at"), F("created_at")),
        quiet=Case(
            When(
                Q(status=Status.OPEN) & Q(contact_clock__lt=cutoff),
                then=Value(True),
            ),
            default=Value(False),
        ),
    )


def target_list(
    *, user, scope: str = "mine", stage="", category="", district="", status=Status.OPEN
) -> QuerySet:
    """The list: flagged (quiet) first, then by the next planned contact. `scope` "mine" is
    what the user's agency holds; "all" everything the user may read."""
    targets = access.visible_outreach_targets(user)
    if scope == "mine":
        targets = targets.filter(responsible_agency_id=user.agency_id)
    if status:
        targets = targets.filter(status=status)
    if stage:
        targets = targets.filter(stage=stage)
    if category:
        targets = targets.filter(category__code=category)
    if district:
        targets = targets.filter(district__code=district)
    return (
        with_quiet_flag(targets)
        .select_related("category", "district", "responsible_agency")
        .order_by("-quiet", "next_contact_on", "created_at", "pk")
    )


def quiet_targets(*, user) -> QuerySet:
    """For queues: the open targets the user's agency holds that nobody has contacted lately."""
    return (
        with_quiet_flag(access.visible_outreach_targets(user))
        .filter(responsible_agency_id=user.agency_id, quiet=True)
        .select_related("category", "district")
        .order_by("contact_clock", "pk")
    )


def target_detail(*, user, target_id) -> OutreachTarget:
    """Raises OutreachTarget.DoesNotExist for a missing and for a hidden target alike."""
    return (
        with_quiet_flag(access.visible_outreach_targets(user))
        .select_related(
            "category",
            "district",
            "responsible_agency",
            "person",
            "case",
            "origin",
            "handover_consultation",
            "handover_track",
        )
        .get(pk=target_id)
    )


def contacts_of(target) -> QuerySet:
    return target.contacts.select_related("recorded_by").prefetch_related("agencies")


def stage_history(target) -> QuerySet:
    return target.stage_changes.select_related("changed_by", "contact")
