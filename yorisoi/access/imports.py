"""R6 for imports (既存記録の取り込み, issue 15): who may bring a file in, in whose name, and
who sees its result.

A caseworker imports for the agency they act for, and only for it: every record of the file is
written as received and held by that agency, so a row naming another agency is refused (that
agency's own staff import it). A job's page and its problems (row, column, message: never a
value) are for the caseworkers of the agency it was run for.
"""

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
