"""The coordinator's duplicate review queue on screen: list, side by side, decide, unlink."""

from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.people.identity.models import IdentityMember, MatchStatus
from yorisoi.testing import PersonFactory, client_for

from .world import candidate_for, hanako


def test_the_queue_lists_pending_pairs_and_audits_each_registration(hana, saki, ichiro):
    a, b = hanako(hana.agency), hanako(saki.agency, family_name="高橋")
    candidate = candidate_for(a, b)
    page = client_for(ichiro).get(reverse("identity:match_list"))
    assert page.status_code == 200
    assert reverse("identity:match_detail", args=[candidate.pk]) in page.content.decode()
    events = AuditEvent.objects.filter(action="identity.matches_listed")
    assert [e.basis for e in events] == ["match_review"]
    assert set(events[0].data["ids"]) == {str(a.pk), str(b.pk)}


def test_the_detail_shows_only_identifying_fields_and_the_reasons(hana, saki, ichiro):
    a = hanako(hana.agency, notes="在宅介護の記録", phone="059-111-2222")
    b = hanako(saki.agency, family_name="高橋")
    candidate = candidate_for(a, b)
    page = client_for(ichiro).get(reverse("identity:match_detail", args=[candidate.pk]))
    text = page.content.decode()
    assert "髙橋 祐子" in text and "高橋 祐子" in text
    assert hana.agency.name in text and saki.agency.name in text
    assert "氏名が一致（異体字）" in text
    assert "在宅介護の記録" not in text and "059-111-2222" not in text
    assert 'name="version" value="1"' in text
    event = AuditEvent.objects.get(action="identity.match_viewed")
    assert event.basis == "match_review" and event.target_id == str(candidate.pk)


def test_confirm_reject_and_unlink_through_the_screens(hana, saki, tomoko, ichiro):
    client = client_for(ichiro)
    a, b = hanako(hana.agency), hanako(saki.agency)
    candidate = candidate_for(a, b)
    response = client.post(
        reverse("identity:match_confirm", args=[candidate.pk]), {"version": 1, "note": "一致"}
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == MatchStatus.CONFIRMED
    identity = IdentityMember.objects.get(person=a, left_at__isnull=True).identity

    other = candidate_for(a, hanako(tomoko.agency, given_name="美咲"))
    client.post(reverse("identity:match_reject", args=[other.pk]), {"version": 1})
    other.refresh_from_db()
    assert other.status == MatchStatus.REJECTED

    page = client.get(reverse("identity:identity_detail", args=[identity.pk]))
    assert reverse("identity:identity_unlink", args=[identity.pk, b.pk]) in page.content.decode()
    response = client.post(
        reverse("identity:identity_unlink", args=[identity.pk, b.pk]),
        {"version": identity.version, "note": "別人だった"},
    )
    assert response.status_code == 302
    assert not IdentityMember.objects.filter(left_at__isnull=True).exists()


def test_a_stale_form_saves_nothing_and_says_so(hana, saki, ichiro):
    client = client_for(ichiro)
    candidate = candidate_for(hanako(hana.agency), hanako(saki.agency))
    client.post(reverse("identity:match_reject", args=[candidate.pk]), {"version": 1})
    response = client.post(reverse("identity:match_confirm", args=[candidate.pk]), {"version": 1})
    assert response.status_code == 422
    assert "ほかの人が先に" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.status == MatchStatus.REJECTED


def test_unlink_needs_a_reason(hana, saki, ichiro):
    client = client_for(ichiro)
    a, b = hanako(hana.agency), hanako(saki.agency)
    client.post(reverse("identity:match_confirm", args=[candidate_for(a, b).pk]), {"version": 1})
    identity = IdentityMember.objects.get(person=a).identity
    response = client.post(
        reverse("identity:identity_unlink", args=[identity.pk, a.pk]), {"version": 2}
    )
    assert response.status_code == 422
    assert IdentityMember.objects.filter(left_at__isnull=True).count() == 2


def test_the_queue_costs_the_same_for_2_or_20_pairs(
    hana, saki, ichiro, django_assert_max_num_queries
):
    client = client_for(ichiro)

    def pairs(n):
        for _ in range(n):
            candidate_for(PersonFactory(agency=hana.agency), PersonFactory(agency=saki.agency))

    pairs(2)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("identity:match_list"))
    pairs(18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("identity:match_list"))
    api = client_for(ichiro)
    with django_assert_max_num_queries(len(few.captured_queries) + 5):
        assert api.get("/api/v1/identity/matches?page_size=20").json()["count"] == 20


def test_the_coordinator_finds_the_queue_in_the_navigation(ichiro, hana):
    assert "名寄せの確認" in client_for(ichiro).get(reverse("front:home")).content.decode()
    assert "名寄せの確認" not in client_for(hana).get(reverse("front:home")).content.decode()
