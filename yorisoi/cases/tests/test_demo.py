"""The plan's worked examples as demo cases (load_demo): built through the services."""

from io import StringIO

from django.core.management import call_command

from yorisoi import access
from yorisoi.accounts.models import User
from yorisoi.cases import demo
from yorisoi.cases.models import Case, CaseStatus


def _load():
    call_command("load_demo", households=0, history_per_year=0, stdout=StringIO())


def test_both_worked_examples_load_once_and_obey_the_rules(master):
    _load()
    _load()
    first = Case.objects.get(title=demo.EXAMPLE_1)
    second = Case.objects.get(title=demo.EXAMPLE_2)
    assert Case.objects.count() == 2
    assert first.status == CaseStatus.SUPPORT and first.plans.count() == 1
    assert {a.agency.code for a in first.plans.get().actions.all()} == set(demo.ROLES_1)
    houkatsu, minsei, disability = (
        User.objects.get(username=u) for u in ("houkatsu", "minsei", "disability")
    )
    assert access.case_basis(houkatsu, first) == "consent"
    # Example 2: a 支援会議 without consent; the 委託相談支援事業所 pledged, the 民生委員 not yet.
    assert access.case_basis(disability, second) == "art106_6_meeting"
    assert access.case_basis(minsei, second) is None
    assert not second.consents.exists()
