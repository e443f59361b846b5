"""Background work of the audit trail (django-tasks, queued each morning by
`manage.py enqueue_daily_jobs`, run by `manage.py db_worker`)."""

from django_tasks import task

from . import chain


@task()
def anchor_audit_chain() -> dict | None:
    """Write today's anchor: the head of the audit chain (count and hash) appended to a file
    outside the database (settings.YORISOI_AUDIT_ANCHOR_DIR), so that rewriting the history
    in the database alone is caught by `manage.py audit_verify`. Once a day: a second run on
    the same day writes nothing."""
    return chain.anchor_write()
