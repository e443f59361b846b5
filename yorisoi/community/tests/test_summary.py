"""The fiscal-year figures (April–March) per program, as the overview and the PDCA summary show."""

from datetime import date

from yorisoi.community import selectors, services
from yorisoi.community.models import ActivityKind, fiscal_year_of
from yorisoi.directory.models import Area


def _activity(actor, site, day, participants, volunteers=0):
    return services.activity_record(
        actor=actor, site=site, held_on=day, kind=ActivityKind.SALON,
        participants=participants, volunteers=volunteers,
    )  # fmt: skip


def test_the_fiscal_year_runs_from_april_to_march():
    assert fiscal_year_of(date(2025, 4, 1)) == 2025
    assert fiscal_year_of(date(2026, 3, 31)) == 2025
    assert fiscal_year_of(date(2025, 3, 31)) == 2024
    assert selectors.fiscal_year_range(2025) == (date(2025, 4, 1), date(2026, 3, 31))


def test_figures_per_program_count_only_the_year_and_skip_cancelled(community, tomoko, ken):
    salon, centre = community["salon"], community["centre"]
    _activity(tomoko, salon, date(2025, 3, 31), 100)  # FY2024
    _activity(tomoko, salon, date(2025, 4, 1), 10, 2)
    _activity(tomoko, salon, date(2026, 3, 31), 15, 1)
    wrong = _activity(tomoko, salon, date(2025, 9, 1), 99)
    services.activity_correct(
        actor=tomoko, activity=wrong, version=1, cancelled=True, cancel_reason="誤登録"
    )
    _activity(tomoko, centre, date(2025, 5, 5), 7)
    services.training_record(
        actor=tomoko, program=community["kaigo"], name="ヘルスリーダー養成講座",
        held_on=date(2025, 11, 1), people_trained=18,
    )  # fmt: skip
    services.training_record(
        actor=tomoko, program=community["kaigo"], name="ヘルスリーダー養成講座",
        held_on=date(2024, 11, 1), people_trained=9,
    )  # fmt: skip

    figures = {f.program.code: f for f in selectors.program_figures(ken, year=2025)}
    kaigo, kosodate = figures["kaigo-yobou"], figures["kosodate-kyoten"]
    assert (kaigo.sites, kaigo.activities, kaigo.participants, kaigo.volunteers) == (6, 2, 25, 3)
    assert (kaigo.trainings, kaigo.people_trained) == (1, 18)
    assert (kosodate.sites, kosodate.activities, kosodate.participants) == (23, 1, 7)
    assert figures["seikatsu-shien"].sites == 3
    assert figures["konkyu-chiiki"].activities == 0

    fy2024 = {f.program.code: f for f in selectors.program_figures(ken, year=2024)}
    assert (fy2024["kaigo-yobou"].participants, fy2024["kaigo-yobou"].people_trained) == (100, 9)

    south = Area.objects.get(code="south")  # the childcare centre is in 日永 (south)
    by_area = {f.program.code: f for f in selectors.program_figures(ken, year=2025, area=south)}
    assert by_area["kaigo-yobou"].activities == 0
    assert by_area["kosodate-kyoten"].participants == 7


def test_nobody_outside_the_readers_gets_figures(community, kazuko, osamu):
    assert selectors.program_figures(kazuko, year=2025) == []
    assert selectors.program_figures(osamu, year=2025) == []
