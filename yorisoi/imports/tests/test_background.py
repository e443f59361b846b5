"""A large file is checked and committed by the background task (django-tasks), and the job
page shows its progress until it is done."""

from django.urls import reverse

from yorisoi.imports import tasks
from yorisoi.imports.models import ImportJob, ImportStatus
from yorisoi.imports.services import import_check, import_commit
from yorisoi.people.models import Person
from yorisoi.testing import client_for

from .conftest import csv_bytes, row


def test_a_large_file_is_checked_then_committed_in_the_background(
    hana, issues, django_capture_on_commit_callbacks
):
    content = csv_bytes([row(), row(consultation_ref="C-2")])
    with django_capture_on_commit_callbacks() as queued:
        job = import_check(actor=hana, file_name="a.csv", content=content, background=True)
    assert job.status == ImportStatus.CHECKING
    assert len(queued) == 1
    page = client_for(hana).get(reverse("imports:job_detail", args=[job.pk]))
    assert "確認中" in page.content.decode()
    assert 'hx-trigger="every 2s"' in page.content.decode()

    assert tasks.check_import.call(str(job.pk)) == ImportStatus.CHECKED
    job.refresh_from_db()
    assert job.rows == job.progress == 2
    with django_capture_on_commit_callbacks() as queued:
        job = import_commit(actor=hana, job=job, background=True)
    assert job.status == ImportStatus.COMMITTING
    assert not Person.objects.exists()
    assert tasks.commit_import.call(str(job.pk)) == ImportStatus.COMMITTED
    assert Person.objects.count() == 1


def test_the_page_refreshes_once_the_job_is_done(hana, issues):
    job = import_check(actor=hana, file_name="a.csv", content=csv_bytes([row()]))
    response = client_for(hana).get(
        reverse("imports:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"


def test_a_task_for_a_user_who_left_the_agency_fails(hana, issues):
    job = import_check(actor=hana, file_name="a.csv", content=csv_bytes([row()]), background=True)
    hana.agency_id = job.agency.__class__.objects.exclude(pk=job.agency_id).first().pk
    hana.save()
    assert tasks.check_import.call(str(job.pk)) == ImportStatus.FAILED
    assert bytes(ImportJob.objects.get(pk=job.pk).content) == b""
