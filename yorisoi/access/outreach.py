"""R6 for outreach targets (アウトリーチ)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from yorisoi.accounts.models import Role
from yorisoi.audit.log import (
    BASIS_COORDINATOR,
    BASIS_JOINT_VISIT,
    BASIS_OWN_AGENCY,
)

from .cases import case_basis, visible_cases
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

    @property
    def read(self) -> bool:
        return self.basis is not None


def outreach_access(user, target) -> OutreachAccess:
    if not reads_people(user):
        return OutreachAccess(basis=None)
    holder = target.responsible_agency_id == user.agency_id
    coordinator = user.role == Role.COORDINATOR
    if holder:
        basis = BASIS_OWN_AGENCY
    elif coordinator:
        basis = BASIS_COORDINATOR
    elif _joint_visit_target_ids(user.agency_id).filter(target_id=target.pk).exists():
        basis = BASIS_JOINT_VISIT
    elif target.case_id is not None:
        from yorisoi.cases.models import Case

        case = Case.objects.filter(pk=target.case_id).first()
        basis = case_basis(user, case) if case is not None else None
    else:
        basis = None
    if basis is None:
        return OutreachAccess(basis=None)
    steering = holder or coordinator
    return OutreachAccess(
        basis=basis,
        edit=steering and target.is_open,
        log_contact=target.is_open and (steering or basis in (BASIS_JOINT_VISIT, BASIS_OWN_AGENCY)),
    )
