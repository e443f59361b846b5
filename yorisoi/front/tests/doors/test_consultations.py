"""Consultations (包括的相談支援), through both doors: who opens one, and who decides its outcome
(R1) or refers it on (R2).

A consultation opens to the agency that received it or holds it, to the agency a pending or
accepted referral asks to take it (an agency that once took it keeps reading it after passing
it on), to a referral's sender unless responsibility was transferred away (the coordinator
who transferred an escalated consultation), and to the coordinator once a referral about it
was declined (R2). Only the agency holding it decides its outcome and refers it on
(access.acts_for, in the services).
"""

import pytest

from yorisoi.intake.models import Consultation

from .matrix import Action, Api, Row, Screen, cells_of, check, own_id, read, table
from .world import fresh

ROWS = {
    "receiving_agency": Row("hana", lambda w: w.consultations["open"]),
    "referred_agency_pending": Row("saki", lambda w: w.consultations["pending"]),
    "referred_agency_accepted": Row("saki", lambda w: w.consultations["accepted"]),
    "referred_agency_declined": Row("saki", lambda w: w.consultations["declined"]),
    "sender_after_transfer_having_taken_it": Row("hana", lambda w: w.consultations["relay"]),
    "receiving_agency_after_transfer": Row("jun", lambda w: w.consultations["relay"]),
    "holder_after_transfer": Row("tomoko", lambda w: w.consultations["relay"]),
    "coordinator_after_transfer": Row("ichiro", lambda w: w.consultations["moved"]),
    "coordinator_via_declined_referral": Row("ichiro", lambda w: w.consultations["declined"]),
    "coordinator_pending_referral": Row("ichiro", lambda w: w.consultations["pending"]),
    "outsider": Row("tomoko", lambda w: w.consultations["open"]),
    "volunteer": Row("kazuko", lambda w: w.consultations["open"]),
    "analyst": Row("ken", lambda w: w.consultations["open"]),
    "administrator": Row("osamu", lambda w: w.consultations["open"]),
}

# 409: an outcome is already recorded (R1), which answers before who is asking.
CELLS = table(
    """
                                        read   resolve  refer
    receiving_agency                    ok     ok       ok
    referred_agency_pending             ok     403      403
    referred_agency_accepted            ok     409      403
    referred_agency_declined            404    404      404
    sender_after_transfer_having_taken_it  ok  409      403
    receiving_agency_after_transfer     ok     409      403
    holder_after_transfer               ok     409      ok
    coordinator_after_transfer          404    404      404
    coordinator_via_declined_referral   ok     403      403
    coordinator_pending_referral        404    404      404
    outsider                            404    404      404
    volunteer                           role   role     role
    analyst                             role   role     role
    administrator                       role   role     role
    """
)


def _fields(t):
    c = t.rec
    fields = {"相談者": c.consulter_name, "相談内容": c.summary, "本人の様子": c.subject_note}
    for n, r in enumerate(c.referrals.order_by("sent_at"), start=1):
        fields |= {
            f"つなぎ{n}の理由": r.reason,
            f"つなぎ{n}で本人に伝えたこと": r.told_to_person,
            f"つなぎ{n}で共有する情報": r.shared_info,
        }
        if r.decline_reason:
            fields[f"つなぎ{n}を断った理由"] = r.decline_reason
    return fields


def _state(t):
    c = Consultation.objects.get(pk=t.rec.pk)
    return c.version, c.outcome, c.referrals.count()


def _v(t):
    return fresh(t.rec).version


def _to(t):
    """Somewhere to refer to: neither the user's agency nor the one holding it."""
    taken = {t.user.agency_id, fresh(t.rec).responsible_agency_id}
    return next(a for a in map(t.w.agency, "JST") if a.pk not in taken)


ACTIONS = {
    "read": read("intake:consultation_detail", "/consultations/{}", _fields),
    "resolve": Action(
        key=own_id,
        screen=Screen(
            "intake:consultation_outcome",
            post=lambda t: {"action": "resolve", "note": "電話で解決", "version": _v(t)},
            page=False,
        ),
        api=Api("post", "/consultations/{}/resolve", lambda t: {"version": _v(t)}),
        state=_state,
    ),
    "refer": Action(
        key=own_id,
        screen=Screen(
            "intake:referral_create",
            post=lambda t: {"to_agency": _to(t).pk, "kind": "referral", "reason": "就労の相談"},
            page=False,
        ),
        api=Api(
            "post",
            "/consultations/{}/referrals",
            lambda t: {"to_agency": _to(t).code, "kind": "referral", "reason": "就労の相談"},
        ),
        state=_state,
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_consultation(world, db, row, action, expected):
    check(world, ROWS[row], ACTIONS[action], expected)
