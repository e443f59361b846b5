"""Reads of import jobs, always through the policy (access.visible_import_jobs)."""

from django.shortcuts import get_object_or_404

from yorisoi import access


def import_job(*, user, job_id):
    return get_object_or_404(access.visible_import_jobs(user), pk=job_id)


def recent_import_jobs(*, user, limit=20):
    return access.visible_import_jobs(user).select_related("created_by")[:limit]
