"""yorisoi.bulk writes exactly the rows Django's own save and bulk_create_with_history write:
every column read back equal, on SQLite and PostgreSQL (UUIDs, foreign keys to UUID and integer
keys, aware times, dates, choices given as enum members, JSON, nulls), and the same history."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from yorisoi import bulk
from yorisoi.imports.models import ExternalRef, ImportJob, RecordKind
from yorisoi.intake import services as intake
from yorisoi.intake.models import Channel, Consultation, ConsulterType
from yorisoi.people.models import Household, HouseholdMember, Person
from yorisoi.resources.models import Organization
from yorisoi.testing import PersonFactory


def _columns(obj, *, skip=("id",)):
    """Every column of the row as the database gives it back."""
    model = type(obj)
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
    return model.objects.filter(pk=obj.pk).values(*names).get()


def _copy(obj, **changes):
    """A new instance of obj's model with obj's values (a new UUID key), not saved."""
    model = type(obj)
    values = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
    values.update(changes)
    return model(**values)


@pytest.fixture
def consultation(hana, issues):
    person = PersonFactory(agency=hana.agency, created_by=hana, birth_date=dt.date(1950, 4, 1))
    return intake.consultation_create(
        actor=hana,
        person=person,
        channel=Channel.PHONE,  # an enum member, as the import gives it
        consulter_type=ConsulterType.SELF,
        summary="𠮷野家の前で会った。",
        issues=["care", "income"],
        main_issue="care",
        next_action_on=timezone.localdate() + dt.timedelta(days=3),
    )


def test_a_row_inserted_reads_back_as_the_orm_saved_it(consultation):
    saved = Consultation.objects.get(pk=consultation.pk)
    copy = _copy(saved, id=uuid.uuid4())
    assert bulk.insert([copy]) == 1
    assert _columns(copy) == _columns(saved)
    # and the model reads it back with the same types
    again = Consultation.objects.get(pk=copy.pk)
    assert again.received_at == saved.received_at and again.received_at.tzinfo is not None
    assert again.next_action_on == saved.next_action_on
    assert again.channel == Channel.PHONE


def test_links_and_refs_without_model_instances(consultation, hana):
    other = _copy(consultation, id=uuid.uuid4())
    bulk.insert([other])
    links = list(consultation.issue_links.order_by("issue_id"))
    bulk.insert([_copy(link, id=None, consultation_id=other.pk) for link in links])
    assert [(i.issue_id, i.is_main) for i in other.issue_links.order_by("issue_id")] == [
        (i.issue_id, i.is_main) for i in links
    ]
    job = ImportJob.objects.create(
        created_by=hana, agency=hana.agency, file_name="a.csv", sha256="0" * 64, file_format="csv"
    )
    now = timezone.now()
    values = SimpleNamespace(
        agency_id=hana.agency_id, kind=RecordKind.PERSON, external_id="P-1",
        record_id=consultation.person_id, fingerprints={"名前": "ab12", "n": 1},
        job_id=job.pk, updated_at=now,
    )  # fmt: skip
    bulk.insert([values], model=ExternalRef)
    ref = ExternalRef.objects.get(external_id="P-1")
    assert (ref.kind, ref.record_id, ref.fingerprints, ref.job_id, ref.updated_at) == (
        RecordKind.PERSON, consultation.person_id, {"名前": "ab12", "n": 1}, job.pk, now
    )  # fmt: skip


def test_history_as_simple_history_writes_it(hana, master):
    saved = PersonFactory(agency=hana.agency, created_by=hana, family_name="𠮷田")
    ours, theirs = _copy(saved, id=uuid.uuid4()), _copy(saved, id=uuid.uuid4())
    bulk.insert_with_history([ours], user=hana)
    bulk_create_with_history([theirs], Person, default_user=hana)
    assert _columns(ours) == _columns(theirs)
    skip = ("id", "history_id", "history_date")
    assert _columns(ours.history.get(), skip=skip) == _columns(theirs.history.get(), skip=skip)
    assert (ours.history.get().id, ours.history.get().history_user_id) == (ours.pk, hana.pk)


def test_an_auto_key_model_gets_its_keys_for_its_history(hana, master):
    household = Household(agency=hana.agency, created_by=hana)
    bulk.insert_with_history([household], user=hana)
    person = PersonFactory(agency=hana.agency, created_by=hana)
    member = HouseholdMember(household=household, person=person, relationship="head", order=1)
    bulk.insert_with_history([member], user=hana)
    assert member.pk is not None
    history = HouseholdMember.history.get()
    assert (history.id, history.household_id, history.history_type, history.history_user_id) == (
        member.pk, household.pk, "+", hana.pk
    )  # fmt: skip
    assert Household.history.get().history_user_id == hana.pk


def test_nothing_to_insert_runs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.insert([]) == 0
        assert bulk.insert_with_history([], user=None) == 0


def test_auto_now_fields_are_stamped(db):
    before = timezone.now()
    organization = Organization(name="NPO法人テスト")
    bulk.insert([organization])
    stored = Organization.objects.get(pk=organization.pk)
    assert stored.created_at >= before and stored.updated_at >= before


def test_build_makes_the_instance_the_model_makes(consultation, hana):
    """bulk.build is Model(**values) made faster: every concrete field the same (defaults
    included), a related object given by name cached on it, callable defaults called anew."""
    given = {
        "received_at": consultation.received_at,
        "channel": Channel.VISIT,
        "consulter_type": ConsulterType.FAMILY,
        "summary": "隣の人から",
        "person_id": consultation.person_id,
        "receiving_agency_id": hana.agency_id,
        "responsible_agency_id": hana.agency_id,
        "created_by": hana,
        "holder": hana,
        "next_action_on": consultation.next_action_on,
    }
    built, made = bulk.build(Consultation, **given), Consultation(**given)
    skip = {"id", "created_at", "last_activity_at"}  # a new UUID and now(), both called each time
    for f in Consultation._meta.concrete_fields:
        if f.attname not in skip:
            assert getattr(built, f.attname) == getattr(made, f.attname), f.attname
    assert built.pk != made.pk and built.pk is not None
    assert built._state.adding and built.created_by is hana  # no query: cached as given
    assert bulk.insert([built]) == 1
    assert Consultation.objects.get(pk=built.pk).holder_id == hana.pk
