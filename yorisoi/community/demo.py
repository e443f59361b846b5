"""A year of fictional community-building figures for `make run` (counts only, no people).

    from yorisoi.community import demo
    demo.generate_activities(seed=1)

Needs the programs and sites (load_community) and a casework user to record as (the demo's
coordinator by default). Everything goes through the services, so the audit trail shows it.
Running it again adds nothing: entries carry DEMO_NOTE.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import Role, User

from . import services
from .models import Activity, ActivityKind, CommunityProgram, Site

DEMO_NOTE = "【デモ】架空の件数"

# Per program: the kinds of activity its sites hold and a typical attendance.
PROFILE = {
    "kaigo-yobou": ([ActivityKind.EXERCISE, ActivityKind.SALON], (8, 25), (1, 4)),
    "seikatsu-shien": ([ActivityKind.FORUM, ActivityKind.GATHERING], (6, 20), (0, 3)),
    "kosodate-kyoten": ([ActivityKind.PLAYROOM, ActivityKind.CONSULTATION], (5, 30), (0, 2)),
    "chiiki-katsudou": ([ActivityKind.GATHERING, ActivityKind.COURSE], (4, 15), (1, 5)),
    "konkyu-chiiki": ([ActivityKind.COURSE, ActivityKind.GATHERING], (10, 40), (2, 8)),
}


def _actor():
    return User.objects.filter(role=Role.COORDINATOR, is_active=True).order_by("pk").first()


@transaction.atomic
def generate_activities(seed: int = 1, *, actor=None, days: int = 365) -> int:
    """Twice a month per active site over the last `days` days, plus each program's trainings.
    Returns how many activities were added (0 when the demo figures are already there)."""
    actor = actor or _actor()
    if actor is None or Activity.objects.filter(note=DEMO_NOTE).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 — fictional figures, not secrets
    today = timezone.localdate()
    added = 0
    for site in Site.objects.filter(active=True).select_related("program"):
        kinds, people, helpers = PROFILE.get(
            site.program.code, ([ActivityKind.OTHER], (3, 15), (0, 2))
        )
        for offset in range(days - 1, 0, -15):
            services.activity_record(
                actor=actor,
                site=site,
                held_on=today - timedelta(days=offset - rng.randint(0, min(6, offset))),
                kind=rng.choice(kinds),
                participants=rng.randint(*people),
                volunteers=rng.randint(*helpers),
                note=DEMO_NOTE,
            )
            added += 1
    for program in CommunityProgram.objects.filter(active=True):
        for name in program.training_names:
            for offset in (days - 60, days // 2):
                services.training_record(
                    actor=actor,
                    program=program,
                    name=name,
                    held_on=today - timedelta(days=offset),
                    people_trained=rng.randint(5, 30),
                    note=DEMO_NOTE,
                )
    return added
