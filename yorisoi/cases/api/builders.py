"""How records become API bodies: the same fields for every endpoint that returns them."""

from collections import defaultdict

from django.db.models import Prefetch

from yorisoi import access
from yorisoi.directory.models import LegalMeetingType

from ..models import (
    Case,
    Consent,
)


def case_summary(case, basis) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "title": case.title,
        "status": case.status,
        "status_display": case.get_status_display(),
        "lead_agency": case.lead_agency.code,
        "next_action_on": case.next_action_on,
        "last_activity_at": case.last_activity_at,
        "opened_at": case.opened_at,
        "ended_at": case.ended_at,
        "basis": basis,
        "version": case.version,
    }


def involvement_out(row) -> dict:
    return {
        "id": row.pk,
        "agency": row.agency.code,
        "agency_name": row.agency.name,
        "role": row.role,
        "contact_name": row.contact_name,
        "contact_phone": row.contact_phone,
        "is_lead": row.is_lead,
        "started_on": row.started_on,
        "ended_on": row.ended_on,
        "version": row.version,
    }


def track_out(row) -> dict:
    return {
        "id": row.pk,
        "program": row.program,
        "program_display": row.get_program_display(),
        "started_on": row.started_on,
        "ended_on": row.ended_on,
        "note": row.note,
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
        "id": row.pk,
        "person_id": row.person_id,
        "scope": row.scope,
        "agencies": [a.code for a in row.agencies.all()],
        "method": row.method,
        "given_on": row.given_on,
        "obtained_by": str(row.obtained_by),
        "note": row.note,
        "has_scan": bool(row.scan_type),
        "scan_name": row.scan_name,
        "scan_type": row.scan_type,
        "recorded_at": row.recorded_at,
        "is_active": row.is_active,
        "withdrawn_at": row.withdrawn_at,
        "withdrawn_on": row.withdrawn_on,
        "withdrawal_note": row.withdrawal_note,
    }


def record_out(row) -> dict:
    return {
        "id": row.pk,
        "case_id": row.case_id,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "occurred_at": row.occurred_at,
        "agency": row.agency.code,
        "author": str(row.author),
        "text": row.text,
        "created_at": row.created_at,
        "version": row.version,
    }


def participant_out(row) -> dict:
    return {
        "id": row.pk,
        "user_id": row.user_id,
        "name": str(row.user) if row.user_id else row.name,
        "agency": row.agency.code if row.agency_id else None,
        "organisation": row.organisation,
        "pledged_at": row.pledged_at,
        "attended": row.attended,
    }


def action_item_out(row) -> dict:
    return {
        "id": row.pk,
        "meeting_id": row.meeting_id,
        "case_id": row.case_id,
        "description": row.description,
        "owner_agency": row.owner_agency.code,
        "owner_name": row.owner_name,
        "due_on": row.due_on,
        "done_at": row.done_at,
    }


def meeting_summary(row) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind.code,
        "kind_name": row.kind.name,
        "legal_type": row.kind.legal_type,
        "purpose": row.purpose,
        "held_at": row.held_at,
        "place": row.place,
        "status": row.status,
        "sharing_ended_at": row.sharing_ended_at,
        "version": row.version,
    }


def assessment_out(row) -> dict:
    return {
        "id": row.pk,
        "number": row.number,
        "household_situation": row.household_situation,
        "strengths": row.strengths,
        "risks": row.risks,
        "wishes": row.wishes,
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
        "id": row.pk,
        "number": row.number,
        "meeting_id": row.meeting_id,
        "next_review_on": row.next_review_on,
        "uses_outreach": row.uses_outreach,
        "uses_participation": row.uses_participation,
        "person_agreed": row.person_agreed,
        "note": row.note,
        "created_at": row.created_at,
        "goals": [
            {
                "id": g.pk,
                "term": g.term,
                "text": g.text,
                "reviews": [
                    {
                        "meeting_id": r.meeting_id,
                        "rating": r.rating,
                        "note": r.note,
                        "reviewed_at": r.reviewed_at,
                    }
                    for r in g.reviews.all()
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
