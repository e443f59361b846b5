"""The progress record (支援経過記録), through both doors: reading the case's timeline, writing
an entry, correcting one (R7).

Every agency that reads the case file writes to the one record while the case is active
(CaseAccess.record); only the agency that wrote an entry corrects it (access.acts_for). The
timeline is part of the case file: closed to a 民生委員's role.
"""

import pytest
from django.utils import timezone

from yorisoi.cases.models import ProgressRecord

from .matrix import Action, Api, Screen, cells_of, check, read, table
from .world import CASE_ROWS, case_id, fresh

CELLS = table(
    """
                                     read  write  correct
    own_agency                       ok    ok     ok
    own_agency_closed_case           ok    403    403
    coordinator                      ok    ok     403
    coordinator_closed_case          ok    403    403
    involved_with_consent            ok    ok     403
    involved_without_consent         404   404    404
    involved_after_withdrawal        404   404    404
    meeting_with_pledge              ok    ok     403
    meeting_without_pledge           404   404    404
    meeting_after_sharing_ended      404   404    404
    volunteer_pledged                role  role   role
    volunteer_not_taking_part        role  role   role
    outsider                         404   404    404
    analyst                          role  role   role
    administrator                    role  role   role
    """
)


def _records(t):
    case = t.rec.case
    return tuple(ProgressRecord.objects.filter(case=case).values_list("pk", "version"))


def _now():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _correction(t):
    entry = fresh(t.rec.record)
    return {
        "kind": entry.kind,
        "occurred_at": _now(),
        "text": "訂正: 電話",
        "version": entry.version,
    }


ACTIONS = {
    "read": read(
        "cases:timeline",
        "/cases/{}/timeline",
        lambda t: {"支援経過記録": t.rec.record.text},
        key=case_id,
    ),
    "write": Action(
        key=case_id,
        screen=Screen(
            "cases:record_add",
            post=lambda t: {"kind": "call", "occurred_at": _now(), "text": "電話で様子を確認"},
        ),
        api=Api(
            "post", "/cases/{}/records", lambda t: {"kind": "call", "text": "電話で様子を確認"}
        ),
        state=_records,
    ),
    "correct": Action(
        key=lambda w, f: f.record.pk,
        screen=Screen("cases:record_edit", post=_correction),
        api=Api(
            "patch",
            "/cases/records/{}",
            lambda t: {"version": fresh(t.rec.record).version, "text": "訂正: 電話"},
        ),
        state=_records,
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_record(world, db, row, action, expected):
    check(world, CASE_ROWS[row], ACTIONS[action], expected)
