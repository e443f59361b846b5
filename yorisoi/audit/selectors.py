"""Reads of the audit trail. The trail holds ids, times, agencies and the legal basis of each
read, never names; who may read it is the policy's (access.ROUTES: the coordinator).

A person's trail (開示請求, issue 14 item 6) is every event that concerns them:
- events whose target is the person (viewed, edited, registered, linked …);
- events whose ids name the person anywhere in their data: the lists, queues and searches that
  showed them (`data["ids"]`, record_reads), a household's members, a match's pair, a person
  page's "added" member — the trail holds ids only, and a person's id is a UUID, so a mention
  of it is a mention of them;
- events whose target is one of their households, consultations (and the referrals of those),
  cases, outreach targets linked to them or participation needs (a read of the case file or
  the household page is a read about them, whoever else it concerns).
Not covered: events on the meetings, consents, assessments and plans of their cases unless the
event names the person's id (the case's own trail, case_trail, has them), and an outreach
target's events from before it was linked to the person are found only once it is linked.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, Q, TextField
from django.db.models.functions import Cast, TruncDate
from django.utils.translation import gettext as _

from .labels import action_label, basis_label, target_label
from .models import AuditEvent


def case_trail(case) -> "AuditEvent.objects":
    """Every audit event about the case, its meetings, consents, assessments and plans, and
    the records of its subjects and household."""
    targets = Q(target_type="case", target_id=str(case.pk))
    related = {
        "meeting": case.meetings.values_list("pk", flat=True),
        "consent": case.consents.values_list("pk", flat=True),
        "assessment": case.assessments.values_list("pk", flat=True),
        "supportplan": case.plans.values_list("pk", flat=True),
        "person": case.subjects.values_list("person_id", flat=True),
    }
    for target_type, ids in related.items():
        ids = [str(pk) for pk in ids]
        if ids:
            targets |= Q(target_type=target_type, target_id__in=ids)
    if case.household_id:
        targets |= Q(target_type="household", target_id=str(case.household_id))
    return (
        AuditEvent.objects.filter(targets)
        .select_related("actor", "actor_agency")
        .order_by("-at", "-pk")
    )


def person_scope(person) -> Q:
    """The events that concern `person` (see the module's docstring). Six small queries."""
    pk = str(person.pk)
    scope = Q(target_type="person", target_id=pk) | Q(data_text__contains=pk)

    # The apps that hold these records sit above the trail (.importlinter): read by name.
    def of_person(app, model, field="pk", **lookup):
        rows = apps.get_model(app, model).objects.filter(**(lookup or {"person_id": person.pk}))
        return rows.values_list(field, flat=True)

    related = {
        "household": person.memberships.values_list("household_id", flat=True),
        "consultation": person.consultations.values_list("pk", flat=True),
        "referral": of_person("intake", "Referral", consultation__person_id=person.pk),
        "case": of_person("cases", "CaseSubject", "case_id"),
        "outreachtarget": of_person("outreach", "OutreachTarget"),
        "participationneed": of_person("participation", "ParticipationNeed"),
    }
    for target_type, ids in related.items():
        ids = sorted({str(i) for i in ids})
        if ids:
            scope |= Q(target_type=target_type, target_id__in=ids)
    return scope


def trail_events(*, person=None, actor_id=None, since: date | None = None, until=None):
    """The events of the trail, narrowed to one person, one user and a span of days (local)."""
    events = AuditEvent.objects.all()
    if person is not None:
        # The data as text: "names the person's id anywhere" on PostgreSQL and SQLite alike.
        events = events.annotate(data_text=Cast("data", TextField())).filter(person_scope(person))
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if since is not None:
        events = events.filter(at__date__gte=since)
    if until is not None:
        events = events.filter(at__date__lte=until)
    return events


def trail_lines(*, person=None, actor_id=None, since=None, until=None):
    """The trail grouped by day and user: repeated events of one user on one record with the
    same action and basis on one day are one line with a count (a page opened ten times).
    Newest day first, then by user, then latest first. Rows are dicts; `readable` names them."""
    events = trail_events(person=person, actor_id=actor_id, since=since, until=until)
    return (
        events.annotate(day=TruncDate("at"))
        .values("day", "actor_id", "actor_agency_id", "action", "target_type", "target_id", "basis")
        .annotate(times=Count("id"), first_at=Min("at"), last_at=Max("at"))
        .order_by("-day", "actor_id", "-last_at", "action", "target_type", "target_id", "basis")
    )


@dataclass(frozen=True)
class TrailLine:
    day: date
    first_at: datetime
    last_at: datetime
    times: int
    actor_id: int | None
    actor: str  # 利用者（ユーザー名と表示名）
    agency: str
    action: str
    action_label: str
    target_type: str
    target_id: str
    record: str  # what was seen or changed, as the reader may be told
    basis: str
    basis_label: str


def readable(rows, *, person=None) -> list[TrailLine]:
    """Name the users, agencies, actions, records and bases of `rows` (two queries).

    With `person`, a record is "本人" when it is them, and never shows another person's id:
    a list that showed them reads as a list, a match with another registration as its kind."""
    rows = list(rows)
    users = get_user_model().objects.in_bulk({r["actor_id"] for r in rows} - {None})
    agency_model = AuditEvent._meta.get_field("actor_agency").related_model
    agencies = agency_model.objects.in_bulk({r["actor_agency_id"] for r in rows} - {None})
    return [
        TrailLine(
            day=r["day"],
            first_at=r["first_at"],
            last_at=r["last_at"],
            times=r["times"],
            actor_id=r["actor_id"],
            actor=_user_name(users.get(r["actor_id"])),
            agency=str(agencies[r["actor_agency_id"]].name) if r["actor_agency_id"] else "",
            action=r["action"],
            action_label=action_label(r["action"]),
            target_type=r["target_type"],
            target_id=r["target_id"],
            record=_record(r["target_type"], r["target_id"], person),
            basis=r["basis"],
            basis_label=basis_label(r["basis"]),
        )
        for r in rows
    ]


def _user_name(user) -> str:
    if user is None:
        return _("（システム・未ログイン）")
    name = getattr(user, "display_name", "")
    return f"{name}（{user.username}）" if name and name != user.username else user.username


def _record(target_type: str, target_id: str, person) -> str:
    if not target_type:
        return _("一覧・検索の結果")
    if person is not None and target_type == "person":
        return _("本人") if target_id == str(person.pk) else _("本人を含む照合・一覧")
    return f"{target_label(target_type)}（{target_id[:8]}）"
