"""Identity (名寄せ): people in a file are matched against each other and against the people
already registered, with the linkage engine's search before create; likely duplicates are
listed in the preview and never merged. One the importer may not see is never named: it
becomes the coordinator's review item once the file is written."""

import datetime as dt

from yorisoi.directory.models import Agency
from yorisoi.imports.models import ImportStatus
from yorisoi.imports.services import import_check, import_commit
from yorisoi.people.identity.models import MatchCandidate
from yorisoi.people.models import Person
from yorisoi.testing import PersonFactory

from .conftest import csv_bytes, row


def test_two_rows_of_the_same_person_under_two_ids_are_listed(hana, issues):
    rows = [row(), row(consultation_ref="C-2", person_ref="P-9", name="山田　花子")]
    job = import_check(actor=hana, file_name="a.csv", content=csv_bytes(rows))
    assert job.status == ImportStatus.CHECKED
    assert {"row": 3, "other_row": 2} in job.matches
    import_commit(actor=hana, job=job)
    assert Person.objects.count() == 2  # listed, never merged


def test_a_registered_person_the_importer_may_see_is_listed(hana, issues):
    known = PersonFactory(
        agency=hana.agency, family_name="山田", given_name="花子",
        family_name_kana="ヤマダ", given_name_kana="ハナコ", birth_date=dt.date(1950, 4, 1),
    )  # fmt: skip
    job = import_check(actor=hana, file_name="a.csv", content=csv_bytes([row()]))
    assert {"row": 2, "person_id": str(known.pk)} in job.matches
    assert Person.objects.count() == 1


def test_a_match_at_an_agency_the_importer_cannot_see_goes_to_the_coordinator(hana, issues):
    PersonFactory(
        agency=Agency.objects.get(code="itaku-soudan-01"), family_name="山田",
        given_name="花子", family_name_kana="ヤマダ", given_name_kana="ハナコ",
        birth_date=dt.date(1950, 4, 1),
    )  # fmt: skip
    job = import_check(actor=hana, file_name="a.csv", content=csv_bytes([row()]))
    assert job.matches == [{"row": 2, "hidden": True}]
    import_commit(actor=hana, job=job)
    assert MatchCandidate.objects.count() == 1
