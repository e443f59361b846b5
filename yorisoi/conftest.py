"""The small world every test builds on: master data and one persona per role.

Personas (STYLE.md habit 16):
- hana      — staff at a home-care support centre (在宅介護支援センター); owns her agency's records
- masaki    — manager at the same centre
- ichiro    — coordinator at 福祉総務課
- saki      — staff at a commissioned disability counselling office: the outsider
- kazuko    — 民生委員・児童委員
- ken       — analyst (aggregates only)
- osamu     — system administrator (users and master data, never personal records)
"""

import factory
import pytest
from django.test import Client

from yorisoi.accounts.models import Role, User
from yorisoi.directory import loader
from yorisoi.directory.models import Agency
from yorisoi.people.models import Person


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Master data once per session; each test's transaction rolls back over it.
    with django_db_blocker.unblock():
        loader.load()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests that check the production hasher read settings.py.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def master(db):
    # Transactional tests (browser tests) flush every table afterwards: load again if so.
    if not Agency.objects.exists():
        loader.load()


def _user(username, role, agency_code):
    user = User(
        username=username,
        display_name=username,
        role=role,
        agency=Agency.objects.get(code=agency_code),
        is_staff=role == Role.ADMIN,
    )
    user.set_password("correct-horse-battery-staple")
    user.full_clean()
    user.save()
    return user


@pytest.fixture
def hana(master):
    return _user("hana", Role.STAFF, "zaitaku-kaigo-01")


@pytest.fixture
def masaki(master):
    return _user("masaki", Role.MANAGER, "zaitaku-kaigo-01")


@pytest.fixture
def ichiro(master):
    return _user("ichiro", Role.COORDINATOR, "fukushi-soumu-ka")


@pytest.fixture
def saki(master):
    return _user("saki", Role.STAFF, "itaku-soudan-01")


@pytest.fixture
def kazuko(master):
    return _user("kazuko", Role.VOLUNTEER, "minsei-iin-tomisuhara")


@pytest.fixture
def ken(master):
    return _user("ken", Role.ANALYST, "fukushi-soumu-ka")


@pytest.fixture
def osamu(master):
    return _user("osamu", Role.ADMIN, "fukushi-soumu-ka")


@pytest.fixture
def personas(hana, masaki, ichiro, saki, kazuko, ken, osamu):
    return {
        "hana": hana,
        "masaki": masaki,
        "ichiro": ichiro,
        "saki": saki,
        "kazuko": kazuko,
        "ken": ken,
        "osamu": osamu,
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class PersonFactory(factory.django.DjangoModelFactory):
    """A fictional person registered by `agency` (pass agency=…); search keys filled in."""

    class Meta:
        model = Person

    family_name = factory.Faker("last_name", locale="ja_JP")
    given_name = factory.Faker("first_name", locale="ja_JP")
    family_name_kana = factory.Faker("last_kana_name", locale="ja_JP")
    given_name_kana = factory.Faker("first_kana_name", locale="ja_JP")
    birth_date = factory.Faker("date_of_birth", minimum_age=0, maximum_age=100)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        person = model_class(*args, **kwargs)
        person.refresh_search_keys()
        person.save()
        return person
