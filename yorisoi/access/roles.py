"""Who a user is, as far as the policy asks: signed in and active, a caseworker of an agency,
the coordinating division (福祉総務課), acting for an agency."""

from yorisoi.accounts.models import CASEWORK_ROLES, Role


def active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def reads_people(user) -> bool:
    """Caseworkers of an agency: the only roles that read personal records at all."""
    return bool(active_user(user) and user.role in CASEWORK_ROLES and user.agency_id is not None)


def is_coordinator(user) -> bool:
    """The coordinating division (福祉総務課): the secretariat of both kinds of meeting."""
    return reads_people(user) and user.role == Role.COORDINATOR


def acts_for(user, agency_id) -> bool:
    """May `user` act in the name of this agency (answer its referrals, decide its outcomes)?"""
    return reads_people(user) and user.agency_id == agency_id


def can_manage_master_data(user) -> bool:
    return active_user(user) and user.role == Role.ADMIN


def is_volunteer(user) -> bool:
    """民生委員・児童委員: they report what they notice and see its status only (R6)."""
    return active_user(user) and user.role == Role.VOLUNTEER


def caseworkers_of(agency_id):
    """Who hears of what waits for an agency (R2, R3, R8): its active caseworkers."""
    from yorisoi.accounts.models import User

    return User.objects.filter(agency_id=agency_id, is_active=True, role__in=CASEWORK_ROLES)


def caseworkers_of_any():
    """Every active caseworker with an agency (who may hold a consultation, R3)."""
    from yorisoi.accounts.models import User

    return User.objects.filter(is_active=True, role__in=CASEWORK_ROLES, agency__isnull=False)


def coordinators():
    """Who hears of what waits for the coordinating division (福祉総務課)."""
    from yorisoi.accounts.models import User

    return User.objects.filter(role=Role.COORDINATOR, is_active=True, agency__isnull=False)


def assignable_staff(user, agency_id):
    """Who `user` may name as 担当者 for work held by `agency_id` (a consultation's holder, a
    referral's assignee at the receiving agency, an involvement's staff member): the agency's
    active caseworkers, offered only to someone acting for that agency. Form choices are
    policy: the screens and the API choose from this list, and the services check against it."""
    from yorisoi.accounts.models import User

    if not acts_for(user, agency_id):
        return User.objects.none()
    return caseworkers_of(agency_id).order_by("last_name", "first_name", "username")


def default_holder(agency_id):
    """The 担当者 of a consultation that arrives at an agency without one (a 民生委員's report,
    an escalation to the coordinating division): its first active caseworker, who passes it
    on to a colleague (services.consultation_reassign). None if the agency has no caseworker."""
    return caseworkers_of(agency_id).order_by("pk").first()
