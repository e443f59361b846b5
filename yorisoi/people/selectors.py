"""Reads of people and households. Every query starts from access.visible_…(user) (R6)."""

from datetime import date

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Collate

from yorisoi import access

from .models import HouseholdMember, Person
from .names import normalize_for_search


def _starts_with(field: str, key: str) -> Q:
    """A prefix test on a search key that the database answers from an index.

    SQLite's LIKE ignores ASCII case, so it never uses an ordinary index; keys are already
    case-folded, and in SQLite's code-point order "starts with k" is k <= v < k + U+10FFFF.
    PostgreSQL's LIKE 'k%' uses the varchar_pattern_ops index Django makes for db_index; a range
    would be wrong there under a linguistic collation. (Measured in bench/person_search.py.)
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": key, f"{field}__lt": key + "\U0010ffff"})
    return Q(**{f"{field}__startswith": key})


def person_search(*, user, query: str = "", birth_date: date | None = None) -> QuerySet:
    """Name or kana search that ignores width, kana type, spaces and old/new kanji forms.

    Matches the start of the full name, of the given name alone, or of either in kana.
    """
    people = access.visible_people(user).select_related("district")
    key = normalize_for_search(query or "")
    order = ["kana_key", "name_key", "id"]
    if key:
        people = people.filter(
            _starts_with("name_key", key)
            | _starts_with("given_key", key)
            | _starts_with("kana_key", key)
            | _starts_with("given_kana_key", key)
        )
        if connection.vendor == "postgresql":
            # An order no index provides: PostgreSQL then filters first and sorts the few
            # matches, instead of walking the kana index from あ until 25 rows match.
            order = [Collate("kana_key", "C"), Collate("name_key", "C"), "id"]
    if birth_date is not None:
        people = people.filter(birth_date=birth_date)
    return people.order_by(*order)


def person_likely_matches(
    *,
    user,
    family_name="",
    given_name="",
    family_name_kana="",
    given_name_kana="",
    birth_date: date | None = None,
    limit: int = 10,
) -> list[Person]:
    """Search-before-create: people this user can see who may be the one being registered."""
    name_key = normalize_for_search(family_name + given_name)
    kana_key = normalize_for_search(family_name_kana + given_name_kana)
    family_key = normalize_for_search(family_name)
    family_kana_key = normalize_for_search(family_name_kana)
    conditions = Q()
    if name_key and given_name:
        conditions |= Q(name_key=name_key)
    if kana_key and given_name_kana:
        conditions |= Q(kana_key=kana_key)
    if birth_date is not None and (family_key or family_kana_key):
        same_family = Q()
        if family_key:
            same_family |= _starts_with("name_key", family_key)
        if family_kana_key:
            same_family |= _starts_with("kana_key", family_kana_key)
        conditions |= Q(birth_date=birth_date) & same_family
    if not conditions:
        return []
    return list(access.visible_people(user).filter(conditions).order_by("kana_key", "id")[:limit])


def household_list(*, user) -> QuerySet:
    return (
        access.visible_households(user)
        .select_related("district")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=HouseholdMember.objects.select_related("person").order_by("order"),
            )
        )
        .order_by("-created_at")
    )


def attach_members(*, user, households) -> dict:
    """Give each household of a page its `member_views`: the members as the policy lets `user`
    see them (access.member_views, one batch for the page). Returns {person id: basis} of the
    members shown by name, for the audit trail."""
    households = list(households)
    views = access.member_views(user, [m for h in households for m in h.memberships.all()])
    for household in households:
        household.member_views = [v for v in views if v.membership.household_id == household.pk]
    return {v.membership.person_id: v.basis for v in views if v.basis}


def household_detail(*, user, household_id):
    return household_list(user=user).get(pk=household_id)


def person_households(*, user, person) -> QuerySet:
    return access.visible_households(user).filter(memberships__person=person).distinct()
