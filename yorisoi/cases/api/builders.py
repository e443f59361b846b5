"""How records become API bodies: the same fields for every endpoint that returns them."""

from collections import defaultdict

from django.db.models import Prefetch

from yorisoi import access
from yorisoi.directory.models import LegalMeetingType

from ..models import (
    Case,
    Consent,
)


def _fields(row, names: str) -> dict:
    """The row's own values for the space-separated `names`, under those names (the schema's)."""
    return {name: getattr(row, name) for name in names.split()}


def case_summary(case, basis) -> dict:
    return {
        **_fields(
            case, "number title status next_action_on last_activity_at opened_at ended_at version"
        ),
        "id": case.pk,
        "status_display": case.get_status_display(),
        "lead_agency": case.lead_agency.code,
        "basis": basis,
    }


def involvement_out(row) -> dict:
    return {
        **_fields(row, "role contact_name contact_phone is_lead started_on ended_on version"),
        "id": row.pk,
        "staff_id": row.staff_id,
        "staff_name": str(row.staff) if row.staff_id else None,
        "agency": row.agency.code,
        "agency_name": row.agency.name,
    }


def track_out(row) -> dict:
    return {
        **_fields(row, "program started_on ended_on note"),
        "id": row.pk,
        "program_display": row.get_program_display(),
    }


def consent_summary(person_id, consents) -> dict:
    active = [c for c in consents if c.is_active]
    latest = active[0] if active else None  # Consent.Meta.ordering: newest first
    return {
        "person_id": person_id,
        "has_active_consent": latest is not None,
        "consent_id": latest.pk if latest else None,
        "scope": latest.scope if latest else None,
        "agencies": [a.code for a in latest.agencies.all()] if latest else [],
        "method": latest.method if latest else None,
        "given_on": latest.given_on if latest else None,
        "withdrawn_count": len(consents) - len(active),
    }


def consent_out(row) -> dict:
    return {
        **_fields(
            row,
            "person_id scope method given_on note scan_name scan_type recorded_at is_active"
            " withdrawn_at withdrawn_on withdrawal_note",
        ),
        "id": row.pk,
        "agencies": [a.code for a in row.agencies.all()],
        "obtained_by": str(row.obtained_by),
        "has_scan": bool(row.scan_type),
    }


def record_out(row) -> dict:
    return {
        **_fields(
            row,
            "case_id consultation_id kind occurred_at text next_action next_action_on "
            "created_at version",
        ),
        "id": row.pk,
        "kind_label": row.get_kind_display(),
        "agency": row.agency.code,
        "author": str(row.author),
    }


def participant_out(row) -> dict:
    return {
        **_fields(row, "user_id organisation pledged_at attended"),
        "id": row.pk,
        "name": str(row.user) if row.user_id else row.name,
        "agency": row.agency.code if row.agency_id else None,
    }


def action_item_out(row) -> dict:
    return {
        **_fields(row, "meeting_id case_id description owner_name due_on done_at"),
        "id": row.pk,
        "owner_agency": row.owner_agency.code,
    }


def meeting_summary(row) -> dict:
    return {
        **_fields(row, "purpose held_at place status sharing_ended_at version"),
        "id": row.pk,
        "kind": row.kind.code,
        "kind_name": row.kind.name,
        "legal_type": row.kind.legal_type,
    }


def assessment_out(row) -> dict:
    return {
        **_fields(row, "number household_situation strengths risks wishes"),
        "id": row.pk,
        "issues": [
            {"domain": i.domain.code, "domain_name": i.domain.name, "description": i.description}
            for i in row.issues.all()
        ],
        "created_by": str(row.created_by),
        "created_by_agency": row.created_by_agency.code,
        "created_at": row.created_at,
    }


def plan_out(row) -> dict:
    return {
        **_fields(
            row,
            "number meeting_id next_review_on uses_outreach uses_participation person_agreed note"
            " created_at",
        ),
        "id": row.pk,
        "goals": [
            {
                **_fields(g, "term text"),
                "id": g.pk,
                "reviews": [
                    _fields(r, "meeting_id rating note reviewed_at") for r in g.reviews.all()
                ],
            }
            for g in row.goals.all()
        ],
        "actions": [
            {"agency": a.agency.code, "description": a.description, "due_on": a.due_on}
            for a in row.actions.all()
        ],
    }


def timeline_entry_out(entry, versions) -> dict:
    return {
        "id": entry.record_id or None,
        "source": entry.kind.split(".", 1)[0],
        "at": entry.at,
        "kind": entry.kind,
        "kind_label": str(entry.kind_label),
        "agency": entry.agency_code or None,
        "agency_name": entry.agency or None,
        "author": entry.author,
        "text": entry.text,
        "version": versions.get(entry.record_id),
    }


def _case_out(user, case_id, rights=None) -> dict:
    case = (
        Case.objects.select_related("lead_agency")
        .prefetch_related(
            "subjects__person",
            "involvements__agency",
            "tracks",
            Prefetch("consents", queryset=Consent.objects.prefetch_related("agencies")),
        )
        .get(pk=case_id)
    )
    rights = rights or access.case_access(user, case)
    consents = defaultdict(list)
    for consent in case.consents.all():
        consents[consent.person_id].append(consent)
    subjects = list(case.subjects.all())
    active_support_meetings = case.meetings.filter(
        kind__legal_type=LegalMeetingType.SUPPORT_MEETING, sharing_ended_at__isnull=True
    ).count()
    summaries = [consent_summary(s.person_id, consents[s.person_id]) for s in subjects]
    return {
        **case_summary(case, rights.basis),
        "summary": case.summary,
        "household_id": case.household_id,
        "origin_consultation_id": case.origin_id,
        "end_note": case.end_note,
        "subjects": [
            {
                "person_id": s.person_id,
                "full_name": s.person.full_name,
                "full_name_kana": s.person.full_name_kana,
                "birth_date": s.person.birth_date,
            }
            for s in subjects
        ],
        "involvements": [involvement_out(i) for i in case.involvements.all()],
        "tracks": [track_out(t) for t in case.tracks.all()],
        # The outline a 民生委員 reads has no consents (access.CaseAccess.case_file).
        "consents": summaries if rights.case_file else None,
        "sharing": {
            "has_active_consent": bool(subjects)
            and all(s["has_active_consent"] for s in summaries),
            "active_support_meetings": active_support_meetings,
            "support_decided_on": case.support_decided_on,
            "basis": rights.basis,
        },
        "rights": {
            "edit": rights.edit,
            "record": rights.record,
            "assess": rights.assess,
            "consent": rights.consent,
            "meetings": rights.meetings,
        },
    }
