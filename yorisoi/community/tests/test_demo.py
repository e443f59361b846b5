"""demo.generate_activities: a year of fictional counts through the services, once."""

from yorisoi.community import demo, selectors
from yorisoi.community.models import Activity, Training


def test_a_year_of_demo_figures_is_added_once(community, ichiro):
    added = demo.generate_activities(seed=3, actor=ichiro)
    assert added == Activity.objects.count() > 300
    assert Training.objects.filter(name="ヘルスリーダー養成講座").exists()
    assert demo.generate_activities(seed=3, actor=ichiro) == 0
    year = selectors.current_fiscal_year()
    figures = selectors.program_figures(ichiro, year=year)
    assert all(f.activities > 0 for f in figures if f.sites)
