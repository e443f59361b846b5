"""Reads of people and households. Every query starts from access.visible_…(user) (R6)."""

import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.translation import gettext

from yorisoi import access
from yorisoi.linkage import Record
from yorisoi.linkage.search import rank, search_model

from .models import HouseholdMember, Person, phonetic_key
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


# Search before create across all agencies (issue 12): the database blocks, the linkage
# engine scores with its fixed model (linkage.search), best first.
SEARCH_POPULATION = 300_000  # registrations in a city: the prior that one of them is the person
SEARCH_THRESHOLD = 0.2  # from here a match is worth a look (and, if hidden, the coordinator's)
MAX_CANDIDATES = 500  # rows scored at most: a block of thousands says little and costs much
_CANDIDATE_FIELDS = (
    "pk",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "address",
    "phone",
    "name_key",
    "kana_key",
)


@dataclass(frozen=True)
class LikelyMatches:
    """Search before create as `user` may know it (access.split_matches).

    visible: people the user may open, best first — offered as usual.
    hidden: the engine's verdicts (linkage.Link, record_id_b the person's id) on people the user
    may not open, for identity.services.match_flag only: never rendered, never counted to the
    user, who is told access.HIDDEN_MATCH_MESSAGE when `others_exist`.
    """

    visible: list
    hidden: list
    bases: dict = field(default_factory=dict)  # {person id: basis} of `visible` (the audit)

    @property
    def others_exist(self) -> bool:
        return bool(self.hidden)

    def __bool__(self):
        return bool(self.visible)

    def __iter__(self):
        return iter(self.visible)

    def __len__(self):
        return len(self.visible)

    @classmethod
    def combine(cls, found) -> "LikelyMatches":
        """The matches of several new members at once (a household): each visible person once,
        in the order found; the hidden verdicts all kept, for each member's review item."""
        visible = {p.pk: p for matches in found for p in matches.visible}
        hidden = [v for matches in found for v in matches.hidden]
        return cls(
            list(visible.values()), hidden, {k: v for m in found for k, v in m.bases.items()}
        )


NO_MATCHES = LikelyMatches([], [])


def near_birth_dates(born: date) -> set[date]:
    """The dates the engine still counts as agreeing: the date, day and month swapped, and one
    digit of YYYYMMDD wrong (linkage.compare.birth_levels). Any other date speaks against one
    person, so people born then are not candidates unless the name and the day both agree."""
    near = {born}
    with suppress(ValueError):
        near.add(born.replace(month=born.day, day=born.month))
    digits = born.strftime("%Y%m%d")
    for place, digit in enumerate(digits):
        for other in "0123456789":
            if other == digit:
                continue
            text = digits[:place] + other + digits[place + 1 :]
            with suppress(ValueError):
                near.add(date(int(text[:4]), int(text[4:6]), int(text[6:])))
    return {d for d in near if d.year >= 1800}


def _blocks(*, name_key, phonetic, birth_date) -> list[Q]:
    """Candidates by indexed keys, one simple condition per block (each answered from one
    index; the blocks are read as one UNION ALL): everyone born that day or with day and month
    swapped — which survives any name noise, a married name included — and everyone with the
    same name key or reading whose birth date is near or missing (the birth-date noise)."""
    blocks = []
    if birth_date is not None:
        same_day = {birth_date}
        with suppress(ValueError):
            same_day.add(birth_date.replace(month=birth_date.day, day=birth_date.month))
        blocks.append(Q(birth_date__in=sorted(same_day)))
    near = sorted(near_birth_dates(birth_date)) if birth_date is not None else None
    for key in (
        Q(name_key=name_key) if name_key else None,
        Q(phonetic_key=phonetic) if phonetic else None,
    ):
        if key is None:
            continue
        if near is None:
            blocks.append(key)
        else:
            blocks += [key & Q(birth_date__in=near), key & Q(birth_date__isnull=True)]
    return blocks


def person_likely_matches(
    *,
    user,
    family_name="",
    given_name="",
    family_name_kana="",
    given_name_kana="",
    birth_date: date | None = None,
    address="",
    phone="",
    limit: int = 10,
) -> LikelyMatches:
    """Search before create across all agencies: who may be the one being registered, ranked by
    the linkage engine (variant kanji, kana width and spelling, 和暦, day/month swapped, one
    digit wrong, a married name). What the user may know of each is access.split_matches (R6).

    Offered: the best `limit` above SEARCH_THRESHOLD, and people the user may open who carry
    the same name (the rule before ranking, kept for them). One query to find and a few to
    split, for any population.
    """
    name_key = normalize_for_search(family_name + given_name)
    kana_key = normalize_for_search(family_name_kana + given_name_kana)
    family_key = normalize_for_search(family_name)
    family_kana_key = normalize_for_search(family_name_kana)
    phonetic = phonetic_key(family_name_kana, given_name_kana)
    blocks = _blocks(name_key=name_key, phonetic=phonetic, birth_date=birth_date)
    # The rule before ranking, for the people the user may open anyway: the same full name or
    # reading, or the same birth date and family name, whatever the score.
    if name_key and given_name:
        blocks.append(Q(name_key=name_key))
    if kana_key and given_name_kana:
        blocks.append(Q(kana_key=kana_key))
    if not blocks or not access.reads_people(user):
        return NO_MATCHES
    # The 名寄せ basis (access.bases.BASIS_MATCH_REVIEW): every agency's registrations are read
    # here to be scored, and leave only through access.split_matches.
    parts = [Person.objects.filter(q).order_by().values_list(*_CANDIDATE_FIELDS) for q in blocks]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    rows = list({row[0]: row for row in union[:MAX_CANDIDATES]}.values())
    same_name = set()
    for pk, *_fields, born, _address, _phone, n_key, k_key in rows:
        if (
            (given_name and n_key == name_key)
            or (given_name_kana and k_key == kana_key)
            or (
                birth_date is not None
                and born == birth_date
                and (
                    (family_key and n_key.startswith(family_key))
                    or (family_kana_key and k_key.startswith(family_kana_key))
                )
            )
        ):
            same_name.add(str(pk))
    query = Record(
        record_id="",
        family_name=family_name,
        given_name=given_name,
        family_kana=family_name_kana,
        given_kana=given_name_kana,
        birth_date=birth_date.isoformat() if birth_date else "",
        address=address,
        phone=phone,
    )
    records = [
        Record(str(pk), "", family, given, f_kana, g_kana, born.isoformat() if born else "",
               row_address, row_phone)
        for pk, family, given, f_kana, g_kana, born, row_address, row_phone, *_keys in rows
    ]  # fmt: skip
    if not records:
        return NO_MATCHES
    model = search_model(SEARCH_POPULATION)
    ranked = [
        found
        for found in rank(query, records, model=model, explain=False)
        if found.score >= SEARCH_THRESHOLD or found.record_id_b in same_name
    ][:limit]
    split = access.split_matches(user, [uuid.UUID(x.record_id_b) for x in ranked])
    hidden_ids = {str(pk) for pk in split.hidden}
    flagged = [x for x in ranked if x.record_id_b in hidden_ids and x.score >= SEARCH_THRESHOLD]
    if flagged:  # with the reasons, for the coordinator
        wanted = {x.record_id_b for x in flagged}
        flagged = rank(query, [r for r in records if r.record_id in wanted], model=model)
    return LikelyMatches(split.visible, flagged, split.bases)


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


# --- the household seen whole (名寄せ, issue 12) ----------------------------------------------

# A household's involvements are few; the page still never grows with the tables.
INVOLVEMENT_LIMIT = 100


@dataclass(frozen=True)
class LinkedHousehold:
    """Another agency's registration of (part of) this family, brought here because one of its
    members is confirmed as the same person as a member of this household (名寄せ). Shown only
    when `user` may open it (access.household_bases); its members as access.member_views says.

    same_as: {member person id: the member of this household they are} for the members `user`
    may open on both sides (a hidden member is never tied to a name)."""

    household: object  # people.Household with member_views
    basis: str
    same_as: dict

    @property
    def rows(self) -> list[tuple]:
        """(member view, the member of this household they are, or None) in order."""
        return [(v, self.same_as.get(v.membership.person_id)) for v in self.household.member_views]


@dataclass(frozen=True)
class InvolvementRow:
    """One consultation or case about any member of the whole household that `user` may open:
    which agencies are involved, since when, where it stands. Never a summary or a name."""

    kind: str  # "consultation" | "case"
    pk: uuid.UUID
    agencies: list  # directory.Agency, lead or responsible first
    status: str
    status_display: str
    since: date

    @property
    def url_name(self) -> str:
        return "intake:consultation_detail" if self.kind == "consultation" else "cases:case_detail"


@dataclass(frozen=True)
class HouseholdWhole:
    linked: list[LinkedHousehold]
    involvements: list[InvolvementRow]
    member_bases: dict  # {person id: basis} of the linked households' members shown by name

    @property
    def read_bases(self) -> dict:
        """{household id: basis} of the linked households shown, for the audit trail."""
        return {h.household.pk: h.basis for h in self.linked}


def linked_registrations(*, user, person) -> tuple[list, object]:
    """The other agencies' registrations confirmed as the same person as `person` (名寄せ),
    those `user` may open (R6: linking opens nothing by itself), and the identity itself if
    `user` may review it (the coordinator), else None."""
    from .identity.models import IdentityMember

    membership = (
        IdentityMember.objects.filter(person=person, left_at__isnull=True)
        .select_related("identity")
        .first()
    )
    if membership is None:
        return [], None
    others = (
        IdentityMember.objects.filter(identity_id=membership.identity_id, left_at__isnull=True)
        .exclude(person=person)
        .values_list("person_id", flat=True)
    )
    bases = access.person_bases(user, others)
    people = Person.objects.filter(pk__in=list(bases)).select_related("agency").order_by("pk")
    identity = (
        membership.identity
        if access.visible_identities(user).filter(pk=membership.identity_id).exists()
        else None
    )
    return list(people), identity


def household_whole(*, user, household) -> HouseholdWhole:
    """The household as the city knows it across agencies, as far as `user` may see (R6).

    Members confirmed as one person with another agency's registration (people.identity)
    bring that registration's households here; linking never opens anything by itself: a
    linked household shows only if `user` may open it, and its members as member_views says.
    The involvements are the consultations and cases about any member (every registration of
    them) or either household that `user` may open. A constant number of queries.
    `household` comes from household_detail with its member_views attached (attach_members).
    """
    from .identity.models import IdentityMember

    members = {m.person_id for m in household.memberships.all()}
    identity_of = dict(
        IdentityMember.objects.filter(person_id__in=members, left_at__isnull=True).values_list(
            "person_id", "identity_id"
        )
    )
    linked_people = dict(
        IdentityMember.objects.filter(
            identity_id__in=set(identity_of.values()), left_at__isnull=True
        )
        .exclude(person_id__in=members)
        .values_list("person_id", "identity_id")
    )
    elsewhere = set(
        HouseholdMember.objects.filter(person_id__in=linked_people, left_on__isnull=True)
        .exclude(household_id=household.pk)
        .values_list("household_id", flat=True)
    )
    bases = access.household_bases(user, elsewhere)
    households = list(household_list(user=user).filter(pk__in=bases).select_related("agency"))
    member_bases = attach_members(user=user, households=households)
    shown = {v.membership.person_id: v.person for v in household.member_views if v.person}
    by_identity = {identity: shown.get(person) for person, identity in identity_of.items()}
    linked = []
    for other in households:
        same_as = {}
        for view in other.member_views:
            here = by_identity.get(linked_people.get(view.membership.person_id))
            if view.person and here:
                same_as[view.membership.person_id] = here
        linked.append(LinkedHousehold(other, bases[other.pk], same_as))
    people = members | set(linked_people)
    for other in households:
        people |= {m.person_id for m in other.memberships.all()}
    involvements = _involvements(user, people, {household.pk, *bases})
    return HouseholdWhole(linked, involvements, member_bases)


def _involvements(user, people, households) -> list[InvolvementRow]:
    consultations = (
        access.visible_consultations(user)
        .filter(Q(person_id__in=people) | Q(household_id__in=households))
        .select_related("responsible_agency", "receiving_agency")
        .order_by("-received_at", "pk")[:INVOLVEMENT_LIMIT]
    )
    rows = [
        InvolvementRow(
            "consultation",
            c.pk,
            list(dict.fromkeys([c.responsible_agency, c.receiving_agency])),
            c.outcome or ("open" if c.is_open else "closed"),
            c.get_outcome_display() if c.outcome else _consultation_state(c),
            timezone.localdate(c.received_at),
        )
        for c in consultations
    ]
    about = access.visible_cases(user).filter(
        Q(subjects__person_id__in=people) | Q(household_id__in=households)
    )
    cases = (
        access.visible_cases(user)
        .filter(pk__in=about.values("pk"))
        .select_related("lead_agency")
        .prefetch_related("involvements__agency")
        .order_by("-opened_at", "pk")[:INVOLVEMENT_LIMIT]
    )
    for case in cases:
        agencies = [case.lead_agency] + [
            i.agency for i in case.involvements.all() if i.ended_on is None
        ]
        rows.append(
            InvolvementRow(
                "case",
                case.pk,
                list(dict.fromkeys(agencies)),
                case.status,
                case.get_status_display(),
                timezone.localdate(case.opened_at),
            )
        )
    return sorted(rows, key=lambda r: (r.since, str(r.pk)), reverse=True)[:INVOLVEMENT_LIMIT]


def _consultation_state(consultation) -> str:
    return gettext("受付中") if consultation.is_open else gettext("終了")


# --- the person's whole story (issue 14) ------------------------------------------------------

# Rows a section of the person's page (and the API's story) shows; the total is always given.
STORY_LIMIT = 10


@dataclass(frozen=True)
class StorySection:
    """One kind of record about a person, as `user` may open it (R6): the latest `rows` (each
    one the user may open on its own page), how many there are in all, and {row id: basis}
    for the audit of showing them (audit.log.record_reads under `action`)."""

    key: str
    action: str
    rows: list
    total: int
    bases: dict

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


@dataclass(frozen=True)
class PersonStory:
    """A person's page is their whole story as far as R6 allows (issue 14): consultations,
    referrals, cases, outreach and participation support. The screen and the API both ask
    person_story, so both doors show the same rows."""

    consultations: StorySection
    referrals: StorySection
    cases: StorySection
    outreach: StorySection
    participation: StorySection

    @property
    def sections(self) -> list[StorySection]:
        return [
            self.consultations,
            self.referrals,
            self.cases,
            self.outreach,
            self.participation,
        ]


def _section(key, action, queryset, bases_of, limit) -> StorySection:
    """The latest `limit` rows of `queryset` (ordered, and narrowed by the policy), their total
    and their bases (`bases_of(rows)`): a constant number of queries whatever the rows."""
    rows = list(queryset[:limit])
    total = len(rows) if len(rows) < limit else queryset.order_by().count()
    bases = bases_of(rows) if rows else {}
    rows = [row for row in rows if row.pk in bases]  # the policy has the last word
    return StorySection(key=key, action=action, rows=rows, total=total, bases=bases)


def _ids(rows) -> list:
    return [row.pk for row in rows]


def _referral_bases(user, referrals) -> dict:
    """A referral is read on the basis of its consultation (access.consultation_bases)."""
    by_consultation = access.consultation_bases(user, {r.consultation_id for r in referrals})
    return {
        r.pk: by_consultation[r.consultation_id]
        for r in referrals
        if r.consultation_id in by_consultation
    }


def person_story(*, user, person, limit: int = STORY_LIMIT) -> PersonStory:
    """What `user` may open about `person` (one they may open: visible_people), newest first,
    each section from the policy's visible_… and …_bases (R6)."""
    consultations = (
        access.visible_consultations(user)
        .filter(person=person)
        .select_related("receiving_agency", "responsible_agency")
        .order_by("-received_at", "pk")
    )
    referrals = (
        access.visible_referrals(user)
        .filter(consultation__person=person)
        .select_related("from_agency", "to_agency")
        .order_by("-sent_at", "pk")
    )
    cases = (
        access.visible_cases(user)
        .filter(subjects__person=person)
        .distinct()
        .select_related("lead_agency")
        .order_by("-opened_at", "pk")
    )
    outreach = (
        access.visible_outreach_targets(user)
        .filter(person=person)
        .select_related("responsible_agency")
        .order_by("-created_at", "pk")
    )
    needs = (
        access.visible_participation_needs(user)
        .filter(person=person)
        .select_related("responsible_agency")
        .order_by("-created_at", "pk")
    )
    return PersonStory(
        consultations=_section(
            "consultations",
            "consultation.listed",
            consultations,
            lambda rows: access.consultation_bases(user, _ids(rows)),
            limit,
        ),
        referrals=_section(
            "referrals",
            "referral.listed",
            referrals,
            lambda rows: _referral_bases(user, rows),
            limit,
        ),
        cases=_section(
            "cases",
            "case.listed",
            cases,
            lambda rows: access.case_bases(user, _ids(rows)),
            limit,
        ),
        outreach=_section(
            "outreach",
            "outreach.targets_listed",
            outreach,
            lambda rows: access.outreach_bases(user, _ids(rows)),
            limit,
        ),
        participation=_section(
            "participation",
            "participation.needs_listed",
            needs,
            lambda rows: access.participation_bases(user, _ids(rows)),
            limit,
        ),
    )
