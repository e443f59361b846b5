"""Placements and follow-ups (参加支援, R8), through both doors: moving a placement on, recording
a follow-up.

Both belong to a need and are steered like it: by its responsible agency and the coordinator
(access.can_steer_participation); a reader through the case reads them and no more.
"""

from dataclasses import dataclass

import pytest

from yorisoi.participation.models import FollowUp, Placement

from .matrix import Action, Api, Screen, cells_of, check, table
from .world import fresh, need_rows


@dataclass
class Placed:
    placement: Placement
    follow_up: FollowUp


ROWS = need_rows(lambda w, key: Placed(w.placements[key], w.follow_ups[key]))

CELLS = table(
    """
                                    settle  follow_up
    responsible_agency              ok      ok
    responsible_agency_case_hidden  ok      ok
    coordinator                     ok      ok
    case_lead_agency                403     403
    case_reader_with_consent        403     403
    case_reader_without_consent     404     404
    outsider                        404     404
    volunteer                       role    role
    analyst                         role    role
    administrator                   role    role
    """
)

ACTIONS = {
    "settle": Action(
        key=lambda w, p: p.placement.pk,
        screen=Screen(
            "participation:placement_move",
            post=lambda t: {"move": "settle", "version": fresh(t.rec.placement).version},
            page=False,
        ),
        api=Api(
            "post",
            "/participation/placements/{}/settle",
            lambda t: {"version": fresh(t.rec.placement).version},
        ),
        state=lambda t: Placement.objects.filter(pk=t.rec.placement.pk).values_list("status")[0],
    ),
    "follow_up": Action(
        key=lambda w, p: p.follow_up.pk,
        screen=Screen(
            "participation:follow_up_done",
            post=lambda t: {"outcome": "going_well", "note": "毎週通えている"},
            page=False,
        ),
        api=Api(
            "post",
            "/participation/follow-ups/{}/done",
            lambda t: {"outcome": "going_well", "note": "毎週通えている"},
        ),
        state=lambda t: FollowUp.objects.filter(pk=t.rec.follow_up.pk).values_list("status")[0],
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_placement(world, db, row, action, expected):
    check(world, ROWS[row], ACTIONS[action], expected)
