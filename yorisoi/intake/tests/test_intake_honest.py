"""An honest intake (受付), through both doors: the screen and POST /api/v1/consultations say
no, on the field, to an intake without an issue or its ◎, received in the future or whose next
action is already overdue; and the next-action date given at intake carries on to the outcome.
"""

import datetime as dt
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi.intake.models import Consultation, ConsultationIssue, Outcome
from yorisoi.intake.tests.test_api import CONSULTATION, api_client, field_errors, post
from yorisoi.testing import client_for

NEW = "intake:consultation_create"


def _today():
    return timezone.localdate()


def _screen_post(**overrides):
    today = _today()
    data = {
        "received_at": f"{today:%Y-%m-%d}T00:00",
        "channel": "phone",
        "consulter_type": "neighbour",
        "subject_note": "諏訪町の二階建て",
        "summary": "近所の高齢男性の様子が心配",
        "issues": ["care", "dementia"],
        "main_issue": "dementia",
        "urgency": "normal",
        "sharing_consent": "unconfirmed",
        "next_action_on": f"{today + dt.timedelta(days=3):%Y-%m-%d}",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _field_error(html, message):
    """The message shown as a field's error (not only in the summary at the top)."""
    return re.search(r'class="field__error"[^>]*>[^<]*' + re.escape(message), html)


def screen(user, **overrides):
    return client_for(user).post(reverse(NEW), _screen_post(**overrides))


def api(user, **overrides):
    body = {**CONSULTATION, **overrides}
    return post(
        api_client(user), "/consultations", {k: v for k, v in body.items() if v is not None}
    )


NO_ISSUE = "課題を1つ以上選んでください"
NO_MAIN = "いちばん大きいものに◎をつけてください"
FUTURE = "受付日時に未来の日時は入れられません。"
PAST = "次の対応予定日に過去の日付は入れられません。"


# --- at least one issue, unless resolved at intake -------------------------------------------


def test_the_screen_refuses_an_intake_without_an_issue(hana):
    response = screen(hana, issues=None, main_issue=None)
    assert response.status_code == 422
    assert NO_ISSUE in response.content.decode()
    assert not Consultation.objects.exists()


def test_the_api_refuses_an_intake_without_an_issue(hana):
    response = api(hana, issues=[], main_issue=None)
    assert response.status_code == 422
    assert NO_ISSUE in field_errors(response)["issues"]["message"]
    assert not Consultation.objects.exists()


def test_the_screen_takes_an_intake_resolved_there_without_an_issue(hana):
    response = screen(hana, issues=None, main_issue=None, outcome="resolved")
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.outcome == Outcome.RESOLVED and not consultation.is_open


def test_the_api_takes_an_intake_resolved_there_without_an_issue(hana):
    response = api(hana, issues=[], main_issue=None, resolved=True)
    assert response.status_code == 201, response.json()
    assert response.json()["outcome"] == "resolved"
    assert response.json()["closed_at"] is not None


# --- ◎ when issues are chosen ------------------------------------------------------------------


def test_the_screen_asks_for_the_main_issue(hana):
    response = screen(hana, main_issue="")
    assert response.status_code == 422
    assert NO_MAIN in response.content.decode()
    assert not Consultation.objects.exists()


def test_the_api_asks_for_the_main_issue(hana):
    response = api(hana, main_issue=None)
    assert response.status_code == 422
    assert NO_MAIN in field_errors(response)["main_issue"]["message"]
    assert not Consultation.objects.exists()


def test_the_screen_keeps_every_issue_chosen(hana):
    """The form normalises what was typed (kana, digits) value by value: a list of checked
    issues is not cut down to its last one."""
    response = screen(hana, issues=["dementia", "care", "isolation"], main_issue="care")
    assert response.status_code == 302
    chosen = ConsultationIssue.objects.values_list("issue__code", flat=True)
    assert sorted(chosen) == ["care", "dementia", "isolation"]


def _main_issue():
    return ConsultationIssue.objects.get(is_main=True).issue.code


def test_on_the_screen_a_single_issue_is_its_own_main_issue(hana):
    assert screen(hana, issues=["dementia"], main_issue="").status_code == 302
    assert _main_issue() == "dementia"


def test_in_the_api_a_single_issue_is_its_own_main_issue(hana):
    assert api(hana, issues=["dementia"], main_issue=None).status_code == 201
    assert _main_issue() == "dementia"


def test_a_main_issue_refused_on_the_screen_is_shown_on_its_checklist(hana):
    html = screen(hana, main_issue="").content.decode()
    checklist = re.search(r'<fieldset[^>]*id="id_issues"[^>]*>', html).group()
    assert 'aria-describedby="issues-help id_main_issue"' in checklist
    assert re.search(r'<p class="field__error" id="id_main_issue"[^>]*>[^<]*' + NO_MAIN, html)


# --- the received date is not in the future ----------------------------------------------------


def test_the_screen_refuses_a_received_date_in_the_future(hana):
    tomorrow = _today() + dt.timedelta(days=1)
    response = screen(hana, received_at=f"{tomorrow:%Y-%m-%d}T10:00")
    assert response.status_code == 422
    assert _field_error(response.content.decode(), FUTURE)
    assert not Consultation.objects.exists()


def test_the_api_refuses_a_received_date_in_the_future(hana):
    tomorrow = timezone.now() + dt.timedelta(days=1)
    response = api(hana, received_at=tomorrow.isoformat())
    assert response.status_code == 422
    assert field_errors(response)["received_at"]["message"] == FUTURE
    assert not Consultation.objects.exists()


def test_a_received_date_in_the_past_is_fine(hana):
    last_week = timezone.now() - dt.timedelta(days=7)
    assert api(hana, received_at=last_week.isoformat()).status_code == 201


# --- the next action is not already overdue ----------------------------------------------------


def test_the_screen_refuses_a_next_action_date_in_the_past(hana):
    yesterday = _today() - dt.timedelta(days=1)
    response = screen(hana, next_action_on=f"{yesterday:%Y-%m-%d}")
    assert response.status_code == 422
    assert _field_error(response.content.decode(), PAST)
    assert not Consultation.objects.exists()


def test_the_api_refuses_a_next_action_date_in_the_past(hana):
    yesterday = _today() - dt.timedelta(days=1)
    response = api(hana, next_action_on=f"{yesterday:%Y-%m-%d}")
    assert response.status_code == 422
    assert PAST in field_errors(response)["next_action_on"]["message"]
    assert not Consultation.objects.exists()


def test_today_is_a_next_action_date(hana):
    assert api(hana, next_action_on=f"{_today():%Y-%m-%d}").status_code == 201


def test_the_api_answers_every_mistake_at_once(hana):
    response = api(
        hana,
        issues=["care", "dementia"],
        main_issue=None,
        next_action_on="2000-01-01",
        channel="telepathy",
    )
    assert response.status_code == 422
    assert {"main_issue", "next_action_on", "channel"} <= set(field_errors(response))


# --- the next-action date carries on to the outcome --------------------------------------------


@pytest.fixture
def in_a_week():
    return _today() + dt.timedelta(days=7)


def test_the_screen_outcome_step_offers_the_date_given_at_intake(hana, in_a_week):
    assert screen(hana, next_action_on=f"{in_a_week:%Y-%m-%d}").status_code == 302
    consultation = Consultation.objects.get()
    page = client_for(hana).get(reverse("intake:consultation_detail", args=[consultation.pk]))
    outcome_form = page.content.decode().split('id="outcome-heading"')[1].split("</form>")[0]
    assert f'value="{in_a_week:%Y-%m-%d}"' in outcome_form
    response = client_for(hana).post(
        reverse("intake:consultation_outcome", args=[consultation.pk]),
        {"action": "continue", "version": consultation.version, "next_action_on": f"{in_a_week}"},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.outcome, consultation.next_action_on) == (Outcome.CONTINUED, in_a_week)


def test_the_api_outcome_step_keeps_the_date_given_at_intake(hana, in_a_week):
    client = api_client(hana)
    created = post(client, "/consultations", {**CONSULTATION, "next_action_on": f"{in_a_week}"})
    assert created.status_code == 201
    body = created.json()
    response = post(client, f"/consultations/{body['id']}/continue", {"version": body["version"]})
    assert response.status_code == 200, response.json()
    assert (response.json()["outcome"], response.json()["next_action_on"]) == (
        "continued",
        f"{in_a_week}",
    )


def test_the_outcome_continued_at_intake_keeps_the_date_given_there(hana, in_a_week):
    response = screen(hana, outcome="continued", next_action_on=f"{in_a_week:%Y-%m-%d}")
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert (consultation.outcome, consultation.next_action_on) == (Outcome.CONTINUED, in_a_week)
    assert consultation.is_open


def test_the_api_records_the_outcome_decided_at_intake(hana, in_a_week):
    response = api(hana, outcome="continued", next_action_on=f"{in_a_week}")
    assert response.status_code == 201, response.json()
    assert (response.json()["outcome"], response.json()["next_action_on"]) == (
        "continued",
        f"{in_a_week}",
    )


def test_escalated_at_intake_the_coordinating_division_holds_it(hana):
    assert screen(hana, outcome="escalated").status_code == 302
    consultation = Consultation.objects.select_related("responsible_agency").get()
    assert consultation.outcome == Outcome.ESCALATED
    assert consultation.responsible_agency.kind.coordinating


def test_an_outcome_that_does_not_exist_is_refused_on_both_doors(hana):
    assert screen(hana, outcome="refused").status_code == 422  # R1: there is no refusal
    response = api(hana, outcome="refused")
    assert response.status_code == 422
    assert "outcome" in field_errors(response)
    assert not Consultation.objects.exists()


def test_the_screen_outcome_step_takes_a_date_set_at_intake_that_has_since_passed(hana):
    """A next action due today, recorded at intake; the outcome is recorded days later. The
    date it offers is the one given at intake, and continuing with it is not refused."""
    assert screen(hana, next_action_on=f"{_today():%Y-%m-%d}").status_code == 302
    consultation = Consultation.objects.get()
    later = timezone.now() + dt.timedelta(days=3)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client_for(hana).post(
            reverse("intake:consultation_outcome", args=[consultation.pk]),
            {"action": "continue", "version": consultation.version, "next_action_on": ""},
        )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.outcome, consultation.next_action_on) == (Outcome.CONTINUED, _today())


# --- what the form offers ----------------------------------------------------------------------


def test_the_form_offers_a_next_action_a_week_ahead_and_the_users_last_channel(hana, settings):
    settings.YORISOI_INTAKE_NEXT_ACTION_DAYS = 7
    html = client_for(hana).get(reverse(NEW)).content.decode()
    week = f"{_today() + dt.timedelta(days=7):%Y-%m-%d}"
    assert re.search(r'<input type="date" name="next_action_on" value="' + week, html)
    assert not re.search(r'<option value="phone" selected>', html)  # nothing taken yet
    assert screen(hana, channel="phone").status_code == 302
    html = client_for(hana).get(reverse(NEW)).content.decode()
    assert re.search(r'<option value="phone" selected>', html)


def test_the_form_starts_at_the_person_search(hana):
    html = client_for(hana).get(reverse(NEW)).content.decode()
    assert re.search(r'<input type="search" id="person-q"[^>]*autofocus', html)


# --- the consulter's name as typed, and limits said rather than cut ------------------------------


def test_the_consulters_name_in_half_width_kana_is_stored_full_width_on_both_doors(hana):
    assert screen(hana, consulter_name="ﾄﾅﾘﾉ ｽｽﾞｷ").status_code == 302
    assert api(hana, consulter_name="ﾄﾅﾘﾉ ｽｽﾞｷ").status_code == 201
    assert set(Consultation.objects.values_list("consulter_name", flat=True)) == {"トナリノ スズキ"}


def test_the_consulters_phone_in_full_width_digits_is_stored_in_ascii_on_both_doors(hana):
    assert screen(hana, consulter_contact="０５９－３５４－１１１１").status_code == 302
    assert api(hana, consulter_contact="０５９－３５４－１１１１").status_code == 201
    assert set(Consultation.objects.values_list("consulter_contact", flat=True)) == {"059-354-1111"}


def test_the_intake_form_says_its_limits_and_refuses_past_them(hana):
    html = client_for(hana).get(reverse(NEW)).content.decode()
    name_input = re.search(r'<input[^>]*name="consulter_name"[^>]*>', html).group()
    assert "maxlength" not in name_input
    assert "100文字以内" in html
    response = screen(hana, consulter_name="鈴" * 101)
    assert response.status_code == 422
    assert "相談者の氏名は100文字以内で入力してください" in response.content.decode()
    assert not Consultation.objects.exists()
