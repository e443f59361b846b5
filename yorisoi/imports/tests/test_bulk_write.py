"""The bulk write (writing.py) keeps every rule the services keep row by row, across chunks:
all or nothing, idempotence, R1/R3 (an outcome or an open consultation held by someone with a
next action), R6, the audit trail naming every record written, the work-item table equal to a
rebuild, and names stored exactly as the people services store them."""

import pytest
from django.utils import timezone

from yorisoi.audit import log
from yorisoi.audit.models import AuditEvent
from yorisoi.imports import writing
from yorisoi.imports.models import ExternalRef, ImportStatus
from yorisoi.imports.services import import_check, import_commit
from yorisoi.intake.models import Consultation, Outcome
from yorisoi.people import services as people
from yorisoi.people.models import Household, HouseholdMember, Person
from yorisoi.work.models import WorkItem
from yorisoi.work.refresh import derive_all, table_rows

from .conftest import csv_bytes, row

IMPORTED = ("person.imported", "household.imported", "household.members_imported",
            "consultation.imported", "person.updated", "consultation.imported_update")  # fmt: skip


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    """Three rows a chunk: every file here spans several chunks."""
    monkeypatch.setattr(writing, "CHUNK", 3)


def _rows():
    """Seven consultations of five people, two households of two, the three importable
    outcomes, a next action given or not, kana in half width and in hiragana."""
    return [
        row(consultation_ref="C-1", person_ref="P-1", household_ref="H-1", relationship="世帯主"),
        row(consultation_ref="C-2", person_ref="P-2", name="山田 太郎", kana="ﾔﾏﾀﾞ ﾀﾛｳ",
            birth_date="昭和20年5月6日", household_ref="H-1", relationship="配偶者",
            outcome="自機関で継続支援"),
        row(consultation_ref="C-3", person_ref="P-1", household_ref="H-1", relationship="世帯主",
            outcome="相談受付で解決", next_action_on=""),
        row(consultation_ref="C-4", person_ref="P-3", name="佐藤 一郎", kana="さとう いちろう",
            birth_date="1960-01-02", household_ref="H-2", relationship="世帯主",
            next_action_on=""),
        row(consultation_ref="C-5", person_ref="P-4", name="佐藤 二郎", kana="サトウ ジロウ",
            birth_date="1990-03-04", household_ref="H-2", relationship="子"),
        row(consultation_ref="C-6", person_ref="P-5", name="鈴木 三郎", kana="スズキ サブロウ",
            birth_date="1970-07-08", phone="０５９−１２３−４５６７", issues="income"),
        row(consultation_ref="C-7", person_ref="P-3", name="佐藤 一郎", kana="さとう いちろう",
            birth_date="1960-01-02", household_ref="H-2", relationship="世帯主",
            outcome="自機関で継続支援", urgency="緊急"),
    ]  # fmt: skip


def _import(user, rows, name="相談.csv"):
    job = import_check(actor=user, file_name=name, content=csv_bytes(rows))
    assert job.status == ImportStatus.CHECKED, job.problems
    job = import_commit(actor=user, job=job)
    assert job.status == ImportStatus.COMMITTED, job.problems
    return job


def test_every_imported_open_consultation_is_held_with_a_next_action(hana, issues):
    _import(hana, _rows())
    consultations = Consultation.objects.all()
    assert consultations.count() == 7
    for c in consultations:
        assert c.receiving_agency_id == c.responsible_agency_id == hana.agency_id
        assert c.holder_id == hana.pk  # R3: whoever records the intake holds it
        assert c.next_action_on is not None
        assert c.person_id is not None
    resolved = consultations.get(outcome=Outcome.RESOLVED)
    assert resolved.closed_at is not None and resolved.outcome_by_id == hana.pk
    for c in consultations.filter(outcome=Outcome.CONTINUED):
        assert c.closed_at is None and c.outcome_by_id == hana.pk and c.outcome_at
    today = timezone.localdate()
    assert consultations.get(summary__isnull=False, pk=_pk("C-4")).next_action_on == today
    # R1: every open one is in someone's queue, named for its holder
    for c in consultations.filter(closed_at__isnull=True):
        item = WorkItem.objects.get(consultation_id=c.pk)
        assert (item.agency_id, item.staff_id) == (hana.agency_id, hana.pk)
    assert not WorkItem.objects.filter(consultation_id=resolved.pk).exists()


def _pk(consultation_ref):
    return ExternalRef.objects.get(kind="consultation", external_id=consultation_ref).record_id


def test_the_work_items_equal_a_rebuild_after_an_import_and_a_correction(hana, issues):
    _import(hana, _rows())
    assert table_rows() == set(derive_all())
    corrected = _rows()
    corrected[0]["urgency"] = "緊急"
    corrected[0]["next_action_on"] = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    _import(hana, corrected, name="相談（訂正）.csv")
    assert table_rows() == set(derive_all())
    item = WorkItem.objects.get(consultation_id=_pk("C-1"))
    assert item.urgency == 0 and item.due_on == timezone.localdate() + timezone.timedelta(days=3)


def test_households_and_members_as_the_household_services_make_them(hana, issues):
    _import(hana, _rows())
    assert Household.objects.count() == 2
    sato = Household.objects.get(pk=_household("H-2"))
    members = [(m.person.family_name + m.person.given_name, m.relationship, m.order)
               for m in sato.memberships.select_related("person")]  # fmt: skip
    assert members == [("佐藤一郎", "head", 1), ("佐藤二郎", "child", 2)]
    assert sato.version == 2  # created, then a member added (household_member_add)
    assert HouseholdMember.objects.count() == 4
    # consultation_create brings the household along
    assert Consultation.objects.get(pk=_pk("C-5")).household_id == sato.pk
    assert Consultation.objects.get(pk=_pk("C-6")).household_id is None
    # R7: every record has its history, saying who wrote it
    assert Person.history.filter(history_type="+", history_user=hana).count() == 5
    assert HouseholdMember.history.filter(history_type="+").count() == 4


def _household(ref):
    return ExternalRef.objects.get(kind="household", external_id=ref).record_id


def test_names_are_stored_as_person_create_stores_them(hana, issues):
    _import(hana, _rows())
    for ref, name, kana, phone in (
        ("P-2", "山田 太郎", "ﾔﾏﾀﾞ ﾀﾛｳ", "059-354-0000"),
        ("P-3", "佐藤 一郎", "さとう いちろう", "059-354-0000"),
        ("P-5", "鈴木 三郎", "スズキ サブロウ", "０５９−１２３−４５６７"),
    ):
        imported = Person.objects.get(
            pk=ExternalRef.objects.get(kind="person", external_id=ref).record_id
        )
        family, given = name.split()
        family_kana, given_kana = kana.split()
        typed = people.person_create(
            actor=hana, family_name=family, given_name=given, family_name_kana=family_kana,
            given_name_kana=given_kana, phone=phone,
        )  # fmt: skip
        for field in ("family_name", "given_name", "family_name_kana", "given_name_kana",
                      "phone", "name_key", "given_key", "kana_key", "given_kana_key",
                      "phonetic_key"):  # fmt: skip
            assert getattr(imported, field) == getattr(typed, field), field
    assert Person.objects.filter(phone="059-123-4567").count() == 2  # imported and typed


def test_importing_the_same_file_again_changes_nothing(hana, issues):
    _import(hana, _rows())
    before = {
        "people": list(Person.objects.order_by("pk").values_list("pk", "version", "updated_at")),
        "households": list(Household.objects.order_by("pk").values_list("pk", "version")),
        "consultations": list(
            Consultation.objects.order_by("pk").values_list("pk", "version", "last_activity_at")
        ),
        "refs": list(ExternalRef.objects.order_by("pk").values_list("pk", "job", "updated_at")),
        "members": HouseholdMember.objects.count(),
        "work": table_rows(),
        "history": Person.history.count(),
    }
    written = AuditEvent.objects.filter(action__in=IMPORTED).count()

    job = _import(hana, _rows())
    assert not job.changes_anything
    assert {kind: c["created"] + c["updated"] for kind, c in job.counts.items()} == {
        "person": 0, "household": 0, "consultation": 0
    }  # fmt: skip
    after = {
        "people": list(Person.objects.order_by("pk").values_list("pk", "version", "updated_at")),
        "households": list(Household.objects.order_by("pk").values_list("pk", "version")),
        "consultations": list(
            Consultation.objects.order_by("pk").values_list("pk", "version", "last_activity_at")
        ),
        "refs": list(ExternalRef.objects.order_by("pk").values_list("pk", "job", "updated_at")),
        "members": HouseholdMember.objects.count(),
        "work": table_rows(),
        "history": Person.history.count(),
    }
    assert after == before
    assert AuditEvent.objects.filter(action__in=IMPORTED).count() == written


def test_a_corrected_file_updates_only_the_fields_it_changed(hana, issues):
    _import(hana, _rows())
    versions = dict(Person.objects.values_list("pk", "version"))
    corrected = _rows()
    corrected[5]["phone"] = "059-999-0000"  # P-5
    corrected[5]["summary"] = "内容を直した"  # C-6
    job = import_check(actor=hana, file_name="相談（訂正）.csv", content=csv_bytes(corrected))
    assert job.counts["person"] == {"created": 0, "updated": 1, "unchanged": 4}
    assert job.counts["consultation"] == {"created": 0, "updated": 1, "unchanged": 6}
    assert job.changes == [
        {"row": 7, "kind": "person", "columns": ["電話番号"]},
        {"row": 7, "kind": "consultation", "columns": ["相談内容"]},
    ]
    import_commit(actor=hana, job=job)
    suzuki = Person.objects.get(phone="059-999-0000")
    assert suzuki.version == versions[suzuki.pk] + 1
    assert suzuki.history.first().history_type == "~"
    others = {pk: v for pk, v in Person.objects.values_list("pk", "version") if pk != suzuki.pk}
    assert others == {pk: v for pk, v in versions.items() if pk != suzuki.pk}
    assert Consultation.objects.filter(summary="内容を直した").get().pk == _pk("C-6")
    assert Consultation.objects.filter(version__gt=2).count() == 0
    updated = AuditEvent.objects.get(action="person.updated")
    assert updated.data["ids"] == [str(suzuki.pk)] and updated.data["fields"] == ["phone"]
    assert ExternalRef.objects.filter(job=job).count() == 2  # only the refs that changed


def test_the_audit_trail_names_the_import_its_counts_and_every_record(hana, issues, monkeypatch):
    monkeypatch.setattr(log, "MAX_IDS", 2)  # several events a chunk
    job = _import(hana, _rows(), name="山田花子.csv")
    committed = AuditEvent.objects.get(action="import.committed")
    assert committed.actor_id == hana.pk
    assert committed.data["sha256"] == job.sha256
    assert committed.data["counts"]["consultation"]["created"] == 7
    assert committed.data["counts"]["person"]["created"] == 5
    for action, model in (("person.imported", Person), ("household.imported", Household),
                          ("consultation.imported", Consultation)):  # fmt: skip
        events = AuditEvent.objects.filter(action=action)
        assert all(e.target_id == str(job.pk) and e.actor_id == hana.pk for e in events)
        assert all(len(e.data["ids"]) <= 2 for e in events)
        named = {pk for e in events for pk in e.data["ids"]}
        assert named == {str(pk) for pk in model.objects.values_list("pk", flat=True)}, action
    members = AuditEvent.objects.filter(action="household.members_imported")
    assert sum(e.data["count"] for e in members) == 4
    # ids and counts only: no value of the file
    for event in AuditEvent.objects.filter(action__in=[*IMPORTED, "import.committed"]):
        text = str(event.data)
        for personal in ("山田", "花子", "佐藤", "1950", "059-354", "介護保険"):
            assert personal not in text


def test_a_second_head_for_a_household_that_exists_is_refused_by_the_dry_run(hana, issues):
    _import(hana, _rows()[:1])  # H-1 with its head
    # A second head for H-1, in the second chunk: household_member_add's rule refuses it.
    rows = [*_rows()[3:], row(consultation_ref="C-9", person_ref="P-9", name="山田 次郎",
                               kana="ヤマダ ジロウ", birth_date="1980-01-01",
                               household_ref="H-1", relationship="世帯主")]  # fmt: skip
    job = import_check(actor=hana, file_name="二人目の世帯主.csv", content=csv_bytes(rows))
    assert job.status == ImportStatus.FAILED
    assert [(p["row"], p["column"], p["message"]) for p in job.errors] == [
        (6, "続柄", "世帯主は1人だけにしてください。")
    ]


def test_a_row_refused_in_a_later_chunk_writes_nothing_at_all(hana, saki, issues):
    _import(hana, _rows()[:1])
    counts = (Person.objects.count(), Consultation.objects.count(), ExternalRef.objects.count())
    events = AuditEvent.objects.count()
    # P-1's record now belongs to another agency: changing it is refused
    # by the writer (person_update's rule) in the second chunk, after the first was written.
    Person.objects.update(agency_id=saki.agency_id)
    rows = [*_rows()[3:], {**_rows()[0], "phone": "059-999-0000"}]
    job = import_check(actor=hana, file_name="a.csv", content=csv_bytes(rows))
    assert job.status == ImportStatus.CHECKED, job.problems
    job = import_commit(actor=hana, job=job)
    assert job.status == ImportStatus.FAILED
    assert "この本人の記録は変更できません。" in job.errors[0]["message"]
    assert job.errors[0]["row"] == 6
    assert (Person.objects.count(), Consultation.objects.count(),
            ExternalRef.objects.count()) == counts  # fmt: skip
    new_events = AuditEvent.objects.order_by("seq")[events:]
    assert [e.action for e in new_events] == ["import.checked", "import.committed"]


def test_another_agencys_rows_write_nothing(hana, issues):
    rows = _rows()
    rows[4]["responsible_agency"] = "itaku-soudan-01"
    job = import_check(actor=hana, file_name="a.csv", content=csv_bytes(rows))
    assert job.status == ImportStatus.FAILED
    assert [(p["row"], p["column"]) for p in job.errors] == [(6, "担当機関コード")]
    assert not Person.objects.exists()
    assert not Consultation.objects.exists()
    assert not ExternalRef.objects.exists()
    assert not WorkItem.objects.exists()
    assert not AuditEvent.objects.filter(action__in=IMPORTED).exists()


def test_a_person_registered_by_another_agency_is_not_changed_by_a_file(hana, saki, issues):
    _import(hana, _rows()[:1])
    # The person's record now belongs to another agency (e.g. a data correction by the city).
    Person.objects.update(agency_id=saki.agency_id)
    corrected = _rows()[:1]
    corrected[0]["phone"] = "059-999-0000"
    job = import_check(actor=hana, file_name="a.csv", content=csv_bytes(corrected))
    job = import_commit(actor=hana, job=job)
    assert job.status == ImportStatus.FAILED
    assert "この本人の記録は変更できません。" in job.errors[0]["message"]
    assert Person.objects.get().phone == "059-354-0000"
