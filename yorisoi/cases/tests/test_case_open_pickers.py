"""Opening a case chooses people and a household through pickers, not a multi-select of every
visible person (issue 14): the page stays small however many people there are, a chosen id is
still checked against the policy (R6), the form works without script, and the lead agency is
chosen from a select grouped by agency kind."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.models import Case
from yorisoi.cases.tests.world import escalated
from yorisoi.testing import PersonFactory, client_for

URL = reverse("cases:case_open")


def _post(ichiro, **fields):
    data = {
        "title": "新しいケース",
        "lead_agency": ichiro.agency_id,
        "next_action_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        **fields,
    }
    return client_for(ichiro).post(URL, data)


def test_the_open_form_does_not_list_every_person(ichiro):
    for _ in range(150):
        PersonFactory(agency=ichiro.agency)
    html = client_for(ichiro).get(URL).content.decode()
    assert 'name="persons"' not in html  # nobody is chosen yet, and nobody is listed
    assert html.count("<option") < 150  # the agencies only
    assert len(html) < 60_000


def test_a_person_chosen_in_the_picker_becomes_the_subject(ichiro):
    person = PersonFactory(agency=ichiro.agency)
    response = _post(ichiro, persons=[person.pk])
    case = Case.objects.get()
    assert response.status_code == 302
    assert list(case.subjects.values_list("person", flat=True)) == [person.pk]


def test_a_forged_id_of_a_person_the_user_may_not_see_is_refused(ichiro, saki):
    hidden = PersonFactory(agency=saki.agency, family_name="隠田", family_name_kana="カクシダ")
    response = _post(ichiro, persons=[hidden.pk])
    assert response.status_code == 422
    assert not Case.objects.exists()
    html = response.content.decode()
    assert "隠田" not in html


def test_without_script_the_search_button_shows_matches_in_the_form(ichiro, saki):
    own = PersonFactory(agency=ichiro.agency, family_name="山川", family_name_kana="ヤマカワ")
    hidden = PersonFactory(agency=saki.agency, family_name="山川", family_name_kana="ヤマカワ")
    response = _post(ichiro, _picker="persons", persons__q="やまかわ", title="")
    html = response.content.decode()
    assert response.status_code == 200
    assert not Case.objects.exists()
    assert f'name="persons" value="{own.pk}"' in html
    assert str(hidden.pk) not in html
    assert "field--error" not in html  # not a submission: nothing is wrong yet


def test_the_chosen_household_keeps_its_label_after_an_error(hana, ichiro):
    consultation = escalated(hana)
    html = _post(ichiro, household=consultation.household_id, title="").content.decode()
    assert re.search(rf'name="household" value="{consultation.household_id}" checked', html)
    assert "山川家（－・2人）" in html


def test_the_lead_agency_is_grouped_by_kind_with_a_filter(ichiro):
    html = client_for(ichiro).get(URL).content.decode()
    select = re.search(r'<select name="lead_agency".*?</select>', html, re.S).group(0)
    assert select.count("<optgroup") >= 3
    assert "data-filter-select" in select


def test_without_script_a_search_keeps_the_consultation_the_case_starts_from(hana, ichiro):
    consultation = escalated(hana)
    response = _post(ichiro, _picker="persons", persons__q="やま", consultation=consultation.pk)
    html = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "に受け付けた相談（多機関協働へ）からケースを開始します" in html
