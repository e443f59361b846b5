"""The work-item table is kept by the services and agrees with a rebuild from the records.

Every state-changing service of intake, cases and participation is wrapped here: after each
call from outside (not one service calling another) the table must equal what
`rebuild_work_items` would make of the records (refresh.derive_all), compared as sets of
tuples. The scenario drives the consultation, referral, case, meeting and follow-up
lifecycles; test_every_service_is_driven_or_named fails when a new service exists that the
scenario does not drive — so a service that forgets its refresh call cannot go unnoticed.
"""

import functools
import inspect
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from yorisoi.cases import services as case_services
from yorisoi.cases.models import MeetingParticipant
from yorisoi.cases.tests import world
from yorisoi.intake import services as intake
from yorisoi.intake.tests.test_outcomes import consult
from yorisoi.intake.tests.test_referrals import send
from yorisoi.participation import services as participation
from yorisoi.participation.models import FollowUp
from yorisoi.participation.tests.world import need, six_resources
from yorisoi.work.models import Kind, WorkItem
from yorisoi.work.refresh import derive_all, rebuild_all, table_rows

pytestmark = pytest.mark.django_db

MODULES = [
    intake,
    case_services,
    *(m for _name, m in inspect.getmembers(case_services, inspect.ismodule)),
    participation,
]

# State-changing services that the scenario does not drive, and why that is safe.
NOT_DRIVEN = {
    # They change what a case holds but nothing the work list reads (the lead agency's next
    # action and last activity go through cases.services.base._touch like every case change).
    "case_set_lead", "involvement_add", "involvement_update", "involvement_end", "track_start",
    "track_end", "consent_withdraw", "assessment_save", "plan_create", "goals_review",
    "record_correct", "case_suspend", "case_move",
    # Reached only through cases.services.record_add(consultation=…), which the scenario drives.
    "consultation_contact_recorded",
    # participation: no follow-ups before the start, none after settle or end.
    "placement_end", "need_update", "gap_record",
}  # fmt: skip


def _services():
    """{name: (module, function)} of every transaction.atomic service in the modules."""
    found = {}
    for module in MODULES:
        for name, function in vars(module).items():
            if inspect.isfunction(function) and hasattr(function, "__wrapped__"):
                found.setdefault(name, []).append(module)
    return found


def in_step():
    assert table_rows() == set(derive_all())


@pytest.fixture
def driven(monkeypatch):
    """Wrap every service: after each outermost call the table equals a rebuild."""
    called, depth = set(), [0]
    for name, modules in _services().items():
        original = getattr(modules[0], name)

        @functools.wraps(original)
        def checked(*args, __original=original, __name=name, **kwargs):
            depth[0] += 1
            try:
                result = __original(*args, **kwargs)
            finally:
                depth[0] -= 1
            if depth[0] == 0:
                called.add(__name)
                in_step()
            return result

        for module in modules:
            monkeypatch.setattr(module, name, checked)
    return called


def test_services_keep_the_table_as_a_rebuild_would(driven, hana, masaki, saki, ichiro, kazuko):
    # Consultations and referrals (R1, R2).
    resolved = consult(hana)
    intake.consultation_resolve(actor=hana, consultation=resolved, version=resolved.version)
    held = consult(hana, urgency="urgent")
    intake.consultation_continue(actor=hana, consultation=held, version=held.version)
    a = consult(hana)
    declined = send(hana, a, saki.agency)
    intake.referral_decline(actor=saki, referral=declined, reason="対象外")
    intake.referral_acknowledge(actor=hana, referral=declined)
    intake.referral_acknowledge(actor=ichiro, referral=declined)
    withdrawn = send(hana, a, saki.agency)
    intake.referral_withdraw(actor=hana, referral=withdrawn)
    intake.referral_accept(actor=saki, referral=send(hana, a, saki.agency))
    b = consult(hana)
    intake.referral_accept(actor=saki, referral=send(hana, b, saki.agency, kind="referral"))
    passed = consult(hana)
    for user in (saki, ichiro):
        intake.referral_decline(
            actor=user, referral=send(hana, passed, user.agency), reason="対象外"
        )
    intake.volunteer_report_create(actor=kazuko, summary="気になる世帯", subject_note="北町の角")
    accepted = intake.referral_accept(actor=saki, referral=send(hana, consult(hana), saki.agency))
    intake.referral_assign(actor=saki, referral=accepted, assignee=saki)

    # A consultation's life (issue 14): a contact, reassignment, closure, reopening.
    held.refresh_from_db()
    case_services.record_add(
        actor=hana, consultation=held, version=held.version, kind="call", text="電話した",
        next_action="再訪問", next_action_on=timezone.localdate() + timedelta(days=3),
    )  # fmt: skip
    held.refresh_from_db()
    assert WorkItem.objects.get(consultation=held).staff == hana
    intake.consultation_reassign(actor=hana, consultation=held, version=held.version, holder=masaki)
    assert WorkItem.objects.get(consultation=held).staff == masaki
    held.refresh_from_db()
    intake.consultation_close(
        actor=masaki, consultation=held, version=held.version, reason="solved"
    )
    assert not WorkItem.objects.filter(consultation=held).exists()
    held.refresh_from_db()
    intake.consultation_reopen(
        actor=masaki, consultation=held, version=held.version, reason="再び相談があった",
        next_action_on=timezone.localdate() + timedelta(days=7),
    )  # fmt: skip
    assert WorkItem.objects.filter(consultation=held).exists()

    # A collaborative case: escalation, opening, meetings, pledges, action items, closure.
    case = world.open_case(hana, ichiro)
    case = case_services.case_update(
        actor=ichiro, case=case, version=case.version,
        next_action_on=timezone.localdate() + timedelta(days=1),
    )  # fmt: skip
    meeting = world.schedule(ichiro, case, "support_meeting", participants=[hana, saki])
    case_services.meeting_participant_add(actor=ichiro, meeting=meeting, user=kazuko)
    pledge = MeetingParticipant.objects.get(meeting=meeting, user=hana)
    case_services.meeting_pledge(actor=hana, participant=pledge)
    item = case_services.action_item_add(
        actor=ichiro, meeting=meeting, description="配食サービスの調整",
        owner_agency=hana.agency, due_on=timezone.localdate(),
    )  # fmt: skip
    case_services.record_add(actor=ichiro, case=case, kind="visit", text="訪問した")
    involvement = case.involvements.get(agency=ichiro.agency)
    case_services.involvement_assign_staff(
        actor=ichiro, involvement=involvement, version=involvement.version, staff=ichiro
    )
    # The lead agency's 担当職員 holds the case's next action on their own list.
    lead = case.involvements.get(is_lead=True, ended_on__isnull=True)
    assert lead.agency_id == ichiro.agency_id
    assert WorkItem.objects.get(case=case, kind=Kind.CASE_ACTION).staff == ichiro
    case_services.action_item_done(actor=hana, item=item)
    case_services.meeting_end_sharing(actor=ichiro, meeting=meeting)
    assert WorkItem.objects.filter(case=case, kind=Kind.CASE_ACTION).exists()
    world.close(ichiro, case)
    case.refresh_from_db()
    case_services.case_reopen(
        actor=ichiro, case=case, version=case.version, reason="再び支援が必要"
    )

    # Participation: follow-ups from the start until settled (R8).
    placement = participation.placement_propose(
        actor=hana, need=need(hana), service=six_resources()["hidamari"]
    )
    placement = participation.placement_contact(actor=hana, placement=placement)
    placement = participation.placement_trial(actor=hana, placement=placement)
    placement = participation.placement_start(actor=hana, placement=placement)
    assert WorkItem.objects.filter(placement=placement, kind=Kind.FOLLOW_UP).count() == 3
    participation.follow_up_done(
        actor=hana,
        follow_up=FollowUp.objects.filter(placement=placement).first(),
        outcome="going_well",
    )
    participation.placement_settle(actor=hana, placement=placement)
    assert not WorkItem.objects.filter(placement=placement).exists()

    in_step()
    assert len(driven) > 25  # the wrappers did run
    missing = set(_services()) - driven - NOT_DRIVEN
    assert not missing, f"drive these services in this scenario or name them: {missing}"


def test_rebuild_command_recomputes_the_whole_table(hana, saki):
    send(hana, consult(hana), saki.agency)
    before = table_rows()
    WorkItem.objects.all().delete()
    call_command("rebuild_work_items", stdout=io.StringIO())
    assert table_rows() == before
    assert rebuild_all() == len(before)
