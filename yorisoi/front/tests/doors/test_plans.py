"""Support plans (支援プラン), through both doors: reading them, deciding a new version at a
重層的支援会議 (R5), rating the goals at a review.

Part of the case file (CASEWORK by route); plans are decided and goals rated by the
secretariat (CaseAccess.meetings, the coordinator). The support-meeting cases have no plan:
their hidden rows ask for the plan page all the same, and for the review page of their
支援会議.
"""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from yorisoi.cases.models import GoalReview, SupportPlan

from .matrix import Action, Api, Screen, cells_of, check, read, table
from .world import CASE_ROWS, case_id

# "-": no plan review meeting on the case (nothing valid to ask). A closed case takes no new
# plan (409), yet its goals may still be rated at a review meeting (both doors agree).
CELLS = table(
    """
                                     read  decide  rate
    own_agency                       ok    403     403
    own_agency_closed_case           ok    403     403
    coordinator                      ok    ok      ok
    coordinator_closed_case          ok    409     ok
    involved_with_consent            ok    403     403
    involved_without_consent         404   404     404
    involved_after_withdrawal        404   404     404
    meeting_with_pledge              ok    -       -
    meeting_without_pledge           404   404     404
    meeting_after_sharing_ended      404   404     404
    volunteer_pledged                role  role    role
    volunteer_not_taking_part        role  role    role
    outsider                         404   404     404
    analyst                          role  role    role
    administrator                    role  role    role
    """
)


def _plan_fields(t):
    plan = t.rec.plan
    if plan is None:
        return {}
    return {
        "目標": plan.goals.get().text,
        "支援内容": plan.actions.get().description,
        "補足": plan.note,
    }


def _review_day():
    return (timezone.localdate() + timedelta(days=60)).isoformat()


def _plan_form(t):
    rows = {}
    for prefix, n in (("goals", 1), ("actions", 0)):
        rows |= {
            f"{prefix}-TOTAL_FORMS": str(n),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "20",
        }
    return {
        "meeting": t.rec.review.pk if t.rec.review else "",
        "based_on": 1,
        "next_review_on": _review_day(),
        "goals-0-term": "short",
        "goals-0-text": "週1回の通所",
        **rows,
    }


def _plan_body(t):
    return {
        "meeting_id": str(t.rec.review.pk if t.rec.review else uuid.uuid4()),
        "based_on": 1,
        "next_review_on": _review_day(),
        "goals": [{"term": "short", "text": "週1回の通所"}],
    }


def _goal(t):
    """The plan's goal (a case without a plan: a goal id that exists nowhere)."""
    return t.rec.plan.goals.get().pk if t.rec.plan else 2**31 - 1


ACTIONS = {
    "read": read("cases:plan_detail", "/cases/{}/plans", _plan_fields, key=case_id),
    "decide": Action(
        key=case_id,
        screen=Screen("cases:plan_create", post=_plan_form),
        api=Api("post", "/cases/{}/plans", _plan_body),
        state=lambda t: SupportPlan.objects.filter(case=t.rec.case).count(),
    ),
    "rate": Action(
        key=lambda w, f: (f.review or f.meeting).pk,
        screen=Screen(
            "cases:goals_review",
            post=lambda t: {f"rating_{_goal(t)}": "partly", f"note_{_goal(t)}": "通所は続く"},
        ),
        api=Api(
            "post",
            "/cases/meetings/{}/review",
            lambda t: {"ratings": [{"goal_id": _goal(t), "rating": "partly"}]},
        ),
        state=lambda t: GoalReview.objects.filter(meeting__case=t.rec.case).count(),
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_plan(world, db, row, action, expected):
    check(world, CASE_ROWS[row], ACTIONS[action], expected)
