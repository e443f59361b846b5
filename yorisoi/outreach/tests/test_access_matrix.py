"""R6 for outreach targets: the responsible agency, agencies that went on one of its contacts,
the coordinator and those who may read its case see it; everyone else gets "not found"."""

import pytest

from yorisoi import access
from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services as case_services
from yorisoi.cases.tests.world import consent_all, open_case
from yorisoi.errors import RuleViolation
from yorisoi.outreach import services
from yorisoi.testing import client_for

from .world import agency, contact, fresh, target

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(hana, saki, ichiro, tomoko):
    t = target(hana)
    contact(hana, t, "absent", agencies=[agency("itaku-soudan-01")])  # a joint visit with saki's
    return fresh(t)


def _detail(user, t):
    return client_for(user).get(f"/outreach/{t.pk}/")


def _api(user, t):
    return client_for(user).get(f"/api/v1/outreach/targets/{t.pk}")


@pytest.mark.parametrize(
    "who, basis, edit, log",
    [
        ("hana", "own_agency", True, True),  # the responsible agency
        ("masaki", "own_agency", True, True),  # its manager
        ("saki", "joint_visit", False, True),  # went on a joint visit (同行訪問)
        ("ichiro", "coordinator", True, True),  # 福祉総務課
    ],
)
def test_who_reads_and_on_which_basis(world, request, who, basis, edit, log):
    user = request.getfixturevalue(who)
    rights = access.outreach_access(user, world)
    assert (rights.basis, rights.edit, rights.log_contact) == (basis, edit, log)
    assert _detail(user, world).status_code == 200
    assert _api(user, world).status_code == 200
    assert access.visible_outreach_targets(user).filter(pk=world.pk).exists()
    event = AuditEvent.objects.filter(action="outreach.target_viewed", actor=user).last()
    assert event.basis == basis and event.target_id == str(world.pk)


def test_an_outsider_gets_not_found_like_a_missing_id(world, tomoko):
    import uuid

    assert _detail(tomoko, world).status_code == 404
    assert _api(tomoko, world).status_code == 404
    assert client_for(tomoko).get(f"/outreach/{uuid.uuid4()}/").status_code == 404
    assert client_for(tomoko).get(f"/outreach/{world.pk}/contacts/new/").status_code == 404
    body = client_for(tomoko).get("/outreach/?scope=all").content.decode()
    assert world.label not in body
    with pytest.raises(type(world).DoesNotExist):
        services.contact_add(actor=tomoko, target=world, outcome="absent")


@pytest.mark.parametrize("who", ["ken", "osamu", "kazuko"])
def test_analyst_admin_and_volunteer_read_nothing(world, request, who):
    user = request.getfixturevalue(who)
    assert access.visible_outreach_targets(user).count() == 0
    assert not access.outreach_access(user, world).read
    assert _detail(user, world).status_code == 403  # the route map refuses the role
    assert _api(user, world).status_code == 403


def test_a_joint_visitor_logs_contacts_but_does_not_steer(world, saki):
    contact(saki, world, "note_left")
    t = fresh(world)
    with pytest.raises(RuleViolation):
        services.target_update(actor=saki, target=t, version=t.version, label="変更")
    assert client_for(saki).get(f"/outreach/{t.pk}/edit/").status_code == 403


def test_those_who_read_the_case_read_its_target(hana, ichiro, tomoko):
    case = open_case(hana, ichiro)
    t = target(ichiro, case=case)
    assert _detail(tomoko, t).status_code == 404
    case_services.involvement_add(
        actor=ichiro, case=case, agency=agency("chiiki-houkatsu-01"), role="父の介護認定"
    )
    consent_all(ichiro, case)
    rights = access.outreach_access(tomoko, fresh(t))
    assert rights.basis == "consent" and not rights.edit and not rights.log_contact
    assert _detail(tomoko, t).status_code == 200


def test_a_hidden_case_or_person_cannot_be_linked(hana, saki, ichiro):
    from django.core.exceptions import ValidationError

    from yorisoi.testing import PersonFactory

    case = open_case(hana, ichiro)
    with pytest.raises(ValidationError):
        target(saki, case=case)  # saki's agency cannot read the case
    t = target(saki)
    stranger = PersonFactory(agency=agency("zaitaku-kaigo-01"))
    with pytest.raises(ValidationError):
        services.person_link(actor=saki, target=t, version=t.version, person=stranger)
