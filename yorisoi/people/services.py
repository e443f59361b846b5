"""State changes for people and households. One transaction each, audited in the same one.

Views and the API both call these; they raise django ValidationError (field → Japanese
message) for bad input and RuleViolation / ConcurrentEditError when a rule says no.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.audit.log import record, record_reads
from yorisoi.concurrency import lock_version
from yorisoi.errors import RuleViolation

from . import names
from .identity.services import match_flag
from .models import (
    HOUSEHOLD_FIELDS,
    PERSON_FIELDS,
    Household,
    HouseholdMember,
    Person,
    Relationship,
)

_KANA_FIELDS = ("family_name_kana", "given_name_kana")
_CLEANERS = {
    "family_name": names.clean_name,
    "given_name": names.clean_name,
    "name": names.clean_name,
    # Who brought a consultation (intake.Consultation): a name like any other.
    "consulter_name": names.clean_name,
    "consulter_contact": names.clean_contact,
    "address": names.clean_text,
    "notes": names.clean_text,
    "phone": names.clean_phone,
    "postal_code": names.clean_postal_code,
}


def normalised_value(key: str, value):
    """One field as it is stored, whichever door it came in by: NFC text (は+゛→ば), full-width
    kana in names (ｶﾞ → ガ), katakana フリガナ, ASCII digits in phone numbers and postal codes
    (〒５１０８６０１ → 510-8601). The forms call it before they check a field, so a length or a
    format is checked on what will be stored."""
    if not isinstance(value, str):
        return value
    if key in _KANA_FIELDS:
        return value if names.kana_error(value) else names.to_katakana(value)
    cleaner = _CLEANERS.get(key)
    return cleaner(value) if cleaner else value


def _normalise(fields: dict) -> dict:
    """So one person is stored one way (normalised_value); None is an empty text."""
    out = {key: normalised_value(key, value) for key, value in fields.items()}
    for key, value in list(out.items()):
        if value is None and key not in ("birth_date", "district"):
            out[key] = ""
    return out


def _require_creator(actor):
    if not access.can_create_people(actor):
        raise RuleViolation(_("この役割では本人や世帯を登録できません。"), code="forbidden")


def _unknown_fields(fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


def _edit(model, pk, *, version: int, fields: dict, message: str):
    """R7: the record as the editor saw it (`version`, else ConcurrentEditError with `message`
    and nothing saved), locked, with `fields` applied; and the names of the fields that
    changed. Save it with _save_version."""
    current = lock_version(model.objects, pk, version=version, message=message)
    changed = []
    for key, value in _normalise(fields).items():
        if getattr(current, key) != value:
            changed.append(key)
        setattr(current, key, value)
    return current, changed


def _save_version(current) -> None:
    current.full_clean()
    current.version += 1
    current.updated_at = timezone.now()
    current.save()


@transaction.atomic
def person_create(*, actor, request=None, **fields) -> Person:
    _require_creator(actor)
    _unknown_fields(fields, PERSON_FIELDS)
    person = Person(**_normalise(fields), agency_id=actor.agency_id, created_by=actor)
    person.refresh_search_keys()
    person.full_clean()
    person.save()
    record("person.created", actor=actor, target=person, basis="own_agency", request=request)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, version: int, request=None, **fields) -> Person:
    """R7: the edit applies only to the version the editor saw; otherwise nothing is saved."""
    _unknown_fields(fields, PERSON_FIELDS)
    if not access.can_edit_person(actor, person):
        raise RuleViolation(_("この本人の記録は変更できません。"), code="forbidden")
    current, changed = _edit(
        Person,
        person.pk,
        version=version,
        fields=fields,
        message=_(
            "ほかの人が先にこの記録を更新しました。最新の内容を確認してから、もう一度変更してください。"
        ),
    )
    current.refresh_search_keys()
    _save_version(current)
    record(
        "person.updated",
        actor=actor,
        target=current,
        basis="own_agency",
        request=request,
        data={"fields": changed},
    )
    return current


@dataclass
class NewMember:
    """One row of the household form: an existing person or the fields of a new one."""

    relationship: str
    person: Person | None = None
    fields: dict | None = None


def _check_members(actor, members: list[NewMember]):
    errors = []
    seen_ids, seen_new = set(), set()
    heads = 0
    for n, member in enumerate(members, start=1):
        if member.relationship not in Relationship.values:
            errors.append(_("%(n)s人目: 続柄を選んでください。") % {"n": n})
        heads += member.relationship == Relationship.HEAD
        if member.person is not None:
            if access.person_basis(actor, member.person) is None:
                errors.append(_("%(n)s人目: 選んだ本人が見つかりません。") % {"n": n})
            if member.person.pk in seen_ids:
                errors.append(_("%(n)s人目: 同じ人が世帯員に2回含まれています。") % {"n": n})
            seen_ids.add(member.person.pk)
        else:
            f = member.fields or {}
            key = (
                names.normalize_for_search(f.get("family_name", "") + f.get("given_name", "")),
                f.get("birth_date"),
            )
            if key in seen_new:
                errors.append(
                    _("%(n)s人目: 同じ氏名・生年月日の人が2回含まれています。") % {"n": n}
                )
            seen_new.add(key)
    if heads > 1:
        errors.append(_("世帯主は1人だけにしてください。"))
    if errors:
        raise ValidationError({"members": errors})


@transaction.atomic
def household_create(*, actor, members: list[NewMember], request=None, **fields) -> Household:
    """A household and its members in one go: either all of it is saved or nothing."""
    _require_creator(actor)
    _unknown_fields(fields, HOUSEHOLD_FIELDS)
    _check_members(actor, members)
    household = Household(**_normalise(fields), agency_id=actor.agency_id, created_by=actor)
    household.full_clean()
    household.save()
    member_errors = {}
    for n, member in enumerate(members, start=1):
        person = member.person
        if person is None:
            try:
                fields = {**_shared_address(household), **(member.fields or {})}
                person = person_create(actor=actor, request=request, **fields)
            except ValidationError as exc:
                member_errors[n] = exc
                continue
        HouseholdMember.objects.create(
            household=household, person=person, relationship=member.relationship, order=n
        )
    if member_errors:
        # Nothing half-saved: the whole household rolls back with the first failing row.
        raise MemberErrors(member_errors)
    record(
        "household.created",
        actor=actor,
        target=household,
        basis="own_agency",
        request=request,
        ids=[m.person_id for m in household.memberships.all()],
    )
    return household


def _shared_address(household):
    """New members live at the household's address unless their own is given."""
    return {
        "postal_code": household.postal_code,
        "address": household.address,
        "district": household.district,
    }


class MemberErrors(ValidationError):
    """Field errors per member row (1-based), for forms to show next to each row."""

    def __init__(self, by_row: dict[int, ValidationError]):
        self.by_row = by_row
        flat = {}
        for n, exc in by_row.items():
            for field, errs in exc.message_dict.items():
                flat[f"members.{n}.{field}"] = errs
        super().__init__(flat)


@transaction.atomic
def household_update(
    *, actor, household: Household, version: int, request=None, **fields
) -> Household:
    _unknown_fields(fields, HOUSEHOLD_FIELDS)
    if not access.can_edit_household(actor, household):
        raise RuleViolation(_("この世帯の記録は変更できません。"), code="forbidden")
    current, _changed = _edit(
        Household,
        household.pk,
        version=version,
        fields=fields,
        message=_(
            "ほかの人が先にこの世帯を更新しました。最新の内容を確認してから、もう一度変更してください。"
        ),
    )
    _save_version(current)
    # The screen and the API show the whole household back: a read of every member.
    record(
        "household.updated",
        actor=actor,
        target=current,
        basis="own_agency",
        request=request,
        ids=current.memberships.values_list("person_id", flat=True),
    )
    return current


@transaction.atomic
def household_member_add(
    *, actor, household: Household, member: NewMember, request=None
) -> HouseholdMember:
    current = Household.objects.select_for_update().get(pk=household.pk)
    if not access.can_edit_household(actor, current):
        raise RuleViolation(_("この世帯の記録は変更できません。"), code="forbidden")
    existing = list(current.memberships.select_related("person"))
    if member.person is not None and any(m.person_id == member.person.pk for m in existing):
        raise ValidationError({"members": _("この人はすでに世帯員です。")})
    if member.relationship == Relationship.HEAD and any(
        m.relationship == Relationship.HEAD for m in existing
    ):
        raise ValidationError({"members": _("世帯主は1人だけにしてください。")})
    _check_members(actor, [member])
    person = member.person or person_create(
        actor=actor, request=request, **{**_shared_address(current), **(member.fields or {})}
    )
    membership = HouseholdMember.objects.create(
        household=current,
        person=person,
        relationship=member.relationship,
        order=len(existing) + 1,
    )
    current.version += 1
    current.updated_at = timezone.now()
    current.save(update_fields=["version", "updated_at"])
    record(
        "household.member_added",
        actor=actor,
        target=current,
        basis="own_agency",
        request=request,
        ids=current.memberships.values_list("person_id", flat=True),
        data={"added": str(person.pk)},
    )
    return membership


def household_viewed(*, actor, household, members, whole, request=None):
    """Audit one read of a household page (either door): the household with the members shown
    by name (`members`, {person id: basis}), and one event per basis for the other agencies'
    households shown with it (名寄せ, selectors.household_whole), so that a disclosure request
    (開示請求) finds each read under its own legal basis."""
    record(
        "household.viewed",
        actor=actor,
        target=household,
        basis=access.household_basis(actor, household),
        request=request,
        ids=[*members, *whole.member_bases],
        data={"involvement_ids": [str(row.pk) for row in whole.involvements]},
    )
    if whole.linked:
        record_reads(
            "household.linked_viewed",
            actor=actor,
            request=request,
            bases=whole.read_bases,
            data={"household_id": str(household.pk)},
        )


def flag_hidden_matches(*, actor, found, request=None) -> bool:
    """Search before create, once the new people are saved: for each (person, LikelyMatches)
    in `found` whose likely matches `actor` may not see, the coordinator's review item
    (identity.services.match_flag). Whether there were any (to tell access.HIDDEN_MATCH_MESSAGE)."""
    flagged = False
    for person, matches in found:
        if matches.others_exist:
            match_flag(actor=actor, person=person, matches=matches.hidden, request=request)
            flagged = True
    return flagged
