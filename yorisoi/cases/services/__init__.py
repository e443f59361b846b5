"""State changes of collaborative cases, one module per subdomain (cases, consent, meetings, plans,
records). Each service runs in one transaction, checks the rule it enforces, writes what
happened (CaseEvent for the progress record, audit event with the legal basis) and raises
RuleViolation / ConcurrentEditError with a Japanese message.

Who may do what is asked of access.case_access (R6); the rules R3–R5 and R7 are here. Callers
import this package: `from yorisoi.cases import services`.
"""

from .base import CASE_FIELDS
from .cases import (
    case_close,
    case_move,
    case_open,
    case_reopen,
    case_set_lead,
    case_suspend,
    case_update,
    involvement_add,
    involvement_assign_staff,
    involvement_end,
    involvement_update,
    support_decision_record,
    track_end,
    track_start,
)
from .consent import (
    MAX_SCAN_BYTES,
    SCAN_TYPES,
    consent_record,
    consent_withdraw,
    has_active_consent,
    subjects_without_consent,
)
from .meetings import (
    MINUTES,
    MINUTES_FIELDS,
    action_item_add,
    action_item_done,
    meeting_end_sharing,
    meeting_participant_add,
    meeting_pledge,
    meeting_record,
    meeting_schedule,
    require_decided_at,
)
from .plans import (
    ASSESSMENT_FIELDS,
    assessment_save,
    goals_review,
    latest_assessment,
    latest_plan,
    plan_create,
)
from .records import consultation_records_read, record_add, record_correct

__all__ = [
    "ASSESSMENT_FIELDS",
    "CASE_FIELDS",
    "MAX_SCAN_BYTES",
    "MINUTES",
    "MINUTES_FIELDS",
    "SCAN_TYPES",
    "action_item_add",
    "action_item_done",
    "assessment_save",
    "case_close",
    "case_move",
    "case_open",
    "case_reopen",
    "case_set_lead",
    "case_suspend",
    "case_update",
    "consent_record",
    "consent_withdraw",
    "consultation_records_read",
    "goals_review",
    "has_active_consent",
    "involvement_add",
    "involvement_assign_staff",
    "involvement_end",
    "involvement_update",
    "latest_assessment",
    "latest_plan",
    "meeting_end_sharing",
    "meeting_participant_add",
    "meeting_pledge",
    "meeting_record",
    "meeting_schedule",
    "plan_create",
    "record_add",
    "record_correct",
    "require_decided_at",
    "subjects_without_consent",
    "support_decision_record",
    "track_end",
    "track_start",
]
