"""R6 for outreach targets (アウトリーチ)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from yorisoi.accounts.models import Role

from .bases import (
    BASIS_COORDINATOR,
    BASIS_JOINT_VISIT,
    BASIS_OWN_AGENCY,
)
from .cases import case_bases, visible_cases
from .roles import reads_people

# --- outreach (アウトリーチ) ---
#
# R6 for outreach targets. A target is read on one of these bases, strongest first:
#   own_agency   the user's agency is responsible for it (担当機関)
#   joint_visit  the user's agency took part in one of its contacts (同行訪問): it did the
#                outreach work itself
#   coordinator  the coordinating division (福祉総務課)
#   (the case's) the target belongs to a case the user may read: case_basis of that case
# 民生委員 who went along are recorded on the contact but read nothing here (they see only what
# they reported). Analysts and administrators never read a target.


def _joint_visit_target_ids(agency_id) -> QuerySet:
    from yorisoi.outreach.models import ContactAttempt

    return ContactAttempt.objects.filter(agencies=agency_id).values("target_id")


def visible_outreach_targets(user) -> QuerySet:
    """Outreach targets `user` may read (R6); anything else is "not found"."""
    from yorisoi.outreach.models import OutreachTarget

    if not reads_people(user):
        return OutreachTarget.objects.none()
    if user.role == Role.COORDINATOR:
        return OutreachTarget.objects.all()
    agency = user.agency_id
    return OutreachTarget.objects.filter(
        Q(responsible_agency_id=agency)
        | Q(pk__in=_joint_visit_target_ids(agency))
        | Q(case__in=visible_cases(user).values("pk"))
    )


@dataclass(frozen=True)
class OutreachAccess:
    """What `user` may do with one outreach target, and on which basis."""

    basis: str | None
    edit: bool = False  # what is known, stage, person, hand-over, close (the holders)
    log_contact: bool = False  # joint visitors log their own visits too
    steer: bool = False  # the holders (担当機関) and the coordinator: also reopen a closed one

    @property
    def read(self) -> bool:
        return self.basis is not None


def outreach_bases(user, target_ids) -> dict:
    """{target id: basis} for those of `target_ids` that `user` may read, in a constant number
    of queries (a page's rows); any other id is "not found". Strongest first: own_agency,
    coordinator, joint_visit, then the basis of the case the target belongs to."""
    ids = set(target_ids)
    if not ids or not reads_people(user):
        return {}
    agency = user.agency_id
    rows = list(
        visible_outreach_targets(user)
        .filter(pk__in=ids)
        .annotate(joint=Q(pk__in=_joint_visit_target_ids(agency)))
        .values_list("pk", "responsible_agency_id", "joint", "case_id")
    )
    through_case = case_bases(user, {case_id for *_, case_id in rows if case_id})
    bases = {}
    for pk, agency_id, joint, case_id in rows:
        if agency_id == agency:
            bases[pk] = BASIS_OWN_AGENCY
        elif user.role == Role.COORDINATOR:
            bases[pk] = BASIS_COORDINATOR
        elif joint:
            bases[pk] = BASIS_JOINT_VISIT
        elif case_id in through_case:
            bases[pk] = through_case[case_id]
    return bases


def outreach_access(user, target) -> OutreachAccess:
    if not reads_people(user):
        return OutreachAccess(basis=None)
    holder = target.responsible_agency_id == user.agency_id
    coordinator = user.role == Role.COORDINATOR
    basis = outreach_bases(user, [target.pk]).get(target.pk)
    if basis is None:
        return OutreachAccess(basis=None)
    steering = holder or coordinator
    return OutreachAccess(
        basis=basis,
        steer=steering,
        edit=steering and target.is_open,
        log_contact=target.is_open and (steering or basis in (BASIS_JOINT_VISIT, BASIS_OWN_AGENCY)),
    )
