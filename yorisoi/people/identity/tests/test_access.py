"""R6: only the coordinator reviews; linking never widens anyone's access (both doors)."""

import uuid

import pytest
from django.urls import reverse

from yorisoi import access
from yorisoi.accounts.models import ApiToken
from yorisoi.audit.models import AuditEvent
from yorisoi.people.identity import services
from yorisoi.testing import client_for

from .world import candidate_for, hanako

SCREENS = [
    ("identity:match_list", "get", lambda c, i, p: {}),
    ("identity:match_detail", "get", lambda c, i, p: {"match_id": c}),
    ("identity:match_confirm", "post", lambda c, i, p: {"match_id": c}),
    ("identity:match_reject", "post", lambda c, i, p: {"match_id": c}),
    ("identity:identity_detail", "get", lambda c, i, p: {"identity_id": i}),
    ("identity:identity_unlink", "post", lambda c, i, p: {"identity_id": i, "person_id": p}),
]
API = [
    ("get", "/api/v1/identity/matches"),
    ("get", "/api/v1/identity/matches/{c}"),
    ("post", "/api/v1/identity/matches/{c}/confirm"),
    ("post", "/api/v1/identity/matches/{c}/distinct"),
    ("get", "/api/v1/identities/{i}"),
    ("post", "/api/v1/identities/{i}/unlink"),
]


def _api(user):
    _, raw = ApiToken.issue(user=user, name="テスト")
    from django.test import Client

    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def linked(hana, saki, ichiro):
    """Registration A by hana's agency and B by saki's, confirmed as one person."""
    a, b = hanako(hana.agency), hanako(saki.agency, family_name="高橋")
    b.notes = "B機関だけが知っている事情"
    b.save()
    candidate = candidate_for(a, b)
    identity = services.match_confirm(actor=ichiro, candidate=candidate, version=1)
    candidate.refresh_from_db()
    return a, b, candidate, identity


def test_every_route_is_declared_for_the_coordinator_only():
    names = [name for name, *_ in SCREENS] + [
        "api:match_list", "api:match_detail", "api:match_confirm", "api:match_reject",
        "api:identity_detail", "api:identity_unlink",
    ]  # fmt: skip
    assert {name: access.ROUTES[name] for name in names} == {
        name: frozenset({"coordinator"}) for name in names
    }


@pytest.mark.parametrize("name", ["hana", "masaki", "saki", "kazuko", "ken", "osamu"])
def test_non_coordinators_are_refused_on_every_route_both_doors(personas, name, linked):
    a, _b, candidate, identity = linked
    user = personas[name]
    screen = client_for(user)
    for route, method, kwargs in SCREENS:
        url = reverse(route, kwargs=kwargs(candidate.pk, identity.pk, a.pk))
        response = getattr(screen, method)(url, {"version": 1, "note": "x"})
        # Refused by the route map (access.ROUTES), the same for any id: says nothing.
        assert response.status_code == 403, (route, response.status_code)
    api = _api(user)
    for method, path in API:
        url = path.format(c=candidate.pk, i=identity.pk)
        response = (
            getattr(api, method)(
                url,
                {"version": 1, "person_id": str(a.pk), "note": "x"},
                content_type="application/json",
            )
            if method == "post"
            else api.get(url)
        )
        assert response.status_code == 403, (path, response.status_code)
        assert response.json()["code"] == "forbidden"
    assert not AuditEvent.objects.filter(action__startswith="identity.", actor=user).exists()


def test_the_policy_shows_nothing_to_others(personas, linked):
    for name in ("hana", "masaki", "saki", "kazuko", "ken", "osamu"):
        user = personas[name]
        assert not access.visible_match_candidates(user).exists()
        assert not access.visible_identities(user).exists()
        assert not access.match_review_people(user).exists()


def test_linking_never_widens_access(hana, saki, ichiro, linked):
    a, b, _candidate, identity = linked
    screen, api = client_for(hana), _api(hana)
    # Before and after the link alike: hana's agency reads A, and B is "not found".
    assert screen.get(reverse("people:person_detail", args=[a.pk])).status_code == 200
    assert screen.get(reverse("people:person_detail", args=[b.pk])).status_code == 404
    assert api.get(f"/api/v1/people/{a.pk}").status_code == 200
    missing = api.get(f"/api/v1/people/{b.pk}")
    assert missing.status_code == 404
    assert missing.json() == api.get(f"/api/v1/people/{uuid.uuid4()}").json()
    assert not access.visible_people(hana).filter(pk=b.pk).exists()
    assert not access.visible_people(saki).filter(pk=a.pk).exists()

    # The coordinator sees both registrations (identifying fields only) on the 名寄せ basis.
    page = client_for(ichiro).get(reverse("identity:identity_detail", args=[identity.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "髙橋" in text and "高橋" in text
    assert "B機関だけが知っている事情" not in text
    body = _api(ichiro).get(f"/api/v1/identities/{identity.pk}").json()
    assert {m["person"]["id"] for m in body["members"]} == {str(a.pk), str(b.pk)}
    assert "notes" not in body["members"][0]["person"]


def test_a_missing_candidate_or_identity_is_not_found(ichiro):
    screen, api = client_for(ichiro), _api(ichiro)
    assert screen.get(reverse("identity:match_detail", args=[uuid.uuid4()])).status_code == 404
    assert screen.get(reverse("identity:identity_detail", args=[uuid.uuid4()])).status_code == 404
    for path in (f"/api/v1/identity/matches/{uuid.uuid4()}", f"/api/v1/identities/{uuid.uuid4()}",
                 "/api/v1/identity/matches/not-a-uuid"):  # fmt: skip
        response = api.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
