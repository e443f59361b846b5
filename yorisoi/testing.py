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
- tomoko    — staff at 地域包括支援センター 北部 (community general support centre)
- jun       — staff at 障害福祉課 (disability welfare division)
"""

import importlib
from datetime import time

import factory
import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connections
from django.db.models.signals import post_migrate
from django.test import Client
from django.utils import timezone

from yorisoi.accounts.models import Role, User
from yorisoi.directory import loader
from yorisoi.directory.models import Agency, District
from yorisoi.outreach import categories
from yorisoi.outreach.models import OutreachCategory
from yorisoi.people.models import Person
from yorisoi.resources import models as resources
from yorisoi.resources import taxonomy


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Master data once per session; each test's transaction rolls back over it.
    with django_db_blocker.unblock():
        loader.load()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests that check the production hasher read settings.py.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def second_factor_optional(settings):
    """Most tests are about what a signed-in user may do, not about signing in: they run as
    `make run`'s demo does (YORISOI_MFA=optional). The sign-in tests (accounts/tests/test_mfa.py,
    tests/e2e/test_sign_in_security.py) set "required", the production default."""
    settings.YORISOI_MFA = "optional"


@pytest.fixture(autouse=True)
def api_calls_uncounted():
    """The API's throttle (api.ApiThrottle) counts each user's calls in Django's cache, which
    outlives a test, and on SQLite a user's id comes back in the next test: every test starts
    with no calls counted. Tests of the throttle set settings.YORISOI_API_RATE themselves."""
    cache.clear()


def load_master_data():
    """Master data, and the data migrations load, unless already there: transactional tests
    (browser tests) flush every table afterwards."""
    if not Agency.objects.exists():
        loader.load()
    if not resources.TaxonomyTerm.objects.exists():
        taxonomy.load()
    if not OutreachCategory.objects.exists():
        categories.load()


@pytest.fixture
def master(db):
    load_master_data()


def make_user(username, role, agency_code):
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


# The agencies the test worlds name by a letter (front/tests/leak_world.py, front/tests/doors).
AGENCIES = {
    "A": "zaitaku-kaigo-01",
    "C": "fukushi-soumu-ka",
    "S": "itaku-soudan-01",
    "T": "chiiki-houkatsu-01",
    "J": "shougai-fukushi-ka",
    "V": "minsei-iin-tomisuhara",
    "X": "zaitaku-kaigo-02",
    "Y": "chiiki-houkatsu-02",
}

# Each persona is a fixture of its own name (hana, masaki, …): a user of that role and agency.
PERSONAS = {
    "hana": (Role.STAFF, "zaitaku-kaigo-01"),
    "masaki": (Role.MANAGER, "zaitaku-kaigo-01"),
    "ichiro": (Role.COORDINATOR, "fukushi-soumu-ka"),
    "saki": (Role.STAFF, "itaku-soudan-01"),
    "kazuko": (Role.VOLUNTEER, "minsei-iin-tomisuhara"),
    "ken": (Role.ANALYST, "fukushi-soumu-ka"),
    "osamu": (Role.ADMIN, "fukushi-soumu-ka"),
    "tomoko": (Role.STAFF, "chiiki-houkatsu-01"),
    "jun": (Role.STAFF, "shougai-fukushi-ka"),
}


def _persona(username):
    role, agency_code = PERSONAS[username]

    def persona(master):
        return make_user(username, role, agency_code)

    return pytest.fixture(persona, name=username)


for _username in PERSONAS:  # one fixture a row: adding a persona is adding its row
    globals()[_username] = _persona(_username)


@pytest.fixture
def personas(hana, masaki, ichiro, saki, kazuko, ken, osamu):
    return {user.username: user for user in (hana, masaki, ichiro, saki, kazuko, ken, osamu)}


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


def resource(name, *, category, where, byday, opens=time(10), closes=time(15), fee=0,
             capacity=10, available=None, accessibility="",
             status=resources.ServiceStatus.ACTIVE):  # fmt: skip
    """A social resource of NPO法人テスト (public information): one service at one place in the
    district `where`, open on `byday` from `opens` to `closes`, filed under the term `category`,
    with `available` places free (all of them unless said) of `capacity` people."""
    org, _ = resources.Organization.objects.get_or_create(name="NPO法人テスト")
    service = resources.Service.objects.create(
        organization=org, name=name, fee_amount=fee, status=status
    )
    if capacity is not None:
        resources.ServiceCapacity.objects.create(
            service=service, unit=resources.CapacityUnit.person(), maximum=capacity,
            available=capacity if available is None else available, updated=timezone.now(),
        )  # fmt: skip
    location = resources.Location.objects.create(
        name=f"{name}の場所", district=District.objects.get(code=where), accessibility=accessibility
    )
    resources.ServiceAtLocation.objects.create(service=service, location=location)
    resources.Schedule.objects.create(
        service=service, byday=byday, opens_at=opens, closes_at=closes
    )
    resources.ServiceTaxonomy.objects.create(
        service=service, taxonomy_term=resources.TaxonomyTerm.objects.get(code=category)
    )
    return service


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
