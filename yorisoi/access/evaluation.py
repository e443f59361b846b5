"""Evaluation (PDCA, 計画 Ⅴ): figures, never records."""

from dataclasses import dataclass

from django.db.models import QuerySet

from yorisoi.accounts.models import Role

from .roles import active_user, is_coordinator

# --- evaluation (PDCA, 計画 Ⅴ) ---
#
# Figures, never records: the coordinator and analysts see the whole city, a manager the
# records of their own agency; analysts see small figures suppressed (evaluation.suppression).
# Only the coordinator sets the city's targets.


@dataclass(frozen=True)
class EvaluationView:
    agency_id: int | None  # None: the whole city
    suppress: bool


def evaluation_view(user) -> EvaluationView | None:
    """What of the evaluation `user` sees, or None (no evaluation at all)."""
    if not active_user(user):
        return None
    if user.role == Role.ANALYST:
        return EvaluationView(agency_id=None, suppress=True)
    if is_coordinator(user):
        return EvaluationView(agency_id=None, suppress=False)
    if user.role == Role.MANAGER and user.agency_id is not None:
        return EvaluationView(agency_id=user.agency_id, suppress=False)
    return None


def can_set_targets(user) -> bool:
    return is_coordinator(user)


def visible_report_runs(user) -> QuerySet:
    """Report files: each only to the user who asked for it."""
    from yorisoi.evaluation.models import ReportRun

    if evaluation_view(user) is None:
        return ReportRun.objects.none()
    return ReportRun.objects.filter(requested_by=user)
