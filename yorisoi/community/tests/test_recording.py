"""Recording and correcting activities and trainings: counts ≥ 0, nothing deleted (R7)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.community import services
from yorisoi.community.models import Activity, ActivityKind, Training
from yorisoi.errors import ConcurrentEditError, RuleViolation

DAY = date(2025, 6, 10)


def _activity(actor, site, **kw):
    values = {"held_on": DAY, "kind": ActivityKind.SALON, "participants": 12, "volunteers": 3}
    return services.activity_record(actor=actor, site=site, **{**values, **kw})


def test_an_activity_is_recorded_with_its_counts_and_audited(community, tomoko):
    entry = _activity(tomoko, community["salon"])
    assert (entry.participants, entry.volunteers, entry.agency.code) == (
        12,
        3,
        "chiiki-houkatsu-01",
    )
    event = AuditEvent.objects.get(action="community.activity_recorded")
    assert event.target_id == str(entry.pk) and event.data["participants"] == 12


@pytest.mark.parametrize("field", ["participants", "volunteers"])
def test_a_negative_count_is_refused(community, tomoko, field):
    with pytest.raises(ValidationError) as err:
        _activity(tomoko, community["salon"], **{field: -1})
    assert field in err.value.message_dict
    assert not Activity.objects.exists()


def test_the_database_refuses_a_negative_count_too(community, tomoko):
    entry = _activity(tomoko, community["salon"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=entry.pk).update(participants=-5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Training.objects.create(
            program=community["kaigo"], name="x", held_on=DAY, people_trained=-1,
            agency=tomoko.agency, recorded_by=tomoko,
        )  # fmt: skip


def test_a_future_date_is_refused(community, tomoko):
    with pytest.raises(ValidationError, match="未来の日付"):
        _activity(tomoko, community["salon"], held_on=timezone.localdate() + timedelta(days=1))


def test_an_analyst_cannot_record(community, ken):
    with pytest.raises(RuleViolation) as err:
        _activity(ken, community["salon"])
    assert err.value.code == "forbidden"


def test_a_closed_site_takes_no_new_activity(community, tomoko):
    site = community["salon"]
    site.active = False
    site.save()
    with pytest.raises(RuleViolation) as err:
        _activity(tomoko, site)
    assert err.value.code == "inactive_site"


def test_a_correction_keeps_the_earlier_figures_in_the_history(community, tomoko):
    entry = _activity(tomoko, community["salon"])
    corrected = services.activity_correct(actor=tomoko, activity=entry, version=1, participants=15)
    assert (corrected.participants, corrected.version) == (15, 2)
    assert [h.participants for h in corrected.history.order_by("history_date")] == [12, 15]


def test_a_stale_version_is_refused_with_the_other_persons_change(community, tomoko, ichiro):
    entry = _activity(tomoko, community["salon"])
    services.activity_correct(actor=ichiro, activity=entry, version=1, participants=20)
    with pytest.raises(ConcurrentEditError) as err:
        services.activity_correct(actor=tomoko, activity=entry, version=1, participants=13)
    assert {c["field"]: c["theirs"] for c in err.value.changes} == {"participants": 20}
    assert Activity.objects.get(pk=entry.pk).participants == 20


def test_only_the_recording_agency_or_the_coordinator_corrects(community, tomoko, hana, ichiro):
    entry = _activity(tomoko, community["salon"])
    with pytest.raises(RuleViolation) as err:
        services.activity_correct(actor=hana, activity=entry, version=1, participants=1)
    assert err.value.code == "not_recorder"
    services.activity_correct(actor=ichiro, activity=entry, version=1, participants=1)
    assert AuditEvent.objects.get(action="community.activity_corrected").basis == "coordinator"


def test_cancelling_needs_a_reason_and_keeps_the_entry(community, tomoko):
    entry = _activity(tomoko, community["salon"])
    with pytest.raises(ValidationError, match="理由"):
        services.activity_correct(actor=tomoko, activity=entry, version=1, cancelled=True)
    cancelled = services.activity_correct(
        actor=tomoko, activity=entry, version=1, cancelled=True, cancel_reason="二重登録"
    )
    assert cancelled.cancelled and Activity.objects.filter(pk=entry.pk).exists()


def test_a_training_is_recorded_and_corrected(community, tomoko):
    training = services.training_record(
        actor=tomoko, program=community["kaigo"], name="ヘルスリーダー養成講座",
        held_on=DAY, people_trained=18,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.training_correct(actor=tomoko, training=training, version=1, people_trained=-2)
    corrected = services.training_correct(
        actor=tomoko, training=training, version=1, people_trained=19
    )
    assert (corrected.people_trained, corrected.version) == (19, 2)
