"""The demo city (`manage.py load_demo`) reads like a city: varied consultations, a small day's
work per demo account, and the plan's two worked examples first where a demo user looks."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from yorisoi import access
from yorisoi.accounts.models import User
from yorisoi.cases import demo as cases_demo
from yorisoi.cases import selectors as case_selectors
from yorisoi.directory.models import Agency, IssueCategory
from yorisoi.front.work import work_list
from yorisoi.intake.models import Consultation, Referral
from yorisoi.people.demo import DEMO_MARK
from yorisoi.testing import client_for

from .. import stories

pytestmark = pytest.mark.django_db

STAFF = ("homecare", "houkatsu", "disability", "shougai", "seikatsu")


@pytest.fixture
def city(master):
    """The demo at the size `make run` loads (loaded once more: nothing is added)."""
    call_command("load_demo", stdout=StringIO())
    counts = Consultation.objects.count(), Referral.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert (Consultation.objects.count(), Referral.objects.count()) == counts
    assert "今年度の相談はすでに作成済みです" in out.getvalue()


def test_consultations_are_varied_and_spread_over_the_year(city):
    summaries = list(Consultation.objects.values_list("summary", flat=True))
    assert len(summaries) > 2000
    assert len(set(summaries)) >= 0.8 * len(summaries)
    assert not Consultation.objects.filter(summary__contains="評価のデモ").exists()
    # Many kinds of topic, channel, consulter and outcome; every month of this year.
    main_issues = Counter(
        Consultation.objects.filter(issue_links__is_main=True).values_list(
            "issue_links__issue__code", flat=True
        )
    )
    assert len(main_issues) >= 18
    assert Consultation.objects.values("channel").distinct().count() >= 6
    assert Consultation.objects.values("consulter_type").distinct().count() >= 5
    assert Consultation.objects.filter(urgency="urgent").exists()
    assert {"resolved", "continued", "referred", "escalated"} <= set(
        Consultation.objects.values_list("outcome", flat=True)
    )
    months = {d.month for d in Consultation.objects.dates("received_at", "month")}
    assert len(months) == 12
    # Referral chains: declines, and consultations referred again after a decline.
    assert Referral.objects.filter(status="declined").count() >= 20
    assert Referral.objects.values("consultation").distinct().count() < Referral.objects.count()


def test_nothing_is_real(city):
    """Every generated consultation says it is fictional; the people named are the demo's."""
    generated = Consultation.objects.exclude(cases__title__in=[cases_demo.EXAMPLE_1,
                                                               cases_demo.EXAMPLE_2])  # fmt: skip
    assert not generated.exclude(subject_note__startswith=DEMO_MARK).exists()
    named = Consultation.objects.filter(person__isnull=False)
    assert named.count() > 100
    assert not named.exclude(person__notes__startswith=DEMO_MARK).exists()


def test_each_demo_account_finds_a_days_work_not_hundreds(city):
    for username in (*STAFF, "coordinator"):
        user = User.objects.get(username=username)
        work = work_list(user=user)
        queue = work.consultations
        sections = {name: queue.total(name) for name in queue.sections()}
        # Something to do, of several kinds, and no more than a day's worth.
        assert 5 <= sum(sections.values()) <= 40, (username, sections)
        assert sum(1 for n in sections.values() if n) >= 4, (username, sections)
    homecare = work_list(user=User.objects.get(username="homecare")).consultations
    for section in ("new", "holding", "to_answer", "declined_returned", "awaiting_answer"):
        assert homecare.total(section) >= 1, section
    coordinator = work_list(user=User.objects.get(username="coordinator")).consultations
    for section in ("escalations", "all_declines", "overdue_referrals", "pass_around"):
        assert coordinator.total(section) >= 1, section


def _case_titles(user):
    return [c.title for c in case_selectors.case_list(user=user)[:25]]


def test_the_worked_examples_come_first(city):
    examples = [cases_demo.EXAMPLE_1, cases_demo.EXAMPLE_2]
    coordinator = User.objects.get(username="coordinator")
    # The case list's first page starts with both; the work list has them as due today.
    assert set(_case_titles(coordinator)[:2]) == set(examples)
    due = [c.title for c in work_list(user=coordinator).cases["cases_due"]]
    assert set(examples) <= set(due[:2] + due)
    assert set(due[:2]) == set(examples)
    for username in ("homecare", "houkatsu", "shougai"):
        assert _case_titles(User.objects.get(username=username))[0] == cases_demo.EXAMPLE_1
    assert set(_case_titles(User.objects.get(username="disability"))[:2]) == set(examples)
    # The same on screen: the case list's first page and the coordinator's work list.
    for username in ("coordinator", "homecare", "disability"):
        page = client_for(User.objects.get(username=username)).get(reverse("cases:case_list"))
        assert cases_demo.EXAMPLE_1 in page.content.decode()
    queue = client_for(coordinator).get(reverse("front:queue")).content.decode()
    assert cases_demo.EXAMPLE_1 in queue and cases_demo.EXAMPLE_2 in queue
    # The 民生委員 finds example 2's 支援会議 waiting for their pledge (the case's title only
    # after it, R5/R6).
    minsei = client_for(User.objects.get(username="minsei"))
    meetings = minsei.get(reverse("cases:my_meetings")).content.decode()
    assert "誓約のあとに表示します" in meetings and "未誓約" in meetings
    # Their consultations are the newest of all.
    newest = list(Consultation.objects.order_by("-received_at")[:2])
    assert {c.cases.get().title for c in newest} == set(examples)


def test_same_seed_tells_the_same_stories(master):
    agencies = list(Agency.objects.select_related("kind").order_by("pk"))
    codes = list(IssueCategory.objects.values_list("code", flat=True))

    def told(seed):
        teller = stories.Storyteller(seed=seed, agencies=agencies, issue_codes=codes)
        return [(s.summary, s.receiving.pk, s.issues) for s in (teller.tell() for _ in range(50))]

    assert told(3) == told(3)
    assert told(3) != told(4)


def test_every_theme_names_issues_and_agency_kinds_of_the_master_data(master):
    issues = set(IssueCategory.objects.values_list("code", flat=True))
    kinds = set(Agency.objects.values_list("kind__code", flat=True))
    for theme in stories.THEMES:
        assert {theme.main, *theme.extras} <= issues, theme.key
        assert set(theme.receivers) <= kinds, theme.key
        assert {kind for kind, _reason in theme.referrals} <= kinds, theme.key
        for situation in theme.situations:
            assert re.fullmatch(r"[^{}]*\{when\}[^{}]*", situation), situation


def test_every_open_demo_consultation_has_a_holder_at_its_agency(city):
    # R3: bulk-loaded history gets its 担当者 as the services would give it (hold_unheld).
    # (Agencies without a demo account have nobody to hold theirs: the page says 未割当.)
    staffed = access.caseworkers_of_any().values("agency")
    open_ones = Consultation.objects.filter(closed_at__isnull=True, responsible_agency__in=staffed)
    assert open_ones.exists()
    assert not open_ones.filter(holder__isnull=True).exists()
    assert not open_ones.exclude(holder__agency=F("responsible_agency")).exists()
    homecare = User.objects.get(username="homecare")
    assert open_ones.filter(holder=homecare).exists()
