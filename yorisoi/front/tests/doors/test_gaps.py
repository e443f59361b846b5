"""Resource gaps (不足している社会資源, R8), through both doors: recording that no resource fits
a need.

Any reader of the need records a gap for it (services.gap_record, with the need's basis); the
gap carries the need's case, which the recording agency must be able to read. Gaps are read per
case in the API only (agenda item ④ of the 重層的支援会議, participation_case_gaps): no screen
lists them, so there is no second door to ask.
"""

import pytest

from yorisoi.participation.models import ResourceGap
from yorisoi.resources.models import TaxonomyTerm

from .matrix import Action, Api, Screen, cells_of, check, own_id, table
from .world import NEED_ROWS

# "-": the need is on a case the responsible agency may not read, so it may not name that case
# in a gap: both doors answer with the same field error (422).
CELLS = table(
    """
                                    record
    responsible_agency              ok
    responsible_agency_case_hidden  -
    coordinator                     ok
    case_lead_agency                ok
    case_reader_with_consent        ok
    case_reader_without_consent     404
    outsider                        404
    volunteer                       role
    analyst                         role
    administrator                   role
    """
)

ACTIONS = {
    # The API records a gap at /participation/gaps, the need named in the body.
    "record": Action(
        key=own_id,
        screen=Screen(
            "participation:gap_create",
            post=lambda t: {
                "need_text": "夕方の居場所がない",
                "category": TaxonomyTerm.objects.get(code="ibasho").pk,
            },
        ),
        api=Api(
            "post",
            "/participation/gaps",
            lambda t: {
                "need_text": "夕方の居場所がない",
                "category": "ibasho",
                "need_id": str(t.id),
            },
        ),
        state=lambda t: ResourceGap.objects.filter(need=t.rec).count(),
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_gap(world, db, row, action, expected):
    check(world, NEED_ROWS[row], ACTIONS[action], expected)
