"""Writing a checked file (issue 15) in bulk: CHUNK rows at a time, a few queries a chunk and
none a row, in the caller's one transaction (services.run_commit: all or nothing, R7).

What the people and intake services would do row by row is done here for a chunk at once, with
the same rules:
- a new person is stored as person_create stores one (normalised_value, search keys, the
  agency and who registered it, its history); a changed one as person_update (only the fields
  the file changed since it last said them, a new version, its history, R7);
- a new household as household_create with its first member, the next members as
  household_member_add (one head, a member once); a member whose 続柄 the file corrected
  (existing._member_changes) edited in place, with the same rules: one head once the whole
  file is written, a new version of the household and the member's history (R7), only by the
  agency that registered the household;
- a new consultation as consultation_create(at_the_door=True) and then its outcome step
  (R1): received and held by the importing agency, its 担当者 the importing user and its next
  action the file's date or today (R3), its issues with their ◎, its work items
  (work.refresh.insert_for_new_consultations); a resolved one closed at once;
- R6: a record is written only in the name of the agency the user acts for (checking refused
  rows naming another, and an existing record is changed only by its own agency).
The rows' values were checked by the models' validators in checking.check, in this same
transaction; the database enforces the tables' constraints on the insert.

The audit trail names every record written: per kind, one event per audit.log.MAX_IDS records
(record_ids, target the import job), besides services' "import.committed" with the counts.
A consultation that changed goes through services.consultation_update_from_import.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from yorisoi import access, bulk
from yorisoi.audit.log import record_ids
from yorisoi.directory.models import IssueCategory
from yorisoi.errors import RuleViolation
from yorisoi.intake.models import Consultation, ConsultationIssue, Outcome
from yorisoi.people.models import Household, HouseholdMember, Person, Relationship
from yorisoi.people.services import normalised_value
from yorisoi.work import refresh as work

from . import existing
from .checking import forget_values
from .models import ExternalRef, RecordKind
from .plan import MATCH_LIMIT, fingerprints

CHUNK = 2000
BASIS = "own_agency"


class RowError(Exception):
    """A row the services would refuse (ValidationError or RuleViolation): nothing is written."""

    def __init__(self, row, exc):
        super().__init__(str(exc))
        self.row, self.exc = row, exc


@dataclass
class _Written:
    """What the chunks so far wrote, by external id: enough to join later rows to it."""

    people: dict = field(default_factory=dict)  # person_ref → person pk
    households: dict = field(default_factory=dict)  # household_ref → household pk
    members: dict = field(default_factory=dict)  # household pk → {person pk: relationship}
    heads: dict = field(default_factory=dict)  # household pk → the rows that made a head
    # person_ref whose household and 続柄 the file says otherwise than their ref last did
    # (existing.membership_said_before, asked before the ref is rewritten)
    restated: set = field(default_factory=set)
    created_people: list = field(default_factory=list)  # (row, Person): the first MATCH_LIMIT


def write(plan, *, actor, job, request=None, progress=None, update_consultation=None) -> list:
    """Write `plan` (checking.check, no errors) for `actor`'s agency. `progress(n)` is told the
    rows written after each chunk; `update_consultation(row, pk, person_id, household_id,
    changed)` writes a consultation whose fields the file changed. Returns the people created
    (the first MATCH_LIMIT), for search before create. The plan's rows are let go as they are
    written. Raises RowError."""
    done = _Written()
    issues = {i.code: i for i in IssueCategory.objects.filter(active=True)}
    try:
        with bulk.long_lived() as keep:
            for start in range(0, len(plan.rows), CHUNK):
                keep()
                rows = plan.rows[start : start + CHUNK]
                _chunk(rows, plan, done, issues, actor, job, request, update_consultation)
                # A row written is let go (memory): later chunks find its records in `done`.
                plan.rows[start : start + CHUNK] = [None] * len(rows)
                if progress:
                    progress(start + len(rows))
        _one_head(done)
    finally:
        forget_values()
    return done.created_people


def _one_head(done):
    """household_member_add's rule, once every chunk is written (a file may hand 世帯主 from
    one member to another across chunks): one head a household. checking.check refuses such a
    file first; this is the writer's own guard."""
    for household_id, numbers in done.heads.items():
        if list(done.members[household_id].values()).count(Relationship.HEAD) > 1:
            raise RowError(
                numbers[-1], ValidationError({"members": _("世帯主は1人だけにしてください。")})
            )


def _chunk(rows, plan, done, issues, actor, job, request, update_consultation):
    now = timezone.now()
    refs = _Refs(plan, actor, job, now)
    _people(rows, plan, done, refs, actor, job, request, now)
    _households(rows, plan, done, refs, actor, job, request, now)
    _consultations(rows, plan, done, refs, issues, actor, job, request, now, update_consultation)
    refs.save()


class _Refs:
    """The chunk's ExternalRef writes: the new ones inserted, the changed ones updated, at once
    (services._ref_save's rule: a ref says which job last wrote it and what it said then)."""

    def __init__(self, plan, actor, job, now):
        self.plan, self.actor, self.job, self.now = plan, actor, job, now
        self.new, self.changed = [], {}

    def save_one(self, kind, external_id, record_id, values):
        ref = self.plan.refs[kind].get(external_id)
        if ref is None:
            # Not kept in the plan once written (100,000 of them would be most of the memory
            # of an import): later rows find the record through _Written. Only its row's
            # values, for bulk.insert: a model instance each would cost more than the insert.
            ref = SimpleNamespace(
                agency_id=self.actor.agency_id, kind=kind, external_id=external_id
            )
            self.new.append(ref)
        else:
            self.changed[kind, external_id] = ref  # once, if a row changes it twice
        ref.record_id = record_id
        ref.fingerprints = fingerprints(values)
        ref.job_id = self.job.pk
        ref.updated_at = self.now

    def save(self):
        bulk.insert(self.new, model=ExternalRef)
        ExternalRef.objects.bulk_update(
            list(self.changed.values()),
            ["record_id", "fingerprints", "job", "updated_at"],
            batch_size=CHUNK,
        )


def _audit(action, ids, *, actor, job, request, **data):
    record_ids(
        action,
        actor=actor,
        target=job,
        basis=BASIS,
        request=request,
        ids=ids,
        data={"job": str(job.pk), **data},
    )


# --- people -----------------------------------------------------------------------------------


def _people(rows, plan, done, refs, actor, job, request, now):
    known = plan.refs[RecordKind.PERSON]
    new, numbers, changed = [], [], {}
    for row in rows:
        if row.person_ref in done.people:
            continue
        values = existing.person_values(row)
        ref = known.get(row.person_ref)
        if ref is None:
            person = bulk.build(
                Person,
                **values,  # as checking.check stored them: through normalised_value
                agency_id=actor.agency_id,
                created_by=actor,
            )
            person.refresh_search_keys()
            new.append(person)
            numbers.append(row.number)
            done.people[row.person_ref] = person.pk
            refs.save_one(
                RecordKind.PERSON, row.person_ref, person.pk, existing.person_ref_values(row)
            )
            continue
        done.people[row.person_ref] = ref.record_id
        names = existing.changed_fields(ref, values)
        if names:
            changed[ref.record_id] = (row, {k: values[k] for k in names})
        # A household or 続柄 the file says anew is kept on the ref, whether or not the
        # database already held it (_households changes the member); a ref without the key
        # gets it when something of the person or their membership changes.
        restated = not existing.membership_said_before(ref, row)
        if restated:
            done.restated.add(row.person_ref)
        if names or (restated and existing.MEMBERSHIP in ref.fingerprints):
            refs.save_one(
                RecordKind.PERSON, row.person_ref, ref.record_id, existing.person_ref_values(row)
            )
    if new:
        bulk.insert_with_history(new, user=actor)
        room = MATCH_LIMIT - len(done.created_people)
        done.created_people += list(zip(numbers, new, strict=True))[: max(room, 0)]
        _audit("person.imported", [p.pk for p in new], actor=actor, job=job, request=request)
    if changed:
        _update_people(changed, actor, job, request, now)


def _update_people(changed, actor, job, request, now):
    """person_update for each changed person (R7: a new version with its history; only the
    registering agency corrects a record), saved at once."""
    people = Person.objects.select_for_update().in_bulk(list(changed))
    touched, by_fields = set(), {}
    for pk, (row, fields) in changed.items():
        person = people[pk]
        if not access.can_edit_person(actor, person):
            raise RowError(row.number, RuleViolation(_("この本人の記録は変更できません。")))
        for key, value in fields.items():
            setattr(person, key, normalised_value(key, value))
        person.refresh_search_keys()
        try:
            person.full_clean(validate_unique=False)
        except ValidationError as exc:
            raise RowError(row.number, exc) from exc
        person.version += 1
        person.updated_at = now
        touched |= set(fields)
        by_fields.setdefault(tuple(sorted(fields)), []).append(pk)
    keys = ("name_key", "given_key", "kana_key", "given_kana_key", "phonetic_key")
    bulk_update_with_history(
        [people[pk] for pk in changed],
        Person,
        [*sorted(touched), *keys, "version", "updated_at"],
        batch_size=CHUNK,
        default_user=actor,
    )
    for fields, ids in by_fields.items():
        _audit("person.updated", ids, actor=actor, job=job, request=request, fields=list(fields))


# --- households -------------------------------------------------------------------------------


def _households(rows, plan, done, refs, actor, job, request, now):
    known = plan.refs[RecordKind.HOUSEHOLD]
    registered = {
        known[r.household_ref].record_id
        for r in rows
        if r.household_ref and r.household_ref not in done.households and r.household_ref in known
    }
    if registered:
        for household_id, person_id, relationship in HouseholdMember.objects.filter(
            household_id__in=registered
        ).values_list("household_id", "person_id", "relationship"):
            done.members.setdefault(household_id, {})[person_id] = relationship
    new_households, members, grown, regrouped = {}, [], {}, {}
    for row in rows:
        if not row.household_ref:
            continue
        person_id = done.people[row.person_ref]
        household_id = done.households.get(row.household_ref)
        if household_id is None:
            ref = known.get(row.household_ref)
            if ref is None:
                household = bulk.build(Household, agency_id=actor.agency_id, created_by=actor)
                new_households[household.pk] = household
                household_id = household.pk
                refs.save_one(RecordKind.HOUSEHOLD, row.household_ref, household_id, {})
            else:
                household_id = ref.record_id
            done.households[row.household_ref] = household_id
        current = done.members.setdefault(household_id, {})
        if person_id in current:
            # A member's 続柄 the file changed (existing._member_changes): the member edited.
            if current[person_id] != row.relationship and row.person_ref in done.restated:
                current[person_id] = row.relationship
                regrouped.setdefault(household_id, {})[person_id] = row
                grown.setdefault(household_id, [0, row.number])[0] += 1
                refs.save_one(
                    RecordKind.PERSON, row.person_ref, person_id, existing.person_ref_values(row)
                )
                if row.relationship == Relationship.HEAD:
                    done.heads.setdefault(household_id, []).append(row.number)
            continue  # household_member_add's "already a member": nothing to add
        current[person_id] = row.relationship
        if row.relationship == Relationship.HEAD:
            done.heads.setdefault(household_id, []).append(row.number)
        members.append(
            bulk.build(
                HouseholdMember,
                household_id=household_id,
                person_id=person_id,
                relationship=row.relationship,
                order=len(current),
            )
        )
        # household_member_add after household_create: a new version for each member added
        if household_id not in new_households:
            grown.setdefault(household_id, [0, row.number])[0] += 1
        elif len(current) > 1:
            new_households[household_id].version += 1
    if new_households:
        bulk.insert_with_history(new_households.values(), user=actor)
        _audit("household.imported", list(new_households), actor=actor, job=job, request=request)
    if members:
        bulk.insert_with_history(members, user=actor)
        added = [m.person_id for m in members if m.household_id not in new_households]
        _audit(
            "household.members_imported",
            [m.person_id for m in members],
            actor=actor,
            job=job,
            request=request,
            households=len({m.household_id for m in members}),
            added_to_existing=len(added),
        )
    if grown:
        _grow_households(grown, actor, now)
    if regrouped:
        _change_relationships(regrouped, actor, job, request)


def _grow_households(grown, actor, now):
    """household_member_add (and a member's edit) on a household that existed before: a new
    version for each member added or changed, its history, only by the agency that registered
    it. `grown`: household pk → [members added or changed, the first row doing it]."""
    households = Household.objects.select_for_update().in_bulk(list(grown))
    for pk, (added, number) in grown.items():
        household = households[pk]
        if not access.can_edit_household(actor, household):
            raise RowError(number, RuleViolation(_("この世帯の記録は変更できません。")))
        household.version += added
        household.updated_at = now
    bulk_update_with_history(
        list(households.values()), Household, ["version", "updated_at"], default_user=actor
    )


def _change_relationships(regrouped, actor, job, request):
    """The members whose 続柄 the file changed (household pk → {person pk: row}), saved at once
    with their history (R7); the household's new version is _grow_households'."""
    condition = Q(pk__in=[])
    for household_id, rows in regrouped.items():
        condition |= Q(household_id=household_id, person_id__in=list(rows))
    changed = list(HouseholdMember.objects.select_for_update().filter(condition))
    for member in changed:
        member.relationship = regrouped[member.household_id][member.person_id].relationship
    bulk_update_with_history(
        changed, HouseholdMember, ["relationship"], batch_size=CHUNK, default_user=actor
    )
    # The households are the records changed (the services' member events target the
    # household); how many members, and which field, beside them.
    _audit(
        "household.relationships_imported",
        list(regrouped),
        actor=actor,
        job=job,
        request=request,
        members=len(changed),
        fields=["relationship"],
    )


# --- consultations ----------------------------------------------------------------------------


def _consultations(rows, plan, done, refs, issues, actor, job, request, now, update):
    known = plan.refs[RecordKind.CONSULTATION]
    single = _single_households(rows, done, actor)
    today = timezone.localdate()
    new, links, outcomes = [], [], {}
    for row in rows:
        c = row.consultation
        values = existing.consultation_values(row)
        person_id = done.people[row.person_ref]
        household_id = (
            done.households[row.household_ref] if row.household_ref else single.get(person_id)
        )
        ref = known.get(row.consultation_ref)
        if ref is not None:
            changed = existing.changed_fields(ref, values)
            if changed:
                try:
                    update(row, ref.record_id, person_id, household_id, changed)
                except (ValidationError, RuleViolation) as exc:
                    raise RowError(row.number, exc) from exc
                refs.save_one(RecordKind.CONSULTATION, row.consultation_ref, ref.record_id, values)
            continue
        consultation = _new_consultation(
            c, person_id, household_id, issues, actor=actor, now=now, today=today
        )
        main = c["main_issue"] or None
        links += [
            bulk.build(
                ConsultationIssue,
                consultation=consultation,
                issue=issues[code],
                is_main=code == main,
            )
            for code in _codes(c)
        ]
        new.append(consultation)
        outcomes[consultation.outcome] = outcomes.get(consultation.outcome, 0) + 1
        refs.save_one(RecordKind.CONSULTATION, row.consultation_ref, consultation.pk, values)
    if not new:
        return
    bulk.insert(new)
    bulk.insert(links, model=ConsultationIssue)
    work.insert_for_new_consultations(new)
    _audit(
        "consultation.imported",
        [c.pk for c in new],
        actor=actor,
        job=job,
        request=request,
        outcomes={k or "open": v for k, v in sorted(outcomes.items())},
    )


def _codes(c) -> list:
    """consultation_create's issues: each once, the ◎ first if it was not among them."""
    codes = list(dict.fromkeys(c["issues"]))
    if c["main_issue"] and c["main_issue"] not in codes:
        codes.insert(0, c["main_issue"])
    return codes


def _new_consultation(c, person_id, household_id, issues, *, actor, now, today) -> Consultation:
    """consultation_create(at_the_door=True) followed by the outcome step the file names."""
    consultation = bulk.build(
        Consultation,
        received_at=c["received_at"],
        channel=c["channel"],
        consulter_type=c["consulter_type"],
        summary=c["summary"],
        urgency=c["urgency"],
        person_id=person_id,
        household_id=household_id,
        receiving_agency_id=actor.agency_id,
        responsible_agency_id=actor.agency_id,
        created_by=actor,
        # R3: whoever records an intake holds it (consultation_create), and an outcome decided
        # by the same user keeps them (consultation_continue's _holder_or).
        holder=actor,
        # Not decided yet: due today, for the decision (consultation_create).
        next_action_on=c["next_action_on"] or today,
        domain_count=len({issues[code].domain_id for code in _codes(c)}),
        last_activity_at=now,
        created_at=now,
    )
    outcome = c["outcome"]
    if outcome in (Outcome.RESOLVED, Outcome.CONTINUED):
        # R1: intake.services._decide, exactly one outcome, by the agency holding it.
        consultation.outcome = outcome
        consultation.outcome_at = now
        consultation.outcome_by = actor
        consultation.version += 1
        if outcome == Outcome.RESOLVED:
            consultation.closed_at = now
    elif outcome:
        raise ValueError(f"an import does not set the outcome {outcome!r}")
    return consultation


def _single_households(rows, done, actor) -> dict:
    """consultation_create: a subject who belongs to exactly one household the actor may see
    brings that household along. One query for the chunk's people named without a household."""
    people = {done.people[r.person_ref] for r in rows if not r.household_ref}
    if not people:
        return {}
    found: dict = {}
    pairs = HouseholdMember.objects.filter(
        person_id__in=people, household__in=access.visible_households(actor)
    ).values_list("person_id", "household_id")
    for person_id, household_id in pairs.distinct():
        found.setdefault(person_id, set()).add(household_id)
    return {pk: next(iter(ids)) for pk, ids in found.items() if len(ids) == 1}
