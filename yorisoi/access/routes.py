"""Layer 1 of the policy: every URL name and API route with the roles that may open it.

A route missing from the map is refused (deny by default), and a test fails."""

from yorisoi.accounts.models import CASEWORK_ROLES, Role

PUBLIC = "public"
ANY_ROLE = frozenset(Role)
CASEWORK = frozenset(CASEWORK_ROLES)
ADMIN_SITE = frozenset({Role.ADMIN})
VOLUNTEER = frozenset({Role.VOLUNTEER})
# Case pages a 民生委員 opens too: only for cases of a 支援会議 they pledged for (visible_cases),
# and then only the outline and their own meeting (CaseAccess.case_file). The case file
# (progress record, assessments, plans) is CASEWORK by route.
CASE_READERS = frozenset({*CASEWORK_ROLES, Role.VOLUNTEER})
# The coordinating division's own work (福祉総務課): opening collaborative cases, answering a
# person's disclosure request (開示請求) from a case's access log.
COORDINATOR = frozenset({Role.COORDINATOR})

# The yearly evaluation: the coordinator and analysts see the city, managers their agency.
EVALUATORS = frozenset({Role.COORDINATOR, Role.MANAGER, Role.ANALYST})

# Route name → who may open it. Namespaced names as Django resolves them ("app:name").
ROUTES: dict[str, frozenset | str] = {
    # accounts
    "accounts:login": PUBLIC,
    "accounts:logout": ANY_ROLE,
    "accounts:mfa_verify": ANY_ROLE,
    "accounts:mfa_setup": ANY_ROLE,
    "accounts:mfa_qr": ANY_ROLE,
    "accounts:security": ANY_ROLE,
    "accounts:recovery_codes_renew": ANY_ROLE,
    "accounts:password_change": ANY_ROLE,
    "accounts:token_list": ANY_ROLE,
    "accounts:token_create": ANY_ROLE,
    "accounts:token_revoke": ANY_ROLE,
    "set_language": PUBLIC,
    # front
    "front:home": ANY_ROLE,
    "front:health": PUBLIC,
    "front:queue": CASEWORK,
    # people
    "people:person_list": CASEWORK,
    "people:person_create": CASEWORK,
    "people:person_matches": CASEWORK,
    "people:picker": CASEWORK,
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
    "intake:index": CASEWORK,
    "intake:consultation_create": CASEWORK,
    "intake:person_picker": CASEWORK,
    "intake:consultation_detail": CASEWORK,
    "intake:consultation_outcome": CASEWORK,
    "intake:referral_create": CASEWORK,
    "intake:referral_answer": CASEWORK,
    "intake:referral_withdraw": CASEWORK,
    "intake:referral_acknowledge": CASEWORK,
    "intake:consultation_reassign": CASEWORK,
    "intake:consultation_close": CASEWORK,
    "intake:consultation_reopen": CASEWORK,
    "intake:referral_assign": CASEWORK,
    "intake:volunteer_report": VOLUNTEER,
    "intake:volunteer_reports": VOLUNTEER,
    # cases (多機関協働): screens. Records are filtered by visible_cases / case_access.
    "cases:case_list": CASE_READERS,
    "cases:case_open": COORDINATOR,
    "cases:case_picker": CASEWORK,
    "cases:case_detail": CASE_READERS,
    "cases:case_edit": CASEWORK,
    "cases:case_move": CASEWORK,
    "cases:case_lead": CASEWORK,
    "cases:involvement_add": CASEWORK,
    "cases:involvement_edit": CASEWORK,
    "cases:involvement_end": CASEWORK,
    "cases:involvement_staff": CASEWORK,
    "cases:track_start": CASEWORK,
    "cases:track_end": CASEWORK,
    "cases:consent_add": CASEWORK,
    "cases:consent_withdraw": CASEWORK,
    "cases:consent_scan": CASEWORK,
    "cases:support_decision": CASEWORK,
    "cases:timeline": CASEWORK,
    "cases:record_add": CASEWORK,
    "cases:consultation_record_add": CASEWORK,
    "cases:record_edit": CASEWORK,
    "cases:case_close": CASEWORK,
    "cases:case_suspend": CASEWORK,
    "cases:case_reopen": CASEWORK,
    # audit: who saw a case (the coordinator answers disclosure requests)
    "audit:case_log": COORDINATOR,
    # audit: the whole trail, by person, user and day, and a person's disclosure report
    # (開示請求, 監査); the person is one the coordinator may see (access.visible_people).
    "audit:trail": COORDINATOR,
    "audit:disclosure_pdf": COORDINATOR,
    "audit:disclosure_xlsx": COORDINATOR,
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
    "cases:assessment_detail": CASEWORK,
    "cases:assessment_edit": CASEWORK,
    "cases:assessment_compare": CASEWORK,
    "cases:plan_detail": CASEWORK,
    "cases:plan_create": CASEWORK,
    "cases:plan_compare": CASEWORK,
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
    "resources:capacity_update": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "resources:hsds_import": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "resources:outside_term_list": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "resources:outside_term_map": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "resources:hsds_export": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "resources:hsds_datapackage": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
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
    # 既存記録の取り込み (issue 15): caseworkers import for their own agency (access/imports.py)
    # — ROUTES-IMPORTS
    "imports:upload": CASEWORK,
    "imports:template": CASEWORK,
    "imports:job_detail": CASEWORK,
    "imports:job_commit": CASEWORK,
    "imports:export": CASEWORK,
    "api:import_upload": CASEWORK,
    "api:import_upload_base64": CASEWORK,
    "api:import_detail": CASEWORK,
    "api:import_errors": CASEWORK,
    "api:import_commit": CASEWORK,
    "api:import_export": CASEWORK,
    # 名寄せ: the coordinator's duplicate review queue (access/identity.py) — ROUTES-IDENTITY
    "identity:match_list": COORDINATOR,
    "identity:match_detail": COORDINATOR,
    "identity:match_confirm": COORDINATOR,
    "identity:match_reject": COORDINATOR,
    "identity:identity_detail": COORDINATOR,
    "identity:identity_unlink": COORDINATOR,
    "api:match_list": COORDINATOR,
    "api:match_detail": COORDINATOR,
    "api:match_confirm": COORDINATOR,
    "api:match_reject": COORDINATOR,
    "api:identity_detail": COORDINATOR,
    "api:identity_unlink": COORDINATOR,
    # API (django-ninja); the docs and schema hold no personal data
    "api:api-root": PUBLIC,
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:agency_list": ANY_ROLE,
    "api:district_list": ANY_ROLE,
    "api:issue_category_list": ANY_ROLE,
    # API tokens: each user lists and revokes only their own (accounts.api); issued on screen.
    "api:token_list": ANY_ROLE,
    "api:token_revoke": ANY_ROLE,
    "api:person_list": CASEWORK,
    "api:person_create": CASEWORK,
    "api:person_detail": CASEWORK,
    "api:person_story": CASEWORK,
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
    "api:consultation_staff": CASEWORK,
    "api:consultation_reassign": CASEWORK,
    "api:consultation_close": CASEWORK,
    "api:consultation_reopen": CASEWORK,
    "api:referral_assign": CASEWORK,
    "api:referral_send": CASEWORK,
    "api:referral_accept": CASEWORK,
    "api:referral_decline": CASEWORK,
    "api:referral_withdraw": CASEWORK,
    "api:referral_acknowledge": CASEWORK,
    "api:queue": CASEWORK,
    "api:today": CASEWORK,  # 今日やること (work.selectors)
    "api:volunteer_report_create": VOLUNTEER,
    "api:volunteer_report_list": VOLUNTEER,
    "api:notification_list": CASEWORK,  # own only
    "api:notification_mark_read": CASEWORK,
    "api:case_access_log": COORDINATOR,
    "api:audit_trail": COORDINATOR,
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
    "api:resource_capacity_update": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "api:resource_taxonomy": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_import": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "api:outside_term_list": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "api:outside_term_map": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "api:hsds_export": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_datapackage": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    # API: the HSDS 3 read API (/api/v1/hsds/…), read as the directory is read
    "api:hsds_root": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_services": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_service": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_organizations": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_organization": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_service_at_locations": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_service_at_location": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_taxonomies": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_taxonomy": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_taxonomy_terms": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
    "api:hsds_taxonomy_term": frozenset({*CASEWORK_ROLES, Role.ANALYST}),
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
    "evaluation:target_set": COORDINATOR,
    "evaluation:report_new": EVALUATORS,
    "evaluation:report_status": EVALUATORS,
    "evaluation:report_download": EVALUATORS,
    "api:evaluation_indicators": EVALUATORS,
    "api:evaluation_figures": EVALUATORS,
    "api:evaluation_breakdown": EVALUATORS,
    "api:evaluation_targets": EVALUATORS,
    "api:evaluation_target_set": COORDINATOR,
    "api:evaluation_report_create": EVALUATORS,
    "api:evaluation_report_status": EVALUATORS,
    "api:evaluation_report_download": EVALUATORS,
    # API: cases (多機関協働)
    "api:case_list": CASE_READERS,
    "api:case_open": COORDINATOR,
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
    "api:timeline": CASEWORK,
    "api:record_add": CASEWORK,
    "api:record_correct": CASEWORK,
    # 支援経過記録 on a consultation: the same ProgressRecord, in the cases router.
    "api:consultation_record_list": CASEWORK,
    "api:consultation_record_add": CASEWORK,
    "api:involvement_staff": CASEWORK,
    "api:case_close": CASEWORK,
    "api:case_suspend": CASEWORK,
    "api:case_reopen": CASEWORK,
    "api:my_meetings": CASE_READERS,
    "api:meeting_list": CASEWORK,
    "api:meeting_create": CASEWORK,
    "api:meeting_detail": CASE_READERS,
    "api:meeting_record": CASEWORK,
    "api:meeting_participant_add": CASEWORK,
    "api:meeting_pledge": CASE_READERS,
    "api:meeting_end_sharing": CASEWORK,
    "api:action_item_add": CASEWORK,
    "api:action_item_done": CASEWORK,
    "api:assessment_list": CASEWORK,
    "api:assessment_save": CASEWORK,
    "api:plan_list": CASEWORK,
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
