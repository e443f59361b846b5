"""Worked example 2's participation support as demo data (fictional): once the woman talks
with the workers, the coordinator records her wish (a quiet place on Wednesdays; one day,
work), the ranking proposes resources, and she starts at a 地域活動支援センター; follow-ups
are scheduled. Everything goes through the services, as a user would do it.

Hook: after outreach_demo.generate_outreach(seed) in people/management/commands/load_demo.py
(needs the demo accounts, the worked-example cases and resources_demo.generate_resources):
    from yorisoi.participation import demo as participation_demo
    created = participation_demo.generate_participation()
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import User
from yorisoi.cases.demo import EXAMPLE_2
from yorisoi.cases.models import Case
from yorisoi.resources.models import TaxonomyTerm

from . import selectors, services
from .models import ParticipationNeed

SHORT_TERM = "まず週1回、地域活動支援センターに通う"
LONG_TERM = "いずれは働きたい"


@transaction.atomic
def generate_participation() -> int:
    """Create worked example 2's need and placement once; returns 0 or 1."""
    coordinator = User.objects.filter(username="coordinator").first()
    case = Case.objects.filter(title=EXAMPLE_2).first()
    if coordinator is None or case is None or not case.subjects.exists():
        return 0
    person = case.subjects.first().person
    if ParticipationNeed.objects.filter(person=person, short_term_goal=SHORT_TERM).exists():
        return 0
    need = services.need_create(
        actor=coordinator,
        person=person,
        case=case,
        interests=list(
            TaxonomyTerm.objects.filter(code__in=["chiiki-katsudo-shien-center", "ibasho"])
        ),
        interests_note="絵を描くこと。人が多い場所は苦手。",
        short_term_goal=SHORT_TERM,
        long_term_goal=LONG_TERM,
        wishes="午前中は起きられないことが多い。知っている人がいない場所がいい。",
        available_days="WE,FR",
        time_of_day="afternoon",
        prefers_small=True,
        max_cost_per_month=2000,
    )
    ranked = [
        r
        for r in selectors.rank_resources(need, limit=20)
        if r.service.taxonomy_terms.filter(code="chiiki-katsudo-shien-center").exists()
    ]
    if not ranked:
        return 1
    placement = services.placement_propose(actor=coordinator, need=need, service=ranked[0].service)
    today = timezone.localdate()
    placement = services.placement_contact(
        actor=coordinator, placement=placement, on=today - timedelta(days=30),
        resource_contact="支援員（架空）",
    )  # fmt: skip
    placement = services.placement_trial(
        actor=coordinator, placement=placement, on=today - timedelta(days=24)
    )
    services.placement_start(actor=coordinator, placement=placement, on=today - timedelta(days=14))
    return 1
