"""R2: a referral's answer deadline (回答期限) and its office days waiting — one computation
(selectors.referral_deadline) for the consultation page, the work list and the API."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi.intake import queues, selectors, services
from yorisoi.intake.models import Referral
from yorisoi.intake.tests.test_api import api_client
from yorisoi.intake.tests.test_outcomes import consult
from yorisoi.intake.tests.test_referrals import send
from yorisoi.testing import client_for


def _sent(day: date, *, status="pending", answered: date | None = None) -> Referral:
    at = timezone.make_aware(datetime.combine(day, time(10, 0)))
    done = timezone.make_aware(datetime.combine(answered, time(15, 0))) if answered else None
    return Referral(sent_at=at, status=status, answered_at=done)


@pytest.fixture(autouse=True)
def three_office_days(settings):
    settings.YORISOI_REFERRAL_PENDING_BUSINESS_DAYS = 3


def test_due_three_office_days_after_sending_on_a_monday():
    deadline = selectors.referral_deadline(_sent(date(2026, 12, 7)), today=date(2026, 12, 8))
    assert deadline.due_on == date(2026, 12, 10)
    assert (deadline.office_days_waiting, deadline.office_days_left) == (1, 2)
    assert not deadline.overdue and deadline.office_days_over == 0


def test_the_weekend_is_not_counted():
    friday = _sent(date(2026, 12, 4))
    assert selectors.referral_deadline(friday, today=date(2026, 12, 6)).office_days_waiting == 0
    assert selectors.referral_deadline(friday, today=date(2026, 12, 8)).due_on == date(2026, 12, 9)


def test_a_public_holiday_is_not_counted():
    # 2026-11-23 (Mon) is 勤労感謝の日: sent on Friday 20th, the three office days are 24–26.
    deadline = selectors.referral_deadline(_sent(date(2026, 11, 20)), today=date(2026, 11, 23))
    assert deadline.due_on == date(2026, 11, 26)
    assert deadline.office_days_waiting == 0


def test_the_year_end_closure_is_not_counted():
    # 12/29–1/3 is closed (business_days.DEFAULT_CLOSED_DAYS): sent on 28 December.
    deadline = selectors.referral_deadline(_sent(date(2026, 12, 28)), today=date(2027, 1, 4))
    assert deadline.due_on == date(2027, 1, 6)
    assert deadline.office_days_waiting == 1


def test_sent_on_a_closed_day_counts_from_the_next_office_day():
    saturday = _sent(date(2026, 12, 5))
    assert selectors.referral_deadline(saturday, today=date(2026, 12, 7)).office_days_waiting == 1
    assert selectors.referral_deadline(saturday, today=date(2026, 12, 7)).due_on == date(
        2026, 12, 9
    )


def test_past_the_deadline_it_counts_the_office_days_over():
    referral = _sent(date(2026, 12, 1))  # Tuesday: due Friday the 4th
    on_the_day = selectors.referral_deadline(referral, today=date(2026, 12, 4))
    assert on_the_day.due_on == date(2026, 12, 4) and not on_the_day.overdue
    after = selectors.referral_deadline(referral, today=date(2026, 12, 8))
    assert after.overdue and after.office_days_over == 2 and after.office_days_waiting == 5


def test_an_answered_referral_counts_until_its_answer_and_is_never_overdue():
    late = _sent(date(2026, 12, 1), status="declined", answered=date(2026, 12, 9))
    deadline = selectors.referral_deadline(late, today=date(2026, 12, 20))
    assert deadline.office_days_waiting == 6
    assert not deadline.overdue and deadline.due_on == date(2026, 12, 4)


def test_the_deadline_agrees_with_the_queue_and_the_overdue_rule():
    """The coordinator's overdue list (a cut-off time) and the deadline say the same thing."""
    today = date(2026, 12, 8)
    cutoff = queues.overdue_cutoff(today)
    for back in range(0, 15):
        referral = _sent(today - timedelta(days=back))
        deadline = selectors.referral_deadline(referral, today=today)
        assert deadline.overdue == (referral.sent_at < cutoff) == (today > deadline.due_on)
        assert selectors.referral_is_overdue(referral, today=today) == deadline.overdue


def _waiting_referral(hana, saki, days_ago: int):
    consultation = consult(hana)
    referral = send(hana, consultation, saki.agency)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - timedelta(days=days_ago)
    )
    referral.refresh_from_db()
    return consultation, referral


def test_the_consultation_page_and_the_queue_show_the_deadline(hana, saki):
    consultation, referral = _waiting_referral(hana, saki, days_ago=0)
    deadline = selectors.referral_deadline(referral)
    due = deadline.due_on.isoformat()
    page = client_for(saki).get(reverse("intake:consultation_detail", args=[consultation.pk]))
    html = page.content.decode()
    # Twice: in the chain of handoffs and above the answer buttons.
    assert html.count(f'<time datetime="{due}">') == 2
    assert "回答期限" in html and "0開庁日待ち" in html
    # 今日やること says the same deadline, counted down (work.derive.answer_due).
    queue = client_for(saki).get(reverse("front:queue")).content.decode()
    assert f"期限 {due}" in queue and "回答期限まであと" in queue


def test_an_overdue_referral_says_by_how_many_office_days(hana, saki):
    consultation, referral = _waiting_referral(hana, saki, days_ago=12)
    deadline = selectors.referral_deadline(referral)
    assert deadline.overdue
    page = client_for(hana).get(reverse("intake:consultation_detail", args=[consultation.pk]))
    assert f"期限を{deadline.office_days_over}開庁日超過" in page.content.decode()


def test_the_api_gives_the_same_deadline(hana, saki):
    consultation, referral = _waiting_referral(hana, saki, days_ago=6)
    deadline = selectors.referral_deadline(referral)
    body = api_client(hana).get(f"/api/v1/consultations/{consultation.pk}").json()
    (row,) = body["referrals"]
    assert row["answer_due_on"] == deadline.due_on.isoformat()
    assert row["office_days_waiting"] == deadline.office_days_waiting
    queue = api_client(saki).get("/api/v1/queue").json()
    (waiting,) = queue["to_answer"]
    assert waiting["answer_due_on"] == deadline.due_on.isoformat()
    assert waiting["days_waiting"] == deadline.office_days_waiting
    # Once answered, it counts the office days until the answer.
    answered = services.referral_accept(actor=saki, referral=referral)
    row = api_client(hana).get(f"/api/v1/consultations/{consultation.pk}").json()["referrals"][0]
    assert row["office_days_waiting"] == selectors.referral_deadline(answered).office_days_waiting
