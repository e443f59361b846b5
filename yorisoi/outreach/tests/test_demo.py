"""Worked example 2's outreach as demo data: visits until face-to-face, on the demo case."""

from io import StringIO

import pytest
from django.core.management import call_command

from yorisoi import access
from yorisoi.accounts.models import User
from yorisoi.cases import demo as cases_demo
from yorisoi.cases.models import Case
from yorisoi.outreach import demo
from yorisoi.outreach.models import OutreachTarget, Stage

pytestmark = pytest.mark.django_db


def test_example_2_outreach_attaches_to_the_demo_case_and_loads_once(master):
    out = StringIO()
    call_command("load_demo", households=0, history_per_year=0, stdout=out)  # load_demo builds it
    assert "アウトリーチの事例: 1 件作成" in out.getvalue()
    assert demo.generate_outreach(1) == 0
    target = OutreachTarget.objects.get()
    case = Case.objects.get(title=cases_demo.EXAMPLE_2)
    assert target.case == case and target.person is not None
    assert target.stage == Stage.DIALOGUE
    outcomes = list(target.contacts.order_by("contacted_at").values_list("outcome", flat=True))
    assert outcomes == ["absent", "note_left", "through_door", "face_to_face"]
    assert {a.code for c in target.contacts.all() for a in c.agencies.all()} == {
        "itaku-soudan-01",
        "minsei-iin-tomisuhara",
    }
    coordinator, minsei = (
        User.objects.get(username="coordinator"),
        User.objects.get(username="minsei"),
    )
    assert access.outreach_access(coordinator, target).basis == "coordinator"
    assert not access.outreach_access(minsei, target).read
