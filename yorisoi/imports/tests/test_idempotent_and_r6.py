"""Importing the same file again changes nothing and says so; a corrected file changes only
what changed and names the fields. R6: a user imports only for the agency they act for."""

import pytest

from yorisoi.errors import RuleViolation
from yorisoi.imports.models import ImportStatus
from yorisoi.imports.services import import_check, import_commit, same_file_committed
from yorisoi.intake.models import Consultation
from yorisoi.people.models import Person

from .conftest import csv_bytes, row


def _import(user, content):
    job = import_check(actor=user, file_name="相談.csv", content=content)
    assert job.status == ImportStatus.CHECKED, job.problems
    return job, import_commit(actor=user, job=job)


def test_the_same_file_twice_changes_nothing_and_says_so(hana, issues):
    content = csv_bytes([row(), row(consultation_ref="C-2")])
    _first, done = _import(hana, content)
    person = Person.objects.get()
    version = person.version

    again = import_check(actor=hana, file_name="相談.csv", content=content)
    assert again.counts["person"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert again.counts["consultation"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert not again.changes_anything
    assert same_file_committed(again) == done
    import_commit(actor=hana, job=again)
    assert Person.objects.count() == 1
    assert Consultation.objects.count() == 2
    assert Person.objects.get().version == version


def test_a_corrected_file_updates_only_what_changed(hana, issues):
    _import(hana, csv_bytes([row(), row(consultation_ref="C-2")]))
    person = Person.objects.get()
    # Someone corrects the address on the screen meanwhile: the file, still saying the old
    # address, leaves that alone.
    Person.objects.filter(pk=person.pk).update(address="三重県四日市市新しい住所1-1")

    corrected = csv_bytes(
        [
            row(phone="059-354-1111"),
            row(
                consultation_ref="C-2", phone="059-354-1111", summary="内容を直した", urgency="緊急"
            ),
        ]
    )
    job = import_check(actor=hana, file_name="相談（訂正）.csv", content=corrected)
    assert job.counts["person"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert job.counts["consultation"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert job.changes == [
        {"row": 2, "kind": "person", "columns": ["電話番号"]},
        {"row": 3, "kind": "consultation", "columns": ["相談内容", "緊急度"]},
    ]
    job = import_commit(actor=hana, job=job)
    assert job.status == ImportStatus.COMMITTED, job.problems
    person.refresh_from_db()
    assert person.phone == "059-354-1111"
    assert person.address == "三重県四日市市新しい住所1-1"
    changed = Consultation.objects.get(summary="内容を直した")
    assert changed.urgency == "urgent"
    assert changed.version == 2


def test_an_outcome_added_later_goes_through_the_outcome_service(hana, issues):
    _import(hana, csv_bytes([row()]))
    _job, done = _import(hana, csv_bytes([row(outcome="相談受付で解決")]))
    assert done.status == ImportStatus.COMMITTED, done.problems
    consultation = Consultation.objects.get()
    assert consultation.outcome == "resolved"
    assert consultation.closed_at is not None


def test_an_outcome_once_recorded_is_not_changed_by_a_file(hana, issues):
    _import(hana, csv_bytes([row(outcome="自機関で継続支援")]))
    job = import_check(actor=hana, file_name="a.csv", content=csv_bytes([row(outcome="相談受付で解決")]))  # fmt: skip
    assert job.status == ImportStatus.FAILED
    assert [(p["row"], p["column"]) for p in job.errors] == [(2, "受付の結果")]


def test_external_ids_are_per_agency(hana, saki, issues):
    """The same 外部ID at another agency is another record: the sources' numbers overlap."""
    _import(hana, csv_bytes([row()]))
    job = import_check(
        actor=saki,
        file_name="a.csv",
        content=csv_bytes([row(receiving_agency="", responsible_agency="")]),
    )
    assert job.counts["person"]["created"] == 1
    import_commit(actor=saki, job=job)
    assert Person.objects.count() == 2


# --- R6 -----------------------------------------------------------------------------------


def test_another_agencys_code_in_the_file_is_refused(hana, issues):
    job = import_check(
        actor=hana,
        file_name="a.csv",
        content=csv_bytes([row(receiving_agency="itaku-soudan-01", responsible_agency="fukushi-soumu-ka")]),
    )  # fmt: skip
    assert job.status == ImportStatus.FAILED
    assert [(p["row"], p["column"]) for p in job.errors] == [
        (2, "受付機関コード"),
        (2, "担当機関コード"),
    ]
    assert "ほかの機関の相談は取り込めません（itaku-soudan-01）" in job.errors[0]["message"]
    assert not Person.objects.exists()


def test_empty_agency_codes_mean_the_importers_agency(hana, issues):
    _import(hana, csv_bytes([row(receiving_agency="", responsible_agency="")]))
    consultation = Consultation.objects.get()
    assert consultation.receiving_agency_id == consultation.responsible_agency_id == hana.agency_id


@pytest.mark.parametrize("persona", ["kazuko", "ken", "osamu"])
def test_volunteers_analysts_and_administrators_cannot_import(personas, persona, issues):
    with pytest.raises(RuleViolation):
        import_check(actor=personas[persona], file_name="a.csv", content=csv_bytes([row()]))


def test_another_agency_cannot_commit_a_job(hana, saki, issues):
    job = import_check(actor=hana, file_name="a.csv", content=csv_bytes([row()]))
    with pytest.raises(RuleViolation):
        import_commit(actor=saki, job=job)
    assert not Person.objects.exists()


def test_a_job_is_committed_once(hana, issues):
    job, _done = _import(hana, csv_bytes([row()]))
    with pytest.raises(RuleViolation):
        import_commit(actor=hana, job=job)


def test_a_consultation_escalated_since_is_not_changed_by_a_file(hana, issues):
    from yorisoi.intake.services import consultation_escalate

    _import(hana, csv_bytes([row()]))
    consultation = Consultation.objects.get()
    consultation_escalate(actor=hana, consultation=consultation, version=consultation.version)
    job = import_check(actor=hana, file_name="a.csv", content=csv_bytes([row(summary="直した")]))
    assert [(p["row"], p["column"]) for p in job.errors] == [(2, "相談の外部ID")]
