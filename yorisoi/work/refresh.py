"""Keeping the work-item table in step with its sources (R3).

The services that change a source call its refresh in their own transaction, one line each:

    work.refresh_consultation(consultation)   # intake: outcomes, referrals, acknowledgements
    work.refresh_case(case)                   # cases: next action, action items, meetings, pledges
    work.refresh_placement(placement)         # participation: follow-ups (R8)
    work.insert_for_new_consultations(cs)     # imports: consultations written in bulk

Each deletes the rows of that source and inserts the ones derive.py gives for its current state.
`rebuild_all` recomputes the whole table with the same functions (`manage.py rebuild_work_items`,
and the migration that filled the table); a test proves the two agree.
"""

from django.apps import apps as django_apps

from yorisoi import bulk
from yorisoi.intake.selectors import pending_limit

from . import derive


def _coordinating_agency_id(get_model):
    Agency = get_model("directory", "Agency")
    return (
        Agency.objects.filter(kind__coordinating=True, kind__active=True, active=True)
        .values_list("pk", flat=True)
        .first()
    )


def _insert(rows, get_model=django_apps.get_model):
    WorkItem = get_model("work", "WorkItem")
    bulk.insert((bulk.build(WorkItem, **row._asdict()) for row in rows), model=WorkItem)


def _consultation_rows(consultation, get_model=django_apps.get_model, coordinating=None):
    Referral = get_model("intake", "Referral")
    referrals = Referral.objects.filter(consultation_id=consultation.pk)
    return derive.consultation_rows(
        consultation,
        list(referrals),
        coordinating_agency_id=coordinating or _coordinating_agency_id(get_model),
        pending_limit=pending_limit(),
    )


def _staff_by_agency(get_model, **filters) -> dict:
    """{case id: {agency id: 担当職員 id}} of the active involvements that name one."""
    Involvement = get_model("cases", "Involvement")
    staff: dict = {}
    rows = Involvement.objects.filter(ended_on__isnull=True, staff__isnull=False, **filters)
    for case_id, agency_id, staff_id in rows.values_list("case_id", "agency_id", "staff_id"):
        staff.setdefault(case_id, {})[agency_id] = staff_id
    return staff


def _case_rows(case, get_model=django_apps.get_model):
    ActionItem = get_model("cases", "ActionItem")
    Participant = get_model("cases", "MeetingParticipant")
    items = ActionItem.objects.filter(case_id=case.pk)
    participants = Participant.objects.filter(meeting__case_id=case.pk, user__isnull=False)
    return derive.case_rows(
        case,
        list(items),
        list(participants.select_related("meeting__kind", "user")),
        _staff_by_agency(get_model, case_id=case.pk).get(case.pk),
    )


def _placement_rows(placement, get_model=django_apps.get_model):
    FollowUp = get_model("participation", "FollowUp")
    Need = get_model("participation", "ParticipationNeed")
    need = Need.objects.only("responsible_agency_id").get(pk=placement.need_id)
    return derive.placement_rows(
        placement, need, list(FollowUp.objects.filter(placement_id=placement.pk))
    )


def refresh_consultation(consultation) -> None:
    """After any change to a consultation or one of its referrals (R1, R2)."""
    from .models import WorkItem

    WorkItem.objects.filter(consultation_id=consultation.pk).delete()
    _insert(_consultation_rows(consultation))


def insert_for_new_consultations(consultations) -> int:
    """After consultations were written in bulk (imports.writing, issue 15): their rows as
    refresh_consultation would give them, inserted at once. A consultation just written has no
    referral and no row yet, so nothing is read or deleted per consultation. Returns the rows."""
    coordinating = _coordinating_agency_id(django_apps.get_model)
    limit = pending_limit()
    rows = [
        row
        for c in consultations
        for row in derive.consultation_rows(
            c, [], coordinating_agency_id=coordinating, pending_limit=limit
        )
    ]
    _insert(rows)
    return len(rows)


def refresh_case(case) -> None:
    """After any change to a case, its action items, meetings or their participants (R3, R5)."""
    from .models import WorkItem

    WorkItem.objects.filter(case_id=case.pk).delete()
    _insert(_case_rows(case))


def refresh_placement(placement) -> None:
    """After a placement starts, settles or ends, or one of its follow-ups is done (R8)."""
    from .models import WorkItem

    WorkItem.objects.filter(placement_id=placement.pk).delete()
    _insert(_placement_rows(placement))


def refresh_need(need) -> None:
    """After a need changes hands: its placements' follow-ups follow the agency holding it."""
    for placement in need.placements.all():
        refresh_placement(placement)


def derive_all(get_model=django_apps.get_model) -> list:
    """Every row the records ask for now, from scratch."""
    Consultation = get_model("intake", "Consultation")
    Referral = get_model("intake", "Referral")
    Case = get_model("cases", "Case")
    ActionItem = get_model("cases", "ActionItem")
    Participant = get_model("cases", "MeetingParticipant")
    Placement = get_model("participation", "Placement")
    FollowUp = get_model("participation", "FollowUp")
    coordinating = _coordinating_agency_id(get_model)
    limit = pending_limit()
    rows = []
    referrals: dict = {}
    for r in Referral.objects.all().iterator():
        referrals.setdefault(r.consultation_id, []).append(r)
    for c in Consultation.objects.all().iterator():
        rows += derive.consultation_rows(
            c, referrals.get(c.pk, []), coordinating_agency_id=coordinating, pending_limit=limit
        )
    items: dict = {}
    for item in ActionItem.objects.all().iterator():
        items.setdefault(item.case_id, []).append(item)
    participants: dict = {}
    for p in Participant.objects.filter(user__isnull=False).select_related("meeting__kind", "user"):
        participants.setdefault(p.meeting.case_id, []).append(p)
    staff = _staff_by_agency(get_model)
    for case in Case.objects.all().iterator():
        rows += derive.case_rows(
            case, items.get(case.pk, []), participants.get(case.pk, []), staff.get(case.pk)
        )
    follow_ups: dict = {}
    for f in FollowUp.objects.all().iterator():
        follow_ups.setdefault(f.placement_id, []).append(f)
    for placement in Placement.objects.select_related("need"):
        rows += derive.placement_rows(placement, placement.need, follow_ups.get(placement.pk, []))
    return rows


def rebuild_all(get_model=django_apps.get_model) -> int:
    """Replace the whole table with what the records ask for now; returns the number of rows."""
    WorkItem = get_model("work", "WorkItem")
    rows = derive_all(get_model)
    WorkItem.objects.all().delete()
    WorkItem.objects.bulk_create((WorkItem(**row._asdict()) for row in rows), batch_size=1000)
    return len(rows)


def table_rows(get_model=django_apps.get_model) -> set:
    """The table as a set of tuples (derive.FIELDS), to compare with derive_all."""
    WorkItem = get_model("work", "WorkItem")
    return set(WorkItem.objects.values_list(*derive.FIELDS))
