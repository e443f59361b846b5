"""One world for the whole matrix, built once (about two seconds: every kind of record hangs on
the same cases) inside a transaction that is rolled back after the package's last cell. Every
cell runs in a savepoint of its own (pytest-django's `db`), and each door inside a savepoint of
that, so what one door changes neither the other door nor any other cell sees."""

import logging

import pytest
from django.db import transaction

from yorisoi.testing import load_master_data

from . import world as world_module


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    # Hundreds of cells answer 403 or 404 by design: Django would log each with its traceback.
    requests = logging.getLogger("django.request")
    level = requests.level
    requests.setLevel(logging.ERROR)
    with django_db_blocker.unblock(), transaction.atomic():
        load_master_data()  # a transactional test elsewhere may have flushed it
        yield world_module.build()
        transaction.set_rollback(True)
    requests.setLevel(level)
