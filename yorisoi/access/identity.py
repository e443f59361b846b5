"""R6 for 名寄せ (one person across agencies, DOMAIN.md): the duplicate review queue.

Only the coordinating division (福祉総務課) reviews candidate pairs and linked identities, on
its own basis (BASIS_MATCH_REVIEW), and what it reads there are the identifying fields of the
registrations (IDENTIFYING_FIELDS) — never an agency's notes, consultations or cases.

Linking never widens access: visible_people (people.py) does not look at identities, so an
agency that reads one registration of a person still gets "not found" for the others.
"""

from django.db.models import Q, QuerySet

from .bases import BASIS_MATCH_REVIEW
from .roles import is_coordinator

# What the queue shows of a registration: enough to tell whether two are one person.
IDENTIFYING_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "address",
    "district",
    "agency",
)


def can_review_matches(user) -> bool:
    """Who decides that registrations are one person (and undoes it): the coordinator."""
    return is_coordinator(user)


def visible_match_candidates(user) -> QuerySet:
    from yorisoi.people.identity.models import MatchCandidate

    if not can_review_matches(user):
        return MatchCandidate.objects.none()
    return MatchCandidate.objects.all()


def visible_identities(user) -> QuerySet:
    from yorisoi.people.identity.models import Identity

    if not can_review_matches(user):
        return Identity.objects.none()
    return Identity.objects.all()


def match_review_people(user) -> QuerySet:
    """The registrations whose IDENTIFYING_FIELDS `user` may read on the 名寄せ basis: those in
    a candidate pair or an identity. This opens no person's page (visible_people decides that)."""
    from yorisoi.people.identity.models import IdentityMember, MatchCandidate
    from yorisoi.people.models import Person

    if not can_review_matches(user):
        return Person.objects.none()
    return Person.objects.filter(
        Q(pk__in=MatchCandidate.objects.values("person_a"))
        | Q(pk__in=MatchCandidate.objects.values("person_b"))
        | Q(pk__in=IdentityMember.objects.values("person"))
    )


def match_bases(user, candidate_ids) -> dict:
    """{candidate id: basis} for a page of the queue: the coordinator's 名寄せ basis."""
    if not can_review_matches(user):
        return {}
    return {pk: BASIS_MATCH_REVIEW for pk in candidate_ids}


def identity_bases(user, identity_ids) -> dict:
    if not can_review_matches(user):
        return {}
    return {pk: BASIS_MATCH_REVIEW for pk in identity_ids}
