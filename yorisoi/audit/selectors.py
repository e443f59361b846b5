"""Reads of the audit trail. The trail holds ids, times, agencies and the legal basis of each
read, never names; who may read it is the policy's (access.ROUTES: the coordinator)."""

from django.db.models import Q

from .models import AuditEvent


def case_trail(case) -> "AuditEvent.objects":
    """Every audit event about the case, its meetings, consents, assessments and plans, and
    the records of its subjects and household."""
    targets = Q(target_type="case", target_id=str(case.pk))
    related = {
        "meeting": case.meetings.values_list("pk", flat=True),
        "consent": case.consents.values_list("pk", flat=True),
        "assessment": case.assessments.values_list("pk", flat=True),
        "supportplan": case.plans.values_list("pk", flat=True),
        "person": case.subjects.values_list("person_id", flat=True),
    }
    for target_type, ids in related.items():
        ids = [str(pk) for pk in ids]
        if ids:
            targets |= Q(target_type=target_type, target_id__in=ids)
    if case.household_id:
        targets |= Q(target_type="household", target_id=str(case.household_id))
    return (
        AuditEvent.objects.filter(targets)
        .select_related("actor", "actor_agency")
        .order_by("-at", "-pk")
    )
