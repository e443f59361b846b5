"""A fictional city at scale (issue 16): `manage.py generate_city --people N --years Y`.

Writes a population (people/demo.generate_population, in chunks) and Y years of the work the
plan describes around it: consultations with their issues and ◎ (R1 outcomes), referrals
(accepted, declined with a reason, pending, withdrawn; R2, some declined twice), collaborative
cases (subjects, lead agency and involvements, consent, both legal kinds of meeting, plans,
reviews, progress records, closure or suspension; R3–R5), outreach targets with their visits,
participation placements with follow-ups (R8) and community-building counts.

Every row is written in a state the services could leave it in, but with bulk inserts, not
through the services (a million people would take days): no audit rows, no history rows, no
notifications. The database constraints hold (tests/test_generate_city.py runs the model checks).
Nobody in it is real; people carry people.demo.DEMO_MARK, other texts are invented.

Proportions are constants in demo/city_proportions.py, each with the reason it was chosen; a
city can change them. One function per record kind (`_City.consultation`, `.referral`, `.case`, `.meeting` …),
so that a field added later is filled in one place.
"""

from __future__ import annotations

import math
import random
import resource
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from yorisoi.accounts.models import Role, User
from yorisoi.cases import models as cm
from yorisoi.community.models import Activity, Training
from yorisoi.directory.models import (
    Agency,
    AgencyKind,
    IssueCategory,
    LegalMeetingType,
    MeetingKind,
)
from yorisoi.intake.models import (
    Channel,
    ClosureReason,
    Consultation,
    ConsultationIssue,
    ConsulterType,
    Outcome,
    Referral,
    ReferralKind,
    ReferralStatus,
    SharingConsent,
    Urgency,
)
from yorisoi.outreach.models import (
    ContactAttempt,
    OutreachTarget,
    StageChange,
)
from yorisoi.participation.models import (
    FollowUp,
    ParticipationNeed,
    Placement,
)
from yorisoi.people import demo as people_demo
from yorisoi.people.models import HouseholdMember, Person
from yorisoi.work.models import WorkItem
from yorisoi.work.refresh import rebuild_all

from . import city_programs, city_writer
from .city_proportions import (
    AGE_WEIGHT,
    ANONYMOUS_SHARE,
    AT_RISK_SHARE,
    CASE_CONSENT_LATE_SHARE,
    CASE_MEAN_DAYS,
    CASE_OUTREACH_SHARE,
    CASE_PARTICIPATION_SHARE,
    CASE_REVIEW_DAYS,
    CASE_SUSPENDED_SHARE,
    CHANNELS,
    CLOSE_NOTES,
    CONSULTATIONS_PER_RESIDENT_YEAR,
    CONSULTERS,
    CONTINUED_MEAN_DAYS,
    DECLINE_REASONS,
    DECLINES_BEFORE,
    KINDS_BY_AGE,
    LONG_HISTORY_SHARE,
    LONG_HISTORY_WEIGHT,
    NEW_SHARE_LAST_WEEK,
    OUTCOME_WEIGHTS,
    OUTREACH_STANDALONE_PER_RESIDENT_YEAR,
    PENDING_WITHIN_DAYS,
    RECORD_EVERY_DAYS,
    RECORD_TEXTS,
    RECORDS_PER_CASE_MAX,
    REFERRAL_WITHDRAWN_SHARE,
    ROLES,
    SUMMARIES,
    SUSPEND_NOTES,
    TRANSFER_SHARE,
    WEIGHT_CAP,
    WEIGHT_SIGMA,
)


class CityError(Exception):
    """Why the city cannot be generated here (a message for the person at the terminal)."""


@dataclass
class CityResult:
    people: int = 0
    households: int = 0
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0
    people_seconds: float = 0.0
    write_seconds: float = 0.0
    peak_rss_mb: float = 0.0


def require_master_data() -> None:
    """The generator needs the city's master data (`manage.py load_master`)."""
    missing = []
    if not Agency.objects.filter(active=True).exists():
        missing.append("機関")
    if not IssueCategory.objects.filter(active=True).exists():
        missing.append("課題分類")
    if not Agency.objects.filter(active=True, kind__coordinating=True).exists():
        missing.append("福祉総務課（調整部署）")
    for legal_type in LegalMeetingType.values:
        if not MeetingKind.objects.filter(active=True, legal_type=legal_type).exists():
            missing.append(f"会議の種類（{legal_type}）")
    if missing:
        raise CityError(
            "マスタデータがありません（" + "、".join(missing) + "）。"
            "先に `manage.py load_master` を実行してください。"
        )


def generate_city(
    *,
    people: int,
    years: int,
    seed: int = 1,
    append: bool = False,
    batch_size: int = 5000,
    writer: str = "auto",
    now: datetime | None = None,
    log: Callable[[str], None] = lambda _line: None,
) -> CityResult:
    """Generate the city; returns the counts per table, the wall time and the peak RSS.
    `now`: the moment the city's records lead up to (default: now); fix it for identical
    output (people's 登録日時 still take the real time)."""
    if people < 1 or years < 1:
        raise CityError("--people と --years は1以上にしてください。")
    require_master_data()
    if not append and Person.objects.exists():
        raise CityError(
            "このデータベースにはすでに本人が登録されています。追加するときは --append を"
            "付けてください。"
        )
    started = time.perf_counter()
    with transaction.atomic():
        city = _City(seed=seed, years=years, batch_size=batch_size, writer=writer, log=log, now=now)
        households = city.population(people)
        people_seconds = time.perf_counter() - started
        city.work()
        city.flush()
        rebuild_all()  # 今日やること: the work-item table from what was written (no services ran)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load
    result = CityResult(
        people=city.people_added,
        households=households,
        counts=table_counts(),
        seconds=time.perf_counter() - started,
        people_seconds=people_seconds,
        write_seconds=city.write_seconds,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    return result


COUNTED = (
    Person, HouseholdMember, "people.Household", Consultation, ConsultationIssue, Referral,
    cm.Case, cm.CaseSubject, cm.Involvement, cm.Track, cm.Consent, cm.Meeting,
    cm.MeetingParticipant, cm.Assessment, cm.AssessmentIssue, cm.SupportPlan, cm.PlanGoal,
    cm.PlanAction, cm.GoalReview, cm.ProgressRecord, cm.CaseEvent, OutreachTarget,
    ContactAttempt, StageChange, ParticipationNeed, Placement, FollowUp, Activity, Training,
    User, WorkItem,
)  # fmt: skip


def table_counts() -> dict:
    out = {}
    for model in COUNTED:
        model = apps.get_model(model) if isinstance(model, str) else model
        out[model._meta.db_table] = model.objects.count()
    return out


# --- the generator ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Resident:
    pk: uuid.UUID
    household: uuid.UUID | None
    age: int
    district: int | None


class _City:
    def __init__(self, *, seed, years, batch_size, writer, log, now=None):
        self.rng = random.Random(seed)  # noqa: S311 — fictional data, not secrets
        self.seed = seed
        self.years = years
        self.batch_size = batch_size
        self.writer = writer
        self.write_seconds = 0.0  # time spent writing the rows after the people
        self.log = log
        self.now = (now or timezone.now()).replace(microsecond=0)
        self.today = timezone.localdate(self.now)
        self.span_days = years * 365
        self.pending: dict[type, list] = defaultdict(list)
        self.people_added = 0
        self.case_serial: Counter = Counter()
        self.totals: Counter = Counter()
        self._master()

    # -- master data and the staff who act --

    def _master(self):
        agencies = list(Agency.objects.filter(active=True).select_related("kind").order_by("code"))
        self.by_kind: dict[str, list[Agency]] = defaultdict(list)
        for a in agencies:
            self.by_kind[a.kind.code].append(a)
        self.coordinating = next(a for a in agencies if a.kind.coordinating)
        self.casework = [a for a in agencies if not a.kind.volunteer]
        self.volunteers = [a for a in agencies if a.kind.volunteer]
        self.kind_tables = {}
        for age, table in KINDS_BY_AGE.items():
            rows = [(k, w) for k, w in table if k in self.by_kind]
            self.kind_tables[age] = rows or [(a.kind.code, 1) for a in self.casework]
        issues = list(IssueCategory.objects.filter(active=True).order_by("order", "code"))
        self.issues_by_domain: dict[int, list] = defaultdict(list)
        for issue in issues:
            self.issues_by_domain[issue.domain_id].append(issue)
        self.all_issues = issues
        self.kind_domains: dict[str, list[int]] = defaultdict(list)
        for kind in AgencyKind.objects.prefetch_related("domains"):
            self.kind_domains[kind.code] = sorted(
                d.pk for d in kind.domains.all() if d.pk in self.issues_by_domain
            )
        self.support_kind = MeetingKind.objects.filter(
            active=True, legal_type=LegalMeetingType.SUPPORT_MEETING
        ).order_by("order", "code")[0]
        self.multilayer_kind = MeetingKind.objects.filter(
            active=True, legal_type=LegalMeetingType.MULTILAYER_MEETING
        ).order_by("order", "code")[0]
        self.domains = sorted(self.issues_by_domain)
        self.users = self._users(agencies)
        for year, last in self._case_numbers():
            self.case_serial[year] = last

    def _case_numbers(self):
        last: dict[int, int] = {}
        for number in cm.Case.objects.values_list("number", flat=True):
            year, _, serial = number.partition("-")
            if year.isdigit() and serial.isdigit():
                last[int(year)] = max(last.get(int(year), 0), int(serial))
        return list(last.items())

    def _users(self, agencies) -> dict[int, User]:
        """One caseworker per agency (the coordinator at 福祉総務課, a volunteer for 民生委員),
        `city-<agency code>`, without a usable password (nobody signs in as them)."""
        existing = {u.username: u for u in User.objects.filter(username__startswith="city-")}
        new = []
        for a in agencies:
            name = f"city-{a.code}"
            if name in existing:
                continue
            role = (
                Role.COORDINATOR
                if a.kind.coordinating
                else Role.VOLUNTEER
                if a.kind.volunteer
                else Role.STAFF
            )
            user = User(username=name, display_name=f"{a.name}（架空の職員）", role=role, agency=a)
            user.set_unusable_password()
            new.append(user)
        User.objects.bulk_create(new)
        return {
            u.agency_id: u
            for u in User.objects.filter(username__startswith="city-").select_related("agency")
        }

    # -- helpers --

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def pick(self, table):
        return self.rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]

    def at(self, days_ago: float) -> datetime:
        return self.now - timedelta(days=days_ago)

    def add(self, obj):
        self.pending[type(obj)].append(obj)
        self.totals[type(obj).__name__] += 1
        return obj

    # Parents before children, so a flush never writes a row before the row it points at.
    ORDER = (
        Consultation, ConsultationIssue, Referral, cm.Case, cm.CaseSubject, cm.Involvement,
        cm.Track, cm.Consent, cm.Meeting, cm.MeetingParticipant, cm.Assessment,
        cm.AssessmentIssue, cm.SupportPlan, cm.PlanGoal, cm.PlanAction, cm.GoalReview,
        cm.ProgressRecord, cm.CaseEvent, OutreachTarget, ContactAttempt,
        ContactAttempt.agencies.through, StageChange, ParticipationNeed, Placement, FollowUp,
        Activity, Training,
    )  # fmt: skip

    def maybe_flush(self):
        if sum(len(v) for v in self.pending.values()) >= self.batch_size * 4:
            self.flush()

    def flush(self):
        for model in self.ORDER:
            rows = self.pending.pop(model, [])
            if rows:
                started = time.perf_counter()
                city_writer.write(
                    model,
                    rows,
                    batch_size=self.batch_size,
                    method=self.writer,
                    needs_ids=model in (cm.PlanGoal, cm.Track),
                )
                self.write_seconds += time.perf_counter() - started
        if self.pending:
            raise RuntimeError(f"no flush order for {list(self.pending)}")

    # -- people --

    def population(self, people: int) -> int:
        """Households and people through people.demo (deterministic per chunk of the seed)."""
        before = Person.objects.count()
        households, chunk, index = 0, 4000, 0
        while Person.objects.count() - before < people:
            missing = people - (Person.objects.count() - before)
            size = max(1, min(chunk, math.ceil(missing / 2.4)))
            counts = people_demo.generate_population(households=size, seed=self.seed * 1000 + index)
            households += counts["households"]
            index += 1
            self.log(f"  本人 {Person.objects.count() - before:,} / {people:,}")
        self.people_added = Person.objects.count() - before
        return households

    def residents(self) -> list[_Resident]:
        homes = dict(
            HouseholdMember.objects.filter(left_on__isnull=True).values_list(
                "person_id", "household_id"
            )
        )
        out = []
        for pk, born, district in (
            Person.objects.order_by("pk").values_list("pk", "birth_date", "district_id").iterator()
        ):
            age = (self.today - born).days // 365 if born else 40
            out.append(_Resident(pk, homes.get(pk), age, district))
        return out

    # -- the work of Y years --

    def work(self):
        residents = self.residents()
        self.members: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for r in residents:
            if r.household:
                self.members[r.household].append(r.pk)
        n = len(residents)
        total = round(n * CONSULTATIONS_PER_RESIDENT_YEAR * self.years)
        anonymous = round(total * ANONYMOUS_SHARE)
        rng = self.rng
        weights = []
        for r in residents:
            w = 0.0
            if rng.random() < AT_RISK_SHARE:
                w = rng.lognormvariate(0, WEIGHT_SIGMA) * next(
                    f for a, f in AGE_WEIGHT if r.age >= a
                )
                if rng.random() < LONG_HISTORY_SHARE / AT_RISK_SHARE:
                    w *= LONG_HISTORY_WEIGHT
                w = min(w, WEIGHT_CAP)
            weights.append(w)
        draws = Counter(rng.choices(range(n), weights=weights, k=total - anonymous))
        self.log(f"  相談 {total:,} 件（{len(draws):,} 人、匿名 {anonymous:,} 件）を作成中")
        for i, r in enumerate(residents):
            k = draws.get(i, 0)
            if k:
                self.history(r, k)
            if i % 20000 == 19999:
                self.log(f"  本人 {i + 1:,} / {n:,} の経過")
            self.maybe_flush()
        for _ in range(anonymous):
            self.episode(None, self.at(rng.uniform(0, self.span_days)))
            self.maybe_flush()
        standalone = round(n * OUTREACH_STANDALONE_PER_RESIDENT_YEAR * self.years)
        for _ in range(standalone):
            city_programs.outreach(
                self, person=None, case=None, start=self.at(rng.uniform(0, self.span_days))
            )
            self.maybe_flush()
        city_programs.community(self)

    def history(self, r: _Resident, k: int):
        times = sorted(self.rng.uniform(0, self.span_days) for _ in range(k))
        home = None
        for days_ago in reversed(times):
            home = self.episode(r, self.at(days_ago), home=home)

    # -- one consultation and what follows from it --

    def agency_for(self, r: _Resident | None) -> Agency:
        age = r.age if r else 70
        table = next(t for a, t in self.kind_tables.items() if age >= a)
        return self.rng.choice(self.by_kind[self.pick(table)])

    def episode(self, r: _Resident | None, received: datetime, home: Agency | None = None):
        """A consultation and everything its outcome brings; returns the agency (people
        often come back to the agency they know)."""
        rng = self.rng
        agency = home if home is not None and rng.random() < 0.7 else self.agency_for(r)
        c = self.consultation(agency, r, received)
        age_days = (self.now - received).total_seconds() / 86400
        if age_days < 7 and rng.random() < NEW_SHARE_LAST_WEEK:
            c.next_action_on = self.today + timedelta(days=rng.randint(-3, 7))
            return agency  # new: no outcome yet, in the agency's queue (R1, R3)
        outcomes = dict(OUTCOME_WEIGHTS)
        if r is None:
            outcomes.pop(Outcome.ESCALATED)  # a case needs a subject
        outcome = self.pick(list(outcomes.items()))
        decided = min(self.now, received + timedelta(hours=rng.uniform(0.2, 72)))
        if outcome == Outcome.RESOLVED:
            self.decide(c, Outcome.RESOLVED, decided)
            self.close(c, decided)
        elif outcome == Outcome.CONTINUED:
            self.decide(c, Outcome.CONTINUED, decided)
            self.carry_on(c, decided)
        elif outcome == Outcome.REFERRED:
            self.referrals(c, decided)
        else:
            self.escalate(c, r, decided)
        return agency

    def consultation(self, agency: Agency, r: _Resident | None, received: datetime):
        rng = self.rng
        channel = self.pick(CHANNELS)
        consulter = CONSULTERS.get(channel) or (
            ConsulterType.SELF if rng.random() < 0.6 else ConsulterType.FAMILY
        )
        user = self.users[agency.pk]
        c = self.add(
            Consultation(
                id=self.uuid(),
                received_at=received,
                receiving_agency=agency,
                responsible_agency=agency,
                channel=channel,
                consulter_type=consulter,
                person_id=r.pk if r else None,
                household_id=r.household if r and rng.random() < 0.6 else None,
                subject_note="" if r else "近所に住む高齢の方（氏名はまだわからない）",
                summary=rng.choice(SUMMARIES),
                urgency=self.pick(((Urgency.URGENT, 1), (Urgency.HIGH, 3), (Urgency.NORMAL, 16))),
                sharing_consent=self.pick(
                    (
                        (SharingConsent.AGREED, 6),
                        (SharingConsent.NOT_AGREED, 1),
                        (SharingConsent.UNCONFIRMED, 3),
                    )
                ),
                next_action_on=timezone.localdate(received),
                last_activity_at=received,
                reported_by=self.users.get(rng.choice(self.volunteers).pk)
                if channel == Channel.FROM_VOLUNTEER and self.volunteers
                else None,
                created_by=user,
                holder=user,  # 担当者 (R3): the agency's city-<code> account
                created_at=received,
            )
        )
        self.consultation_issues(c, agency)
        return c

    def consultation_issues(self, c: Consultation, agency: Agency):
        """1–3 issues from the agency's domains (◎ the first), a quarter from another domain
        too: the compound cases the plan is about."""
        rng = self.rng
        domains = self.kind_domains.get(agency.kind.code) or self.domains
        pool = self.issues_by_domain[rng.choice(domains)]
        chosen = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 3))))
        if rng.random() < 0.25:
            extra = rng.choice(self.all_issues)
            if extra not in chosen:
                chosen.append(extra)
        for i, issue in enumerate(chosen):
            self.add(ConsultationIssue(consultation=c, issue=issue, is_main=i == 0))
        c.domain_count = len({i.domain_id for i in chosen})

    def decide(self, c: Consultation, outcome: str, at: datetime, by: User | None = None):
        c.outcome = outcome
        c.outcome_at = at
        c.outcome_by = by or self.users[c.responsible_agency_id]
        c.last_activity_at = max(c.last_activity_at, at)
        c.next_action_on = max(c.next_action_on, timezone.localdate(at))

    def close(self, c: Consultation, at: datetime):
        # 終結の理由: resolved at intake needs none; support that ran its course is "solved".
        c.closure_reason = "" if c.outcome == Outcome.RESOLVED else ClosureReason.SOLVED
        c.closed_at = at
        c.last_activity_at = at
        c.next_action_on = timezone.localdate(at)

    def carry_on(self, c: Consultation, since: datetime):
        """自機関で継続: open while support lasts, then closed; open ones have a next action
        (R3), some overdue, some with no activity for weeks (stalled)."""
        rng = self.rng
        end = since + timedelta(days=rng.expovariate(1 / CONTINUED_MEAN_DAYS))
        if end < self.now - timedelta(days=1):
            self.close(c, end)
            return
        age = (self.now - since).days
        c.last_activity_at = max(since, self.at(rng.uniform(0, min(age, 45))))
        c.next_action_on = self.today + timedelta(days=rng.randint(-14, 30))

    def referrals(self, c: Consultation, sent: datetime):
        """R2: declines (each with a reason, back to the sender and the coordinator), then a
        referral that is accepted, withdrawn or still pending."""
        rng = self.rng
        sender = c.responsible_agency
        tried = {sender.pk}
        for _ in range(self.pick(DECLINES_BEFORE)):
            if sent > self.now - timedelta(days=2):
                break
            ref = self.referral(c, self.other(tried), sent, ReferralStatus.DECLINED)
            tried.add(ref.to_agency_id)
            sent = ref.answered_at + timedelta(hours=rng.uniform(2, 96))
        sent = min(sent, self.now - timedelta(hours=1))
        c.last_activity_at = max(c.last_activity_at, sent)
        to = self.other(tried)
        if (self.now - sent).days < PENDING_WITHIN_DAYS and rng.random() < 0.5:
            self.referral(c, to, sent, ReferralStatus.PENDING)
            c.next_action_on = self.today + timedelta(days=rng.randint(-5, 14))
            return
        if len(tried) >= 3 and rng.random() < 0.5:
            # declined twice: the coordinator takes it on (多機関協働)
            self.escalate(c, None, sent)
            return
        if rng.random() < REFERRAL_WITHDRAWN_SHARE:
            ref = self.referral(c, to, sent, ReferralStatus.WITHDRAWN)
            self.decide(c, Outcome.CONTINUED, ref.answered_at)
            self.carry_on(c, ref.answered_at)
            return
        ref = self.referral(c, to, sent, ReferralStatus.ACCEPTED)
        self.decide(c, Outcome.REFERRED, ref.answered_at, by=ref.sent_by)
        if ref.kind == ReferralKind.TRANSFER:
            c.responsible_agency = ref.to_agency
            c.holder = self.users[ref.to_agency_id]
        self.carry_on(c, ref.answered_at)

    def other(self, exclude: set) -> Agency:
        while True:
            a = self.rng.choice(self.casework)
            if a.pk not in exclude and a.pk != self.coordinating.pk:
                return a

    def referral(self, c: Consultation, to: Agency, sent: datetime, status: str) -> Referral:
        rng = self.rng
        ref = Referral(
            id=self.uuid(),
            consultation=c,
            kind=ReferralKind.TRANSFER if rng.random() < TRANSFER_SHARE else ReferralKind.REFERRAL,
            from_agency=c.responsible_agency,
            to_agency=to,
            reason="専門の相談が必要なため。",
            told_to_person="つなぎ先から連絡があることを伝えた。",
            status=status,
            sent_at=sent,
            sent_by=self.users[c.responsible_agency_id],
        )
        if status != ReferralStatus.PENDING:
            ref.answered_at = min(self.now, sent + timedelta(hours=rng.uniform(1, 120)))
            side = to if status != ReferralStatus.WITHDRAWN else c.responsible_agency
            ref.answered_by = self.users[side.pk]
        if status == ReferralStatus.DECLINED:
            ref.decline_reason = rng.choice(DECLINE_REASONS)
            if (self.now - ref.answered_at).days > 7 or rng.random() < 0.5:
                ref.sender_acknowledged_at = ref.answered_at + timedelta(hours=rng.uniform(1, 48))
                ref.coordinator_acknowledged_at = ref.answered_at + timedelta(days=1)
        c.last_activity_at = max(c.last_activity_at, ref.answered_at or sent)
        return self.add(ref)

    def escalate(self, c: Consultation, r: _Resident | None, at: datetime):
        """多機関協働へ: the coordinating division holds it (R1, R3); after a few days it becomes
        a case, which closes the consultation (cases.services.case_open)."""
        self.decide(c, Outcome.ESCALATED, at)
        c.responsible_agency = self.coordinating
        c.holder = self.users[self.coordinating.pk]
        c.next_action_on = timezone.localdate(at)
        opened = at + timedelta(days=self.rng.uniform(1, 7))
        if opened >= self.now or c.person_id is None:
            c.next_action_on = max(c.next_action_on, self.today - timedelta(days=3))
            return
        c.closed_at = opened
        c.closure_reason = ClosureReason.CONNECTED  # it lives on as the case
        c.last_activity_at = opened
        self.case(c, opened)

    # -- collaborative cases --

    def case(self, origin: Consultation, opened: datetime):
        rng = self.rng
        coordinator = self.users[self.coordinating.pk]
        year = timezone.localdate(opened).year
        self.case_serial[year] += 1
        case = self.add(
            cm.Case(
                id=self.uuid(),
                number=f"{year}-{self.case_serial[year]:04d}",
                title=f"{origin.summary[:20]}（{year}年）",
                household_id=origin.household_id,
                origin=origin,
                lead_agency=self.coordinating,
                status=cm.CaseStatus.INTAKE,
                summary=origin.summary,
                next_action_on=timezone.localdate(opened) + timedelta(days=7),
                last_activity_at=opened,
                opened_at=opened,
                created_by=coordinator,
            )
        )
        subjects = [origin.person_id]
        if origin.household_id and rng.random() < 0.4:
            subjects += [p for p in self.members[origin.household_id] if p != origin.person_id][:2]
        for p in subjects:
            self.add(cm.CaseSubject(case=case, person_id=p, added_at=opened))
        self.event(case, opened, cm.CaseEventKind.OPENED, to_status=case.status)
        d0 = timezone.localdate(opened)
        tracks = [self.add(cm.Track(case=case, program=cm.Program.COLLABORATION, started_on=d0))]
        lead_row = self.add(
            cm.Involvement(
                case=case,
                agency=self.coordinating,
                role="主担当機関として全体を調整する",
                is_lead=True,
                started_on=d0,
            )
        )
        involved = [origin.receiving_agency]
        while len(involved) < rng.randint(2, 4):
            a = self.other({self.coordinating.pk, *[x.pk for x in involved]})
            involved.append(a)
        rows = {}
        for a in involved:
            if a.pk != self.coordinating.pk:
                rows[a.pk] = self.add(
                    cm.Involvement(case=case, agency=a, role=rng.choice(ROLES), started_on=d0)
                )
        # Consent (R4) soon, or only after a 支援会議 held without it (worked example 2).
        late = rng.random() < CASE_CONSENT_LATE_SHARE
        if late:
            self.meeting(case, self.support_kind, opened + timedelta(days=rng.uniform(3, 14)),
                         involved, purpose="")  # fmt: skip
        consent_at = opened + timedelta(days=rng.uniform(30, 150) if late else rng.uniform(3, 30))
        self.set_status(case, opened + timedelta(days=1), cm.CaseStatus.ASSESSMENT)
        self.assessment(case, opened + timedelta(days=rng.uniform(2, 20)))
        if consent_at >= self.now:
            self.keep_open(case)
            return
        consents = [self.consent(case, p, consent_at) for p in subjects]
        case.support_decided_on = timezone.localdate(consent_at)
        case.support_decided_by = coordinator
        self.event(case, consent_at, cm.CaseEventKind.SUPPORT_DECISION)
        self.set_status(case, consent_at, cm.CaseStatus.PLANNING)
        plan_at = consent_at + timedelta(days=rng.uniform(7, 21))
        if plan_at >= self.now:
            self.keep_open(case)
            return
        meeting = self.meeting(case, self.multilayer_kind, plan_at, involved,
                               purpose=cm.MeetingPurpose.PLAN_CREATION)  # fmt: skip
        plan = self.plan(case, meeting, 1, involved)
        self.set_status(case, plan_at, cm.CaseStatus.SUPPORT)
        # Roles agreed: the lead passes to the agency that goes on alongside (主担当).
        lead = involved[0] if involved[0].pk != self.coordinating.pk else involved[1]
        d = timezone.localdate(plan_at)
        lead_row.ended_on = d
        rows[lead.pk].ended_on = d
        self.add(cm.Involvement(case=case, agency=lead, role=rows[lead.pk].role, is_lead=True,
                                started_on=d))  # fmt: skip
        self.add(cm.Involvement(case=case, agency=self.coordinating, role="全体の調整",
                                started_on=d))  # fmt: skip
        case.lead_agency = lead
        self.event(case, plan_at, cm.CaseEventKind.LEAD, agency=lead)
        tracks.append(self.add(cm.Track(case=case, program=cm.Program.ACCOMPANIMENT, started_on=d)))
        person = subjects[0]
        if plan.uses_outreach:
            track = self.add(cm.Track(case=case, program=cm.Program.OUTREACH, started_on=d))
            tracks.append(track)
            city_programs.outreach(
                self, person=person, case=case, start=plan_at, agency=lead, track=track
            )
        if plan.uses_participation:
            tracks.append(
                self.add(cm.Track(case=case, program=cm.Program.PARTICIPATION, started_on=d))
            )
            city_programs.participation(self, case, person, plan_at, lead)
        end = plan_at + timedelta(days=rng.expovariate(1 / CASE_MEAN_DAYS))
        review = plan_at + timedelta(days=CASE_REVIEW_DAYS)
        number = 1
        while review < min(end, self.now):
            m = self.meeting(case, self.multilayer_kind, review, involved,
                             purpose=cm.MeetingPurpose.PLAN_REVIEW)  # fmt: skip
            self.reviews(plan, m)
            number += 1
            plan = self.plan(case, m, number, involved)
            review += timedelta(days=CASE_REVIEW_DAYS)
        self.records(case, opened, min(end, self.now), involved)
        if end < self.now:
            suspended = rng.random() < CASE_SUSPENDED_SHARE
            purpose = cm.MeetingPurpose.SUSPENSION if suspended else cm.MeetingPurpose.CLOSURE
            m = self.meeting(case, self.multilayer_kind, end, involved, purpose=purpose)
            status = cm.CaseStatus.SUSPENDED if suspended else cm.CaseStatus.CLOSED
            case.end_note = rng.choice(SUSPEND_NOTES if suspended else CLOSE_NOTES)
            if not suspended:
                m.agenda_evaluation = case.end_note
            kind = cm.CaseEventKind.SUSPENDED if suspended else cm.CaseEventKind.CLOSED
            self.event(case, end, kind, from_status=case.status, to_status=status, meeting=m)
            case.status = status
            case.ended_at = min(self.now, end + timedelta(hours=1))
            case.last_activity_at = case.ended_at
            case.next_action_on = timezone.localdate(end)
            for track in tracks:
                track.ended_on = max(track.started_on, timezone.localdate(case.ended_at))
            if suspended:
                # R4: a withdrawal keeps the row and takes effect from then on.
                withdrawn = case.ended_at + timedelta(days=1)
                if withdrawn < self.now and rng.random() < 0.5:
                    consents[0].withdrawn_at = withdrawn
                    consents[0].withdrawn_on = timezone.localdate(withdrawn)
                    consents[0].withdrawal_recorded_by = coordinator
        else:
            if plan.next_review_on < self.today:
                self.set_status(case, self.now - timedelta(days=1), cm.CaseStatus.REVIEW)
            self.keep_open(case)

    def keep_open(self, case: cm.Case):
        """R3: an open case has its lead and a next action; some are overdue or stalled."""
        rng = self.rng
        case.next_action_on = self.today + timedelta(days=rng.randint(-10, 30))
        case.last_activity_at = max(case.last_activity_at, self.at(rng.uniform(0, 40)))

    def set_status(self, case: cm.Case, at: datetime, status: str):
        if status != case.status:
            self.event(case, at, cm.CaseEventKind.STATUS, from_status=case.status,
                       to_status=status)  # fmt: skip
            case.status = status

    def event(self, case, at, kind, *, from_status="", to_status="", meeting=None, agency=None):
        self.add(
            cm.CaseEvent(
                case=case,
                at=at,
                kind=kind,
                actor=self.users[self.coordinating.pk],
                agency=agency or self.coordinating,
                from_status=from_status,
                to_status=to_status,
                meeting=meeting,
            )
        )
        case.last_activity_at = max(case.last_activity_at, min(at, self.now))

    def consent(self, case, person, at: datetime):
        rng = self.rng
        consent = self.add(
            cm.Consent(
                id=self.uuid(),
                case=case,
                person_id=person,
                method=cm.ConsentMethod.WRITTEN if rng.random() < 0.8 else cm.ConsentMethod.ORAL,
                given_on=timezone.localdate(at),
                obtained_by=self.users[self.coordinating.pk],
                recorded_at=at,
            )
        )
        self.event(case, at, cm.CaseEventKind.CONSENT)
        return consent

    def meeting(self, case, kind, at: datetime, involved, *, purpose) -> cm.Meeting:
        rng = self.rng
        held = at < self.now
        support = kind.legal_type == LegalMeetingType.SUPPORT_MEETING
        m = self.add(
            cm.Meeting(
                id=self.uuid(),
                case=case,
                kind=kind,
                purpose=purpose,
                held_at=at,
                place="市役所 福祉総務課 会議室",
                status=cm.MeetingStatus.HELD if held else cm.MeetingStatus.SCHEDULED,
                created_by=self.users[self.coordinating.pk],
                created_at=at - timedelta(days=7),
            )
        )
        if held:
            if support:
                m.shared_information = "各機関が把握している本人の様子を共有した。"
                m.support_arrangement = "同行訪問を重ね、関係づくりを進める。"
            else:
                m.agenda_plan = "支援内容と役割分担を共有した。"
                m.agenda_fitness = "本人の意向に沿っていることを確認した。"
                if rng.random() < 0.2:
                    m.agenda_resources = "身近な居場所が不足している。"
                    m.unmet_needs = "平日夕方に通える少人数の居場所"
            m.decisions = "次回までの対応を決めた。"
        seen = set()
        for a in [self.coordinating, *involved]:
            if a.pk in seen:
                continue
            seen.add(a.pk)
            # 社会福祉法106条の6: in a 支援会議 each member pledges confidentiality first.
            pledged = at - timedelta(hours=1) if support and held else None
            self.add(
                cm.MeetingParticipant(
                    meeting=m,
                    user=self.users[a.pk],
                    agency=a,
                    pledged_at=pledged,
                    pledge_recorded_by=self.users[self.coordinating.pk] if pledged else None,
                )
            )
        self.event(case, at - timedelta(days=7), cm.CaseEventKind.MEETING, meeting=m)
        return m

    def assessment(self, case, at: datetime):
        a = self.add(
            cm.Assessment(
                id=self.uuid(),
                case=case,
                number=1,
                household_situation="家族の状況と暮らしぶりを聞き取った。",
                strengths="近所に声をかけてくれる人がいる。",
                risks="孤立が続くと生活が立ち行かなくなる。",
                wishes="「今の家で暮らし続けたい」",
                created_by=self.users[self.coordinating.pk],
                created_by_agency=self.coordinating,
                created_at=at,
            )
        )
        for domain in self.rng.sample(self.domains, min(len(self.domains), 2)):
            self.add(cm.AssessmentIssue(assessment=a, domain_id=domain, description="課題あり"))
        self.event(case, at, cm.CaseEventKind.ASSESSMENT)

    def plan(self, case, meeting, number, involved) -> cm.SupportPlan:
        rng = self.rng
        at = meeting.held_at
        p = self.add(
            cm.SupportPlan(
                id=self.uuid(),
                case=case,
                number=number,
                meeting=meeting,
                next_review_on=timezone.localdate(at) + timedelta(days=CASE_REVIEW_DAYS),
                uses_outreach=number == 1 and rng.random() < CASE_OUTREACH_SHARE,
                uses_participation=number == 1 and rng.random() < CASE_PARTICIPATION_SHARE,
                person_agreed=True,
                created_by=self.users[self.coordinating.pk],
                created_at=at,
            )
        )
        p.goal_rows = [
            self.add(cm.PlanGoal(plan=p, term=cm.GoalTerm.SHORT, text="生活のリズムを整える")),
            self.add(
                cm.PlanGoal(plan=p, term=cm.GoalTerm.LONG, text="安心して暮らし続ける", order=1)
            ),
        ]
        for i, a in enumerate(involved):
            self.add(cm.PlanAction(plan=p, agency=a, description=rng.choice(ROLES), order=i,
                                   due_on=timezone.localdate(at) + timedelta(days=90)))  # fmt: skip
        self.event(case, at, cm.CaseEventKind.PLAN, meeting=meeting)
        return p

    def reviews(self, plan, meeting):
        for goal in plan.goal_rows:
            self.add(
                cm.GoalReview(
                    goal=goal,
                    meeting=meeting,
                    rating=self.pick(
                        (
                            (cm.GoalRating.ACHIEVED, 3),
                            (cm.GoalRating.PARTLY, 5),
                            (cm.GoalRating.NOT_YET, 2),
                        )
                    ),
                    reviewed_by=self.users[self.coordinating.pk],
                    reviewed_at=meeting.held_at,
                )
            )

    def records(self, case, start: datetime, end: datetime, involved):
        rng = self.rng
        at, n = start + timedelta(days=rng.uniform(1, 10)), 0
        while at < end and n < RECORDS_PER_CASE_MAX:
            a = rng.choice(involved)
            self.add(
                cm.ProgressRecord(
                    id=self.uuid(),
                    case=case,
                    kind=rng.choice(cm.RecordKind.values),
                    occurred_at=at,
                    agency=a,
                    author=self.users[a.pk],
                    text=rng.choice(RECORD_TEXTS),
                    created_at=at,
                )
            )
            case.last_activity_at = max(case.last_activity_at, at)
            at += timedelta(days=rng.expovariate(1 / RECORD_EVERY_DAYS))
            n += 1
