"""What only PostgreSQL shows (two connections at once): a long commit's progress is seen by
the job's page while its transaction is still open, and a job is committed once when two
workers take it at the same moment. SQLite lets one transaction write at a time."""

import threading

import pytest
from django.db import connection, connections

from yorisoi.errors import RuleViolation
from yorisoi.imports import writing
from yorisoi.imports.models import ImportJob, ImportStatus
from yorisoi.imports.services import import_check, run_commit
from yorisoi.intake.models import Consultation

from .conftest import csv_bytes, row

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two writing connections at once: SQLite serialises writers",
    ),
    pytest.mark.django_db(transaction=True),
]


def _checked_job(hana, rows=5):
    content = csv_bytes([row(consultation_ref=f"C-{n}") for n in range(rows)])
    job = import_check(actor=hana, file_name="相談.csv", content=content)
    assert job.status == ImportStatus.CHECKED, job.problems
    return job


def test_a_long_commit_shows_its_progress_while_it_runs(
    transactional_db, hana, issues, monkeypatch
):
    monkeypatch.setattr(writing, "CHUNK", 2)
    job = _checked_job(hana)
    page = connections.create_connection("default")  # another request, reading the job
    seen = []
    write = writing.write

    def watched(plan, *, progress, **kwargs):
        def told(n):
            progress(n)
            with page.cursor() as cursor:
                cursor.execute("SELECT progress FROM imports_importjob WHERE id = %s", [job.pk])
                seen.append(cursor.fetchone()[0])

        return write(plan, progress=told, **kwargs)

    monkeypatch.setattr(writing, "write", watched)
    try:
        done = run_commit(job, actor=hana)
    finally:
        page.close()
    assert done.status == ImportStatus.COMMITTED
    assert seen == [2, 4, 5]
    assert ImportJob.objects.get(pk=job.pk).progress == 5


def test_two_workers_taking_one_job_commit_it_once(transactional_db, hana, issues):
    job = _checked_job(hana, rows=3)
    barrier = threading.Barrier(2)
    results = []

    def commit():
        try:
            barrier.wait(timeout=10)
            results.append(run_commit(ImportJob.objects.get(pk=job.pk), actor=hana).status)
        except RuleViolation as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["committed", "not_checked"]
    assert Consultation.objects.count() == 3
