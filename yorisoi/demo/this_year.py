"""This fiscal year so far in the demo city, and what waits for each demo account today.

The months since 1 April are written in bulk, as over (consultations closed, referrals
answered, declines acknowledged), with varied stories (stories.py) and the demo population's
people where one fits the story. Then each demo account's agency gets a small, deliberate
amount of open work — new consultations, a caseload with next actions, a referral to answer,
one waiting for an answer, one declined and returned — so that its work list reads like an
ordinary day (about ten items, not hundreds) and shows every kind of row once. Everything is
dated before the plan's two worked examples (cases.demo), which are created "now" and so come
first wherever lists sort by date. Nobody here is real.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yorisoi.cases.models import Case
from yorisoi.directory.models import Agency, IssueCategory
from yorisoi.intake.business_days import add_business_days, is_business_day
from yorisoi.intake.models import Consultation, ConsultationIssue, Referral
from yorisoi.people.demo import DEMO_MARK
from yorisoi.people.models import HouseholdMember, Language, Person

from .stories import THEMES, Storyteller

BATCH = 2000
ORIGINS = {"ブラジル": Language.PT, "フィリピン": Language.TL, "ベトナム": Language.VI}
COORDINATING = "fukushi-soumu-ka"


@dataclass(frozen=True)
class Work:
    """The open work one demo agency finds today (its work list, R3)."""

    themes: tuple[str, ...]
    new: int = 2
    holding: int = 4
    to_answer: int = 1
    awaiting: int = 1  # sent by the agency, not answered yet; the first one is overdue
    declined: int = 1  # declined, back to the agency, not yet acknowledged


# The agencies of the demo accounts (accounts.demo).
WORK = {
    "zaitaku-kaigo-01": Work(("dementia", "care-burden", "isolation", "self-neglect", "8050")),
    "chiiki-houkatsu-01": Work(("dementia", "elder-abuse", "care-burden", "isolation"), new=1),
    "itaku-soudan-01": Work(("intellectual", "mental", "hikikomori", "physical")),
    "shougai-fukushi-ka": Work(("physical", "intellectual", "developmental"), new=1, awaiting=0),
    "seikatsu-shien-shitsu": Work(("job-loss", "housing", "debt", "foreign", "single-parent")),
    COORDINATING: Work(
        ("hikikomori", "8050", "dv", "foreign", "suicidal"), new=1, holding=2, to_answer=0
    ),
}


def fiscal_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def exists(today: date | None = None) -> bool:
    start = fiscal_year_start(today or timezone.localdate())
    return Consultation.objects.filter(
        subject_note__startswith=DEMO_MARK, received_at__date__gte=start
    ).exists()


class _People:
    """The demo population's people by agency, to name the subject of a story when one fits
    (same agency, sex and age range); each person is used once."""

    def __init__(self, rng, today):
        self.rng, self.today, self.used = rng, today, set()
        households = dict(HouseholdMember.objects.values_list("person_id", "household_id"))
        self.by_agency: dict[int, list] = {}
        rows = (
            Person.objects.filter(notes__startswith=DEMO_MARK, birth_date__isnull=False)
            .order_by("pk")
            .values_list("pk", "agency_id", "sex", "birth_date", "preferred_language")
        )
        for pk, agency, sex, born, language in rows:
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            self.by_agency.setdefault(agency, []).append(
                (pk, sex, age, households.get(pk), language)
            )

    def pick(self, agency_id, subject):
        label, sex, low, high = subject
        # A story about someone from abroad names a person registered with that language.
        language = next((code for k, code in ORIGINS.items() if k in label), Language.JA)
        fits = [
            p
            for p in self.by_agency.get(agency_id, ())
            if p[0] not in self.used
            and low <= p[2] <= high
            and (sex is None or p[1] == sex)
            and p[4] == language
        ]
        if not fits:
            return None, None
        pk, _sex, _age, household, _language = self.rng.choice(fits)
        self.used.add(pk)
        return pk, household


def _at(day: date, rng) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59))))


def _morning(day: date, rng) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 11), rng.randint(0, 59))))


def _office_days_before(day: date, n: int) -> date:
    while n > 0:
        day -= timedelta(days=1)
        n -= is_business_day(day)
    return day


@transaction.atomic
def generate(*, actor, seed: int, per_year: int = 600, today: date | None = None) -> dict:
    """Write this fiscal year so far and today's open work; returns counts. Callers that want
    idempotence check exists() first."""
    today = today or timezone.localdate()
    now = timezone.now()
    rng = random.Random(seed + 1)  # noqa: S311 — fictional data, not secrets
    agencies = list(Agency.objects.filter(active=True).select_related("kind").order_by("pk"))
    by_code = {a.code: a for a in agencies}
    issues = {i.code: i for i in IssueCategory.objects.all()}
    teller = Storyteller(seed=seed + 2, agencies=agencies, issue_codes=issues)
    themes = {t.key: t for t in THEMES if t in teller.themes}
    people = _People(rng, today)
    coordinating = by_code.get(COORDINATING)
    consultations, links, referrals, cases = [], [], [], []
    # Case numbers as cases.services numbers them (year-serial); the worked examples, opened
    # through the services afterwards, follow on.
    serial: dict[int, int] = {}

    def consultation(story, *, received, outcome="", **fields):
        person, household = people.pick(story.receiving.pk, story.subject)
        c = Consultation(
            received_at=received, created_at=received, receiving_agency=story.receiving,
            responsible_agency=story.receiving, channel=story.channel,
            consulter_type=story.consulter_type, summary=story.summary,
            subject_note=story.subject_note, urgency=story.urgency, person_id=person,
            household_id=household, outcome=outcome, created_by=actor,
            next_action_on=received.date(), last_activity_at=received,
        )  # fmt: skip
        for name, value in fields.items():
            setattr(c, name, value)
        consultations.append(c)
        chosen = [issues[code] for code in story.issues if code in issues]
        for n, issue in enumerate(chosen):
            links.append(ConsultationIssue(consultation=c, issue=issue, is_main=n == 0))
        c.domain_count = len({issue.domain_id for issue in chosen})
        return c

    def referral(c, story, *, to, sent, status="pending", answered=None, seen=None):
        referrals.append(
            Referral(
                consultation=c, kind="referral", from_agency=c.responsible_agency,
                to_agency=to, reason=story.referral_reason, sent_by=actor, sent_at=sent,
                status=status, answered_at=answered,
                answered_by=actor if answered else None,
                decline_reason=story.decline_reason if status == "declined" else "",
                sender_acknowledged_at=seen, coordinator_acknowledged_at=seen,
            )
        )  # fmt: skip

    # --- the months so far: all of it over -------------------------------------------------
    start = fiscal_year_start(today)
    last = today - timedelta(days=3)  # the open work below is the last few days'
    span = (last - start).days
    outcomes = ["resolved"] * 10 + ["continued"] * 5 + ["referred"] * 4 + ["escalated"]
    for _i in range(per_year * max(span, 0) // 365):
        story = teller.tell()
        received = _at(start + timedelta(days=rng.randrange(span)), rng)
        outcome = rng.choice(outcomes)
        decided = received + timedelta(days=rng.randint(0, 7))
        closed = min(decided + timedelta(days=rng.randint(0, 120)), now - timedelta(days=1))
        c = consultation(
            story, received=received, outcome=outcome, outcome_at=decided,
            closed_at=max(closed, decided), last_activity_at=max(closed, decided),
        )  # fmt: skip
        if outcome == "referred" and story.refer_to:
            if rng.random() < 0.15:
                # A chain: declined first, then accepted elsewhere (R2).
                answered = decided + timedelta(days=rng.randint(1, 3))
                referral(
                    c, story, to=story.refer_to, sent=decided, status="declined",
                    answered=answered, seen=answered + timedelta(hours=3),
                )  # fmt: skip
                declined_by = story.refer_to
                story = teller.tell(theme=story.theme, receiving=story.receiving)
                decided = answered + timedelta(hours=4)
                if story.refer_to == declined_by:
                    story = replace(story, refer_to=rng.choice(
                        [a for a in agencies if a not in (declined_by, c.receiving_agency)]
                    ))  # fmt: skip
            answered = decided + timedelta(days=rng.choice((0, 1, 1, 2, 3, 5)))
            referral(c, story, to=story.refer_to, sent=decided, status="accepted",
                     answered=answered)  # fmt: skip
            c.closed_at = c.last_activity_at = max(c.closed_at, answered)
        elif outcome == "escalated" and coordinating:
            c.responsible_agency = coordinating
            opened = decided + timedelta(days=rng.randint(1, 5))
            c.closed_at = c.last_activity_at = opened
            ongoing = opened.date() > today - timedelta(days=150)
            if opened.year not in serial:
                last = Case.objects.filter(number__startswith=f"{opened.year}-").aggregate(
                    n=Max("number")
                )["n"]
                serial[opened.year] = int(last.split("-")[1]) if last else 0
            serial[opened.year] += 1
            case = Case(
                number=f"{opened.year}-{serial[opened.year]:04d}", title=story.case_title,
                lead_agency=coordinating, opened_at=opened, created_by=actor, origin=c,
                next_action_on=today + timedelta(days=rng.randint(10, 45)),
                last_activity_at=now - timedelta(days=rng.randint(1, 9)),
            )  # fmt: skip
            if not ongoing:
                case.status, case.ended_at = "closed", opened + timedelta(days=rng.randint(60, 120))
                case.next_action_on = case.ended_at.date()
            cases.append(case)
    over = len(consultations)

    # --- today's open work of each demo agency ----------------------------------------------
    def recent(days_back: int) -> datetime:
        moment = _at(today - timedelta(days=days_back), rng)
        return min(moment, now - timedelta(hours=1 + rng.randint(0, 5)))

    for code, work in WORK.items():
        agency = by_code.get(code)
        if agency is None:
            continue
        mine = [themes[k] for k in work.themes if k in themes] or list(themes.values())

        def tell(receiving=agency, mine=mine):
            return teller.tell(theme=rng.choice(mine), receiving=receiving)

        for n in range(work.new):
            consultation(tell(), received=recent(n), next_action_on=today)
        for n in range(work.holding):
            received = recent(rng.randint(5, 40))
            # One next action already past (overdue), one quiet for weeks (stalled).
            due = today - timedelta(days=2) if n == 0 else today + timedelta(days=2 + 3 * n)
            quiet = now - timedelta(days=20 if n == 1 else rng.randint(0, 4))
            consultation(
                tell(), received=received, outcome="continued",
                outcome_at=received + timedelta(hours=2), next_action_on=due,
                last_activity_at=max(quiet, received),
            )  # fmt: skip
        for _n in range(work.to_answer):
            # From another agency that takes such consultations (not a demo account's, whose
            # own work list stays as planned), asking for what this agency does.
            theme = rng.choice(mine)
            senders = [
                a for a in agencies if a.kind.code in theme.receivers and a.code not in WORK
            ] or [a for a in agencies if a.code not in WORK and a != agency]
            story = teller.tell(theme=theme, receiving=rng.choice(senders))
            story = replace(
                story, referral_reason=f"{theme.case_title}について、{agency.kind.name}での支援を"
                "お願いしたいため"
            )  # fmt: skip
            sent_on = _office_days_before(today, 1)
            received = _morning(sent_on, rng)
            c = consultation(story, received=received)
            referral(c, story, to=agency, sent=received + timedelta(hours=rng.randint(2, 5)))
        for n in range(work.awaiting):
            story = tell()
            # The first waits past the limit (the coordinator's overdue list), others not.
            sent_on = _office_days_before(today, rng.randint(4, 7) if n == 0 else 1)
            received = _morning(sent_on, rng)
            c = consultation(story, received=received)
            to = story.refer_to if story.refer_to and story.refer_to.code not in WORK else None
            to = to or rng.choice([a for a in agencies if a.code not in WORK and a != agency])
            referral(c, story, to=to, sent=received + timedelta(hours=rng.randint(2, 5)))
        for _n in range(work.declined):
            story = tell()
            sent_on = _office_days_before(today, 3)
            received = _morning(sent_on, rng)
            c = consultation(
                story, received=received, outcome="continued",
                outcome_at=received + timedelta(hours=1), next_action_on=today,
            )  # fmt: skip
            to = story.refer_to if story.refer_to and story.refer_to != agency else None
            to = to or rng.choice([a for a in agencies if a != agency])
            answered = min(_at(add_business_days(sent_on, 1), rng), now - timedelta(hours=2))
            referral(c, story, to=to, sent=received + timedelta(hours=2), status="declined",
                     answered=answered)  # fmt: skip
            c.last_activity_at = answered

    # たらいまわし (R2): one consultation the 生活支援室 holds after two agencies declined it;
    # both declines seen, so it shows once, in the coordinator's pass-around list.
    seikatsu = by_code.get("seikatsu-shien-shitsu")
    if seikatsu is not None and "housing" in themes:
        story = teller.tell(theme=themes["housing"], receiving=seikatsu)
        received = recent(12)
        c = consultation(
            story, received=received, outcome="continued",
            outcome_at=received + timedelta(days=6), next_action_on=today + timedelta(days=1),
            last_activity_at=now - timedelta(days=1),
        )  # fmt: skip
        for step, kind in enumerate(("shakyo", "hogo-ka")):
            to = by_code.get(next((a.code for a in agencies if a.kind.code == kind), ""))
            if to is None:
                continue
            sent = received + timedelta(days=1 + 2 * step)
            answered = sent + timedelta(days=1)
            referral(c, story, to=to, sent=sent, status="declined", answered=answered,
                     seen=answered + timedelta(hours=2))  # fmt: skip

    # The coordinator's own: two escalations waiting to become cases.
    if coordinating is not None:
        for n in range(2):
            story = teller.tell(theme=themes.get("8050") if n == 0 else themes.get("self-neglect"))
            received = recent(2 + n)
            consultation(
                story, received=received, outcome="escalated",
                outcome_at=received + timedelta(hours=3), responsible_agency=coordinating,
                next_action_on=today,
            )  # fmt: skip

    Consultation.objects.bulk_create(consultations, batch_size=BATCH)
    ConsultationIssue.objects.bulk_create(links, batch_size=BATCH)
    Referral.objects.bulk_create(referrals, batch_size=BATCH)
    Case.objects.bulk_create(cases, batch_size=BATCH)
    return {
        "consultations": len(consultations),
        "open": len(consultations) - over,
        "referrals": len(referrals),
        "cases": len(cases),
    }
