"""Check first, write never partially (R7): a clean file is written in one go; a file with one
bad row writes nothing and names every problem by row and column."""

from yorisoi.audit.models import AuditEvent
from yorisoi.imports.models import ExternalRef, ImportStatus
from yorisoi.imports.services import import_check, import_commit
from yorisoi.intake.models import Consultation
from yorisoi.people.models import Household, Person

from .conftest import csv_bytes, row


def test_a_clean_file_is_checked_without_writing_then_committed(hana, issues):
    content = csv_bytes([row(), row(consultation_ref="C-002", summary="二度目の相談")])
    job = import_check(actor=hana, file_name="相談.csv", content=content)
    assert job.status == ImportStatus.CHECKED, job.problems
    assert job.rows == 2
    assert job.counts["person"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert job.counts["consultation"]["created"] == 2
    assert not Person.objects.exists()
    assert not Consultation.objects.exists()

    job = import_commit(actor=hana, job=job)
    assert job.status == ImportStatus.COMMITTED, job.problems
    person = Person.objects.get()
    assert person.full_name == "山田 花子"
    assert person.agency_id == hana.agency_id
    consultations = Consultation.objects.filter(person=person)
    assert consultations.count() == 2
    first = consultations.get(summary="介護保険の申請について相談したい。")
    assert first.receiving_agency_id == first.responsible_agency_id == hana.agency_id
    assert {link.issue.code for link in first.issue_links.all()} == {"care", "income"}
    assert first.issue_links.get(is_main=True).issue.code == "care"
    assert ExternalRef.objects.count() == 3
    assert bytes(job.content) == b""


def test_a_household_is_made_from_its_rows(hana, issues):
    content = csv_bytes(
        [
            row(household_ref="H-1", relationship="世帯主"),
            row(consultation_ref="C-002", person_ref="P-002", name="山田 一郎",
                kana="ヤマダ イチロウ", birth_date="1948-01-02", sex="男性",
                household_ref="H-1", relationship="配偶者"),
        ]
    )  # fmt: skip
    job = import_commit(
        actor=hana, job=import_check(actor=hana, file_name="a.csv", content=content)
    )
    assert job.status == ImportStatus.COMMITTED, job.problems
    household = Household.objects.get()
    assert sorted(household.memberships.values_list("relationship", flat=True)) == [
        "head",
        "spouse",
    ]


def test_one_bad_row_writes_nothing(hana, issues):
    content = csv_bytes(
        [row(), row(consultation_ref="C-002", person_ref="P-002", birth_date="昭和99年1月1日")]
    )
    job = import_check(actor=hana, file_name="a.csv", content=content)
    assert job.status == ImportStatus.FAILED
    assert [(p["row"], p["column"]) for p in job.errors] == [(3, "生年月日")]
    assert not Person.objects.exists()
    assert bytes(job.content) == b""


def test_every_check_and_commit_is_audited_without_personal_data(hana, issues):
    job = import_check(actor=hana, file_name="山田花子.csv", content=csv_bytes([row()]))
    import_commit(actor=hana, job=job)
    events = AuditEvent.objects.filter(action__startswith="import.").order_by("seq")
    assert [e.action for e in events] == ["import.checked", "import.committed"]
    for event in events:
        assert event.data["sha256"] == job.sha256
        assert event.data["rows"] == 1
        assert event.data["agency"] == "zaitaku-kaigo-01"
        assert event.actor_id == hana.pk
        text = str(event.data)
        for personal in ("山田", "花子", "1950", "059-354"):
            assert personal not in text
