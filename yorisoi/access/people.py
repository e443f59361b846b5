"""R6 for people (本人) and households (世帯)."""

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .bases import (
    BASIS_CONSENT,
    BASIS_COORDINATOR,
    BASIS_OWN_AGENCY,
    BASIS_REFERRAL,
    BASIS_SUPPORT_MEETING,
)
from .cases import case_bases, visible_case_people, visible_cases
from .consultations import consultation_bases, consultations_about, visible_consultations
from .roles import reads_people


def visible_people(user) -> QuerySet:
    """People whose records `user` may read (R6): those their agency registered, the subjects
    of consultations they may see (a referral or transfer brings the person's record with it)
    and the subjects of cases they may see. Analysts, 民生委員 and administrators: none."""
    from yorisoi.people.models import Person

    if not reads_people(user):
        return Person.objects.none()
    # Each way as an EXISTS on the person (consultations_about says why): a search's few
    # candidates are checked by index one by one, a list page from the agency's own history;
    # `OR id IN (every visible consultation)` read them all for each query (issue 16).
    cases = visible_case_people(user).filter(person_id=OuterRef("pk"))
    return Person.objects.filter(
        Q(agency_id=user.agency_id) | consultations_about(user, "person_id") | Q(Exists(cases))
    )


def visible_households(user) -> QuerySet:
    from yorisoi.people.models import Household

    if not reads_people(user):
        return Household.objects.none()
    cases = visible_cases(user).filter(household_id=OuterRef("pk"))
    return Household.objects.filter(
        Q(agency_id=user.agency_id) | consultations_about(user, "household_id") | Q(Exists(cases))
    )


def _strongest(found) -> str | None:
    for basis in (
        BASIS_OWN_AGENCY,
        BASIS_COORDINATOR,
        BASIS_CONSENT,
        BASIS_SUPPORT_MEETING,
        BASIS_REFERRAL,
    ):
        if basis in found:
            return basis
    return None


def _bases(user, ids, *, model, consultation_field: str, case_field: str) -> dict:
    """{id: strongest basis} of people or households: the registering agency's own, else the
    strongest basis of the visible consultations and cases about them. A constant number of
    queries for any number of ids (the page's rows)."""
    ids = set(ids)
    if not ids or not reads_people(user):
        return {}
    found = {
        pk: {BASIS_OWN_AGENCY}
        for pk in model.objects.filter(pk__in=ids, agency_id=user.agency_id).values_list(
            "pk", flat=True
        )
    }
    rest = ids - set(found)
    if rest:
        about = visible_consultations(user).filter(**{f"{consultation_field}__in": rest})
        pairs = list(about.values_list("pk", consultation_field))
        bases = consultation_bases(user, {pk for pk, _ in pairs})
        cases = visible_cases(user).filter(**{f"{case_field}__in": rest})
        case_pairs = list(cases.values_list("pk", case_field))
        bases |= case_bases(user, {pk for pk, _ in case_pairs})
        for pk, owner in pairs + case_pairs:
            if pk in bases:
                found.setdefault(owner, set()).add(bases[pk])
    return {pk: _strongest(found_bases) for pk, found_bases in found.items()}


def person_bases(user, person_ids) -> dict:
    """{person id: basis} for those of `person_ids` that `user` may open; any other id is a
    person the user may not open (R6): no name, kana, birth date or id of theirs is shown."""
    from yorisoi.people.models import Person

    return _bases(
        user, person_ids, model=Person, consultation_field="person_id",
        case_field="subjects__person_id",
    )  # fmt: skip


def household_bases(user, household_ids) -> dict:
    """{household id: basis} for those of `household_ids` that `user` may open."""
    from yorisoi.people.models import Household

    return _bases(
        user, household_ids, model=Household, consultation_field="household_id",
        case_field="household_id",
    )  # fmt: skip


def person_if_open(user, person):
    """`person` if `user` may open their record, else None. A page about something else (an
    outreach target, a participation need) names its person only then (R6): the coordinator
    follows every need and target, not every person behind them."""
    if person is None or person_basis(user, person) is None:
        return None
    return person


def person_basis(user, person) -> str | None:
    """The basis on which `user` reads `person`, or None if they may not."""
    return person_bases(user, [person.pk]).get(person.pk)


def household_basis(user, household) -> str | None:
    return household_bases(user, [household.pk]).get(household.pk)


@dataclass(frozen=True)
class MemberView:
    """A household member as a user may see them (R6): `person` only if the user may open the
    member's own record; otherwise only the relationship (続柄) shows, never the name, kana,
    birth date or id — a household page never shows what a person page would refuse."""

    membership: object  # people.HouseholdMember
    basis: str | None

    @property
    def person(self):
        return self.membership.person if self.basis else None


def member_views(user, memberships) -> list[MemberView]:
    """The members of households the user may read, in one batch for a whole page."""
    memberships = list(memberships)
    bases = person_bases(user, {m.person_id for m in memberships})
    return [MemberView(m, bases.get(m.person_id)) for m in memberships]


def can_edit_person(user, person) -> bool:
    """Only the registering agency corrects a record; others read it through their basis."""
    return reads_people(user) and person.agency_id == user.agency_id


def can_edit_household(user, household) -> bool:
    return reads_people(user) and household.agency_id == user.agency_id


def can_create_people(user) -> bool:
    return reads_people(user)


# All a user is told of likely matches they may not see (issue 12, DOMAIN.md 名寄せ): not the
# name, not the agency, not how many or how likely. The coordinator reviews them.
HIDDEN_MATCH_MESSAGE = _(
    "ほかの機関に同じ方が登録されている可能性があります。福祉総務課（調整担当）が確認します。"
)


class MatchSplit(NamedTuple):
    """Search before create across agencies, as `user` may know it (R6).

    visible: the people `user` may open, in rank order — offered as usual.
    hidden: only the ids of the others, for the coordinator's review queue
    (identity.services.match_flag); never shown, counted or described to `user`.
    """

    visible: list
    hidden: list
    bases: dict = {}  # {person id: basis} of `visible`, for the audit of showing them

    @property
    def others_exist(self) -> bool:
        """Whether to say HIDDEN_MATCH_MESSAGE: true for one hidden match as for many."""
        return bool(self.hidden)


def split_matches(user, person_ids) -> MatchSplit:
    """R6 for likely matches found across all agencies: those `user` may open (visible_people)
    are offered; of the rest the user learns only HIDDEN_MATCH_MESSAGE. A constant number of
    queries (person_bases, then the people)."""
    from yorisoi.people.models import Person

    ids = list(dict.fromkeys(person_ids))
    if not ids or not reads_people(user):
        return MatchSplit([], [])
    # person_bases asks only about these ids (indexed), where visible_people would first
    # gather everything the user may see.
    bases = person_bases(user, ids)
    seen = {p.pk: p for p in Person.objects.filter(pk__in=list(bases)).select_related("district")}
    return MatchSplit(
        [seen[pk] for pk in ids if pk in seen],
        [pk for pk in ids if pk not in seen],
        {pk: bases[pk] for pk in seen},
    )
