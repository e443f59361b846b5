"""Assessments (アセスメント), through both doors: reading them, saving a new version (R7).

Part of the case file (CASEWORK by route); a new version is written by the lead agency, the
coordinator and an agency reading on consent, while the case is active (CaseAccess.assess).
"""

import pytest

from yorisoi.cases.models import Assessment

from .matrix import Action, Api, Screen, cells_of, check, read, table
from .world import CASE_ROWS, case_id

CELLS = table(
    """
                                     read  save
    own_agency                       ok    ok
    own_agency_closed_case           ok    403
    coordinator                      ok    ok
    coordinator_closed_case          ok    403
    involved_with_consent            ok    ok
    involved_without_consent         404   404
    involved_after_withdrawal        404   404
    meeting_with_pledge              ok    403
    meeting_without_pledge           404   404
    meeting_after_sharing_ended      404   404
    volunteer_pledged                role  role
    volunteer_not_taking_part        role  role
    outsider                         404   404
    analyst                          role  role
    administrator                    role  role
    """
)

TEXTS = {
    "household_situation": "父と息子の二人暮らし",
    "strengths": "近所の見守り",
    "risks": "低栄養",
    "wishes": "この家で暮らしたい",
}


def _latest(t):
    return Assessment.objects.filter(case=t.rec.case).order_by("-number").first().number


def _form(t):
    return {
        "based_on": _latest(t),
        **TEXTS,
        "issues-TOTAL_FORMS": "0",
        "issues-INITIAL_FORMS": "0",
        "issues-MIN_NUM_FORMS": "0",
        "issues-MAX_NUM_FORMS": "20",
    }


ACTIONS = {
    "read": read(
        "cases:assessment_detail",
        "/cases/{}/assessments",
        lambda t: {
            "世帯の状況": t.rec.assessment.household_situation,
            "本人の意向": t.rec.assessment.wishes,
        },
        key=case_id,
    ),
    "save": Action(
        key=case_id,
        screen=Screen("cases:assessment_edit", post=_form),
        api=Api("post", "/cases/{}/assessments", lambda t: {"based_on": _latest(t), **TEXTS}),
        state=lambda t: Assessment.objects.filter(case=t.rec.case).count(),
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_assessment(world, db, row, action, expected):
    check(world, CASE_ROWS[row], ACTIONS[action], expected)
