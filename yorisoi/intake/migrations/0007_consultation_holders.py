"""Existing consultations get a holder (担当者): whoever recorded the intake (created_by) or its
outcome (outcome_by), if they are an active caseworker of the agency that holds it now; else,
for an open consultation, that agency's first active caseworker (they can reassign it). A closed
consultation may stay without one; an open one stays without one only where its agency has no
active caseworker at all (then the page says 未割当 and anyone of the agency may take it)."""

from django.db import migrations

CASEWORK_ROLES = ("coordinator", "staff", "manager")


def give_holders(apps, schema_editor):
    Consultation = apps.get_model("intake", "Consultation")
    User = apps.get_model("accounts", "User")
    staff = {}
    for pk, agency_id in (
        User.objects.filter(is_active=True, role__in=CASEWORK_ROLES, agency__isnull=False)
        .order_by("pk")
        .values_list("pk", "agency_id")
    ):
        staff.setdefault(agency_id, []).append(pk)
    rows = Consultation.objects.filter(holder__isnull=True).values_list(
        "pk", "responsible_agency_id", "created_by_id", "outcome_by_id", "closed_at"
    )
    for pk, agency_id, created_by, outcome_by, closed_at in rows.iterator():
        colleagues = staff.get(agency_id, [])
        holder = next((u for u in (created_by, outcome_by) if u in colleagues), None)
        if holder is None and closed_at is None and colleagues:
            holder = colleagues[0]
        if holder is not None:
            Consultation.objects.filter(pk=pk).update(holder_id=holder)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0006_consultation_life"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(give_holders, migrations.RunPython.noop)]
