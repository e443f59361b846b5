"""Background work of 名寄せ (django-tasks, run by `manage.py db_worker`). Idempotent: a run
scores the people registered or changed since the last one (services.watermark)."""

from django_tasks import task

from . import services


@task()
def score_match_candidates() -> dict:
    """Fill the coordinator's duplicate review queue (nightly; `manage.py score_matches` on
    demand)."""
    run = services.candidates_score()
    return {
        "scored": run.people_scored,
        "new": run.candidates_new,
        "updated": run.candidates_updated,
    }
