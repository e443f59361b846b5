"""Every indicator against a hand count of the fixed fictional city in dataset.py, with the
fiscal-year boundaries (23:59 on 31 March and 00:00 on 1 April, Japan time), breakdowns, an
agency's own scope and the analysts' suppression. The expected numbers are counted by hand
from dataset.py, record by record, in the comments."""

from datetime import date

import pytest

from yorisoi.directory.models import Domain
from yorisoi.evaluation import periods, selectors, suppression
from yorisoi.evaluation.indicators import INDICATORS, Figure, Scope

from . import dataset

pytestmark = pytest.mark.django_db

FY2024, FY2025, FY2026 = (periods.fiscal_year(y) for y in (2024, 2025, 2026))
YEARS = [FY2024, FY2025, FY2026]


@pytest.fixture
def city(hana, saki, ichiro):
    return dataset.build(hana, saki, ichiro)


def totals(code, scope=None, ps=YEARS):
    cells = INDICATORS[code].compute(scope or Scope(), ps)
    return [c[None].value for c in cells]


def by(code, dim, period=FY2025, scope=None):
    cells = INDICATORS[code].compute(scope or Scope(), [period], dim)[0]
    return {k: f.value for k, f in cells.items()}


# Each row: indicator, [FY2024, FY2025, FY2026] by hand.
HAND_COUNTS = [
    # c1 at 2025-03-31 23:59 | c2 (04-01 00:00), c3, c4, c5 (2026-03-31 23:59), c7 | c6
    ("consultations", [1, 5, 1]),
    # FY2025: c2 (elderly+poverty), c4 (community+mental+elderly), c5 (poverty+public
    # assistance) of 5; c7 has two issues of one domain. FY2024: c1 one domain.
    ("compound_share", [0.0, 60.0, 0.0]),
    ("escalations", [0, 1, 0]),  # c4 on 2025-09-02
    # First acceptances answered in FY2025: c1 (03-31 → 04-02: 2), c2 (04-01 → 04-03: 2),
    # c3 (06-10 → 06-24: 14) → median 2.
    ("days_to_acceptance", [None, 2, None]),
    ("referrals_sent", [1, 4, 0]),  # r5 | r1 r2 r3 r4
    ("referrals_accepted", [0, 3, 0]),  # r1 r3, and r5 answered 2025-04-02
    ("referrals_declined", [0, 1, 0]),  # r2
    # Limit 3 office days. r2 sent Tue 06-10, due Fri 06-13, answered 06-20: late. r4 sent
    # 2026-03-30, never answered. r5 (FY2024) answered in 2 days: in time.
    ("referrals_overdue", [0, 2, 0]),
    # Answered in FY2025: r5 2, r1 2, r2 10, r3 1 → 1, 2, 2, 10 → median 2.
    ("referral_answer_days", [None, 2, None]),
    ("cases_opened", [1, 1, 0]),  # case2 2025-03-20 | case1 2025-09-03
    ("meetings_held", [0, 2, 1]),  # m1 m2 (m3 only scheduled) | m4 at 2026-04-01 00:00
    ("plans_created", [0, 1, 0]),
    ("plans_reviewed", [0, 1, 0]),
    ("closures", [0, 1, 0]),
    ("suspensions", [0, 0, 1]),  # 2026-04-02
    ("outreach_targets", [1, 1, 0]),  # t2 2025-02-01 | t1 2025-05-01
    ("outreach_contacts", [0, 5, 0]),  # t1 ×4, t2 ×1 (2025-04-10)
    ("outreach_first_contacts", [1, 1, 0]),  # t2 2025-03-15 | t1 2025-05-16
    ("outreach_stage_reached", [1, 1, 0]),  # distinct targets that moved
    ("outreach_handovers", [0, 1, 0]),
    ("participation_needs", [0, 1, 0]),
    ("placements_proposed", [0, 3, 0]),
    ("placements_started", [0, 2, 0]),
    # Started placements concluded in FY2025: pl1 settled, pl3 ended → 50 %. pl2 ended before
    # it started: not in the rate.
    ("placement_settled_rate", [None, 50.0, None]),
    ("resource_gaps", [0, 1, 1]),
    ("community_activities", [1, 2, 0]),  # cancelled one never counted
    ("community_sites", [1, 2, 0]),
    ("community_participants", [7, 15, 0]),  # 12 + 3
    ("community_volunteers", [2, 4, 0]),
    ("community_trained", [0, 8, 0]),
]


def test_every_indicator_has_a_hand_count():
    assert sorted(code for code, _ in HAND_COUNTS) == sorted(INDICATORS)


@pytest.mark.parametrize(("code", "expected"), HAND_COUNTS, ids=[c for c, _ in HAND_COUNTS])
def test_indicator_matches_the_hand_count(city, code, expected):
    assert totals(code) == expected


def test_months_and_day_ranges_cut_at_local_midnight(city):
    april = periods.month(2025, 4)
    march = periods.month(2026, 3)
    assert totals("consultations", ps=[periods.month(2025, 3), april, march]) == [1, 1, 1]
    first_half = periods.day_range(date(2025, 4, 1), date(2025, 9, 30))
    assert totals("consultations", ps=[first_half]) == [4]  # c2 c3 c4 c7


def test_breakdowns_by_hand(city):
    Z, I = city["Z"].pk, city["I"].pk  # noqa: E741
    assert by("consultations", "agency") == {Z: 3, I: 2}  # receiving agency
    assert by("consultations", "channel") == {"phone": 2, "counter": 2, "from_neighbour": 1}
    assert by("consultations", "consulter") == {"family": 1, "self": 3, "neighbour": 1}
    names = dict(Domain.objects.values_list("pk", "code"))
    per_domain = {names[k]: n for k, n in by("consultations", "domain").items()}
    assert per_domain == {
        "elderly": 3,  # c2, c4, c7 (c7 twice in elderly: counted once)
        "poverty": 2,  # c2, c5
        "disability": 1,
        "mental-health": 1,
        "community": 1,
        "public-assistance": 1,
    }
    assert by("consultations", "district") == {city["person"].district_id: 1, None: 4}
    assert by("referrals_sent", "agency") == {Z: 1, I: 3}  # sent by
    # Compound: c2, c4 of Z's 3 (c2, c4, c7); c5 of I's 2 (c3, c5).
    assert by("compound_share", "agency") == {Z: 66.7, I: 50.0}
    assert by("meetings_held", "meeting_type") == {"support_meeting": 1, "multilayer_meeting": 1}
    assert by("meetings_held", "purpose") == {"": 1, "plan_creation": 1}
    assert by("outreach_stage_reached", "stage") == {"contacted": 1, "dialogue": 1}
    assert by("outreach_contacts", "contact_outcome") == {
        "absent": 2, "note_left": 1, "through_door": 1, "face_to_face": 1,
    }  # fmt: skip
    assert by("community_participants", "district") == {None: 15}


def test_a_managers_scope_is_their_own_agencys_records(city):
    mine = Scope(city["Z"].pk)
    # Received or held by Z: c2, c4, c7, and c5 (received by I, now held by Z).
    assert totals("consultations", mine) == [1, 4, 0]
    # Referrals from or to Z: r1 (Z→I), r2 (I→Z), r4 (I→Z) in FY2025.
    assert totals("referrals_sent", mine) == [1, 3, 0]
    assert totals("community_participants", mine) == [7, 12, 0]


def test_analysts_see_small_figures_as_less_than_five(city, ken, ichiro):
    board = {
        line.indicator.code: line.cell
        for _g, lines in selectors.dashboard(ken, FY2025).groups
        for line in lines
    }
    assert board["consultations"].display == "5"  # at the threshold: shown
    assert board["escalations"].display == "<5" and board["escalations"].value is None
    assert board["compound_share"].display == "<5"  # 3 of 5: the 3 would show through
    assert board["days_to_acceptance"].display == "<5"  # a median of 3 days' waits
    exact = {
        line.indicator.code: line.cell
        for _g, lines in selectors.dashboard(ichiro, FY2025).groups
        for line in lines
    }
    assert exact["escalations"].display == "1"
    assert exact["compound_share"].display == "60.0%"


def test_an_analysts_breakdown_hides_small_cells_and_never_lets_them_be_derived(city, ken):
    table = selectors.breakdown(ken, INDICATORS["consultations"], FY2025, "agency")
    assert table.total.display == "5"
    assert {cell.display for _name, cell in table.rows} == {"<5"}


def test_complementary_suppression_hides_the_next_smallest_cell():
    cells = {"a": Figure(10, 10), "b": Figure(7, 7), "c": Figure(3, 3)}
    shown, total = suppression.table(cells, Figure(20, 20), "count", suppress=True, additive=True)
    assert total.display == "20"
    assert shown["a"].display == "10"
    # c alone hidden would be 20 − 10 − 7 = 3: b goes too.
    assert shown["c"].suppressed and shown["b"].suppressed
    # Two small cells already protect each other: nothing more is hidden.
    cells["b"] = Figure(4, 4)
    shown, _total = suppression.table(cells, Figure(17, 17), "count", suppress=True, additive=True)
    assert [k for k, c in shown.items() if c.suppressed] == ["b", "c"]
    # Domains overlap (one consultation in several): the total does not give a cell away.
    cells = {"a": Figure(10, 10), "b": Figure(7, 7), "c": Figure(3, 3)}
    shown, _total = suppression.table(cells, Figure(18, 18), "count", suppress=True, additive=False)
    assert [k for k, c in shown.items() if c.suppressed] == ["c"]
    # The coordinator sees everything.
    shown, _total = suppression.table(cells, Figure(20, 20), "count", suppress=False, additive=True)
    assert [c.display for c in shown.values()] == ["10", "7", "3"]


def test_the_threshold_is_configurable(settings):
    settings.YORISOI_SUPPRESSION_THRESHOLD = 10
    cell = suppression.single(Figure(7, 7), "count", suppress=True)
    assert cell.display == "<10"
    assert suppression.single(Figure(10, 10), "count", suppress=True).display == "10"


def test_a_share_is_hidden_when_its_parts_are_small():
    share = Figure(80.0, 20, numerator=16)  # 16 of 20: 4 without — small
    assert suppression.single(share, "percent", suppress=True).suppressed
    share = Figure(50.0, 20, numerator=10)
    assert suppression.single(share, "percent", suppress=True).display == "50.0%"


def test_fiscal_years():
    assert periods.fiscal_year_of(date(2026, 3, 31)) == 2025
    assert periods.fiscal_year_of(date(2026, 4, 1)) == 2026
    assert FY2025.label == "2025年度" and FY2025.key == "FY2025"
    assert periods.parse("FY2025") == FY2025
    assert periods.parse("2025-04") == periods.month(2025, 4)
    assert FY2025.previous(2) == [periods.fiscal_year(2023), FY2024]
    assert periods.month(2025, 1).previous(1) == [periods.month(2024, 12)]
    with pytest.raises(periods.PeriodError):
        periods.parse("FY20x5")
    with pytest.raises(periods.PeriodError):
        periods.day_range(date(2025, 5, 1), date(2025, 4, 1))


def test_a_consultation_taken_through_the_service_counts_as_compound_by_its_domains(hana):
    from yorisoi.intake import services as intake

    def consult(*issues):
        return intake.consultation_create(
            actor=hana, channel="phone", consulter_type="self", summary="架空の相談",
            subject_note="架空の本人", issues=list(issues),
        )  # fmt: skip

    assert consult("dementia", "care").domain_count == 1  # both 高齢・介護
    assert consult("dementia", "income").domain_count == 2
    assert consult("hikikomori", "income", "dementia").domain_count == 3
    this_year = periods.current_fiscal_year()
    share = INDICATORS["compound_share"].compute(Scope(), [this_year])[0][None]
    assert (share.numerator, share.base, share.value) == (2, 3, 66.7)
