"""The case page leads to the outreach and participation tracks: it lists the case's outreach
targets and participation needs to those who may read them (access.py, R6), offers to register
new ones to those who may record on the case, and costs the same with one or many."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services
from yorisoi.cases.models import Case, CaseStatus
from yorisoi.cases.tests.world import agency, consent_all, open_case, queries_of, schedule
from yorisoi.outreach import services as outreach_services
from yorisoi.outreach.tests.world import category
from yorisoi.participation import services as participation_services
from yorisoi.testing import client_for, resource

pytestmark = pytest.mark.django_db

TARGET_LABEL = "富洲原町2丁目 2階の方"
GOAL = "週1回外出する"
REGISTER_TARGET = "アウトリーチの対象を登録する"
REGISTER_NEED = "参加支援のニーズを登録する"


@pytest.fixture
def case(hana, ichiro):
    return open_case(hana, ichiro)


def _target(actor, case, label=TARGET_LABEL, agency_code="itaku-soudan-01"):
    return outreach_services.target_create(
        actor=actor,
        label=label,
        category=category(),
        description="2階、夜も明かりがついている",
        worried_by_type="neighbour",
        responsible_agency=agency(agency_code),
        case=case,
    )


def _need(actor, case, goal=GOAL):
    return participation_services.need_create(
        actor=actor,
        person=case.subjects.first().person,
        case=case,
        short_term_goal=goal,
        responsible_agency=agency("itaku-soudan-01"),
    )


def _page(user, case):
    response = client_for(user).get(_url(case))
    assert response.status_code == 200
    return response.content.decode()


def _url(case):
    return reverse("cases:case_detail", args=[case.pk])


def _register_target(case):
    return f"{reverse('outreach:target_create')}?case={case.pk}"


def _register_need(case):
    return f"{reverse('participation:need_create')}?case={case.pk}"


def _pledged(ichiro, case, user):
    """`user` takes part in a 支援会議 on the case and has pledged (社会福祉法106条の6)."""
    soon = timezone.now() + timedelta(days=2)
    meeting = schedule(
        ichiro, case, "support_meeting", held_at=soon, place="市役所 第3会議室", participants=[user]
    )
    services.meeting_pledge(actor=user, participant=meeting.participants.get(user=user))


# --- what is listed, and to whom ------------------------------------------------------------


def test_the_case_page_lists_its_outreach_target_and_participation_need(case, ichiro):
    t = _target(ichiro, case)
    need = _need(ichiro, case)
    _target(ichiro, None, label="ケースに含まれない対象")

    body = _page(ichiro, case)

    assert reverse("outreach:target_detail", args=[t.pk]) in body
    assert TARGET_LABEL in body and "未接触" in body and "対応中" in body
    assert "委託相談支援事業所" in body  # the responsible agency
    assert reverse("participation:need_detail", args=[need.pk]) in body and GOAL in body
    assert "ケースに含まれない対象" not in body


def test_an_involved_agency_reading_on_consent_sees_them_too(case, ichiro, saki):
    services.involvement_add(
        actor=ichiro, case=case, agency=agency("itaku-soudan-01"), role="参加支援"
    )
    consent_all(ichiro, case)
    _target(ichiro, case, agency_code="zaitaku-kaigo-01")
    _need(ichiro, case)

    body = _page(saki, case)

    assert TARGET_LABEL in body and GOAL in body


def test_a_pledged_volunteer_reads_the_case_but_not_its_targets_or_needs(case, ichiro, kazuko):
    _pledged(ichiro, case, kazuko)
    _target(ichiro, case)
    _need(ichiro, case)

    body = _page(kazuko, case)

    assert case.title in body
    assert TARGET_LABEL not in body and GOAL not in body
    assert _register_target(case) not in body and _register_need(case) not in body


def test_an_outsider_gets_not_found_and_nothing_of_the_list(case, ichiro, tomoko):
    _target(ichiro, case)

    response = client_for(tomoko).get(_url(case))

    assert response.status_code == 404
    assert TARGET_LABEL not in response.content.decode()


def test_listing_them_on_the_case_page_is_audited_by_id(case, ichiro):
    t = _target(ichiro, case)
    need = _need(ichiro, case)

    _page(ichiro, case)

    listed = AuditEvent.objects.get(action="outreach.targets_listed")
    # Each target under its own basis (access.outreach_bases): another agency holds it, so the
    # coordinating division reads it as coordinator, not as the case's lead.
    assert listed.data["ids"] == [str(t.pk)] and listed.basis == "coordinator"
    needs = AuditEvent.objects.get(action="participation.needs_listed")
    assert needs.data["ids"] == [str(need.pk)] and needs.data["case"] == str(case.pk)


# --- the register links ---------------------------------------------------------------------


def test_who_may_record_on_the_case_gets_the_register_links(case, ichiro, saki):
    services.involvement_add(
        actor=ichiro, case=case, agency=agency("itaku-soudan-01"), role="参加支援"
    )
    consent_all(ichiro, case)

    for user in (ichiro, saki):
        body = _page(user, case)
        assert REGISTER_TARGET in body and _register_target(case) in body
        assert REGISTER_NEED in body and _register_need(case) in body


def test_a_closed_case_offers_no_register_links(case, ichiro):
    _target(ichiro, case)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)  # set-up: closed earlier

    body = _page(ichiro, case)

    assert TARGET_LABEL in body  # still listed
    assert _register_target(case) not in body and _register_need(case) not in body


def test_the_register_links_open_the_forms_for_this_case(case, ichiro):
    client = client_for(ichiro)

    for url in (_register_target(case), _register_need(case)):
        page = client.get(url)
        assert page.status_code == 200
        assert case.number in page.content.decode()


# --- cost ------------------------------------------------------------------------------------


def test_the_case_page_costs_the_same_with_one_or_many_targets_and_needs(case, ichiro):
    client = client_for(ichiro)
    place = resource("ひだまりの会", category="ibasho", where="tomisuhara", byday="WE,FR")

    def linked(label, goal, agency_code="itaku-soudan-01"):
        _target(ichiro, case, label=label, agency_code=agency_code)
        need = _need(ichiro, case, goal=goal)
        participation_services.placement_propose(actor=ichiro, need=need, service=place)

    linked(TARGET_LABEL, GOAL)
    one = queries_of(client, _url(case))

    for i in range(5):
        linked(f"対象{i}", f"目標{i}", agency_code="zaitaku-kaigo-01")

    assert queries_of(client, _url(case)) == one
    assert _page(ichiro, case).count("ひだまりの会: 提案") == 6
