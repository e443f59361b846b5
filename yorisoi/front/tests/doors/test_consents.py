"""Consent (同意, R4) on a case, through both doors: recording it, withdrawing it, and the
scanned consent form.

Consent is recorded by those who steer an active case (CaseAccess.consent); a withdrawal by
those who steer the case, on a closed case too (CaseAccess.withdraw_consent: R4 takes effect
whenever the person says so); the scanned form opens to those who steer the case or record
consent (CaseAccess.scans), and to nobody else: it answers 404, as a record one may not read.
"""

import pytest
from django.utils import timezone

from yorisoi.cases.models import Consent

from .matrix import Action, Api, Screen, cells_of, check, table
from .world import CASE_ROWS, case_id

CELLS = table(
    """
                                     consent  withdraw  scan
    own_agency                       ok       ok        ok
    own_agency_closed_case           403      ok        ok
    coordinator                      ok       ok        ok
    coordinator_closed_case          403      ok        ok
    involved_with_consent            403      403       404
    involved_without_consent         404      404       404
    involved_after_withdrawal        404      404       404
    meeting_with_pledge              403      403       404
    meeting_without_pledge           404      404       404
    meeting_after_sharing_ended      404      404       404
    volunteer_pledged                role     role      role
    volunteer_not_taking_part        role     role      role
    outsider                         404      404       404
    analyst                          role     role      role
    administrator                    role     role      role
    """
)


def _consents(t):
    return tuple(Consent.objects.filter(case=t.rec.case).values_list("pk", "withdrawn_at"))


def _today():
    return timezone.localdate().isoformat()


ACTIONS = {
    "consent": Action(
        key=case_id,
        screen=Screen(
            "cases:consent_add",
            post=lambda t: {
                "person": t.rec.subjects[-1].pk,
                "scope": "all_involved",
                "method": "oral",
                "given_on": _today(),
                "note": "電話で確認",
            },
        ),
        api=Api(
            "post",
            "/cases/{}/consents",
            lambda t: {
                "person_id": str(t.rec.subjects[-1].pk),
                "method": "oral",
                "given_on": _today(),
                "note": "電話で確認",
            },
        ),
        state=_consents,
    ),
    "withdraw": Action(
        key=lambda w, f: f.consent.pk,
        screen=Screen(
            "cases:consent_withdraw",
            post=lambda t: {"withdrawn_on": _today(), "note": "本人の申し出"},
        ),
        api=Api("post", "/cases/consents/{}/withdraw", lambda t: {"note": "本人の申し出"}),
        state=_consents,
    ),
    "scan": Action(
        key=lambda w, f: f.consent.pk,
        screen=Screen("cases:consent_scan"),
        api=Api("get", "/cases/consents/{}/scan"),
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_consent(world, db, row, action, expected):
    check(world, CASE_ROWS[row], ACTIONS[action], expected)
