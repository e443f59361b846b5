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

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from yorisoi.accounts.models import CASEWORK_ROLES, Role
from yorisoi.audit.log import (
    BASIS_CONSENT,
    BASIS_COORDINATOR,
    BASIS_JOINT_VISIT,
    BASIS_OWN_AGENCY,
    BASIS_REFERRAL,
    BASIS_SUPPORT_MEETING,
)

PUBLIC = "public"
ANY_ROLE = frozenset(Role)
CASEWORK = frozenset(CASEWORK_ROLES)
ADMIN_SITE = frozenset({Role.ADMIN})
VOLUNTEER = frozenset({Role.VOLUNTEER})
# Case pages a 民生委員 opens too: only for cases of a 支援会議 they pledged for (visible_cases).
CASE_READERS = frozenset({*CASEWORK_ROLES, Role.VOLUNTEER})

# The yearly evaluation: the coordinator and analysts see the city, managers their agency.
EVALUATORS = frozenset({Role.COORDINATOR, Role.MANAGER, Role.ANALYST})

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
    # cases (多機関協働): screens. Records are filtered by visible_cases / case_access.
    "cases:case_list": CASE_READERS,
    "cases:case_open": CASEWORK,
    "cases:case_detail": CASE_READERS,
    "cases:case_edit": CASEWORK,
    "cases:case_move": CASEWORK,
    "cases:case_lead": CASEWORK,
    "cases:involvement_add": CASEWORK,
    "cases:involvement_edit": CASEWORK,
    "cases:involvement_end": CASEWORK,
    "cases:track_start": CASEWORK,
    "cases:track_end": CASEWORK,
    "cases:consent_add": CASEWORK,
    "cases:consent_withdraw": CASEWORK,
    "cases:consent_scan": CASEWORK,
    "cases:support_decision": CASEWORK,
    "cases:timeline": CASE_READERS,
    "cases:record_add": CASEWORK,
    "cases:record_edit": CASEWORK,
    "cases:case_close": CASEWORK,
    "cases:case_suspend": CASEWORK,
    "cases:case_reopen": CASEWORK,
    # audit: who saw a case (the coordinator answers disclosure requests; the view checks)
    "audit:case_log": CASEWORK,
    # cases: meetings, assessments, plans
    "cases:my_meetings": CASE_READERS,
    "cases:meeting_create": CASEWORK,
    "cases:meeting_detail": CASE_READERS,
    "cases:meeting_print": CASE_READERS,
    "cases:meeting_minutes": CASEWORK,
    "cases:meeting_participant_add": CASEWORK,
    "cases:meeting_pledge": CASE_READERS,
    "cases:meeting_end_sharing": CASEWORK,
    "cases:action_item_add": CASEWORK,
    "cases:action_item_done": CASEWORK,
    "cases:assessment_detail": CASE_READERS,
    "cases:assessment_edit": CASEWORK,
    "cases:assessment_compare": CASE_READERS,
    "cases:plan_detail": CASE_READERS,
    "cases:plan_create": CASEWORK,
    "cases:plan_compare": CASE_READERS,
    "cases:goals_review": CASEWORK,
    # outreach (アウトリーチ): screens — ROUTES-OUTREACH-PAGES
    "outreach:target_list": CASEWORK,
    "outreach:target_create": CASEWORK,
    "outreach:target_detail": CASEWORK,
    "outreach:target_edit": CASEWORK,
    "outreach:contact_add": CASEWORK,
    "outreach:stage_move": CASEWORK,
    "outreach:person_link": CASEWORK,
    "outreach:hand_over": CASEWORK,
    "outreach:target_close": CASEWORK,
    "outreach:target_reopen": CASEWORK,
    # social resources (社会資源, HSDS): screens — ROUTES-RESOURCES-PAGES
    # Public information: casework roles and analysts read; coordinator and managers edit.
    "resources:service_list": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "resources:service_detail": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "resources:service_create": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "resources:service_edit": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "resources:service_deactivate": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "resources:hsds_import": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "resources:hsds_export": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    # community building (地域づくり): screens — ROUTES-COMMUNITY-PAGES
    # Counts only (no personal data): casework records, analysts read; records in the
    # "community building" block at the end of this file.
    "community:overview": CASEWORK | {Role.ANALYST},
    "community:site_detail": CASEWORK | {Role.ANALYST},
    "community:training_list": CASEWORK | {Role.ANALYST},
    "community:activity_create": CASEWORK,
    "community:activity_edit": CASEWORK,
    "community:training_create": CASEWORK,
    "community:training_edit": CASEWORK,
    # participation (参加支援): screens
    "participation:need_list": CASEWORK,
    "participation:need_create": CASEWORK,
    "participation:need_detail": CASEWORK,
    "participation:need_edit": CASEWORK,
    "participation:placement_propose": CASEWORK,
    "participation:placement_move": CASEWORK,
    "participation:follow_up_done": CASEWORK,
    "participation:my_follow_ups": CASEWORK,
    "participation:gap_create": CASEWORK,
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
    "api:notification_list": CASEWORK,  # own only
    "api:notification_mark_read": CASEWORK,
    "api:case_access_log": CASEWORK,  # the coordinator only (the endpoint checks)
    # API: outreach — ROUTES-OUTREACH-API
    "api:outreach_category_list": ANY_ROLE,
    "api:outreach_target_list": CASEWORK,
    "api:outreach_target_create": CASEWORK,
    "api:outreach_target_detail": CASEWORK,
    "api:outreach_target_update": CASEWORK,
    "api:outreach_contact_list": CASEWORK,
    "api:outreach_contact_add": CASEWORK,
    "api:outreach_stage_move": CASEWORK,
    "api:outreach_person_link": CASEWORK,
    "api:outreach_hand_over": CASEWORK,
    "api:outreach_target_close": CASEWORK,
    # API: social resources — ROUTES-RESOURCES-API
    "api:resource_list": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:resource_search": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:resource_detail": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:resource_create": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "api:resource_update": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "api:resource_deactivate": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "api:resource_taxonomy": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_import": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "api:hsds_export": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    # API: community building — ROUTES-COMMUNITY-API
    "api:community_program_list": CASEWORK | {Role.ANALYST},
    "api:community_site_list": CASEWORK | {Role.ANALYST},
    "api:community_activity_list": CASEWORK | {Role.ANALYST},
    "api:community_training_list": CASEWORK | {Role.ANALYST},
    "api:community_summary": CASEWORK | {Role.ANALYST},
    "api:community_activity_create": CASEWORK,
    "api:community_activity_correct": CASEWORK,
    "api:community_training_create": CASEWORK,
    "api:community_training_correct": CASEWORK,
    # API: participation
    "api:participation_need_list": CASEWORK,
    "api:participation_need_create": CASEWORK,
    "api:participation_need_detail": CASEWORK,
    "api:participation_need_update": CASEWORK,
    "api:participation_proposals": CASEWORK,
    "api:participation_placement_propose": CASEWORK,
    "api:participation_placement_move": CASEWORK,
    "api:participation_follow_ups_due": CASEWORK,
    "api:participation_follow_up_done": CASEWORK,
    "api:participation_gap_create": CASEWORK,
    "api:participation_case_gaps": CASEWORK,
    # evaluation (PDCA, 計画 Ⅴ): figures only — ROUTES-EVALUATION. Records: evaluation_scope.
    "evaluation:dashboard": EVALUATORS,
    "evaluation:indicator": EVALUATORS,
    "evaluation:chart": EVALUATORS,
    "evaluation:table_export": EVALUATORS,
    "evaluation:targets": EVALUATORS,
    "evaluation:target_set": frozenset({Role.COORDINATOR}),
    "evaluation:report_new": EVALUATORS,
    "evaluation:report_status": EVALUATORS,
    "evaluation:report_download": EVALUATORS,
    "api:evaluation_indicators": EVALUATORS,
    "api:evaluation_figures": EVALUATORS,
    "api:evaluation_breakdown": EVALUATORS,
    "api:evaluation_targets": EVALUATORS,
    "api:evaluation_target_set": frozenset({Role.COORDINATOR}),
    "api:evaluation_report_create": EVALUATORS,
    "api:evaluation_report_status": EVALUATORS,
    "api:evaluation_report_download": EVALUATORS,
    # API: cases (多機関協働)
    "api:case_list": CASE_READERS,
    "api:case_open": CASEWORK,
    "api:case_detail": CASE_READERS,
    "api:case_update": CASEWORK,
    "api:case_move": CASEWORK,
    "api:case_lead": CASEWORK,
    "api:involvement_add": CASEWORK,
    "api:involvement_update": CASEWORK,
    "api:involvement_end": CASEWORK,
    "api:track_start": CASEWORK,
    "api:track_end": CASEWORK,
    "api:consent_list": CASEWORK,
    "api:consent_record": CASEWORK,
    "api:consent_withdraw": CASEWORK,
    "api:consent_scan": CASEWORK,
    "api:support_decision": CASEWORK,
    "api:timeline": CASE_READERS,
    "api:record_add": CASEWORK,
    "api:record_correct": CASEWORK,
    "api:case_close": CASEWORK,
    "api:case_suspend": CASEWORK,
    "api:case_reopen": CASEWORK,
    "api:my_meetings": CASE_READERS,
    "api:meeting_list": CASE_READERS,
    "api:meeting_create": CASEWORK,
    "api:meeting_detail": CASE_READERS,
    "api:meeting_record": CASEWORK,
    "api:meeting_participant_add": CASEWORK,
    "api:meeting_pledge": CASE_READERS,
    "api:meeting_end_sharing": CASEWORK,
    "api:action_item_add": CASEWORK,
    "api:action_item_done": CASEWORK,
    "api:assessment_list": CASE_READERS,
    "api:assessment_save": CASEWORK,
    "api:plan_list": CASE_READERS,
    "api:plan_create": CASEWORK,
    "api:goals_review": CASEWORK,
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
    """People whose records `user` may read (R6): those their agency registered, the subjects
    of consultations they may see (a referral or transfer brings the person's record with it)
    and the subjects of cases they may see. Analysts, 民生委員 and administrators: none."""
    from yorisoi.people.models import Person

    if not _reads_people(user):
        return Person.objects.none()
    through = visible_consultations(user).filter(person__isnull=False).values("person_id")
    return Person.objects.filter(
        Q(agency_id=user.agency_id) | Q(pk__in=through) | Q(pk__in=visible_case_people(user))
    )


def visible_households(user) -> QuerySet:
    from yorisoi.people.models import Household

    if not _reads_people(user):
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
    if not _reads_people(user):
        return None
    if person.agency_id == user.agency_id:
        return BASIS_OWN_AGENCY
    consultations = visible_consultations(user).filter(person_id=person.pk)[:20]
    cases = visible_cases(user).filter(subjects__person_id=person.pk)[:20]
    return _strongest(
        {consultation_basis(user, c) for c in consultations} | {case_basis(user, c) for c in cases}
    )


def household_basis(user, household) -> str | None:
    if not _reads_people(user):
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


def is_coordinator(user) -> bool:
    """The coordinating division (福祉総務課): the secretariat of both kinds of meeting."""
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
    if is_coordinator(user):
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

    if not _reads_people(user):
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
    if not _reads_people(user):
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

    if not _reads_people(user):
        return ParticipationNeed.objects.none()
    if user.role == Role.COORDINATOR:
        return ParticipationNeed.objects.all()
    return ParticipationNeed.objects.filter(
        Q(responsible_agency_id=user.agency_id) | Q(case__in=visible_cases(user).values("pk"))
    )


def participation_basis(user, need) -> str | None:
    """The basis on which `user` reads `need`, or None (then it is "not found")."""
    if not _reads_people(user):
        return None
    if need.responsible_agency_id == user.agency_id:
        return BASIS_OWN_AGENCY
    if user.role == Role.COORDINATOR:
        return BASIS_COORDINATOR
    if need.case_id is not None:
        from yorisoi.cases.models import Case

        case = Case.objects.filter(pk=need.case_id).first()
        return case_basis(user, case) if case is not None else None
    return None


def can_steer_participation(user, need) -> bool:
    """Placements, follow-ups and edits: the responsible agency and the coordinator; the
    agencies reading through the case may record a gap and read, not steer."""
    return _reads_people(user) and (
        need.responsible_agency_id == user.agency_id or user.role == Role.COORDINATOR
    )


def visible_resource_gaps(user) -> QuerySet:
    from yorisoi.participation.models import ResourceGap

    if not _reads_people(user):
        return ResourceGap.objects.none()
    if user.role == Role.COORDINATOR:
        return ResourceGap.objects.all()
    return ResourceGap.objects.filter(
        Q(agency_id=user.agency_id)
        | Q(need__in=visible_participation_needs(user).values("pk"))
        | Q(case__in=visible_cases(user).values("pk"))
    )


# --- collaborative cases (多機関協働) ---------------------------------------------------------
#
# R6 for cases. A case is read on one of four bases, strongest first:
#   own_agency        the user's agency is the case's lead agency (主担当機関)
#   coordinator       the coordinating division (福祉総務課) sees every collaborative case
#   consent           the user's agency is involved (関係機関) *and* every subject's active
#                     consent covers it (R4); a withdrawal ends it at once
#   art106_6_meeting  the user takes part in a 支援会議 on the case and has recorded their
#                     confidentiality pledge (社会福祉法106条の6), until the meeting's sharing
#                     ends; this is the one way a 民生委員 sees a case
# Analysts and administrators never read a case.


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def consented_cases(agency_id) -> QuerySet:
    """Cases whose every subject has an active consent that covers `agency_id` (R4)."""
    from yorisoi.cases.models import Case, CaseSubject, Consent, ConsentScope

    covering = Consent.objects.filter(
        case_id=OuterRef("case_id"), person_id=OuterRef("person_id"), withdrawn_at__isnull=True
    ).filter(Q(scope=ConsentScope.ALL_INVOLVED) | Q(agencies=agency_id))
    uncovered = CaseSubject.objects.filter(~Exists(covering)).values("case_id")
    return Case.objects.filter(pk__in=CaseSubject.objects.values("case_id")).exclude(
        pk__in=uncovered
    )


def _involved_case_ids(agency_id) -> QuerySet:
    from yorisoi.cases.models import Involvement

    return Involvement.objects.filter(agency_id=agency_id, ended_on__isnull=True).values("case_id")


def _pledged_case_ids(user) -> QuerySet:
    """Cases of the 支援会議 the user takes part in with a recorded pledge, still sharing."""
    from yorisoi.cases.models import MeetingParticipant
    from yorisoi.directory.models import LegalMeetingType

    return MeetingParticipant.objects.filter(
        user_id=user.pk,
        pledged_at__isnull=False,
        meeting__kind__legal_type=LegalMeetingType.SUPPORT_MEETING,
        meeting__sharing_ended_at__isnull=True,
    ).values("meeting__case_id")


def visible_cases(user) -> QuerySet:
    """Collaborative cases `user` may read (R6); anything else is "not found"."""
    from yorisoi.cases.models import Case

    if not _active(user):
        return Case.objects.none()
    if user.role == Role.VOLUNTEER:
        return Case.objects.filter(pk__in=_pledged_case_ids(user))
    if not _reads_people(user):
        return Case.objects.none()
    if user.role == Role.COORDINATOR:
        return Case.objects.all()
    agency = user.agency_id
    rule = (
        Q(lead_agency_id=agency)
        | (Q(pk__in=_involved_case_ids(agency)) & Q(pk__in=consented_cases(agency).values("pk")))
        | Q(pk__in=_pledged_case_ids(user))
    )
    return Case.objects.filter(rule)


def case_basis(user, case) -> str | None:
    """The basis on which `user` reads `case` now (for the audit trail), or None."""
    from yorisoi.cases.models import Involvement

    if not _active(user):
        return None
    if _reads_people(user):
        if case.lead_agency_id == user.agency_id:
            return BASIS_OWN_AGENCY
        if user.role == Role.COORDINATOR:
            return BASIS_COORDINATOR
        involved = Involvement.objects.filter(
            case_id=case.pk, agency_id=user.agency_id, ended_on__isnull=True
        ).exists()
        if involved and consented_cases(user.agency_id).filter(pk=case.pk).exists():
            return BASIS_CONSENT
    if user.role in (*CASEWORK_ROLES, Role.VOLUNTEER) and (
        _pledged_case_ids(user).filter(meeting__case_id=case.pk).exists()
    ):
        return BASIS_SUPPORT_MEETING
    return None


@dataclass(frozen=True)
class CaseAccess:
    """What `user` may do with one case, and on which basis. None of it without a basis."""

    basis: str | None
    edit: bool = False  # title, summary, next action, involved agencies, tracks
    record: bool = False  # add progress records, mark own action items done
    assess: bool = False  # write a new assessment version
    consent: bool = False  # record consent (on an active case)
    withdraw_consent: bool = False  # record a withdrawal: also on a closed case (R4)
    meetings: bool = False  # the secretariat: meetings, minutes, plans, closure (福祉総務課)

    @property
    def read(self) -> bool:
        return self.basis is not None

    @property
    def scans(self) -> bool:
        """The scanned consent forms: for those who steer the case or record consent."""
        return self.consent or self.basis in (BASIS_OWN_AGENCY, BASIS_COORDINATOR)


def case_access(user, case) -> CaseAccess:
    basis = case_basis(user, case)
    if basis is None:
        return CaseAccess(basis=None)
    active = case.is_active
    coordinator = is_coordinator(user)
    steering = basis in (BASIS_OWN_AGENCY, BASIS_COORDINATOR)
    casework = _reads_people(user)
    return CaseAccess(
        basis=basis,
        edit=active and steering,
        record=active and casework,
        assess=active and basis in (BASIS_OWN_AGENCY, BASIS_COORDINATOR, BASIS_CONSENT),
        consent=active and steering,
        withdraw_consent=steering,
        meetings=coordinator,
    )


def meeting_participation(user, meeting):
    """The user's participant row in this meeting, or None. A 支援会議 participant who has not
    pledged sees only the meeting's date, place and the pledge, never the case (R5/R6)."""
    from yorisoi.cases.models import MeetingParticipant

    if not _active(user):
        return None
    return MeetingParticipant.objects.filter(meeting_id=meeting.pk, user_id=user.pk).first()


def visible_case_people(user) -> QuerySet:
    """Person ids of the subjects of the cases `user` may read."""
    from yorisoi.cases.models import CaseSubject

    return CaseSubject.objects.filter(case__in=visible_cases(user)).values("person_id")


# --- community building ---------------------------------------------------------------------
#
# 地域づくり (plan Ⅱ(4)) holds counts only, never a person: every caseworker records
# activities and trainings for the sites their agency runs (kept simple: any site), the
# recording agency corrects its own entries and the coordinating division (福祉総務課) corrects
# anything; analysts read everything. 民生委員 and administrators: refused by route, none here.


def reads_community(user) -> bool:
    return _active(user) and (_reads_people(user) or user.role == Role.ANALYST)


def can_record_community(user) -> bool:
    return _reads_people(user)


def can_correct_community(user, entry) -> bool:
    """An activity or training: the agency that recorded it, or the coordinator."""
    return is_coordinator(user) or acts_for(user, entry.agency_id)


def visible_community_sites(user) -> QuerySet:
    from yorisoi.community.models import Site

    return Site.objects.all() if reads_community(user) else Site.objects.none()


def visible_community_activities(user) -> QuerySet:
    from yorisoi.community.models import Activity

    return Activity.objects.all() if reads_community(user) else Activity.objects.none()


def visible_community_trainings(user) -> QuerySet:
    from yorisoi.community.models import Training

    return Training.objects.all() if reads_community(user) else Training.objects.none()


# --- social resources (社会資源) ---
#
# The directory is public information about organisations and their programmes, no personal
# data: every casework role and the analysts read it; the coordinator and agency managers
# keep it (create, edit, deactivate, HSDS import).


def reads_resources(user) -> bool:
    return _active(user) and user.role in (*CASEWORK_ROLES, Role.ANALYST)


def can_manage_resources(user) -> bool:
    return _active(user) and user.role in (Role.COORDINATOR, Role.MANAGER)


def visible_services(user) -> QuerySet:
    from yorisoi.resources.models import Service

    if not reads_resources(user):
        return Service.objects.none()
    return Service.objects.all()


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
    if not _active(user):
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
