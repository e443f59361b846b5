"""The incremental job (services.candidates_score) fills the coordinator's queue."""

import datetime as dt

from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.people.identity import services, tasks
from yorisoi.people.identity.models import MatchCandidate, MatchStatus, ScoringRun

from .world import hanako, pair, populate, score


def test_job_finds_variant_spellings_across_agencies_and_not_different_people(hana, saki):
    populate(hana.agency, saki.agency)
    at_home_care = hanako(hana.agency)
    # Another agency: 高 for 髙, half-width kana, the same day typed the other way.
    at_counselling = hanako(
        saki.agency,
        family_name="高橋",
        family_name_kana="ﾀｶﾊｼ",
        given_name_kana="ゆうこ",
        address="四日市市諏訪町１－５－３",
    )
    # Same family name and address (a daughter): not the same person.
    daughter = hanako(
        saki.agency, given_name="美咲", given_name_kana="ミサキ", birth_date=dt.date(1998, 7, 9)
    )

    run = score()

    found = pair(at_home_care, at_counselling)
    assert found.status == MatchStatus.PENDING
    assert found.score >= services.threshold()
    assert found.reasons and all(isinstance(r, str) for r in found.reasons)
    involving_daughter = MatchCandidate.objects.filter(
        person_a=daughter
    ) | MatchCandidate.objects.filter(person_b=daughter)
    assert not involving_daughter.exists()
    assert run.candidates_new == MatchCandidate.objects.count() >= 1


def test_a_run_scores_only_people_new_or_changed_since_the_last(hana, saki):
    populate(hana.agency, saki.agency)
    first = score()
    assert first.people_scored == first.people_total
    second = score()
    assert second.people_scored == 0 and second.candidates_new == 0
    assert second.since == first.started_at

    a = hanako(hana.agency)
    b = hanako(saki.agency, family_name="高橋")
    third = score()
    assert third.people_scored == 2
    assert pair(a, b).status == MatchStatus.PENDING


def test_a_rejected_pair_is_never_proposed_again(hana, saki, ichiro):
    populate(hana.agency, saki.agency)
    a, b = hanako(hana.agency), hanako(saki.agency, family_name="高橋")
    score()
    candidate = pair(a, b)
    services.match_reject(actor=ichiro, candidate=candidate, version=candidate.version)

    # Both registrations are edited afterwards: the next runs score them again.
    b.address = "三重県四日市市諏訪町1丁目5番4号"
    b.updated_at = timezone.now()
    b.save()
    score()
    services.candidates_score(everyone=True)

    assert MatchCandidate.objects.filter(person_a__in=[a, b], person_b__in=[a, b]).count() == 1
    assert pair(a, b).status == MatchStatus.REJECTED


def test_a_pending_candidate_gets_the_new_score(hana, saki):
    populate(hana.agency, saki.agency)
    a, b = hanako(hana.agency), hanako(saki.agency, family_name="高橋", address="")
    score()
    before = pair(a, b)
    b.address = a.address
    b.updated_at = timezone.now()
    b.save()
    run = score()
    after = pair(a, b)
    assert run.candidates_updated == 1
    assert after.pk == before.pk and after.score >= before.score
    assert after.version == before.version + 1


def test_the_job_is_audited_on_the_name_matching_basis(hana, saki):
    populate(hana.agency, saki.agency, people=10)
    run = score()
    event = AuditEvent.objects.get(action="identity.candidates_scored", target_id=str(run.pk))
    assert event.basis == "match_review"
    assert event.channel == "cli"


def test_the_background_task_runs_the_job(hana, saki):
    populate(hana.agency, saki.agency, people=10)
    hanako(hana.agency), hanako(saki.agency, family_name="高橋")
    result = tasks.score_match_candidates.call()
    assert result["scored"] == 12 and result["new"] >= 1
    assert ScoringRun.objects.count() == 1
