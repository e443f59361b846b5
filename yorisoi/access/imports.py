"""R6 for imports (既存記録の取り込み, issue 15): who may bring a file in, in whose name, and
who sees its result.

A caseworker imports for the agency they act for, and only for it: every record of the file is
written as received and held by that agency, so a row naming another agency is refused (that
agency's own staff import it). A job's page and its problems (row, column, message: never a
value) are for the caseworkers of the agency it was run for.
"""

from django.db.models import Q

from .roles import acts_for, reads_people


def can_import(user) -> bool:
    return reads_people(user)


def may_import_for(user, agency_id) -> bool:
    """R6: the rows of a file are the actor's own agency's records, nobody else's."""
    return acts_for(user, agency_id)


def visible_import_jobs(user):
    from yorisoi.imports.models import ImportJob

    if not reads_people(user):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(agency_id=user.agency_id)


# --- the export in the import's template (issue 15) ------------------------------------------


def exportable_agencies(user):
    """The agencies `user` may export the records of: the ones they act for (today one, their
    own). The screen's form offers these, and the API accepts only these codes."""
    from yorisoi.directory.models import Agency

    if not reads_people(user):
        return Agency.objects.none()
    return Agency.objects.filter(pk=user.agency_id)


def exportable_consultations(user, agency_id):
    """R6: the consultations an export for `agency_id` carries — those `user` may read
    (visible_consultations) that the agency received or holds, and only if `user` acts for
    it. A consultation the user reads on another basis (the coordinator following a declined
    referral, a referral's other side) is that agency's record, not this one's: it is in its
    own agency's export, where it can be imported again. Every row's basis is own_agency."""
    from .consultations import visible_consultations

    if not acts_for(user, agency_id):
        return visible_consultations(None)
    return visible_consultations(user).filter(
        Q(receiving_agency_id=agency_id) | Q(responsible_agency_id=agency_id)
    )
