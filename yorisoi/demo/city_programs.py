"""The programs around a case in the fictional city (demo/city.py): outreach with its visits
and trust stages, participation placements with follow-ups (R8), community-building counts.
Each function takes the city generator (`city`) whose random source, staff and batches it uses.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from yorisoi.community import loader as community_loader
from yorisoi.community.models import Activity, ActivityKind, CommunityProgram, Site, Training
from yorisoi.intake.models import ConsulterType
from yorisoi.outreach import categories as outreach_categories
from yorisoi.outreach.models import (
    OUTCOME_RAISES,
    STAGE_ORDER,
    ContactAttempt,
    ContactOutcome,
    Method,
    OutreachCategory,
    OutreachTarget,
    Stage,
    StageChange,
)
from yorisoi.outreach.models import Status as OutreachStatus
from yorisoi.participation.models import (
    FollowUp,
    FollowUpOutcome,
    FollowUpStatus,
    ParticipationNeed,
    Placement,
    PlacementStatus,
)
from yorisoi.resources import demo as resources_demo
from yorisoi.resources import taxonomy as resources_taxonomy
from yorisoi.resources.models import Service

from .city_proportions import FOLLOW_UP_DAYS

# -- outreach --


def outreach(city, *, person, case, start: datetime, agency=None, track=None):
    """Visits until someone opens the door; trust rises only as far as the contacts'
    outcomes allow (outreach.models.OUTCOME_RAISES), a hand-over needs 関係形成."""
    rng = city.rng
    agency = agency or rng.choice(city.by_kind.get("itaku-soudan") or city.casework)
    user = city.users[agency.pk]
    target = city.add(
        OutreachTarget(
            id=city.uuid(),
            label=f"見守りの必要な方（{city.totals['OutreachTarget'] + 1}）",
            category=outreach_category(city),
            description="何年も外で姿を見かけない。",
            worried_by_type=ConsulterType.VOLUNTEER if case is None else ConsulterType.AGENCY,
            responsible_agency=agency,
            next_contact_on=timezone.localdate(start),
            person_id=person,
            case=case,
            created_by=user,
            created_at=start,
        )
    )
    ladder = (ContactOutcome.ABSENT, ContactOutcome.NOTE_LEFT, ContactOutcome.THROUGH_DOOR,
              ContactOutcome.FACE_TO_FACE, ContactOutcome.LONG_TALK)  # fmt: skip
    level, at, stage = 0, start, Stage.NOT_CONTACTED
    end = start + timedelta(days=rng.expovariate(1 / 200))
    while at < min(end, city.now):
        level = max(0, min(len(ladder) - 1, level + rng.choice((-1, 0, 1, 1))))
        outcome = ladder[level]
        contact = city.add(
            ContactAttempt(
                id=city.uuid(),
                target=target,
                contacted_at=at,
                method=Method.VISIT if rng.random() < 0.7 else Method.PHONE,
                outcome=outcome,
                observations="様子を確認した。",
                next_contact_on=timezone.localdate(at) + timedelta(days=14),
                recorded_by=user,
                recorded_at=at,
            )
        )
        city.add(ContactAttempt.agencies.through(contactattempt=contact, agency=agency))
        raised = OUTCOME_RAISES[outcome]
        if raised and STAGE_ORDER[raised] > STAGE_ORDER[stage]:
            city.add(StageChange(target=target, from_stage=stage, to_stage=raised,
                                 contact=contact, changed_at=at, changed_by=user))  # fmt: skip
            stage = raised
        if outcome == ContactOutcome.LONG_TALK and stage == Stage.DIALOGUE:
            city.add(StageChange(target=target, from_stage=stage, to_stage=Stage.RELATIONSHIP,
                                 contact=contact, note="じっくり話せた。", changed_at=at,
                                 changed_by=user))  # fmt: skip
            stage = Stage.RELATIONSHIP
        target.last_contact_at = at
        at += timedelta(days=rng.uniform(7, 21))
    target.stage = stage
    if end < city.now and target.last_contact_at:
        ended = end
        if stage == Stage.RELATIONSHIP:
            target.status = OutreachStatus.HANDED_OVER
            target.stage = Stage.CONNECTED
            target.end_note = "担当機関に引き継いだ。"
            target.handover_track = track
            city.add(StageChange(target=target, from_stage=stage, to_stage=Stage.CONNECTED,
                                 changed_at=ended, changed_by=user))  # fmt: skip
        else:
            target.status = OutreachStatus.CLOSED
            target.end_note = "転居により終了。"
        target.ended_at = ended
        target.next_contact_on = timezone.localdate(ended)
    else:
        target.next_contact_on = city.today + timedelta(days=rng.randint(-7, 14))


def outreach_category(city):
    if not hasattr(city, "_categories"):
        if not OutreachCategory.objects.exists():
            outreach_categories.load()
        city._categories = list(OutreachCategory.objects.filter(active=True))
    return city.rng.choice(city._categories)


# -- participation support --


def participation(city, case, person, at: datetime, agency):
    """R8: a need, a placement moving through its states, follow-ups when it starts."""
    rng = city.rng
    services = social_resources(city)
    if not services:
        return
    need = city.add(
        ParticipationNeed(
            id=city.uuid(),
            person_id=person,
            case=case,
            interests_note="人が少ない場所なら通えそう。",
            short_term_goal="週1回、居場所に通う",
            responsible_agency=agency,
            created_by=city.users[agency.pk],
            created_at=at,
        )
    )
    day = timezone.localdate(at) + timedelta(days=rng.randint(1, 14))
    p = Placement(
        id=city.uuid(),
        need=need,
        service=rng.choice(services),
        proposed_on=day,
        created_by=city.users[agency.pk],
    )
    for status, attr, gap in (
        (PlacementStatus.COORDINATING, "contacted_on", 7),
        (PlacementStatus.TRIAL, "trial_on", 7),
        (PlacementStatus.STARTED, "started_on", 7),
    ):
        nxt = day + timedelta(days=rng.randint(1, gap))
        if nxt > city.today:
            break
        if rng.random() < 0.1:
            p.status, p.ended_on, p.end_reason = (
                PlacementStatus.ENDED,
                nxt,
                "本人が希望しなかった。",
            )
            break
        p.status, day = status, nxt
        setattr(p, attr, nxt)
    city.add(p)
    if p.status != PlacementStatus.STARTED:
        return
    settle = p.started_on + timedelta(days=rng.randint(60, 200))
    stop = None
    if settle <= city.today:
        if rng.random() < 0.8:
            p.status, p.settled_on, stop = PlacementStatus.SETTLED, settle, settle
        else:
            p.status, p.ended_on, stop = PlacementStatus.ENDED, settle, settle
            p.end_reason = "通えなくなった。"
    for days in FOLLOW_UP_DAYS:
        due = p.started_on + timedelta(days=days)
        f = FollowUp(id=city.uuid(), placement=p, due_on=due)
        if due <= city.today and (stop is None or due <= stop):
            f.status = FollowUpStatus.DONE
            f.done_at = datetime.combine(due, datetime.min.time(), tzinfo=city.now.tzinfo)
            f.done_by = city.users[agency.pk]
            f.outcome = city.pick(((FollowUpOutcome.GOING_WELL, 7),
                                   (FollowUpOutcome.SOME_CONCERNS, 2),
                                   (FollowUpOutcome.NOT_ATTENDING, 1)))  # fmt: skip
        elif stop is not None:
            f.status = FollowUpStatus.CANCELLED
            f.cancelled_at = datetime.combine(stop, datetime.min.time(), tzinfo=city.now.tzinfo)
        city.add(f)


def social_resources(city):
    if not hasattr(city, "_services"):
        if not Service.objects.exists():
            resources_taxonomy.load()
            resources_demo.generate_resources(30, seed=city.seed)
        city._services = list(Service.objects.order_by("pk"))
    return city._services


# -- community building (counts only) --


def community(city):
    rng = city.rng
    if not Site.objects.exists():
        community_loader.load()
    coordinator = city.users[city.coordinating.pk]
    kinds = [k for k in ActivityKind.values if k != ActivityKind.OTHER]
    for site in Site.objects.filter(active=True).order_by("code"):
        for offset in range(city.span_days - 1, 0, -15):
            city.add(
                Activity(
                    id=city.uuid(),
                    site=site,
                    held_on=city.today
                    - timedelta(days=offset - rng.randint(0, min(6, offset - 1))),
                    kind=rng.choice(kinds),
                    participants=rng.randint(3, 30),
                    volunteers=rng.randint(0, 5),
                    agency=city.coordinating,
                    recorded_by=coordinator,
                )
            )
    for program in CommunityProgram.objects.filter(active=True).order_by("code"):
        for name in program.training_names:
            for year in range(city.years):
                city.add(
                    Training(
                        id=city.uuid(),
                        program=program,
                        name=name,
                        held_on=city.today - timedelta(days=365 * year + rng.randint(30, 300)),
                        people_trained=rng.randint(5, 30),
                        agency=city.coordinating,
                        recorded_by=coordinator,
                    )
                )
