"""R6 for people (本人) and households (世帯)."""

from django.db.models import Q, QuerySet

from yorisoi.audit.log import (
    BASIS_CONSENT,
    BASIS_COORDINATOR,
    BASIS_OWN_AGENCY,
    BASIS_REFERRAL,
    BASIS_SUPPORT_MEETING,
)

from .cases import case_basis, visible_case_people, visible_cases
from .consultations import consultation_basis, visible_consultations
from .roles import reads_people


def visible_people(user) -> QuerySet:
    """People whose records `user` may read (R6): those their agency registered, the subjects
    of consultations they may see (a referral or transfer brings the person's record with it)
    and the subjects of cases they may see. Analysts, 民生委員 and administrators: none."""
    from yorisoi.people.models import Person

    if not reads_people(user):
        return Person.objects.none()
    through = visible_consultations(user).filter(person__isnull=False).values("person_id")
    return Person.objects.filter(
        Q(agency_id=user.agency_id) | Q(pk__in=through) | Q(pk__in=visible_case_people(user))
    )


def visible_households(user) -> QuerySet:
    from yorisoi.people.models import Household

    if not reads_people(user):
        return Household.objects.none()
    through = visible_consultations(user).filter(household__isnull=False).values("household_id")
    cases = visible_cases(user).filter(household__isnull=False).values("household_id")
    return Household.objects.filter(
        Q(agency_id=user.agency_id) | Q(pk__in=through) | Q(pk__in=cases)
    )


def _strongest(found) -> str | None:
    for basis in (
        BASIS_OWN_AGENCY,
        BASIS_COORDINATOR,
        BASIS_CONSENT,
        BASIS_SUPPORT_MEETING,
        BASIS_REFERRAL,
    ):
        if basis in found:
            return basis
    return None


def person_basis(user, person) -> str | None:
    """The basis on which `user` reads `person`, or None if they may not."""
    if not reads_people(user):
        return None
    if person.agency_id == user.agency_id:
        return BASIS_OWN_AGENCY
    consultations = visible_consultations(user).filter(person_id=person.pk)[:20]
    cases = visible_cases(user).filter(subjects__person_id=person.pk)[:20]
    return _strongest(
        {consultation_basis(user, c) for c in consultations} | {case_basis(user, c) for c in cases}
    )


def household_basis(user, household) -> str | None:
    if not reads_people(user):
        return None
    if household.agency_id == user.agency_id:
        return BASIS_OWN_AGENCY
    consultations = visible_consultations(user).filter(household_id=household.pk)[:20]
    cases = visible_cases(user).filter(household_id=household.pk)[:20]
    return _strongest(
        {consultation_basis(user, c) for c in consultations} | {case_basis(user, c) for c in cases}
    )


def can_edit_person(user, person) -> bool:
    """Only the registering agency corrects a record; others read it through their basis."""
    return reads_people(user) and person.agency_id == user.agency_id


def can_edit_household(user, household) -> bool:
    return reads_people(user) and household.agency_id == user.agency_id


def can_create_people(user) -> bool:
    return reads_people(user)
