"""The consultation's life after its outcome (DOMAIN.md "Consultation lifecycle"): contacts with a
next action each time (R3), a named holder (担当者) and reassignment, closure (終結) with a reason
and reopening. R1 still holds: no refusal, and nothing closes before its outcome."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yorisoi.accounts.models import Role
from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services as cases
from yorisoi.cases.models import ProgressRecord
from yorisoi.errors import ConcurrentEditError, RuleViolation
from yorisoi.intake import queues, services
from yorisoi.intake.models import Consultation, ConsultationEventKind
from yorisoi.testing import make_user

TODAY = timezone.localdate


def consult(actor, **fields):
    defaults = {
        "channel": "phone",
        "consulter_type": "neighbour",
        "summary": "近所の高齢男性の様子が心配",
        "subject_note": "諏訪町の二階建て、夜も明かりがついている",
    }
    return services.consultation_create(actor=actor, **{**defaults, **fields})


def continued(actor, **fields):
    c = consult(actor, **fields)
    return services.consultation_continue(actor=actor, consultation=c, version=c.version)


def contact(actor, consultation, *, days=7, text="電話で様子を聞いた", **fields):
    current = Consultation.objects.get(pk=consultation.pk)
    return cases.record_add(
        actor=actor,
        consultation=current,
        version=current.version,
        kind="call",
        text=text,
        next_action="自宅を訪問する",
        next_action_on=TODAY() + timedelta(days=days),
        **fields,
    )


def fresh(c):
    return Consultation.objects.get(pk=c.pk)


def assert_held(c):
    """R3 for consultations: open → an agency, a holder of that agency, a next-action date."""
    c = fresh(c)
    if c.is_open:
        assert c.responsible_agency_id is not None
        assert c.holder is not None
        assert c.holder.agency_id == c.responsible_agency_id
        assert c.next_action_on is not None


# --- progress records on consultations -----------------------------------------------------


def test_a_contact_sets_the_next_action_and_the_last_activity(hana):
    c = continued(hana)
    before = fresh(c).last_activity_at
    entry = contact(hana, c, days=10)
    c = fresh(c)
    assert entry.consultation_id == c.pk and entry.case_id is None
    assert entry.next_action == "自宅を訪問する"
    assert c.next_action_on == TODAY() + timedelta(days=10)
    assert c.last_activity_at > before
    event = c.events.get()
    assert event.kind == ConsultationEventKind.RECORD
    assert event.next_action_on == c.next_action_on
    assert AuditEvent.objects.filter(action="record.added", target_id=str(c.pk)).exists()
    assert_held(c)


def test_a_contact_on_an_open_consultation_needs_a_next_action_date(hana):
    c = continued(hana)
    with pytest.raises(ValidationError) as missing:
        cases.record_add(
            actor=hana, consultation=fresh(c), kind="call", text="電話した", next_action_on=None
        )
    assert "next_action_on" in missing.value.message_dict
    with pytest.raises(ValidationError) as past:
        contact(hana, c, days=-1)
    assert "過去" in past.value.message_dict["next_action_on"][0]
    assert not ProgressRecord.objects.filter(consultation=c).exists()
    assert fresh(c).version == c.version


def test_a_record_belongs_to_a_case_or_a_consultation_never_both_nor_neither(hana):
    entry = contact(hana, continued(hana))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressRecord.objects.filter(pk=entry.pk).update(consultation=None)


def test_only_the_holding_agency_records_contacts(hana, saki):
    c = continued(hana)
    with pytest.raises(RuleViolation) as refused:
        contact(saki, c)
    assert refused.value.code == "forbidden"


def test_a_contact_on_a_stale_version_is_a_conflict(hana, masaki):
    c = continued(hana)
    seen = fresh(c)
    contact(masaki, c)
    with pytest.raises(ConcurrentEditError):
        cases.record_add(
            actor=hana,
            consultation=seen,
            version=seen.version,
            kind="visit",
            text="訪問した",
            next_action_on=TODAY(),
        )
    assert ProgressRecord.objects.filter(consultation=c).count() == 1


def test_a_correction_of_a_consultation_record_keeps_the_earlier_wording(hana):
    entry = contact(hana, continued(hana), text="電話した（誤記）")
    cases.record_correct(actor=hana, entry=entry, version=entry.version, text="電話した")
    assert list(entry.history.order_by("history_date").values_list("text", flat=True)) == [
        "電話した（誤記）",
        "電話した",
    ]


# --- the holder (担当者) -------------------------------------------------------------------


def test_every_way_into_a_queue_gives_the_consultation_a_holder(hana, saki, ichiro, kazuko):
    created = consult(hana)
    assert created.holder == hana
    report = services.volunteer_report_create(
        actor=kazuko, summary="ごみが増えている", subject_note="三丁目の一人暮らしの方"
    )
    assert report.holder == ichiro
    escalated = consult(hana)
    escalated = services.consultation_escalate(
        actor=hana, consultation=escalated, version=escalated.version
    )
    assert escalated.holder == ichiro
    moved = consult(hana)
    referral = services.referral_send(
        actor=hana, consultation=moved, to_agency=saki.agency, kind="transfer", reason="障害福祉"
    )
    services.referral_accept(actor=saki, referral=referral)
    assert fresh(moved).holder == saki
    for c in (created, report, escalated, moved):
        assert_held(c)


def test_reassignment_goes_to_a_colleague_and_is_audited_with_before_and_after(hana, masaki):
    c = continued(hana)
    c = services.consultation_reassign(
        actor=hana, consultation=c, version=c.version, holder=masaki, note="訪問の多い担当へ"
    )
    assert c.holder == masaki
    event = c.events.get(kind=ConsultationEventKind.REASSIGNED)
    assert (event.from_holder, event.to_holder) == (hana, masaki)
    audit = AuditEvent.objects.get(action="consultation.reassigned", target_id=str(c.pk))
    assert audit.data["from"] == hana.pk and audit.data["to"] == masaki.pk
    assert_held(c)


def test_reassignment_only_to_active_staff_of_the_agency(hana, saki, kazuko):
    c = continued(hana)
    gone = make_user("retired", Role.STAFF, "zaitaku-kaigo-01")
    gone.is_active = False
    gone.save()
    for stranger in (saki, kazuko, gone):
        with pytest.raises(ValidationError) as refused:
            services.consultation_reassign(
                actor=hana, consultation=c, version=fresh(c).version, holder=stranger
            )
        assert "holder" in refused.value.message_dict
    assert fresh(c).holder == hana


def test_another_agency_cannot_reassign(hana, masaki, saki):
    c = continued(hana)
    with pytest.raises(RuleViolation):
        services.consultation_reassign(actor=saki, consultation=c, version=c.version, holder=masaki)


def test_reassignment_on_a_stale_version_is_a_conflict(hana, masaki):
    c = continued(hana)
    contact(hana, c)
    with pytest.raises(ConcurrentEditError):
        services.consultation_reassign(actor=hana, consultation=c, version=c.version, holder=masaki)
    assert fresh(c).holder == hana


# --- closure (終結) and reopening ----------------------------------------------------------


def test_closure_with_a_reason_takes_it_off_the_queues(hana):
    c = continued(hana)
    assert c in queues.agency_queue(user=hana).holding
    c = services.consultation_close(
        actor=hana, consultation=c, version=c.version, reason="connected"
    )
    assert c.closed_at is not None and c.closure_reason == "connected"
    assert c.outcome == "continued"  # R1: the outcome stays what it was
    queue = queues.agency_queue(user=hana)
    assert c not in queue.holding and c not in queue.overdue_actions
    assert c.events.get().kind == ConsultationEventKind.CLOSED


def test_a_consultation_without_its_outcome_cannot_be_closed_this_way(hana):
    c = consult(hana)
    with pytest.raises(RuleViolation) as refused:
        services.consultation_close(actor=hana, consultation=c, version=c.version, reason="solved")
    assert refused.value.code == "no_outcome"
    assert fresh(c).is_open


def test_closure_needs_a_reason_from_the_list_and_other_needs_a_note(hana):
    c = continued(hana)
    with pytest.raises(ValidationError) as none:
        services.consultation_close(actor=hana, consultation=c, version=c.version, reason="")
    assert "closure_reason" in none.value.message_dict
    with pytest.raises(ValidationError) as other:
        services.consultation_close(actor=hana, consultation=c, version=c.version, reason="other")
    assert "closure_note" in other.value.message_dict
    c = services.consultation_close(
        actor=hana, consultation=c, version=c.version, reason="other", note="施設に入所"
    )
    assert c.closure_note == "施設に入所"


def test_the_database_refuses_other_without_a_note(hana):
    c = services.consultation_close(
        actor=hana, consultation=continued(hana), version=2, reason="solved"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=c.pk).update(closure_reason="other", closure_note="")


def test_a_pending_referral_keeps_the_consultation_open(hana, saki):
    c = continued(hana)
    services.referral_send(
        actor=hana, consultation=c, to_agency=saki.agency, kind="referral", reason="就労"
    )
    with pytest.raises(RuleViolation) as refused:
        services.consultation_close(
            actor=hana, consultation=c, version=fresh(c).version, reason="solved"
        )
    assert refused.value.code == "referral_pending"
    assert "回答待ちのつなぎ" in refused.value.message


def test_no_contact_on_a_closed_consultation(hana):
    c = continued(hana)
    services.consultation_close(actor=hana, consultation=c, version=c.version, reason="solved")
    with pytest.raises(RuleViolation) as refused:
        contact(hana, c)
    assert refused.value.code == "closed"


def test_reopening_needs_a_reason_and_a_next_action_and_keeps_the_closure(hana, masaki):
    c = continued(hana)
    c = services.consultation_close(actor=hana, consultation=c, version=c.version, reason="died")
    with pytest.raises(ValidationError) as refused:
        services.consultation_reopen(
            actor=hana,
            consultation=c,
            version=c.version,
            reason="",
            next_action_on=TODAY() - timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"reopen_reason", "next_action_on"}
    c = services.consultation_reopen(
        actor=hana,
        consultation=c,
        version=c.version,
        reason="家族から再び連絡があった",
        next_action_on=TODAY() + timedelta(days=3),
        holder=masaki,
    )
    assert c.is_open and c.holder == masaki and c.closure_reason == ""
    assert c.next_action_on == TODAY() + timedelta(days=3)
    kinds = list(c.events.values_list("kind", flat=True))
    assert kinds == [ConsultationEventKind.CLOSED, ConsultationEventKind.REOPENED]
    assert c.events.get(kind="closed").closure_reason == "died"
    assert_held(c)


def test_only_a_closed_consultation_is_reopened(hana):
    c = continued(hana)
    with pytest.raises(RuleViolation) as refused:
        services.consultation_reopen(
            actor=hana, consultation=c, version=c.version, reason="再開", next_action_on=TODAY()
        )
    assert refused.value.code == "open"


def test_a_consultation_resolved_at_intake_can_be_reopened(hana):
    c = consult(hana, resolved=True)
    assert not c.is_open
    c = services.consultation_reopen(
        actor=hana, consultation=c, version=c.version, reason="再相談", next_action_on=TODAY()
    )
    assert c.is_open and c.outcome == "resolved"
    assert_held(c)


# --- the receiving agency's assignee (受け入れ側の担当者) ------------------------------------


def test_accepting_a_referral_names_the_assignee_who_may_be_changed(hana, masaki, saki):
    c = continued(hana)
    referral = services.referral_send(
        actor=hana, consultation=c, to_agency=saki.agency, kind="referral", reason="就労"
    )
    referral = services.referral_accept(actor=saki, referral=referral)
    assert referral.assignee == saki
    colleague = make_user("sora", Role.STAFF, "itaku-soudan-01")
    referral = services.referral_assign(actor=saki, referral=referral, assignee=colleague)
    assert referral.assignee == colleague
    with pytest.raises(ValidationError):
        services.referral_assign(actor=saki, referral=referral, assignee=masaki)
    with pytest.raises(RuleViolation):
        services.referral_assign(actor=hana, referral=referral, assignee=hana)
