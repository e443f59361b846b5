"""The collaborative case's records, one module per subdomain (cases, consent, meetings, plans,
records). Migrations see one app, `cases`.
"""

from .cases import (
    ACTIVE_STATUSES,
    CASE_TRANSITIONS,
    Case,
    CaseStatus,
    CaseSubject,
    Involvement,
    Program,
    Track,
)
from .consent import Consent, ConsentMethod, ConsentScope
from .meetings import ActionItem, Meeting, MeetingParticipant, MeetingPurpose, MeetingStatus
from .plans import (
    Assessment,
    AssessmentIssue,
    GoalRating,
    GoalReview,
    GoalTerm,
    PlanAction,
    PlanGoal,
    SupportPlan,
)
from .records import CaseEvent, CaseEventKind, ProgressRecord, RecordKind

__all__ = [
    "ACTIVE_STATUSES",
    "CASE_TRANSITIONS",
    "ActionItem",
    "Assessment",
    "AssessmentIssue",
    "Case",
    "CaseEvent",
    "CaseEventKind",
    "CaseStatus",
    "CaseSubject",
    "Consent",
    "ConsentMethod",
    "ConsentScope",
    "GoalRating",
    "GoalReview",
    "GoalTerm",
    "Involvement",
    "Meeting",
    "MeetingParticipant",
    "MeetingPurpose",
    "MeetingStatus",
    "PlanAction",
    "PlanGoal",
    "Program",
    "ProgressRecord",
    "RecordKind",
    "SupportPlan",
    "Track",
]
