"""Pytest plugin (loaded by the root conftest.py): the small world every test builds on.

Master data and one persona per role.

Personas (STYLE.md habit 16):
- hana      — staff at a home-care support centre (在宅介護支援センター); owns her agency's records
- masaki    — manager at the same centre
- ichiro    — coordinator at 福祉総務課
- saki      — staff at a commissioned disability counselling office: the outsider
- kazuko    — 民生委員・児童委員
- ken       — analyst (aggregates only)
- osamu     — system administrator (users and master data, never personal records)
"""

import importlib

import factory
import pytest
from django.apps import apps
from django.db import connections
from django.db.models.signals import post_migrate
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
    # Data that migrations load (flushed away by transactional tests too).
    from yorisoi.outreach import categories
    from yorisoi.outreach.models import OutreachCategory
    from yorisoi.resources import taxonomy
    from yorisoi.resources.models import TaxonomyTerm

    if not TaxonomyTerm.objects.exists():
        taxonomy.load()
    if not OutreachCategory.objects.exists():
        categories.load()


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
def tomoko(master):
    """Staff at 地域包括支援センター 北部 (community general support centre)."""
    return _user("tomoko", Role.STAFF, "chiiki-houkatsu-01")


@pytest.fixture
def jun(master):
    """Staff at 障害福祉課 (disability welfare division)."""
    return _user("jun", Role.STAFF, "shougai-fukushi-ka")


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


_triggers = importlib.import_module("yorisoi.audit.migrations.0002_append_only_triggers")
_TRIGGERS_UP = {"sqlite": _triggers.SQLITE_UP, "postgresql": _triggers.POSTGRES_UP}
_TRIGGERS_DOWN = {"sqlite": _triggers.SQLITE_DOWN, "postgresql": _triggers.POSTGRES_DOWN}


def _execute(connection, statements_by_vendor):
    with connection.cursor() as cursor:
        for sql in statements_by_vendor.get(connection.vendor, []):
            cursor.execute(sql)


@pytest.fixture(autouse=True)
def _audit_log_flushable(request):
    """Let pytest-django empty the append-only audit table after each transactional test.

    The audit table refuses DELETE and TRUNCATE through database triggers (R6, migration
    audit/0002), and live_server tests are transactional: pytest-django flushes every table
    after each test, which those triggers refuse. So the triggers are dropped just before the
    flush (this teardown runs first) and put back by _restore_audit_triggers right after it.
    While a test runs they are in force, as in production. The SQL is the migration's own.
    """
    marker = request.node.get_closest_marker("django_db")
    by_marker = bool(marker and marker.kwargs.get("transaction"))
    if not by_marker and not {"transactional_db", "live_server"} & set(request.fixturenames):
        yield
        return
    if not by_marker:
        request.getfixturevalue("transactional_db")  # set up first, so flushed after teardown
    yield
    _execute(connections["default"], _TRIGGERS_DOWN)


def _restore_audit_triggers(using, **kwargs):
    # Django's flush (as used between transactional tests) ends by sending post_migrate.
    # Also runs after the test database is migrated, where it changes nothing.
    connection = connections[using]
    _execute(connection, _TRIGGERS_DOWN)  # SQLite has no CREATE OR REPLACE TRIGGER
    _execute(connection, _TRIGGERS_UP)


post_migrate.connect(
    _restore_audit_triggers,
    sender=apps.get_app_config("audit"),
    dispatch_uid="yorisoi.tests.restore_audit_triggers",
)
