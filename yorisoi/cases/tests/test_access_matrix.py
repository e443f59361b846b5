"""R6 for collaborative cases, as a matrix: relationship to the case × action.

Every row builds worked example 1 (a case for the 山川 household, led by the home-care support
centre, with 福祉総務課 as coordinator) and then places one user in one relationship to it.
Each action is asked of access.py and of the service that performs it:
- no basis: the case does not exist for them (visible_cases, case_basis None, Case.DoesNotExist);
- a basis but not the right: RuleViolation "forbidden", and nothing changes;
- the right: the service goes through.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi import access
from yorisoi.accounts.models import ApiToken
from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services
from yorisoi.cases.models import Case, ConsentScope, MeetingParticipant
from yorisoi.cases.tests.world import ROLES, agency, close, consent_all, open_case, schedule
from yorisoi.errors import RuleViolation
from yorisoi.testing import client_for

OWN, COORD, CONSENT, MEETING = "own_agency", "coordinator", "consent", "art106_6_meeting"
LEAD_RIGHTS = frozenset({"edit", "record", "assess", "consent"})
ACTIONS = ("read", "edit", "record", "assess", "consent", "meetings")


@dataclass(frozen=True)
class Row:
    """One relationship to the case: who, how they got there, what they may do."""

    persona: str
    steps: tuple = ()
    basis: str | None = None
    rights: frozenset = frozenset()
    # The son's record (he is no consultation's subject) may be open on a stronger basis than
    # the case: his own agency registered him. None means "the same as the case".
    person_basis: str | None = None
    superuser: bool = False
    deactivated: bool = False


ROWS = {
    "lead_agency_staff": Row("hana", basis=OWN, rights=LEAD_RIGHTS, person_basis=OWN),
    "lead_agency_staff_deactivated": Row("hana", deactivated=True, person_basis=None),
    "lead_agency_manager": Row("masaki", basis=OWN, rights=LEAD_RIGHTS, person_basis=OWN),
    "coordinator": Row("ichiro", basis=COORD, rights=LEAD_RIGHTS | {"meetings"}),
    "involved_with_everyones_consent": Row(
        "saki", ("involve", "consent_all"), CONSENT, frozenset({"record", "assess"})
    ),
    "involved_named_in_the_consent": Row(
        "saki", ("involve", "consent_named_self"), CONSENT, frozenset({"record", "assess"})
    ),
    "involved_named_by_one_subject_the_other_consenting_to_all": Row(
        "saki", ("involve", "consent_mixed"), CONSENT, frozenset({"record", "assess"})
    ),
    "involved_not_named_in_the_consent": Row("saki", ("involve", "consent_named_other")),
    "involved_where_one_of_two_subjects_consented": Row("saki", ("involve", "consent_father")),
    "involved_without_consent": Row("saki", ("involve",)),
    "involved_after_consent_withdrawal": Row("saki", ("involve", "consent_all", "withdraw")),
    "involvement_ended": Row("saki", ("involve", "consent_all", "end_involvement")),
    "uninvolved_agency_even_with_consent": Row("saki", ("consent_all",)),
    "support_meeting_participant_without_pledge": Row("saki", ("support_meeting",)),
    "support_meeting_participant_with_pledge": Row(
        "saki", ("support_meeting", "pledge"), MEETING, frozenset({"record"})
    ),
    "support_meeting_participant_after_sharing_ended": Row(
        "saki", ("support_meeting", "pledge", "end_sharing")
    ),
    # a 重層的支援会議 rests on consent, not on a pledge (the service refuses one there)
    "multilayer_meeting_participant_without_involvement": Row(
        "saki", ("consent_all", "multilayer_meeting")
    ),
    "volunteer_not_participating": Row("kazuko"),
    "volunteer_participating_without_pledge": Row("kazuko", ("support_meeting",)),
    "volunteer_participating_with_pledge": Row("kazuko", ("support_meeting", "pledge"), MEETING),
    "analyst": Row("ken"),
    # access.py holds even if a row seats them at a 支援会議 with a pledge (no service does)
    "analyst_seated_at_a_support_meeting_with_pledge": Row("ken", ("seated_with_pledge",)),
    "administrator_even_as_superuser": Row("osamu", superuser=True),
    "administrator_seated_at_a_support_meeting_with_pledge": Row(
        "osamu", ("seated_with_pledge",), superuser=True
    ),
}
CASEWORKERS = {"hana", "masaki", "ichiro", "saki"}


@dataclass
class World:
    row: Row
    actor: object
    coordinator: object
    case: Case
    father: object
    son: object

    def fresh(self) -> Case:
        return Case.objects.get(pk=self.case.pk)


def _open_led_by_home_care_centre(hana, ichiro) -> Case:
    return open_case(hana, ichiro, lead_agency=hana.agency, lead_role=ROLES["zaitaku-kaigo-01"])


def _consent(ichiro, case, person, **kwargs):
    services.consent_record(
        actor=ichiro,
        case=case,
        person=person,
        method="written",
        given_on=timezone.localdate(),
        **kwargs,
    )


def _meeting(ichiro, case, actor, legal_type, **kwargs):
    soon = timezone.now() + timedelta(days=2)
    return schedule(ichiro, case, legal_type, held_at=soon, participants=[actor], **kwargs)


def _apply(step, world: World, state: dict):
    ichiro, case, actor = world.coordinator, world.fresh(), world.actor
    if step == "involve":
        state["involvement"] = services.involvement_add(
            actor=ichiro, case=case, agency=actor.agency, role=ROLES[actor.agency.code]
        )
    elif step == "consent_all":
        consent_all(ichiro, case)
    elif step == "consent_named_self":
        for person in (world.father, world.son):
            _consent(ichiro, case, person, scope=ConsentScope.NAMED, agencies=[actor.agency])
    elif step == "consent_named_other":
        named = [agency("chiiki-houkatsu-01")]
        for person in (world.father, world.son):
            _consent(ichiro, case, person, scope=ConsentScope.NAMED, agencies=named)
    elif step == "consent_mixed":
        _consent(ichiro, case, world.father, scope=ConsentScope.NAMED, agencies=[actor.agency])
        _consent(ichiro, case, world.son)
    elif step == "consent_father":
        _consent(ichiro, case, world.father)
    elif step == "withdraw":
        consent = case.consents.get(person=world.son)
        services.consent_withdraw(actor=ichiro, consent=consent)
    elif step == "end_involvement":
        services.involvement_end(actor=ichiro, involvement=state["involvement"])
    elif step == "support_meeting":
        state["meeting"] = _meeting(ichiro, case, actor, "support_meeting")
    elif step == "multilayer_meeting":
        services.support_decision_record(actor=ichiro, case=case)
        state["meeting"] = _meeting(
            ichiro, case, actor, "multilayer_meeting", purpose="plan_creation"
        )
    elif step == "pledge":
        participant = MeetingParticipant.objects.get(meeting=state["meeting"], user=actor)
        services.meeting_pledge(actor=actor, participant=participant)
    elif step == "seated_with_pledge":
        meeting = _meeting(ichiro, case, world.coordinator, "support_meeting")
        MeetingParticipant.objects.create(
            meeting=meeting, user=actor, agency=actor.agency, pledged_at=timezone.now()
        )
    elif step == "end_sharing":
        services.meeting_end_sharing(actor=ichiro, meeting=state["meeting"])
    else:  # pragma: no cover - a typo in ROWS
        raise AssertionError(step)


@pytest.fixture
def world(request, hana, ichiro) -> World:
    """The case, and the row's user placed in its relationship to it (once per test)."""
    row = ROWS[request.param]
    actor = request.getfixturevalue(row.persona)
    if row.superuser:
        actor.is_superuser = True
        actor.save()
    case = _open_led_by_home_care_centre(hana, ichiro)
    father, son = [m.person for m in case.household.memberships.order_by("order")]
    built = World(row=row, actor=actor, coordinator=ichiro, case=case, father=father, son=son)
    state = {}
    for step in row.steps:
        _apply(step, built, state)
    if row.deactivated:  # the account is switched off once the case exists
        actor.is_active = False
        actor.save()
    return built


# --- the services, one per action ------------------------------------------------------------


def _do(action, w: World):
    case = w.fresh()
    if action == "edit":
        return services.case_update(
            actor=w.actor, case=case, version=case.version, title="見直したケース名"
        )
    if action == "record":
        return services.record_add(actor=w.actor, case=case, kind="note", text="電話で様子を確認")
    if action == "assess":
        return services.assessment_save(
            actor=w.actor, case=case, based_on=None, household_situation="父と息子の二人世帯"
        )
    if action == "consent":
        return services.consent_record(
            actor=w.actor,
            case=case,
            person=w.father,
            method="oral",
            given_on=timezone.localdate(),
        )
    if action == "meetings":
        return schedule(
            w.actor, case, "support_meeting", held_at=timezone.now() + timedelta(days=7)
        )
    raise AssertionError(action)


MATRIX = [(name, action) for name in ROWS for action in ACTIONS]


@pytest.mark.parametrize(
    "world, action", MATRIX, indirect=["world"], ids=[f"{n}-{a}" for n, a in MATRIX]
)
def test_each_relationship_may_do_exactly_what_its_basis_allows(world, action):
    row, case = world.row, world.fresh()
    if action == "read":
        assert access.case_basis(world.actor, case) == row.basis
        visible = access.visible_cases(world.actor).filter(pk=case.pk).exists()
        assert visible is (row.basis is not None)
        return
    if row.basis is None:
        with pytest.raises(Case.DoesNotExist):
            _do(action, world)
    elif action not in row.rights:
        with pytest.raises(RuleViolation) as refused:
            _do(action, world)
        assert refused.value.code == "forbidden"
    else:
        assert _do(action, world) is not None
        assert world.fresh().version > case.version
        return
    assert world.fresh().version == case.version  # refused: nothing changed


@pytest.mark.parametrize("world", list(ROWS), indirect=True)
def test_case_access_names_the_basis_and_the_rights_of_each_relationship(world):
    rights = access.case_access(world.actor, world.fresh())
    assert rights.basis == world.row.basis
    assert rights.read is (world.row.basis is not None)
    granted = {a for a in ACTIONS[1:] if getattr(rights, a)}
    assert granted == set(world.row.rights)


@pytest.mark.parametrize("world", list(ROWS), indirect=True)
def test_case_subjects_are_visible_people_exactly_when_the_case_is_visible_to_a_caseworker(
    world,
):
    subjects = {world.father.pk, world.son.pk}
    visible = set(access.visible_people(world.actor).values_list("pk", flat=True))
    caseworker = world.row.persona in CASEWORKERS and not world.row.deactivated
    assert (subjects <= visible) is (caseworker and world.row.basis is not None)
    assert not (subjects & visible) or caseworker  # never volunteers, analysts, administrators
    expected = (world.row.person_basis or world.row.basis) if caseworker else None
    assert access.person_basis(world.actor, world.son) == expected


# --- a closed case stays readable but no longer open to work (R6 with R3) ---------------------


def test_a_closed_case_is_read_only_even_for_the_lead_agency(hana, ichiro):
    case = _open_led_by_home_care_centre(hana, ichiro)
    close(ichiro, case, evaluation="在宅で安定")
    case.refresh_from_db()
    rights = access.case_access(hana, case)
    assert rights.basis == OWN and not (rights.edit or rights.record or rights.consent)
    with pytest.raises(RuleViolation) as refused:
        services.record_add(actor=hana, case=case, kind="note", text="追記")
    assert refused.value.code == "forbidden"


# --- the HTTP layer (case pages and API, where they exist) -----------------------------------


def _reverse(name, pk):
    """Every case route takes the case id; a route missing here fails the test (no skip)."""
    return reverse(name, kwargs={"case_id": pk})


def _without_tokens(response, *ids):
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
    for pk in ids:
        body = body.replace(str(pk).encode(), b"<id>")
    return body


def _viewed(case):
    return AuditEvent.objects.filter(action="case.viewed", target_id=str(case.pk))


def _api_client(user):
    from django.test import Client

    _, raw = ApiToken.issue(user=user, name="テスト連携")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.parametrize("channel", ["web", "api"])
@pytest.mark.parametrize("world", list(ROWS), indirect=True)
def test_the_case_answers_by_basis_and_a_hidden_case_looks_like_a_missing_one(world, channel):
    name = "cases:case_detail" if channel == "web" else "api:case_detail"
    case, random = world.fresh(), uuid.uuid4()
    url, missing_url = _reverse(name, case.pk), _reverse(name, random)
    client = client_for(world.actor) if channel == "web" else _api_client(world.actor)
    before = _viewed(case).count()
    shown, missing = client.get(url), client.get(missing_url)
    if world.row.basis is None:
        assert shown.status_code == missing.status_code
        if access.route_allows(world.actor, name):
            assert shown.status_code == 404
        else:
            # the route is closed to the role (403) or the account (login / 401): for any id
            assert shown.status_code in (302, 401, 403, 404)
        assert _without_tokens(shown, case.pk) == _without_tokens(missing, random)
        assert case.title not in shown.content.decode()
        assert _viewed(case).count() == before
    else:
        assert shown.status_code == 200
        assert missing.status_code == 404
        event = _viewed(case).get()
        assert event.basis == world.row.basis
        assert event.actor == world.actor


@pytest.mark.parametrize("persona", ["ken", "osamu"])
def test_a_support_meeting_cannot_seat_an_analyst_or_administrator(request, hana, ichiro, persona):
    outsider = request.getfixturevalue(persona)
    case = _open_led_by_home_care_centre(hana, ichiro)
    with pytest.raises(RuleViolation) as refused:
        _meeting(ichiro, case, outsider, "support_meeting")
    assert refused.value.code == "not_a_participant_role"


@pytest.mark.parametrize("persona", ["ken", "osamu"])
def test_adding_an_analyst_or_administrator_to_a_meeting_is_refused(request, hana, ichiro, persona):
    outsider = request.getfixturevalue(persona)
    case = _open_led_by_home_care_centre(hana, ichiro)
    meeting = _meeting(ichiro, case, ichiro, "support_meeting")
    with pytest.raises(RuleViolation) as refused:
        services.meeting_participant_add(actor=ichiro, meeting=meeting, user=outsider)
    assert refused.value.code == "not_a_participant_role"
    assert not meeting.participants.filter(user=outsider).exists()
