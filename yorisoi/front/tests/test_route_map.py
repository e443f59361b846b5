"""Deny by default (habit 13): every route is named in access.ROUTES, and unknown ones refuse."""

import pytest

from yorisoi import access

from .routes import screen_patterns


def _route_names():
    for name, entry in screen_patterns():
        yield name, str(entry.pattern)


def test_every_route_has_an_access_rule():
    missing = [
        (name, pattern) for name, pattern in _route_names() if access.route_rule(name or "") is None
    ]
    assert missing == []


def test_every_rule_names_a_real_route():
    names = {name for name, _ in _route_names()}
    stale = sorted(set(access.ROUTES) - names)
    assert stale == []


def test_a_route_without_a_rule_is_refused(hana):
    assert access.route_rule("people:something_new") is None
    assert not access.route_allows(hana, "people:something_new")


@pytest.mark.parametrize(
    "role, allowed",
    [
        ("staff", True),
        ("manager", True),
        ("coordinator", True),
        ("volunteer", False),
        ("analyst", False),
        ("admin", False),
    ],
)
def test_people_routes_are_for_caseworkers_only(personas, role, allowed):
    user = next(u for u in personas.values() if u.role == role)
    assert access.route_allows(user, "people:person_list") is allowed
    assert access.route_allows(user, "api:person_search") is allowed
