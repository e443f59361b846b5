"""R6 for participation needs: the responsible agency, the coordinator and those who may read
its case see it; everyone else gets "not found" (404), like a missing id. Reads are audited."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from yorisoi import access
from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services as case_services
from yorisoi.cases.tests.world import agency, consent_all, open_case
from yorisoi.participation import services
from yorisoi.participation.models import ParticipationNeed
from yorisoi.resources.models import Service
from yorisoi.testing import client_for

from .world import need, six_resources

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(hana):
    six_resources()
    return need(hana)


@pytest.mark.parametrize("who, basis", [("hana", "own_agency"), ("masaki", "own_agency"),
                                        ("ichiro", "coordinator")])  # fmt: skip
def test_who_reads_and_on_which_basis(world, request, who, basis):
    user = request.getfixturevalue(who)
    assert client_for(user).get(f"/participation/{world.pk}/").status_code == 200
    assert client_for(user).get(f"/api/v1/participation/needs/{world.pk}").status_code == 200
    event = AuditEvent.objects.filter(action="participation.need_viewed", actor=user).last()
    assert event.basis == basis and event.target_id == str(world.pk)


@pytest.mark.parametrize("who", ["saki", "tomoko", "jun"])
def test_an_outsider_gets_not_found_like_a_missing_id(world, request, who):
    user = request.getfixturevalue(who)
    c = client_for(user)
    for url in (
        f"/participation/{world.pk}/",
        f"/participation/{world.pk}/edit/",
        f"/participation/{world.pk}/gap/",
        f"/api/v1/participation/needs/{world.pk}",
        f"/api/v1/participation/needs/{world.pk}/proposals",
        f"/participation/{uuid.uuid4()}/",
    ):
        assert c.get(url).status_code == 404, url
    assert not access.visible_participation_needs(user).filter(pk=world.pk).exists()


@pytest.mark.parametrize("who", ["kazuko", "ken", "osamu"])
def test_volunteers_analysts_and_admins_are_refused_by_route(world, request, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(f"/participation/{world.pk}/").status_code in (403, 404)
    assert client_for(user).get(f"/api/v1/participation/needs/{world.pk}").status_code == 403


def test_case_readers_read_but_do_not_steer(hana, ichiro, saki, tomoko):
    case = open_case(hana, ichiro)
    case_services.involvement_add(
        actor=ichiro, case=case, agency=agency("itaku-soudan-01"), role="息子の支援"
    )
    consent_all(ichiro, case)
    n = need(ichiro, person=case.subjects.first().person, case=case)
    assert access.participation_basis(ichiro, n) == "own_agency"
    assert access.participation_basis(saki, n) == "consent"  # involved, with consent
    assert access.participation_basis(tomoko, n) is None  # not involved
    assert not access.can_steer_participation(saki, n)
    assert client_for(saki).get(f"/participation/{n.pk}/").status_code == 200
    assert client_for(saki).get(f"/participation/{n.pk}/edit/").status_code == 403
    assert client_for(tomoko).get(f"/participation/{n.pk}/").status_code == 404


def test_an_outsider_cannot_move_a_placement_or_pick_a_hidden_person(world, hana, saki):
    service = Service.objects.get(name="ひだまりの会")
    p = services.placement_propose(actor=hana, need=world, service=service)
    with pytest.raises(ParticipationNeed.DoesNotExist):
        services.placement_contact(actor=saki, placement=p)
    r = client_for(saki).post(f"/participation/placements/{p.pk}/move/", {"move": "contact"})
    assert r.status_code == 404
    with pytest.raises(ValidationError):
        services.need_create(actor=saki, person=world.person)  # hana's person: hidden from saki
