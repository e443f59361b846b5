"""Master data a user may name in a form or an API call."""

from django.db.models import QuerySet


def selectable_agencies() -> QuerySet:
    """The agencies a form offers and an API call accepts by code (a referral's destination, a
    case's lead or involved agency, an outreach target's holder, a need's responsible agency):
    active agencies of an active kind, by kind and code. Agencies are master data, the same
    list for everyone; a retired agency keeps its records but takes no new work. One list,
    so a screen never offers what the API refuses, nor the other way round."""
    from yorisoi.directory.models import Agency

    return (
        Agency.objects.filter(active=True, kind__active=True)
        .select_related("kind")
        .order_by("kind__order", "kind__code", "code")
    )
