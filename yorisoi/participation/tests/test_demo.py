"""The demo hook: worked example 2's participation, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from yorisoi.participation import demo
from yorisoi.participation.models import FollowUp, Placement

pytestmark = pytest.mark.django_db


def test_demo_creates_example_2s_placement_once(master):
    out = StringIO()
    call_command("load_demo", households=3, history_per_year=0, stdout=out)  # load_demo builds it
    assert "参加支援の事例: 1 件作成" in out.getvalue()
    placement = Placement.objects.get()
    assert placement.status == "started"
    assert FollowUp.objects.filter(placement=placement).count() == 3
    assert demo.generate_participation() == 0
