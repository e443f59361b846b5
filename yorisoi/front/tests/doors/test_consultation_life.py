"""A consultation's life after its outcome, through both doors: its progress records (支援経過記録)
read with it, and — only by the agency holding it — a contact with its next action (R3),
reassignment to a colleague, closure (終結) and reopening; the receiving agency names who handles
a referral it accepted. Who may not read the consultation gets 404 (R6), exactly as for an id
that exists nowhere; who reads it on another basis gets 403; the state says no with 409 (R1: no
closure before the outcome; only a closed consultation reopens).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.intake.models import Consultation, Referral

from .matrix import Action, Api, Row, Screen, cells_of, check, own_id, read, table
from .world import fresh

ROWS = {
    "holder_no_outcome_yet": Row("hana", lambda w: w.consultations["open"]),
    "holder_with_outcome": Row("hana", lambda w: w.consultations["accepted"]),
    "holder_closed": Row("hana", lambda w: w.consultations["closed"]),
    "colleague_of_the_holder": Row("masaki", lambda w: w.consultations["accepted"]),
    "referred_agency_pending": Row("saki", lambda w: w.consultations["pending"]),
    "referred_agency_accepted": Row("saki", lambda w: w.consultations["accepted"]),
    "coordinator_via_declined_referral": Row("ichiro", lambda w: w.consultations["declined"]),
    "coordinator_pending_referral": Row("ichiro", lambda w: w.consultations["pending"]),
    "outsider": Row("tomoko", lambda w: w.consultations["accepted"]),
    "volunteer": Row("kazuko", lambda w: w.consultations["accepted"]),
    "analyst": Row("ken", lambda w: w.consultations["accepted"]),
    "administrator": Row("osamu", lambda w: w.consultations["accepted"]),
}

CELLS = table(
    """
                                        records  record  reassign  close  reopen
    holder_no_outcome_yet               ok       ok      ok        409    409
    holder_with_outcome                 ok       ok      ok        ok     409
    holder_closed                       ok       409     409       409    ok
    colleague_of_the_holder             ok       ok      ok        ok     409
    referred_agency_pending             ok       403     403       403    403
    referred_agency_accepted            ok       403     403       403    403
    coordinator_via_declined_referral   ok       403     403       403    403
    coordinator_pending_referral        404      404     404       404    404
    outsider                            404      404     404       404    404
    volunteer                           role     role    role      role   role
    analyst                             role     role    role      role   role
    administrator                       role     role    role      role   role
    """
)


def _records(t):
    fields = {}
    for n, r in enumerate(t.rec.progress_records.order_by("occurred_at"), start=1):
        fields |= {f"経過{n}": r.text, f"経過{n}の次の対応": r.next_action}
    return fields


def _state(t):
    c = Consultation.objects.get(pk=t.rec.pk)
    return (
        c.version,
        c.holder_id,
        c.closed_at,
        c.next_action_on,
        c.progress_records.count(),
        c.events.count(),
    )


def _v(t):
    return fresh(t.rec).version


def _soon():
    return (timezone.localdate() + timedelta(days=3)).isoformat()


def _colleague(t):
    """Someone of the holding agency other than the current holder."""
    c = fresh(t.rec)
    return t.w.users["masaki" if c.holder_id != t.w.users["masaki"].pk else "hana"]


def _contact(t):
    return {
        "version": _v(t),
        "kind": "visit",
        "text": "扉999 訪問した",
        "next_action": "電話で確認",
        "next_action_on": _soon(),
    }


def _write(screen_name, api_path, body, screen_body=None):
    return Action(
        key=own_id,
        screen=Screen(screen_name, post=screen_body or body, page=False),
        api=Api("post", api_path, body),
        state=_state,
    )


def _contact_form(t):
    return {**_contact(t), "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}


ACTIONS = {
    "records": read("intake:consultation_detail", "/consultations/{}/records", _records),
    "record": _write(
        "cases:consultation_record_add", "/consultations/{}/records", _contact, _contact_form
    ),
    "reassign": _write(
        "intake:consultation_reassign",
        "/consultations/{}/holder",
        lambda t: {"version": _v(t), "holder": _colleague(t).pk},
    ),
    "close": _write(
        "intake:consultation_close",
        "/consultations/{}/close",
        lambda t: {"version": _v(t), "closure_reason": "solved"},
    ),
    "reopen": _write(
        "intake:consultation_reopen",
        "/consultations/{}/reopen",
        lambda t: {
            "version": _v(t),
            "reopen_reason": "扉998 再び相談があった",
            "next_action_on": _soon(),
            "holder": t.user.pk,
        },
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_consultation_life(world, db, row, action, expected):
    check(world, ROWS[row], ACTIONS[action], expected)


# --- the receiving agency's assignee (受け入れ側の担当者) -----------------------------------

ASSIGNEE_ROWS = {
    "receiving_agency_accepted": Row("saki", lambda w: w.referrals["accepted"]),
    "receiving_agency_pending": Row("saki", lambda w: w.referrals["pending"]),
    "sender": Row("hana", lambda w: w.referrals["accepted"]),
    "coordinator_via_declined_referral": Row("ichiro", lambda w: w.referrals["declined"]),
    "outsider": Row("tomoko", lambda w: w.referrals["accepted"]),
    "volunteer": Row("kazuko", lambda w: w.referrals["accepted"]),
}

ASSIGNEE_CELLS = table(
    """
                                        assign
    receiving_agency_accepted           ok
    receiving_agency_pending            409
    sender                              403
    coordinator_via_declined_referral   403
    outsider                            404
    volunteer                           role
    """
)


def _assignee_state(t):
    """Who handles it, and how many times it was (re)assigned: naming the same person again is
    still a change that the audit trail holds."""
    assigned = AuditEvent.objects.filter(action="referral.assigned", target_id=str(t.rec.pk))
    return Referral.objects.get(pk=t.rec.pk).assignee_id, assigned.count()


def _assignee(t):
    return {"assignee": t.w.users["saki"].pk}


ASSIGN = Action(
    key=own_id,
    screen=Screen("intake:referral_assign", post=_assignee, page=False),
    api=Api("post", "/referrals/{}/assignee", _assignee),
    state=_assignee_state,
)


@pytest.mark.parametrize("row, action, expected", cells_of(ASSIGNEE_CELLS))
def test_referral_assignee(world, db, row, action, expected):
    check(world, ASSIGNEE_ROWS[row], ASSIGN, expected)


# --- correcting a progress record written on a consultation (R7) -----------------------------
# The same screen and endpoint as a case's record (access.correctable_record): the agency that
# wrote it corrects it; another agency that reads the consultation is refused (403); who may
# not read it gets 404, as for a record that exists nowhere.

CORRECT_ROWS = {
    "writer": Row("hana", lambda w: w.consultation_records["contact"]),
    "colleague_of_the_writer": Row("masaki", lambda w: w.consultation_records["contact"]),
    "referred_agency_accepted": Row("saki", lambda w: w.consultation_records["contact"]),
    "outsider": Row("tomoko", lambda w: w.consultation_records["contact"]),
    "volunteer": Row("kazuko", lambda w: w.consultation_records["contact"]),
    "analyst": Row("ken", lambda w: w.consultation_records["contact"]),
}

CORRECT_CELLS = table(
    """
                                        correct
    writer                              ok
    colleague_of_the_writer             ok
    referred_agency_accepted            403
    outsider                            404
    volunteer                           role
    analyst                             role
    """
)


def _correction_state(t):
    entry = fresh(t.rec)
    return entry.version, entry.text


def _correction(t):
    return {"version": fresh(t.rec).version, "kind": "call", "text": "扉997 電話の内容を訂正"}


def _correction_form(t):
    when = timezone.localtime(fresh(t.rec).occurred_at).strftime("%Y-%m-%dT%H:%M")
    return {**_correction(t), "occurred_at": when}


CORRECT = Action(
    key=own_id,
    screen=Screen("cases:record_edit", post=_correction_form),
    api=Api("patch", "/cases/records/{}", _correction),
    state=_correction_state,
)


@pytest.mark.parametrize("row, action, expected", cells_of(CORRECT_CELLS))
def test_consultation_record_correction(world, db, row, action, expected):
    check(world, CORRECT_ROWS[row], CORRECT, expected)
