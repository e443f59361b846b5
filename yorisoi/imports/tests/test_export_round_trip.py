"""Export → import into an empty database → the same records, field by field, for Excel and
CSV; the CSV is the same bytes twice; the export imported into the same database changes
nothing. The world is made through the services, as the screens make it: 𠮷 and kana, 和暦
boundary dates, several issues with their ◎, a household with 続柄, a resolved (closed)
consultation and a continued one, and a summary a spreadsheet would take for a formula."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from yorisoi.imports import exporting
from yorisoi.imports.models import ExternalRef, ImportStatus, RecordKind
from yorisoi.imports.services import import_check, import_commit
from yorisoi.intake import services as intake
from yorisoi.intake.models import Consultation
from yorisoi.people import services as people
from yorisoi.people.models import Household, HouseholdMember, Person

TODAY = timezone.localdate()


def _at(days_ago: int):
    return timezone.make_aware(
        dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(10, 30))
    )


def build_world(hana):
    """Five people, one household of three, seven consultations of every importable kind."""
    father = people.person_create(
        actor=hana, family_name="𠮷田", given_name="一郎", family_name_kana="よしだ",
        given_name_kana="イチロウ", birth_date=dt.date(1989, 1, 7),  # 昭和64年1月7日
        sex="male", address="三重県四日市市諏訪町1-5", phone="059-354-0000",
    )  # fmt: skip
    son = people.person_create(
        actor=hana, family_name="𠮷田", given_name="次郎", family_name_kana="ヨシダ",
        given_name_kana="ジロウ", birth_date=dt.date(1989, 1, 8),  # 平成元年1月8日
        sex="male",
    )  # fmt: skip
    mother = people.person_create(
        actor=hana, family_name="𠮷田", given_name="花子", birth_date=dt.date(1950, 2, 28),
        sex="female",
    )  # fmt: skip
    alone = people.person_create(
        actor=hana, family_name="髙橋", given_name="さくら", family_name_kana="タカハシ",
        given_name_kana="サクラ", birth_date=dt.date(2019, 5, 1),  # 令和元年5月1日
        sex="female", address="四日市市\u3000北町 2-3", phone="090-1111-2222",
    )  # fmt: skip
    nameless_date = people.person_create(actor=hana, family_name="佐藤", given_name="")
    household = people.household_create(
        actor=hana,
        members=[
            people.NewMember(relationship="head", person=father),
            people.NewMember(relationship="child", person=son),
            people.NewMember(relationship="spouse", person=mother),
        ],
    )
    make = intake.consultation_create
    common = {"actor": hana, "channel": "counter", "consulter_type": "self"}
    make(**common, person=father, household=household, received_at=_at(40),
         summary="物忘れが増えた。食事がとれていない、と近所の人から。", issues=["dementia", "care", "income"],
         main_issue="care", next_action_on=TODAY + dt.timedelta(days=5), urgency="high")  # fmt: skip
    make(**common, person=son, household=household, received_at=_at(40),
         summary='就労の継続について\n"B型"の事業所、週5日', issues=["intellectual-disability"],
         next_action_on=TODAY + dt.timedelta(days=14), outcome="continued")  # fmt: skip
    make(**common, person=mother, household=household, received_at=_at(3),
         summary="=SUM(A1) ではなく、ただの文章。-それも", issues=["health-disability", "care"],
         main_issue="health-disability", resolved=True)  # fmt: skip
    make(**common, person=alone, received_at=_at(400), summary="子育ての相談、 解決済み。",
         issues=[], resolved=True, urgency="normal")  # fmt: skip
    make(**{**common, "channel": "phone", "consulter_type": "family"}, person=alone,
         received_at=_at(1), summary="ｶﾀｶﾅ半角と全角ＡＢＣ", issues=["child-rearing", "income"],
         main_issue="income", next_action_on=TODAY, urgency="urgent")  # fmt: skip
    make(**common, person=nameless_date, received_at=_at(0), summary="@から始まる",
         issues=["income"], next_action_on=TODAY + dt.timedelta(days=1))  # fmt: skip
    return household


def snapshot(agency_id) -> dict:
    """Every field the template carries, by the external id a re-import knows each record
    under (the UUID of the original, or the id it was imported under)."""
    ref = {
        (r.kind, r.record_id): r.external_id
        for r in ExternalRef.objects.filter(agency_id=agency_id)
    }
    persons = {
        ref[(RecordKind.PERSON, p.pk)]: {
            f: getattr(p, f)
            for f in ("family_name", "given_name", "family_name_kana", "given_name_kana",
                      "birth_date", "sex", "address", "phone", "agency_id")
        }
        for p in Person.objects.all()
    }  # fmt: skip
    households = {
        ref[(RecordKind.HOUSEHOLD, h.pk)]: sorted(
            (ref[(RecordKind.PERSON, m.person_id)], m.relationship)
            for m in HouseholdMember.objects.filter(household=h)
        )
        for h in Household.objects.all()
    }
    consultations = {}
    for c in Consultation.objects.prefetch_related("issue_links__issue"):
        links = c.issue_links.all()
        consultations[ref[(RecordKind.CONSULTATION, c.pk)]] = {
            "received_on": timezone.localtime(c.received_at).date(),
            "receiving_agency_id": c.receiving_agency_id,
            "responsible_agency_id": c.responsible_agency_id,
            "channel": c.channel,
            "consulter_type": c.consulter_type,
            "summary": c.summary,
            "urgency": c.urgency,
            "outcome": c.outcome,
            "closed": c.closed_at is not None,
            "issues": sorted(link.issue.code for link in links),
            "main_issue": next((link.issue.code for link in links if link.is_main), ""),
            # A resolved consultation has no next action (the import leaves it today).
            "next_action_on": None if c.outcome == "resolved" else c.next_action_on,
            "person": ref[(RecordKind.PERSON, c.person_id)],
            "household": ref.get((RecordKind.HOUSEHOLD, c.household_id)),
        }
    return {"persons": persons, "households": households, "consultations": consultations}


def export_bytes(user, file_format, **kwargs) -> bytes:
    result = exporting.records_export(
        actor=user, agency=user.agency, file_format=file_format, **kwargs
    )
    return result.file.read()


def import_file(user, content, name):
    job = import_check(actor=user, file_name=name, content=content)
    assert job.status == ImportStatus.CHECKED, job.problems
    done = import_commit(actor=user, job=job)
    assert done.status == ImportStatus.COMMITTED, done.problems
    return done


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_export_imported_into_an_empty_database_gives_the_same_records(
    hana, issues, file_format
):
    with transaction.atomic():
        build_world(hana)
        content = export_bytes(hana, file_format)
        before = snapshot(hana.agency_id)
        transaction.set_rollback(True)  # the empty database: master data and users only
    assert not Person.objects.exists()
    assert not Consultation.objects.exists()

    import_file(hana, content, f"書き出し.{file_format}")
    after = snapshot(hana.agency_id)
    assert len(before["consultations"]) == 6
    for kind in ("persons", "households", "consultations"):
        assert after[kind].keys() == before[kind].keys()
        for key, fields in before[kind].items():
            assert after[kind][key] == fields, (kind, key)
    # And the new database exports the same rows (in an order of its own where two were
    # received on the same day: the ids break the tie).
    if file_format == "csv":
        lines = export_bytes(hana, "csv").decode("utf-8-sig").splitlines()
        assert sorted(lines) == sorted(content.decode("utf-8-sig").splitlines())


def test_exporting_twice_gives_the_same_bytes(hana, issues):
    build_world(hana)
    first = export_bytes(hana, "csv")
    assert first.startswith(b"\xef\xbb\xbf")
    assert export_bytes(hana, "csv") == first
    assert "𠮷田 一郎".encode() in first
    # The formula is quoted for Excel, and the import takes the quote off again.
    assert b"'=SUM(A1)" in first


def test_importing_the_export_into_the_same_database_changes_nothing(hana, issues):
    build_world(hana)
    before = snapshot_versions()
    for file_format in ("xlsx", "csv"):
        content = export_bytes(hana, file_format)
        job = import_check(actor=hana, file_name=f"a.{file_format}", content=content)
        assert job.status == ImportStatus.CHECKED, job.problems
        assert not job.changes_anything, (job.counts, job.changes)
        assert job.counts["consultation"] == {"created": 0, "updated": 0, "unchanged": 6}
        assert job.counts["person"] == {"created": 0, "updated": 0, "unchanged": 5}
        import_commit(actor=hana, job=job)
        assert snapshot_versions() == before


def snapshot_versions():
    return (
        sorted(Person.objects.values_list("pk", "version")),
        sorted(Household.objects.values_list("pk", "version")),
        sorted(HouseholdMember.objects.values_list("pk", "relationship")),
        sorted(Consultation.objects.values_list("pk", "version")),
    )


def test_a_date_range_exports_the_consultations_received_in_it(hana, issues):
    build_world(hana)
    content = export_bytes(
        hana, "csv", received_from=TODAY - dt.timedelta(days=3), received_to=TODAY - dt.timedelta(days=1)
    )  # fmt: skip
    lines = content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 2


def test_cp932_when_every_character_fits_else_utf8_and_why(hana, issues):
    build_world(hana)
    Person.objects.filter(family_name="𠮷田").update(family_name="吉田")
    result = exporting.records_export(
        actor=hana, agency=hana.agency, file_format="csv", encoding="cp932"
    )
    assert result.encoding == "CP932"
    assert result.note == ""
    content = result.file.read()
    assert content.decode("cp932").startswith("相談の外部ID,")
    job = import_check(actor=hana, file_name="a.csv", content=content)
    assert job.encoding == "CP932"
    assert not job.changes_anything, job.changes

    Person.objects.filter(family_name="吉田").update(family_name="𠮷田")
    result = exporting.records_export(
        actor=hana, agency=hana.agency, file_format="csv", encoding="cp932"
    )
    assert result.encoding == "UTF-8 (BOM)"
    assert result.not_cp932 == (3, "氏名")  # 𠮷, on the second row (the oldest is 髙橋: CP932)
    assert "UTF-8" in result.note and "𠮷" not in result.note.replace("𠮷など", "")
    assert result.file.read().startswith(b"\xef\xbb\xbf")


def test_every_export_is_audited_with_the_records_it_carried(hana, issues):
    from yorisoi.audit.models import AuditEvent

    build_world(hana)
    export_bytes(hana, "xlsx")
    summary = AuditEvent.objects.get(action="import.exported")
    assert summary.data["rows"] == 6
    assert summary.data["format"] == "xlsx"
    named = AuditEvent.objects.get(action="consultation.exported")
    assert sorted(named.data["ids"]) == sorted(
        str(pk) for pk in Consultation.objects.values_list("pk", flat=True)
    )
    assert AuditEvent.objects.get(action="person.exported").data["count"] == 5
    assert "𠮷" not in str([e.data for e in AuditEvent.objects.filter(action__endswith="exported")])


def test_memory_and_queries_do_not_grow_with_the_rows(
    hana, issues, django_assert_max_num_queries, monkeypatch
):
    """Three chunks cost the queries of a chunk three times, not one a row."""
    monkeypatch.setattr(exporting, "CHUNK", 2)
    build_world(hana)
    # Per chunk: the page, its issues, households, refs, ref inserts, two audit appends (each
    # a lock, a head and an insert); once: the policy check, agencies and issues (active, and
    # all codes), the summary.
    with django_assert_max_num_queries(60):
        export_bytes(hana, "csv")
