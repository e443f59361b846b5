"""Who may open community building: casework records, analysts read everything (counts
only); 民生委員 and administrators are refused by the route map."""

from datetime import date

import pytest
from django.urls import reverse

from yorisoi import access
from yorisoi.community import services
from yorisoi.community.models import ActivityKind
from yorisoi.testing import client_for

READ = [
    "community:overview",
    "community:training_list",
    "api:community_summary",
    "api:community_activity_list",
    "api:community_site_list",
    "api:community_program_list",
]
WRITE = ["community:activity_create", "community:activity_edit", "community:training_create",
         "api:community_activity_create", "api:community_activity_correct",
         "api:community_training_create", "api:community_training_correct"]  # fmt: skip


@pytest.mark.parametrize(
    "role, reads, writes",
    [
        ("staff", True, True),
        ("manager", True, True),
        ("coordinator", True, True),
        ("analyst", True, False),
        ("volunteer", False, False),
        ("admin", False, False),
    ],
)
def test_the_route_map(personas, role, reads, writes):
    user = next(u for u in personas.values() if u.role == role)
    assert {access.route_allows(user, name) for name in READ} == {reads}
    assert {access.route_allows(user, name) for name in WRITE} == {writes}


def test_the_analyst_reads_the_site_page_but_not_the_forms(community, ken):
    client = client_for(ken)
    site = community["salon"]
    assert client.get(reverse("community:site_detail", args=[site.pk])).status_code == 200
    assert client.get(reverse("community:activity_create", args=[site.pk])).status_code == 403
    assert client.get(reverse("community:training_create")).status_code == 403


@pytest.mark.parametrize("who", ["kazuko", "osamu"])
def test_volunteer_and_administrator_are_refused(community, request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("community:overview")).status_code == 403
    site = community["salon"]
    assert client.get(reverse("community:site_detail", args=[site.pk])).status_code == 403
    assert client.get("/api/v1/community/summary").status_code == 403


def test_records_are_hidden_from_whoever_does_not_read_community(community, tomoko, kazuko):
    services.activity_record(
        actor=tomoko, site=community["salon"], held_on=date(2025, 6, 1),
        kind=ActivityKind.SALON, participants=5, volunteers=0,
    )  # fmt: skip
    assert access.visible_community_activities(tomoko).count() == 1
    assert access.visible_community_activities(kazuko).count() == 0
    assert access.visible_community_sites(kazuko).count() == 0


def test_an_anonymous_visitor_is_sent_to_the_login(community, client):
    response = client.get(reverse("community:overview"))
    assert response.status_code == 302 and "login" in response["Location"]
