"""A checked file against what the database holds (issue 15): which rows are new, which update a
record imported before (only the fields whose value in the file changed since, by their
fingerprints), which change a household's members or 続柄, and which people are likely
duplicates of people already registered (名寄せ: listed, never merged)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.intake.models import Consultation, Outcome
from yorisoi.people import selectors as people_selectors
from yorisoi.people.models import Household, HouseholdMember, Relationship
from yorisoi.people.names import normalize_for_search

from .models import ExternalRef, RecordKind
from .plan import (
    CONSULTATION_KEYS,
    FIELD_COLUMN,
    MATCH_LIMIT,
    PERSON_KEYS,
    Plan,
    Problems,
    Row,
    fingerprint,
)
from .template import BY_KEY


def _load_refs(agency_id, kind, ids) -> dict:
    ids = list(ids)
    found = {}
    for start in range(0, len(ids), 500):
        for ref in ExternalRef.objects.filter(
            agency_id=agency_id, kind=kind, external_id__in=ids[start : start + 500]
        ):
            found[ref.external_id] = ref
    return found


def changed_fields(ref, values: dict) -> list[str]:
    old = ref.fingerprints
    return [key for key, value in values.items() if old.get(key) != fingerprint(value)]


# A person's ref also fingerprints their household and 続柄 as last imported, under a key of
# its own: not a field of the person (person_values), but what makes a corrected 続柄 a change.
MEMBERSHIP = "membership"


def membership_value(row: Row) -> list:
    return [row.household_ref, row.relationship]


def membership_said_before(ref, row: Row) -> bool:
    """Whether the file says the person's household and 続柄 as when their ref was last written.
    False for a ref written before the key existed (or none): then what the database holds
    decides, so an earlier import's file is not "changed" for lack of the key."""
    return ref is not None and ref.fingerprints.get(MEMBERSHIP) == fingerprint(
        membership_value(row)
    )


def person_ref_values(row: Row) -> dict:
    """What a person's ref fingerprints: their fields and their membership."""
    return {**person_values(row), MEMBERSHIP: membership_value(row)}


def consultation_values(row: Row) -> dict:
    values = {**row.consultation, "person_ref": row.person_ref, "household_ref": row.household_ref}
    return {key: values.get(key) for key in CONSULTATION_KEYS}


def person_values(row: Row) -> dict:
    return {key: row.person.get(key) for key in PERSON_KEYS}


def against_existing(plan: Plan, problems: Problems, actor):
    """Idempotency: rows whose external ids exist are updates of only the fields that changed
    since the last import of that id; an outcome once recorded is not changed (R1)."""
    agency_id = actor.agency_id
    persons = _load_refs(agency_id, RecordKind.PERSON, {r.person_ref for r in plan.rows if r.person_ref})  # fmt: skip
    households = _load_refs(agency_id, RecordKind.HOUSEHOLD, {r.household_ref for r in plan.rows if r.household_ref})  # fmt: skip
    consultations = _load_refs(agency_id, RecordKind.CONSULTATION, {r.consultation_ref for r in plan.rows if r.consultation_ref})  # fmt: skip
    plan.refs = {
        RecordKind.PERSON: persons,
        RecordKind.HOUSEHOLD: households,
        RecordKind.CONSULTATION: consultations,
    }
    counts = {kind: {"created": 0, "updated": 0, "unchanged": 0} for kind in RecordKind.values}
    existing = {
        pk: (outcome, holder)
        for pk, outcome, holder in Consultation.objects.filter(
            pk__in=[ref.record_id for ref in consultations.values()]
        ).values_list("pk", "outcome", "responsible_agency_id")
    }
    members = _member_changes(plan, problems, actor)
    seen_people, seen_households = set(), set()
    for row in plan.rows:
        if row.person_ref and row.person_ref not in seen_people:
            seen_people.add(row.person_ref)
            ref = persons.get(row.person_ref)
            if ref is None:
                counts[RecordKind.PERSON]["created"] += 1
            elif changed := changed_fields(ref, person_values(row)):
                counts[RecordKind.PERSON]["updated"] += 1
                plan.changes.append(
                    {"row": row.number, "kind": RecordKind.PERSON,
                     "columns": sorted({BY_KEY[FIELD_COLUMN[k]].header for k in changed})}
                )  # fmt: skip
            else:
                counts[RecordKind.PERSON]["unchanged"] += 1
            if row.number in members.columns:
                plan.changes.append(
                    {"row": row.number, "kind": RecordKind.HOUSEHOLD,
                     "columns": members.columns[row.number]}
                )  # fmt: skip
        if row.household_ref and row.household_ref not in seen_households:
            seen_households.add(row.household_ref)
            ref = households.get(row.household_ref)
            key = (
                "created" if ref is None
                else "updated" if ref.record_id in members.households
                else "unchanged"
            )  # fmt: skip
            counts[RecordKind.HOUSEHOLD][key] += 1
        if not row.consultation_ref:
            continue
        ref = consultations.get(row.consultation_ref)
        if ref is None:
            counts[RecordKind.CONSULTATION]["created"] += 1
            continue
        changed = changed_fields(ref, consultation_values(row))
        before, holder = existing.get(ref.record_id, ("", agency_id))
        if changed and not access.may_import_for(actor, holder):
            # R6: handed to another agency (a transfer, an escalation) since it was imported.
            problems.add(
                row.number,
                "consultation_ref",
                _("この相談はいまはほかの機関が担当しているため、取り込みでは変えられません。"),
            )
            row.ok = False
        if "outcome" in changed and before and before != row.consultation["outcome"]:
            problems.add(
                row.number,
                "outcome",
                _(
                    "この相談の受付の結果はすでに「%(outcome)s」と記録されています。取り込みでは変えられません。"
                )
                % {"outcome": Outcome(before).label},
            )
            row.ok = False
        if changed:
            counts[RecordKind.CONSULTATION]["updated"] += 1
            plan.changes.append(
                {"row": row.number, "kind": RecordKind.CONSULTATION,
                 "columns": sorted({BY_KEY[FIELD_COLUMN.get(k, k)].header for k in changed})}
            )  # fmt: skip
        else:
            counts[RecordKind.CONSULTATION]["unchanged"] += 1
    plan.counts = counts


@dataclass
class _MemberChanges:
    columns: dict  # row number → the headers of what the row changes in its household
    households: set  # the households (pk) that exist and change


def _member_changes(plan: Plan, problems: Problems, actor) -> _MemberChanges:
    """What the file changes in households that exist, as household_member_add and a member's
    edit would: a person new to the household is added; a member's 続柄 is changed when the
    file says another one than the database holds and than the file said last time
    (membership_said_before: an edit on the screen since is left alone while the file still
    says what it said). Each person once (_across_rows: the same household and 続柄 on every
    row). Refused per row, as the services refuse: another agency's household
    (access.can_edit_household, R6/R7) and a second head (世帯主) in the household once the
    whole file is applied. Two queries for the file, 500 households at a time."""
    persons, households = plan.refs[RecordKind.PERSON], plan.refs[RecordKind.HOUSEHOLD]
    found = _MemberChanges(columns={}, households=set())
    known = sorted({ref.record_id for ref in households.values()}, key=str)
    if not known:
        return found
    members, editable = {}, {}
    for start in range(0, len(known), 500):
        ids = known[start : start + 500]
        for household_id, person_id, relationship in HouseholdMember.objects.filter(
            household_id__in=ids
        ).values_list("household_id", "person_id", "relationship"):
            members.setdefault(household_id, {})[person_id] = relationship
        for household in Household.objects.filter(pk__in=ids).only("pk", "agency_id"):
            editable[household.pk] = access.can_edit_household(actor, household)
    joined = [BY_KEY["household_ref"].header, BY_KEY["relationship"].header]
    heads, seen = {}, set()
    for row in plan.rows:
        ref = households.get(row.household_ref)
        if ref is None or not row.relationship or row.person_ref in seen:
            continue
        seen.add(row.person_ref)
        person = persons.get(row.person_ref)
        # A person the file creates is nobody's member yet: keyed by the file's id meanwhile.
        person_key = person.record_id if person else ("new", row.person_ref)
        current = members.setdefault(ref.record_id, {})
        before = current.get(person_key)
        if before is None:
            columns = joined
        elif before != row.relationship and not membership_said_before(person, row):
            columns = [BY_KEY["relationship"].header]
        else:
            continue
        if not editable.get(ref.record_id):
            problems.add(row.number, "household_ref", _("この世帯の記録は変更できません。"))
            row.ok = False
            continue
        current[person_key] = row.relationship
        found.columns[row.number] = columns
        found.households.add(ref.record_id)
        if row.relationship == Relationship.HEAD:
            heads.setdefault(ref.record_id, []).append(row)
    for household_id, rows in heads.items():
        if list(members[household_id].values()).count(Relationship.HEAD) > 1:
            for row in rows:
                problems.add(row.number, "relationship", _("世帯主は1人だけにしてください。"))
                row.ok = False
    return found


# --- 名寄せ: likely duplicates, listed and never merged -----------------------------------------


def _same_person_keys(row) -> list:
    """What makes two people of a file likely the same: the name, or its reading, with the
    birth date (none without a birth date)."""
    p = row.person
    if p.get("birth_date") is None:
        return []
    keys = [
        ("name", normalize_for_search(p["family_name"] + p["given_name"])),
        ("kana", normalize_for_search(p["family_name_kana"] + p["given_name_kana"])),
    ]
    return [(kind, text, p["birth_date"]) for kind, text in keys if text]


def likely_duplicates(plan: Plan, actor):
    persons = plan.refs.get(RecordKind.PERSON, {})
    new_people = {}
    for row in plan.rows:
        if row.ok and row.person_ref and row.person_ref not in persons:
            new_people.setdefault(row.person_ref, row)
    # Within the file: the same name (or reading) and birth date under two external ids. Keyed
    # by the key's hash, not the key (100,000 people's keys held at once: ~25MB at the peak of
    # a large file's check); two rows under one hash are compared by their keys again.
    seen = {}
    for row in new_people.values():
        for key in _same_person_keys(row):
            other = seen.setdefault(hash(key), row)
            if other is not row and key in _same_person_keys(other):
                plan.matches.append({"row": row.number, "other_row": other.number})
                break
    # Against the people already registered: search before create, as the screens do.
    rows = list(new_people.values())
    plan.unchecked_matches = max(0, len(rows) - MATCH_LIMIT)
    for row in rows[:MATCH_LIMIT]:
        p = row.person
        found = people_selectors.person_likely_matches(
            user=actor,
            family_name=p["family_name"],
            given_name=p["given_name"],
            family_name_kana=p["family_name_kana"],
            given_name_kana=p["given_name_kana"],
            birth_date=p["birth_date"],
            address=p["address"],
            phone=p["phone"],
            limit=3,
        )
        for person in found.visible:
            plan.matches.append({"row": row.number, "person_id": str(person.pk)})
        if found.others_exist:
            plan.matches.append({"row": row.number, "hidden": True})
