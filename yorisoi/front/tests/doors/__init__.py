"""The need-to-know policy, tested once through both doors (issue 11).

Every module is one kind of record: its relations (rows: a persona and the record it stands in
a relation to), its actions (each a pair: the screen, the API) and a table of the outcome each
cell must have on both doors. matrix.py asks a cell and explains a disagreement; world.py builds
the one small city the cells are asked about, once for the package (conftest.py).

    test_people.py  test_households.py                 本人・世帯
    test_consultations.py  test_referrals.py           相談・つなぎ (R1, R2)
    test_cases.py  test_consents.py  test_records.py   ケース・同意・支援経過記録 (R3, R4, R6)
    test_assessments.py  test_plans.py                 アセスメント・支援プラン (R5, R7)
    test_meetings.py                                   会議・守秘義務の誓約 (R5)
    test_outreach.py                                   アウトリーチ
    test_needs.py  test_placements.py  test_gaps.py    参加支援・フォローアップ・不足 (R8)
    test_audit.py                                      閲覧の記録 (R6)

A cell where the doors disagree is a bug in the product: the screen and the API must call the
same policy function in yorisoi/access/.
"""

import pytest

# The cells' assertions live in matrix.py: let pytest explain them as it does in a test module.
pytest.register_assert_rewrite("yorisoi.front.tests.doors.matrix")
