"""The coordinator's decisions: confirm links, reject remembers, unlink restores (R7)."""

import pytest

from yorisoi.audit.models import AuditEvent
from yorisoi.errors import ConcurrentEditError, RuleViolation
from yorisoi.people.identity import services
from yorisoi.people.identity.models import (
    MATCH_TRANSITIONS,
    Identity,
    IdentityMember,
    LeaveReason,
    MatchStatus,
)
from yorisoi.people.models import PERSON_FIELDS, Person

from .world import candidate_for, hanako


def _fields(person):
    person = Person.objects.get(pk=person.pk)
    return {name: getattr(person, name) for name in (*PERSON_FIELDS, "agency", "version")}


def _confirm(actor, candidate, note=""):
    candidate.refresh_from_db()
    return services.match_confirm(
        actor=actor, candidate=candidate, version=candidate.version, note=note
    )


def _current(identity):
    return set(
        IdentityMember.objects.filter(identity=identity, left_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )


def test_confirm_then_unlink_restores_both_registrations(hana, saki, ichiro):
    a, b = hanako(hana.agency), hanako(saki.agency, family_name="高橋")
    before = {a.pk: _fields(a), b.pk: _fields(b)}
    candidate = candidate_for(a, b)

    identity = _confirm(ichiro, candidate, note="生年月日と住所が一致")
    assert _current(identity) == {a.pk, b.pk}
    candidate.refresh_from_db()
    assert candidate.status == MatchStatus.CONFIRMED and candidate.decided_by == ichiro

    identity.refresh_from_db()
    services.identity_unlink(
        actor=ichiro, identity=identity, person=b, version=identity.version, note="別人だった"
    )

    identity.refresh_from_db()
    candidate.refresh_from_db()
    assert _current(identity) == set()
    assert identity.ended_at is not None
    assert candidate.status == MatchStatus.UNLINKED
    # Nothing deleted: both memberships are kept, ended, with their reasons; history kept.
    left = dict(
        IdentityMember.objects.filter(identity=identity).values_list("person_id", "left_reason")
    )
    assert left == {a.pk: LeaveReason.ENDED, b.pk: LeaveReason.UNLINKED}
    assert candidate.history.filter(status=MatchStatus.CONFIRMED).exists()
    # The registrations themselves were never touched.
    assert {a.pk: _fields(a), b.pk: _fields(b)} == before


def test_confirming_across_two_identities_merges_them(hana, saki, tomoko, jun, ichiro):
    a, b = hanako(hana.agency), hanako(saki.agency, family_name="高橋")
    c, d = hanako(tomoko.agency, given_name_kana="ﾕｳｺ"), hanako(jun.agency, address="")
    first = _confirm(ichiro, candidate_for(a, b))
    second = _confirm(ichiro, candidate_for(c, d))
    assert first != second

    merged = _confirm(ichiro, candidate_for(b, c))

    assert merged == first
    assert _current(first) == {a.pk, b.pk, c.pk, d.pk}
    second.refresh_from_db()
    assert second.merged_into == first and _current(second) == set()
    assert (
        IdentityMember.objects.filter(identity=second, left_reason=LeaveReason.MERGED).count() == 2
    )
    assert AuditEvent.objects.filter(action="identity.merged", target_id=str(first.pk)).exists()


def test_unlinking_one_of_three_keeps_the_other_two_linked(hana, saki, tomoko, ichiro):
    a, b, c = hanako(hana.agency), hanako(saki.agency), hanako(tomoko.agency)
    identity = _confirm(ichiro, candidate_for(a, b))
    _confirm(ichiro, candidate_for(b, c))
    identity.refresh_from_db()
    services.identity_unlink(
        actor=ichiro, identity=identity, person=c, version=identity.version, note="別人"
    )
    identity.refresh_from_db()
    assert _current(identity) == {a.pk, b.pk} and identity.ended_at is None


def test_a_linked_pair_is_not_proposed_again_through_another_path(hana, saki, tomoko, ichiro):
    a, b, c = hanako(hana.agency), hanako(saki.agency), hanako(tomoko.agency)
    _confirm(ichiro, candidate_for(a, b))
    _confirm(ichiro, candidate_for(b, c))
    assert Identity.objects.count() == 1


def test_rejecting_is_remembered_and_audited(hana, saki, ichiro):
    candidate = candidate_for(hanako(hana.agency), hanako(saki.agency))
    services.match_reject(actor=ichiro, candidate=candidate, version=1, note="別人")
    candidate.refresh_from_db()
    assert candidate.status == MatchStatus.REJECTED and candidate.note == "別人"
    event = AuditEvent.objects.get(action="identity.match_rejected")
    assert event.basis == "match_review" and event.actor == ichiro
    assert set(event.data["ids"]) == {str(candidate.person_a_id), str(candidate.person_b_id)}


def test_every_decision_is_audited(hana, saki, ichiro):
    a, b = hanako(hana.agency), hanako(saki.agency)
    identity = _confirm(ichiro, candidate_for(a, b))
    identity.refresh_from_db()
    services.identity_unlink(
        actor=ichiro, identity=identity, person=a, version=identity.version, note="誤り"
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"identity.match_confirmed", "identity.unlinked"} <= actions
    assert set(
        AuditEvent.objects.filter(action__startswith="identity.").values_list("basis", flat=True)
    ) == {"match_review"}


def test_a_stale_version_saves_nothing(hana, saki, ichiro):
    candidate = candidate_for(hanako(hana.agency), hanako(saki.agency))
    services.match_reject(actor=ichiro, candidate=candidate, version=1)
    with pytest.raises(ConcurrentEditError):
        services.match_confirm(actor=ichiro, candidate=candidate, version=1)
    assert Identity.objects.count() == 0


def test_rejected_cannot_be_rejected_again(hana, saki, ichiro):
    candidate = candidate_for(hanako(hana.agency), hanako(saki.agency))
    services.match_reject(actor=ichiro, candidate=candidate, version=1)
    with pytest.raises(RuleViolation) as refused:
        services.match_reject(actor=ichiro, candidate=candidate, version=2)
    assert refused.value.code == "illegal_transition"
    assert MATCH_TRANSITIONS[MatchStatus.REJECTED] == set()


@pytest.mark.parametrize("name", ["hana", "masaki", "saki", "kazuko", "ken", "osamu"])
def test_only_the_coordinator_decides(personas, name, hana, saki):
    candidate = candidate_for(hanako(hana.agency), hanako(saki.agency))
    with pytest.raises(RuleViolation) as refused:
        services.match_confirm(actor=personas[name], candidate=candidate, version=1)
    assert refused.value.code == "forbidden"
