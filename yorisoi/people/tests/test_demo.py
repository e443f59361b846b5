"""The demo population (`manage.py load_demo`): fictional, realistic, loadable twice."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from yorisoi.accounts.models import Role, User
from yorisoi.directory.models import Agency
from yorisoi.people import demo, names, selectors
from yorisoi.people.models import Household, HouseholdMember, Language, Person, Relationship

HOUSEHOLDS = 40


def load_demo(**options):
    out = StringIO()
    call_command("load_demo", households=HOUSEHOLDS, seed=7, stdout=out, **options)
    return out.getvalue()


def counts():
    return (
        User.objects.count(),
        Person.objects.count(),
        Household.objects.count(),
        HouseholdMember.objects.count(),
    )


@pytest.fixture
def population(master):
    load_demo()


def staff_of(agency):
    user = User(username=f"staff-{agency.code}", role=Role.STAFF, agency=agency)
    user.set_unusable_password()
    user.save()
    return user


def test_loading_twice_adds_nothing_the_second_time(master):
    load_demo()
    first = counts()
    assert first[2] == HOUSEHOLDS + 1  # and the household of the plan's worked example 1

    output = load_demo()

    assert counts() == first
    assert "作成済み" in output


def test_refuses_to_run_before_master_data(db):
    Agency.objects.all().delete()  # the session loads master data; this test needs none

    with pytest.raises(CommandError, match="load_master"):
        load_demo()


def test_every_household_has_members_and_exactly_one_head(population):
    for household in Household.objects.prefetch_related("memberships"):
        relationships = [m.relationship for m in household.memberships.all()]
        assert relationships, household
        assert relationships.count(Relationship.HEAD) == 1, household


def test_every_record_is_marked_fictional_and_passes_model_validation(population):
    for person in Person.objects.all():
        assert person.notes.startswith(demo.DEMO_MARK)
        person.full_clean()
    for household in Household.objects.all():
        assert household.notes.startswith(demo.DEMO_MARK)
        household.full_clean()


def test_kana_is_kana_and_the_reading_of_the_family_name(population):
    for person in Person.objects.all():
        assert person.family_name_kana and person.given_name_kana, person
        assert names.kana_error(person.family_name_kana) is None, person
        assert names.kana_error(person.given_name_kana) is None, person
        assert demo.reading_of(person.family_name) == person.family_name_kana, person


def test_there_are_8050_households(population):
    found = 0
    for household in Household.objects.prefetch_related("memberships__person"):
        members = household.memberships.all()
        parent_in_80s = any(
            m.relationship in (Relationship.HEAD, Relationship.SPOUSE) and 80 <= m.person.age <= 89
            for m in members
        )
        child_in_50s = any(
            m.relationship == Relationship.CHILD and 50 <= m.person.age <= 59 for m in members
        )
        found += parent_in_80s and child_in_50s
    assert found >= 1


def test_children_are_younger_than_the_head_who_is_their_parent(population):
    for membership in HouseholdMember.objects.filter(relationship=Relationship.CHILD):
        head = membership.household.memberships.get(relationship=Relationship.HEAD).person
        if head.preferred_language == Language.JA and membership.person.family_name == (
            head.family_name
        ):
            assert membership.person.age <= head.age - 15, membership.household


def test_some_household_has_a_foreign_resident_member(master):
    call_command("load_demo", households=120, seed=7, stdout=StringIO())
    languages = set(Person.objects.values_list("preferred_language", flat=True))
    assert languages & {Language.PT, Language.VI, Language.TL, Language.ZH}


def test_every_variant_spelling_folds_to_its_standard_form():
    for standard, variants in demo.VARIANT_SPELLINGS.items():
        for variant in variants:
            assert names.normalize_for_search(variant) == names.normalize_for_search(standard)


def test_searching_the_standard_form_finds_the_variant_spelling(population):
    variant_to_standard = {v: s for s, vs in demo.VARIANT_SPELLINGS.items() for v in vs}
    person = next(p for p in Person.objects.order_by("id") if p.family_name in variant_to_standard)
    standard = variant_to_standard[person.family_name]

    found = selectors.person_search(user=staff_of(person.agency), query=standard)

    assert person in found
    assert standard not in person.family_name


def test_the_demo_accounts_each_open_onto_dozens_of_people(master):
    call_command("load_demo", stdout=StringIO())  # the size `make run` loads

    for username in ("homecare", "coordinator"):
        user = User.objects.get(username=username)
        assert selectors.person_search(user=user).count() >= 24, username
    disability = User.objects.get(username="disability")
    assert selectors.person_search(user=disability).exists()


def test_agencies_argument_puts_everyone_in_those_agencies(master):
    agency = Agency.objects.get(code="zaitaku-kaigo-05")

    result = demo.generate_population(households=15, seed=1, agencies=[agency])

    assert result["households"] == 15
    assert set(Person.objects.values_list("agency", flat=True)) == {agency.pk}
    assert Person.objects.count() == result["people"]


def test_same_seed_gives_the_same_people(master):
    demo.generate_population(households=10, seed=3)
    first = sorted(Person.objects.values_list("family_name", "given_name", "address"))
    HouseholdMember.objects.all().delete()
    Person.objects.all().delete()
    Household.objects.all().delete()
    demo.generate_population(households=10, seed=3)
    assert sorted(Person.objects.values_list("family_name", "given_name", "address")) == first
