"""The demo's evaluation (load_demo): three past fiscal years of fictional records and last
year's targets, so that a newcomer's dashboard shows figures, trends and targets; once."""

from io import StringIO

import pytest
from django.core.management import call_command

from yorisoi.evaluation import periods, selectors
from yorisoi.evaluation.models import Target
from yorisoi.intake.models import Consultation

pytestmark = pytest.mark.django_db


def test_load_demo_writes_three_past_years_and_last_years_targets_once(master, ichiro):
    out = StringIO()
    call_command("load_demo", households=0, history_per_year=60, stdout=out)
    assert "評価用の過去3年度の記録: 相談 180 件作成" in out.getvalue()
    last = periods.current_fiscal_year().previous(1)[0]
    board = {
        line.indicator.code: line
        for _g, lines in selectors.dashboard(ichiro, last).groups
        for line in lines
    }
    assert board["consultations"].cell.value == 60
    assert [cell.value for _p, cell in board["consultations"].trend[-3:]] == [60, 60, 60]
    assert board["consultations"].target is not None and board["consultations"].met is not None
    assert Target.objects.filter(fiscal_year=last.start.year).count() >= 5

    call_command("load_demo", households=0, history_per_year=60, stdout=StringIO())
    past = Consultation.objects.filter(received_at__date__lt=periods.current_fiscal_year().start)
    assert past.count() == 180
    # Past years are over: nothing of them waits in a queue.
    assert not past.filter(closed_at__isnull=True).exists()
