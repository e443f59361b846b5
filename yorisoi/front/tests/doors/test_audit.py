"""The audit trail of a case (who saw what, R6), through both doors: the coordinating division
answers disclosure requests (開示請求) from it; the route is closed to every other role
(access.ROUTES: COORDINATOR), for any case."""

import pytest

from .matrix import cells_of, check, read, table
from .world import CASE_ROWS, case_id

CELLS = table(
    """
                                     read
    own_agency                       role
    coordinator                      ok
    coordinator_closed_case          ok
    involved_with_consent            role
    involved_without_consent         role
    meeting_with_pledge              role
    volunteer_pledged                role
    outsider                         role
    analyst                          role
    administrator                    role
    """
)

ACTIONS = {
    # The trail holds no personal text; what it names of a read is its action and basis.
    "read": read("audit:case_log", "/cases/{}/access-log", lambda t: {}, key=case_id),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_audit_trail(world, db, row, action, expected):
    check(world, CASE_ROWS[row], ACTIONS[action], expected)
