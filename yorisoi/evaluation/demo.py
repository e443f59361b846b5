"""Years of fictional history for the evaluation: consultations with their issues and
outcomes, referrals and their answers, cases with meetings, plans, closures and suspensions,
outreach targets with contacts and trust stages, participation needs and placements,
resource gaps and community activities — written in bulk, in the states the services
produce, so that the dashboard has figures to show (`load_demo`) and bench/yearly_report.py
has ten years to count. Every name is fictional; no text says anything about a real person.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yorisoi.cases.models import Case, CaseEvent, Meeting, SupportPlan
from yorisoi.community.models import Activity, Site, Training
from yorisoi.directory.models import Agency, District, IssueCategory, MeetingKind
from yorisoi.intake.models import Consultation, ConsultationIssue, Referral
from yorisoi.outreach.models import (
    ContactAttempt,
    OutreachCategory,
    OutreachTarget,
    StageChange,
)
from yorisoi.participation.models import ParticipationNeed, Placement, ResourceGap
from yorisoi.people.demo import DEMO_MARK, LOCAL_FAMILY_NAMES, OLDER_GIVEN_NAMES
from yorisoi.people.models import Person
from yorisoi.resources.models import Service, TaxonomyTerm

from .models import Target
from .periods import fiscal_year_of

BATCH = 2000
SUMMARY = "架空の相談（評価のデモ）"
DEMO_ACTOR = "coordinator"  # accounts.demo: the demo records are written in their name


def _moment(rng, day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 18), rng.randint(0, 59))))


def _day_in(rng, first_year: int) -> date:
    start = date(first_year, 4, 1)
    return start + timedelta(days=rng.randrange((date(first_year + 1, 4, 1) - start).days))


def history_exists() -> bool:
    """Whether the past years are there: consultations before this fiscal year marked as the
    demo's (DEMO_MARK on the subject, or the benchmarks' SUMMARY)."""
    start = date(fiscal_year_of(timezone.localdate()), 4, 1)
    demo = Q(summary=SUMMARY) | Q(subject_note__startswith=DEMO_MARK)
    return Consultation.objects.filter(demo, received_at__date__lt=start).exists()


@transaction.atomic
def load_demo(*, actor, seed: int = 1, per_year: int = 600, story=None) -> dict:
    """The demo's evaluation: the three fiscal years before this one, and the city's targets
    for last year (so the dashboard shows figures, trends, targets met and missed). Once.
    `story`: what each consultation says (generate_history)."""

    if history_exists():
        return {}
    this_year = fiscal_year_of(timezone.localdate())
    written = generate_history(
        first_year=this_year - 3, years=3, consultations_per_year=per_year, actor=actor,
        seed=seed, story=story,
    )  # fmt: skip
    for code, value in DEMO_TARGETS.items():
        Target.objects.update_or_create(
            indicator=code, fiscal_year=this_year - 1,
            defaults={"value": value, "set_by": actor, "note": "デモ用の目標"},
        )  # fmt: skip
    return written


# Last year's targets in the demo: some met, some not, with the demo's 600 a year.
DEMO_TARGETS = {
    "consultations": 550,
    "referrals_accepted": 120,
    "referral_answer_days": 2,
    "days_to_acceptance": 5,
    "plans_created": 40,
    "outreach_first_contacts": 8,
    "placement_settled_rate": 70,
    "community_activities": 60,
}


@transaction.atomic
def generate_history(
    *,
    first_year: int,
    years: int,
    consultations_per_year: int,
    actor,
    seed: int = 1,
    story=None,
) -> dict:
    """Returns how many records of each kind were written.

    `story`: a callable returning what one consultation says and where it goes (summary,
    subject_note, issues, channel, consulter_type, urgency, receiving, refer_to,
    referral_reason, decline_reason, case_title: yorisoi.demo.stories); without it every
    consultation says SUMMARY (the benchmarks count, nobody reads). Past years are over: their
    consultations are closed, their referrals answered and declines acknowledged, and only a
    share of the latest cases goes on (a queue is today's work, not three years' leftovers).
    """

    rng = random.Random(seed)  # noqa: S311 — fictional data, not secrets
    agencies = list(Agency.objects.filter(active=True).order_by("pk"))
    issues = list(IssueCategory.objects.order_by("pk"))
    issue_by_code = {issue.code: issue for issue in issues}
    today = timezone.localdate()
    now = timezone.now()
    districts = list(District.objects.order_by("pk"))
    support = MeetingKind.objects.filter(legal_type="support_meeting").first()
    multilayer = MeetingKind.objects.filter(legal_type="multilayer_meeting").first()
    categories = list(OutreachCategory.objects.order_by("pk"))
    terms = list(TaxonomyTerm.objects.order_by("pk"))
    services = list(Service.objects.order_by("pk")[:200])
    sites = list(Site.objects.order_by("pk"))
    written = dict.fromkeys(
        ["consultations", "referrals", "cases", "meetings", "outreach", "placements", "gaps",
         "activities"], 0,
    )  # fmt: skip
    channels = ["phone"] * 4 + ["counter"] * 3 + ["visit", "from_agency", "from_neighbour",
                                                   "from_volunteer", "email"]  # fmt: skip
    consulters = ["self"] * 4 + ["family"] * 3 + ["agency", "neighbour", "volunteer"]
    outcomes = ["resolved"] * 10 + ["continued"] * 5 + ["referred"] * 4 + ["escalated"]
    case_number = Case.objects.count()

    for year in range(first_year, first_year + years):
        consultations, links, referrals = [], [], []
        for _i in range(consultations_per_year):
            day = _day_in(rng, year)
            received = _moment(rng, day)
            told = story() if story else None
            receiving = told.receiving if told else rng.choice(agencies)
            outcome = rng.choice(outcomes)
            outcome_at = received + timedelta(days=rng.randint(0, 10))
            c = Consultation(
                received_at=received, created_at=received, receiving_agency=receiving,
                responsible_agency=receiving,
                channel=told.channel if told else rng.choice(channels),
                consulter_type=told.consulter_type if told else rng.choice(consulters),
                summary=told.summary if told else SUMMARY,
                subject_note=told.subject_note if told else "架空の本人",
                urgency=told.urgency if told else "normal",
                next_action_on=day, outcome=outcome, outcome_at=outcome_at, created_by=actor,
                last_activity_at=received,
                # Over: closed when decided, or after months of support by the agency.
                closed_at=min(outcome_at + timedelta(days=rng.randint(0, 200)), now),
            )  # fmt: skip
            c._story = told
            if outcome == "escalated":
                # The consultation ends where the case begins (cases.services.case_open).
                c.closed_at = c._opened = outcome_at + timedelta(days=rng.randint(1, 5))
            consultations.append(c)
            if told:
                chosen = [issue_by_code[code] for code in told.issues if code in issue_by_code]
                chosen = chosen or [rng.choice(issues)]
            else:
                chosen = rng.sample(issues, rng.choice([1, 1, 1, 2, 2, 3]))
            for n, issue in enumerate(chosen):
                links.append(ConsultationIssue(consultation=c, issue=issue, is_main=n == 0))
            c.domain_count = len({issue.domain_id for issue in chosen})
            if outcome == "referred":
                to = (
                    told.refer_to
                    if told and told.refer_to and told.refer_to.pk != receiving.pk
                    else rng.choice([a for a in agencies if a.pk != receiving.pk])
                )
                # An unanswered referral of a past year was answered late (counted overdue).
                status = rng.choice(["accepted"] * 17 + ["declined"] * 3)
                late = rng.random() < 0.05
                sent = c.outcome_at
                answered = sent + timedelta(
                    days=rng.randint(6, 15) if late else rng.choice([0, 1, 1, 2, 2, 3, 4, 6, 9])
                )
                declined = status == "declined"
                seen = answered + timedelta(days=1) if declined else None
                referrals.append(
                    Referral(
                        consultation=c, kind="referral", from_agency=receiving, to_agency=to,
                        reason=told.referral_reason if told else "架空のつなぎ",
                        sent_by=actor, sent_at=sent, status=status,
                        answered_at=answered, answered_by=actor,
                        decline_reason=(told.decline_reason if told else "架空の理由")
                        if declined else "",
                        sender_acknowledged_at=seen, coordinator_acknowledged_at=seen,
                    )
                )  # fmt: skip
                if status == "accepted":
                    c.responsible_agency = to
                elif rng.random() < 0.7:
                    # A decline is not the end (R2): the sender finds another agency.
                    again = rng.choice([a for a in agencies if a.pk not in (receiving.pk, to.pk)])
                    answered = answered + timedelta(days=rng.randint(1, 4))
                    referrals.append(
                        Referral(
                            consultation=c, kind="referral", from_agency=receiving,
                            to_agency=again, sent_by=actor, sent_at=answered - timedelta(days=1),
                            reason=told.referral_reason if told else "架空のつなぎ",
                            status="accepted", answered_at=answered, answered_by=actor,
                        )
                    )  # fmt: skip
                    c.responsible_agency = again
                c.closed_at = max(c.closed_at, answered)
        Consultation.objects.bulk_create(consultations, batch_size=BATCH)
        ConsultationIssue.objects.bulk_create(links, batch_size=BATCH)
        Referral.objects.bulk_create(referrals, batch_size=BATCH)
        written["consultations"] += len(consultations)
        written["referrals"] += len(referrals)

        # Cases from the escalations, with their meetings, plans and endings.
        cases, meetings, plans, events = [], [], [], []
        for c in consultations:
            if c.outcome != "escalated":
                continue
            case_number += 1
            opened = c._opened
            told = c._story
            case = Case(
                number=f"D{case_number:07d}",
                title=told.case_title if told else "架空のケース（評価のデモ）",
                lead_agency=c.responsible_agency, next_action_on=opened.date(),
                opened_at=opened, created_by=actor, origin=c,
            )  # fmt: skip
            cases.append(case)
            held = opened + timedelta(days=rng.randint(3, 20))
            if rng.random() < 0.3 and support:
                meetings.append(Meeting(case=case, kind=support, held_at=held, status="held",
                                        created_by=actor))  # fmt: skip
                held += timedelta(days=rng.randint(7, 30))
            if multilayer:
                first = Meeting(case=case, kind=multilayer, held_at=held, status="held",
                                purpose="plan_creation", created_by=actor)  # fmt: skip
                meetings.append(first)
                plans.append(SupportPlan(case=case, number=1, meeting=first, created_by=actor,
                                         created_at=held, next_review_on=held.date()))  # fmt: skip
                if rng.random() < 0.5:
                    review = held + timedelta(days=rng.randint(60, 180))
                    again = Meeting(case=case, kind=multilayer, held_at=review, status="held",
                                    purpose="plan_review", created_by=actor)  # fmt: skip
                    meetings.append(again)
                    plans.append(SupportPlan(case=case, number=2, meeting=again,
                                             created_by=actor, created_at=review,
                                             next_review_on=review.date()))  # fmt: skip
            ending = rng.random()
            # Most cases of earlier years have ended; those that go on have a next action
            # ahead and recent activity (R3), so that they are ongoing work, not stalled.
            ended_share = 0.9 if opened.date() < today - timedelta(days=540) else 0.5
            if ending < ended_share:
                kind = "closed" if ending < ended_share * 0.8 else "suspended"
                ended = min(held + timedelta(days=rng.randint(30, 300)), now)
                case.status, case.ended_at = kind, ended
                events.append(CaseEvent(case=case, kind=kind, actor=actor, at=ended))
            elif opened.date() < today:
                case.next_action_on = today + timedelta(days=rng.randint(10, 60))
                case.last_activity_at = now - timedelta(days=rng.randint(0, 10))
        Case.objects.bulk_create(cases, batch_size=BATCH)
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)
        SupportPlan.objects.bulk_create(plans, batch_size=BATCH)
        CaseEvent.objects.bulk_create(events, batch_size=BATCH)
        written["cases"] += len(cases)
        written["meetings"] += len(meetings)

        # Outreach: targets, contact attempts, trust stages, hand-overs.
        targets, contacts, changes = [], [], []
        for _i in range(max(1, consultations_per_year // 100)):
            created = _moment(rng, _day_in(rng, year))
            handed = rng.random() < 0.3
            target = OutreachTarget(
                label="架空の対象", category=rng.choice(categories), description="架空の様子",
                worried_by_type="neighbour", district=rng.choice(districts),
                responsible_agency=rng.choice(agencies), next_contact_on=created.date(),
                created_by=actor, created_at=created,
                stage="connected" if handed else "contacted",
                status="handed_over" if handed else "open",
                ended_at=created + timedelta(days=90) if handed else None,
                end_note="支援機関へ引き継ぎ" if handed else "",
            )  # fmt: skip
            targets.append(target)
            when = created
            for outcome in ("absent", "note_left", "through_door", "face_to_face"):
                when += timedelta(days=rng.randint(3, 14))
                contacts.append(ContactAttempt(target=target, contacted_at=when, method="visit",
                                               outcome=outcome, recorded_by=actor))  # fmt: skip
            changes.append(StageChange(target=target, from_stage="not_contacted",
                                       to_stage="contacted", changed_at=when,
                                       changed_by=actor))  # fmt: skip
            if handed:
                changes.append(StageChange(target=target, from_stage="contacted",
                                           to_stage="connected", changed_at=when,
                                           changed_by=actor))  # fmt: skip
        OutreachTarget.objects.bulk_create(targets, batch_size=BATCH)
        ContactAttempt.objects.bulk_create(contacts, batch_size=BATCH)
        StageChange.objects.bulk_create(changes, batch_size=BATCH)
        written["outreach"] += len(targets)

        # Participation: a need per fictional person, two placements each; resource gaps.
        people, needs, placements, gaps = [], [], [], []
        for _i in range(max(1, consultations_per_year // 100) if services else 0):
            agency = rng.choice(agencies)
            family, family_kana = rng.choice(LOCAL_FAMILY_NAMES)
            given, given_kana = rng.choice(OLDER_GIVEN_NAMES[rng.choice(list(OLDER_GIVEN_NAMES))])
            person = Person(family_name=family, given_name=given, family_name_kana=family_kana,
                            given_name_kana=given_kana, agency=agency, created_by=actor,
                            district=rng.choice(districts), notes=f"{DEMO_MARK}評価のデモ用")  # fmt: skip
            person.refresh_search_keys()
            people.append(person)
            created = _moment(rng, _day_in(rng, year))
            need = ParticipationNeed(person=person, responsible_agency=agency, created_by=actor,
                                     created_at=created, district=person.district)  # fmt: skip
            needs.append(need)
            for service in rng.sample(services, min(2, len(services))):
                proposed = created.date() + timedelta(days=rng.randint(1, 20))
                fields = {"proposed_on": proposed, "status": "proposed"}
                roll = rng.random()
                if roll < 0.6:
                    fields.update(status="started", started_on=proposed + timedelta(days=14))
                    if roll < 0.35:
                        fields.update(status="settled",
                                      settled_on=proposed + timedelta(days=104))  # fmt: skip
                    elif roll < 0.5:
                        fields.update(status="ended", ended_on=proposed + timedelta(days=60),
                                      end_reason="架空の理由")  # fmt: skip
                placements.append(Placement(need=need, service=service,
                                            created_by=actor, **fields))  # fmt: skip
        for _i in range(max(1, consultations_per_year // 200) if terms else 0):
            gaps.append(
                ResourceGap(
                    need_text="架空の不足",
                    category=rng.choice(terms),
                    district=rng.choice(districts),
                    agency=rng.choice(agencies),
                    recorded_by=actor,
                    recorded_at=_moment(rng, _day_in(rng, year)),
                )
            )
        Person.objects.bulk_create(people, batch_size=BATCH)
        ParticipationNeed.objects.bulk_create(needs, batch_size=BATCH)
        Placement.objects.bulk_create(placements, batch_size=BATCH)
        ResourceGap.objects.bulk_create(gaps, batch_size=BATCH)
        written["placements"] += len(placements)
        written["gaps"] += len(gaps)

        # Community building: activities at the sites, trainings.
        activities = (
            [
                Activity(
                    site=site,
                    held_on=_day_in(rng, year),
                    kind="salon",
                    participants=rng.randint(3, 30),
                    volunteers=rng.randint(0, 6),
                    agency=rng.choice(agencies),
                    recorded_by=actor,
                )
                for site in (rng.choice(sites) for _i in range(consultations_per_year // 10))
            ]
            if sites
            else []
        )
        Activity.objects.bulk_create(activities, batch_size=BATCH)
        trainings = [
            Training(
                program=site.program,
                name="ヘルスリーダー養成講座",
                held_on=_day_in(rng, year),
                people_trained=rng.randint(5, 25),
                agency=rng.choice(agencies),
                recorded_by=actor,
            )
            for site in rng.sample(sites, min(len(sites), 10))
        ]
        Training.objects.bulk_create(trainings, batch_size=BATCH)
        written["activities"] += len(activities)
    return written
