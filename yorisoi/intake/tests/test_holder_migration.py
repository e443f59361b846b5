"""intake 0007: existing consultations get a holder (担当者) — whoever recorded the intake or its
outcome if they still work for the agency holding it, else (open ones only) that agency's first
active caseworker; a closed one may stay without."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("intake", "0006_consultation_life")]
AFTER = [("intake", "0007_consultation_holders")]


@pytest.mark.django_db(transaction=True)
def test_existing_consultations_get_a_holder(hana, masaki, saki):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Consultation = apps.get_model("intake", "Consultation")
    common = {
        "channel": "phone",
        "consulter_type": "self",
        "summary": "架空の相談",
        "subject_note": "架空の本人",
        "next_action_on": timezone.localdate(),
    }
    own = Consultation.objects.create(
        receiving_agency_id=hana.agency_id,
        responsible_agency_id=hana.agency_id,
        created_by_id=masaki.pk,
        **common,
    )
    # Received by saki's agency, now held by hana's: saki does not work there.
    moved = Consultation.objects.create(
        receiving_agency_id=saki.agency_id,
        responsible_agency_id=hana.agency_id,
        created_by_id=saki.pk,
        **common,
    )
    closed = Consultation.objects.create(
        receiving_agency_id=saki.agency_id,
        responsible_agency_id=hana.agency_id,
        created_by_id=saki.pk,
        outcome="resolved",
        closed_at=timezone.now(),
        **common,
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Consultation = apps.get_model("intake", "Consultation")
    holders = dict(Consultation.objects.values_list("pk", "holder_id"))
    # Back to the latest state: going back to 0006 also unapplied what depends on 0007 (the
    # work-item table's fill), which later tests (the backup round trip) expect applied.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert holders[own.pk] == masaki.pk
    assert holders[moved.pk] == min(hana.pk, masaki.pk)  # the agency's first caseworker
    assert holders[closed.pk] is None
