"""Reads of the duplicate review queue: always from access.visible_match_candidates /
visible_identities (R6), with each registration's identifying fields only."""

from django.db.models import QuerySet

from yorisoi import access

from .models import Identity, IdentityMember, MatchCandidate, MatchStatus

# What a page of the queue reads of each registration (access.IDENTIFYING_FIELDS).
_PEOPLE = ("person_a__agency", "person_a__district", "person_b__agency", "person_b__district")


def match_list(*, user, status: str = MatchStatus.PENDING) -> QuerySet:
    """The queue: most likely first. `status` "" lists every decision too."""
    candidates = access.visible_match_candidates(user)
    if status:
        candidates = candidates.filter(status=status)
    return candidates.select_related(*_PEOPLE).order_by("-score", "found_at", "pk")


def match_detail(*, user, match_id) -> MatchCandidate:
    """Raises MatchCandidate.DoesNotExist for a missing and for a hidden candidate alike."""
    return (
        access.visible_match_candidates(user)
        .select_related(*_PEOPLE, "decided_by")
        .get(pk=match_id)
    )


def identities_of(person_ids) -> dict:
    """{person id: Identity} of the registrations currently linked."""
    members = IdentityMember.objects.filter(
        person_id__in=list(person_ids), left_at__isnull=True
    ).select_related("identity")
    return {m.person_id: m.identity for m in members}


def identity_detail(*, user, identity_id) -> Identity:
    """Raises Identity.DoesNotExist for a missing and for a hidden identity alike."""
    return access.visible_identities(user).select_related("merged_into").get(pk=identity_id)


def members_of(identity, *, current: bool | None = None) -> QuerySet:
    """The registrations of an identity, with when they joined and left (history kept)."""
    members = identity.members.select_related(
        "person__agency", "person__district", "linked_by", "left_by"
    )
    if current is not None:
        members = members.filter(left_at__isnull=current)
    return members.order_by("left_at", "linked_at", "pk")


def identity_candidates(identity) -> QuerySet:
    """The decided pairs among an identity's registrations (why they are linked)."""
    people = identity.members.values("person_id")
    return MatchCandidate.objects.filter(person_a__in=people, person_b__in=people).order_by(
        "decided_at", "pk"
    )
