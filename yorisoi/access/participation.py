"""R6 for participation support (参加支援): needs, placements, follow-ups, resource gaps."""

from django.db.models import Q, QuerySet

from yorisoi.accounts.models import Role

from .bases import (
    BASIS_COORDINATOR,
    BASIS_OWN_AGENCY,
)
from .cases import case_bases, visible_cases
from .roles import reads_people

# --- participation support (参加支援) ---
#
# R6 for participation needs (and through them placements and follow-ups). A need is read on
# one of these bases, strongest first:
#   own_agency   the user's agency is responsible for it (担当機関)
#   coordinator  the coordinating division (福祉総務課)
#   (the case's) the need belongs to a case the user may read: case_basis of that case
# Resource gaps: those of the needs and cases the user may read, and those their agency
# recorded. 民生委員, analysts and administrators read none (analysts get counts only).


def visible_participation_needs(user) -> QuerySet:
    from yorisoi.participation.models import ParticipationNeed

    if not reads_people(user):
        return ParticipationNeed.objects.none()
    if user.role == Role.COORDINATOR:
        return ParticipationNeed.objects.all()
    return ParticipationNeed.objects.filter(
        Q(responsible_agency_id=user.agency_id) | Q(case__in=visible_cases(user).values("pk"))
    )


def participation_bases(user, need_ids) -> dict:
    """{need id: basis} for those of `need_ids` that `user` may read, in a constant number of
    queries (a page's rows); any other id is "not found"."""
    ids = set(need_ids)
    if not ids or not reads_people(user):
        return {}
    rows = list(
        visible_participation_needs(user)
        .filter(pk__in=ids)
        .values_list("pk", "responsible_agency_id", "case_id")
    )
    through_case = case_bases(user, {case_id for _, _, case_id in rows if case_id})
    bases = {}
    for pk, agency_id, case_id in rows:
        if agency_id == user.agency_id:
            bases[pk] = BASIS_OWN_AGENCY
        elif user.role == Role.COORDINATOR:
            bases[pk] = BASIS_COORDINATOR
        elif case_id in through_case:
            bases[pk] = through_case[case_id]
    return bases


def participation_basis(user, need) -> str | None:
    """The basis on which `user` reads `need`, or None (then it is "not found")."""
    return participation_bases(user, [need.pk]).get(need.pk)


def can_steer_participation(user, need) -> bool:
    """Placements, follow-ups and edits: the responsible agency and the coordinator; the
    agencies reading through the case may record a gap and read, not steer."""
    return reads_people(user) and (
        need.responsible_agency_id == user.agency_id or user.role == Role.COORDINATOR
    )


def visible_resource_gaps(user) -> QuerySet:
    from yorisoi.participation.models import ResourceGap

    if not reads_people(user):
        return ResourceGap.objects.none()
    if user.role == Role.COORDINATOR:
        return ResourceGap.objects.all()
    return ResourceGap.objects.filter(
        Q(agency_id=user.agency_id)
        | Q(need__in=visible_participation_needs(user).values("pk"))
        | Q(case__in=visible_cases(user).values("pk"))
    )
