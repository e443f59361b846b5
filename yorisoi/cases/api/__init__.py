"""Collaborative cases (多機関協働) over HTTP: /api/v1/cases/…

The same rules as the screens, through the same functions: reads start from
access.visible_cases() (or access.case_access()), state changes go through services.py (which
check rights, enforce R3–R5/R7 and audit them) and every read of case content is written to the
audit trail with its legal basis: own_agency, coordinator, consent or art106_6_meeting (R6).

- Cases, meetings, consents, progress records and action items are addressed by UUID;
  involvements, tracks, goals and meeting participants by number (they answer 404 unless the
  caller may read their case); agencies, domains and meeting kinds by `code`; users (meeting
  participants) by their numeric id.
- A case the caller may not read answers 404 with the same body as an id that does not exist,
  and so does everything hung on it. One exception, by design (R5): a participant of a
  支援会議 sees that meeting's date, place and kind, and the pledge, before the case opens.
- Errors: a rule that says no is 409 with its `code` (no_consent, no_support_decision,
  needs_multilayer_meeting, wrong_purpose, forbidden …); someone else saved first is 409
  `concurrent_edit` with `changes` (what they changed); bad input is 422 per field.
- Lists are paged like every list route: `?page=1&page_size=25` (yorisoi/http/paging.py).

One module per subdomain (cases, consent, records, meetings, plans) on the lookups they share
(base), the schemas and the builders of bodies. Two routers: `router` (cases, consent, the
progress record) and `meetings_router` (meetings, assessments, plans).
"""

# Importing each module registers its endpoints on the routers.
from . import cases, consent, meetings, plans, records  # noqa: F401
from .base import meetings_router, router

__all__ = ["meetings_router", "router"]
