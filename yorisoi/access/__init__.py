"""THE need-to-know policy (R6). Every view, API endpoint, export, queue, notification and
search asks this package, always as `from yorisoi import access` and `access.<function>`.

Two layers, both deny by default:
1. Routes (routes.py): every URL name and API route is listed in ROUTES with the roles that
   may open it. A route missing from the map is refused (and a test fails).
2. Records: `visible_people(user)` and friends return only the rows a user may read, with the
   legal basis of each read (`person_basis`, and in one query per page `person_bases`).
   Anything else is "not found" (404), never a hint that it exists.

The record rules: a person or household is visible to caseworkers of the agency that
registered it, and to those who may see a consultation about them. Cases, consent and 支援会議
widen it here and only here. One module per kind of record; roles.py says who a user is.
"""

from .cases import (
    MEETING_ROLES,
    CaseAccess,
    MeetingAccess,
    awaits_pledge,
    can_open_case,
    can_take_part_in_meetings,
    case_access,
    case_bases,
    case_basis,
    case_if_open,
    consented_cases,
    meeting_access,
    meeting_invitees,
    meeting_participation,
    recordable_cases,
    visible_case_people,
    visible_cases,
)
from .community import (
    can_correct_community,
    can_record_community,
    reads_community,
    visible_community_activities,
    visible_community_sites,
    visible_community_trainings,
)
from .consultations import (
    ReferralOutline,
    consultation_bases,
    consultation_basis,
    held_consultations,
    referral_acknowledger,
    referral_outline,
    visible_consultations,
    volunteer_reports,
)
from .directory import selectable_agencies
from .evaluation import EvaluationView, can_set_targets, evaluation_view, visible_report_runs
from .outreach import OutreachAccess, outreach_access, outreach_bases, visible_outreach_targets
from .participation import (
    can_steer_participation,
    participation_bases,
    participation_basis,
    visible_participation_needs,
    visible_resource_gaps,
)
from .people import (
    MemberView,
    can_create_people,
    can_edit_household,
    can_edit_person,
    household_bases,
    household_basis,
    member_views,
    person_bases,
    person_basis,
    person_if_open,
    visible_households,
    visible_people,
)
from .resources import can_manage_resources, reads_resources, visible_services
from .roles import (
    active_user,
    acts_for,
    can_manage_master_data,
    caseworkers_of,
    coordinators,
    is_coordinator,
    is_volunteer,
    reads_people,
)
from .routes import (
    ADMIN_SITE,
    ANY_ROLE,
    CASE_READERS,
    CASEWORK,
    EVALUATORS,
    NAMESPACES,
    PUBLIC,
    ROUTES,
    VOLUNTEER,
    route_allows,
    route_rule,
)

__all__ = [
    "ADMIN_SITE",
    "ANY_ROLE",
    "CASEWORK",
    "CASE_READERS",
    "EVALUATORS",
    "MEETING_ROLES",
    "NAMESPACES",
    "PUBLIC",
    "ROUTES",
    "VOLUNTEER",
    "CaseAccess",
    "EvaluationView",
    "MeetingAccess",
    "MemberView",
    "OutreachAccess",
    "ReferralOutline",
    "active_user",
    "acts_for",
    "awaits_pledge",
    "can_correct_community",
    "can_create_people",
    "can_edit_household",
    "can_edit_person",
    "can_manage_master_data",
    "can_manage_resources",
    "can_open_case",
    "can_record_community",
    "can_set_targets",
    "can_steer_participation",
    "can_take_part_in_meetings",
    "case_access",
    "case_bases",
    "case_basis",
    "case_if_open",
    "caseworkers_of",
    "consented_cases",
    "consultation_bases",
    "consultation_basis",
    "coordinators",
    "evaluation_view",
    "held_consultations",
    "household_bases",
    "household_basis",
    "is_coordinator",
    "is_volunteer",
    "meeting_access",
    "meeting_invitees",
    "meeting_participation",
    "member_views",
    "outreach_access",
    "outreach_bases",
    "participation_bases",
    "participation_basis",
    "person_bases",
    "person_basis",
    "person_if_open",
    "reads_community",
    "reads_people",
    "reads_resources",
    "recordable_cases",
    "referral_acknowledger",
    "referral_outline",
    "route_allows",
    "route_rule",
    "selectable_agencies",
    "visible_case_people",
    "visible_cases",
    "visible_community_activities",
    "visible_community_sites",
    "visible_community_trainings",
    "visible_consultations",
    "visible_households",
    "visible_outreach_targets",
    "visible_participation_needs",
    "visible_people",
    "visible_report_runs",
    "visible_resource_gaps",
    "visible_services",
    "volunteer_reports",
]
