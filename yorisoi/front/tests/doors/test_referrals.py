"""Referrals (つなぎ, R2), through both doors: who answers, withdraws or acknowledges one.

A referral is found through its consultation (access.visible_consultations); the agency it is
sent to accepts or declines it, the sender withdraws it while pending, and a declined one is
acknowledged by its sender and by the coordinator (access.referral_acknowledger).
"""

import pytest

from yorisoi.intake.models import Referral

from .matrix import Action, Api, Row, Screen, cells_of, check, own_id, table

ROWS = {
    "asked_agency_pending": Row("saki", lambda w: w.referrals["pending"]),
    "sender_pending": Row("hana", lambda w: w.referrals["pending"]),
    "coordinator_pending": Row("ichiro", lambda w: w.referrals["pending"]),
    "outsider_pending": Row("tomoko", lambda w: w.referrals["pending"]),
    "sender_declined": Row("hana", lambda w: w.referrals["declined"]),
    "coordinator_declined": Row("ichiro", lambda w: w.referrals["declined"]),
    "decliner": Row("saki", lambda w: w.referrals["declined"]),
    "outsider_declined": Row("tomoko", lambda w: w.referrals["declined"]),
    "coordinator_after_transfer": Row("ichiro", lambda w: w.referrals["moved"]),
    "volunteer": Row("kazuko", lambda w: w.referrals["pending"]),
    "analyst": Row("ken", lambda w: w.referrals["pending"]),
    "administrator": Row("osamu", lambda w: w.referrals["pending"]),
}

# 409: a move the referral's status does not allow (R2: only a declined referral is acknowledged,
# an answered one is not withdrawn).
CELLS = table(
    """
                           accept  decline  withdraw  acknowledge
    asked_agency_pending   ok      ok       403       409
    sender_pending         403     403      ok        409
    coordinator_pending    404     404      404       404
    outsider_pending       404     404      404       404
    sender_declined        403     403      409       ok
    coordinator_declined   403     403      403       ok
    decliner               404     404      404       404
    outsider_declined      404     404      404       404
    coordinator_after_transfer  404  404    404       404
    volunteer              role    role     role      role
    analyst                role    role     role      role
    administrator          role    role     role      role
    """
)


def _state(t):
    return Referral.objects.filter(pk=t.rec.pk).values_list(
        "status", "sender_acknowledged_at", "coordinator_acknowledged_at"
    )[0]


def _referral_action(screen, api, body=None):
    return Action(
        key=own_id,
        screen=Screen(screen[0], post=lambda t: screen[1], page=False),
        api=Api("post", api, (lambda t: body) if body else None),
        state=_state,
    )


ACTIONS = {
    "accept": _referral_action(
        ("intake:referral_answer", {"action": "accept"}), "/referrals/{}/accept"
    ),
    "decline": _referral_action(
        ("intake:referral_answer", {"action": "decline", "decline_reason": "対象外の年齢"}),
        "/referrals/{}/decline",
        {"reason": "対象外の年齢"},
    ),
    "withdraw": _referral_action(("intake:referral_withdraw", {}), "/referrals/{}/withdraw"),
    "acknowledge": _referral_action(
        ("intake:referral_acknowledge", {}), "/referrals/{}/acknowledge"
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_referral(world, db, row, action, expected):
    check(world, ROWS[row], ACTIONS[action], expected)
