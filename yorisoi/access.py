"""THE need-to-know policy (R6). Every view, API endpoint, export and search asks this module.

Two layers, both deny by default:
1. Routes: every URL name and API route is listed in ROUTES with the roles that may open it.
   A route missing from the map is refused (and a test fails).
2. Records: `visible_people(user)` and friends return only the rows a user may read, with the
   legal basis of each read (`person_basis`). Anything else is "not found" (404), never a hint
   that it exists.

The record rules: a person or household is visible to caseworkers of the agency that
registered it, and to those who may see a consultation about them. Cases, consent and 支援会議
widen it here and only here.
"""

from django.db.models import Q, QuerySet

from yorisoi.accounts.models import CASEWORK_ROLES, Role
from yorisoi.audit.log import BASIS_COORDINATOR, BASIS_OWN_AGENCY, BASIS_REFERRAL

PUBLIC = "public"
ANY_ROLE = frozenset(Role)
CASEWORK = frozenset(CASEWORK_ROLES)
ADMIN_SITE = frozenset({Role.ADMIN})
VOLUNTEER = frozenset({Role.VOLUNTEER})

# Route name → who may open it. Namespaced names as Django resolves them ("app:name").
ROUTES: dict[str, frozenset | str] = {
    # accounts
    "accounts:login": PUBLIC,
    "accounts:logout": ANY_ROLE,
    "accounts:token_list": ANY_ROLE,
    "accounts:token_create": ANY_ROLE,
    "accounts:token_revoke": ANY_ROLE,
    "set_language": PUBLIC,
    # front
    "front:home": ANY_ROLE,
    "front:health": PUBLIC,
    # people
    "people:person_list": CASEWORK,
    "people:person_create": CASEWORK,
    "people:person_matches": CASEWORK,
    "people:person_detail": CASEWORK,
    "people:person_edit": CASEWORK,
    "people:household_list": CASEWORK,
    "people:household_create": CASEWORK,
    "people:household_detail": CASEWORK,
    "people:household_edit": CASEWORK,
    "people:household_member_add": CASEWORK,
    # notifications (own only)
    "notifications:list": CASEWORK,
    "notifications:mark_read": CASEWORK,
    # intake (包括的相談支援)
    "intake:queue": CASEWORK,
    "intake:consultation_create": CASEWORK,
    "intake:person_picker": CASEWORK,
    "intake:consultation_detail": CASEWORK,
    "intake:consultation_outcome": CASEWORK,
    "intake:referral_create": CASEWORK,
    "intake:referral_answer": CASEWORK,
    "intake:referral_withdraw": CASEWORK,
    "intake:referral_acknowledge": CASEWORK,
    "intake:volunteer_report": VOLUNTEER,
    "intake:volunteer_reports": VOLUNTEER,
    # API (django-ninja); the docs and schema hold no personal data
    "api:api-root": PUBLIC,
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:agency_list": ANY_ROLE,
    "api:district_list": ANY_ROLE,
    "api:issue_category_list": ANY_ROLE,
    "api:person_list": CASEWORK,
    "api:person_create": CASEWORK,
    "api:person_detail": CASEWORK,
    "api:person_update": CASEWORK,
    "api:person_search": CASEWORK,
    "api:household_list": CASEWORK,
    "api:household_create": CASEWORK,
    "api:household_detail": CASEWORK,
    "api:household_update": CASEWORK,
    "api:household_member_add": CASEWORK,
    "api:consultation_list": CASEWORK,
    "api:consultation_create": CASEWORK,
    "api:consultation_detail": CASEWORK,
    "api:consultation_resolve": CASEWORK,
    "api:consultation_continue": CASEWORK,
    "api:consultation_escalate": CASEWORK,
    "api:referral_send": CASEWORK,
    "api:referral_accept": CASEWORK,
    "api:referral_decline": CASEWORK,
    "api:referral_withdraw": CASEWORK,
    "api:referral_acknowledge": CASEWORK,
    "api:queue": CASEWORK,
    "api:volunteer_report_create": VOLUNTEER,
    "api:volunteer_report_list": VOLUNTEER,
}

# Whole namespaces guarded by their own mechanism.
NAMESPACES: dict[str, frozenset | str] = {
    # Django admin checks the role itself (accounts.admin.AdminSite.has_permission).
    "admin": PUBLIC,
}


def route_rule(view_name: str) -> frozenset | str | None:
    if view_name in ROUTES:
        return ROUTES[view_name]
    namespace = view_name.split(":", 1)[0] if ":" in view_name else None
    return NAMESPACES.get(namespace) if namespace else None


def route_allows(user, view_name: str) -> bool:
    rule = route_rule(view_name)
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    return bool(user and user.is_authenticated and user.is_active and user.role in rule)


# --- records -------------------------------------------------------------------------------


def _reads_people(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.role in CASEWORK_ROLES
        and user.agency_id is not None
    )


def visible_people(user) -> QuerySet:
    """People whose records `user` may read (R6): those their agency registered, and the
    subjects of consultations they may see (a referral or transfer brings the person's record
    with it). Analysts, 民生委員 and administrators: none."""
    from yorisoi.people.models import Person

    if not _reads_people(user):
        return Person.objects.none()
    through = visible_consultations(user).filter(person__isnull=False).values("person_id")
    return Person.objects.filter(Q(agency_id=user.agency_id) | Q(pk__in=through))


def visible_households(user) -> QuerySet:
    from yorisoi.people.models import Household

    if not _reads_people(user):
        return Household.objects.none()
    through = visible_consultations(user).filter(household__isnull=False).values("household_id")
    return Household.objects.filter(Q(agency_id=user.agency_id) | Q(pk__in=through))


def _basis_through(user, consultations) -> str | None:
    """The strongest basis among the visible consultations about a person or household."""
    found = {consultation_basis(user, c) for c in consultations}
    for basis in (BASIS_OWN_AGENCY, BASIS_REFERRAL, BASIS_COORDINATOR):
        if basis in found:
            return basis
    return None


def person_basis(user, person) -> str | None:
    """The basis on which `user` reads `person`, or None if they may not."""
    if not _reads_people(user):
        return None
    if person.agency_id == user.agency_id:
        return BASIS_OWN_AGENCY
    return _basis_through(user, visible_consultations(user).filter(person_id=person.pk)[:20])


def household_basis(user, household) -> str | None:
    if not _reads_people(user):
        return None
    if household.agency_id == user.agency_id:
        return BASIS_OWN_AGENCY
    return _basis_through(user, visible_consultations(user).filter(household_id=household.pk)[:20])


def can_edit_person(user, person) -> bool:
    """Only the registering agency corrects a record; others read it through their basis."""
    return _reads_people(user) and person.agency_id == user.agency_id


def can_edit_household(user, household) -> bool:
    return _reads_people(user) and household.agency_id == user.agency_id


def can_create_people(user) -> bool:
    return _reads_people(user)


def can_manage_master_data(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.ADMIN)


def acts_for(user, agency_id) -> bool:
    """May `user` act in the name of this agency (answer its referrals, decide its outcomes)?"""
    return _reads_people(user) and user.agency_id == agency_id


# --- consultations (包括的相談支援) ------------------------------------------------------------


def _is_coordinator(user) -> bool:
    return _reads_people(user) and user.role == Role.COORDINATOR


def visible_consultations(user) -> QuerySet:
    """Consultations `user` may read (R6).

    Their agency received it, holds it, or is asked to take it (a pending referral) or took it
    (an accepted one); a referral's sender stays involved unless responsibility was transferred
    away. The coordinator also sees every consultation with a declined referral (R2 queue).
    """
    from yorisoi.intake.models import Consultation, Referral, ReferralKind, ReferralStatus

    if not _reads_people(user):
        return Consultation.objects.none()
    agency = user.agency_id
    involved = Referral.objects.filter(
        Q(to_agency_id=agency, status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED])
        | Q(from_agency_id=agency, kind=ReferralKind.REFERRAL)
        | Q(from_agency_id=agency, status__in=[ReferralStatus.PENDING, ReferralStatus.DECLINED])
    ).values("consultation_id")
    rule = Q(receiving_agency_id=agency) | Q(responsible_agency_id=agency) | Q(pk__in=involved)
    if _is_coordinator(user):
        declined = Referral.objects.filter(status=ReferralStatus.DECLINED)
        rule |= Q(pk__in=declined.values("consultation_id"))
    return Consultation.objects.filter(rule)


def held_consultations(user) -> QuerySet:
    """The consultations the user's agency holds (responsible for): the own-agency part of
    visible_consultations, which queues read without the rest of the rule."""
    from yorisoi.intake.models import Consultation

    if not _reads_people(user):
        return Consultation.objects.none()
    return Consultation.objects.filter(responsible_agency_id=user.agency_id)


def consultation_basis(user, consultation) -> str | None:
    """The basis on which `user` reads `consultation` (for the audit trail), or None."""
    if not visible_consultations(user).filter(pk=consultation.pk).exists():
        return None
    if user.agency_id in (consultation.receiving_agency_id, consultation.responsible_agency_id):
        return BASIS_OWN_AGENCY
    if consultation.referrals.filter(
        Q(to_agency_id=user.agency_id) | Q(from_agency_id=user.agency_id)
    ).exists():
        return BASIS_REFERRAL
    return BASIS_COORDINATOR


def volunteer_reports(user) -> QuerySet:
    """民生委員 see only what they reported, and only its status (R6)."""
    from yorisoi.intake.models import Consultation

    if not (user and user.is_authenticated and user.is_active and user.role == Role.VOLUNTEER):
        return Consultation.objects.none()
    return Consultation.objects.filter(reported_by=user)
