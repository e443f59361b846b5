"""In-app notifications for referrals and escalations, and the daily jobs (django-tasks)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from yorisoi.front.tasks import build_daily_digests
from yorisoi.intake import services
from yorisoi.intake.models import Referral
from yorisoi.intake.tasks import flag_overdue_referrals
from yorisoi.intake.tests.test_outcomes import consult
from yorisoi.intake.tests.test_referrals import send
from yorisoi.notifications.models import Digest, Kind, Notification
from yorisoi.work.selectors import today_list


def _kinds(user):
    return sorted(user.notifications.values_list("kind", flat=True))


def test_a_new_referral_is_announced_to_the_receiving_agency(hana, saki, masaki):
    send(hana, consult(hana), saki.agency)
    assert _kinds(saki) == [Kind.REFERRAL_RECEIVED]
    assert _kinds(hana) == _kinds(masaki) == []


def test_a_decline_reaches_the_sender_and_the_coordinator_at_once(hana, masaki, saki, ichiro):
    referral = send(hana, consult(hana), saki.agency)
    services.referral_decline(actor=saki, referral=referral, reason="対象外")
    for user in (hana, masaki, ichiro):
        assert _kinds(user) == [Kind.REFERRAL_DECLINED]


def test_an_escalation_is_announced_to_the_coordinating_division(hana, ichiro):
    services.consultation_escalate(actor=hana, consultation=consult(hana), version=1)
    assert _kinds(ichiro) == [Kind.ESCALATION_RECEIVED]


def test_overdue_referrals_are_announced_once(hana, saki, ichiro, settings):
    settings.YORISOI_REFERRAL_PENDING_BUSINESS_DAYS = 3
    referral = send(hana, consult(hana), saki.agency)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.make_aware(dt.datetime(2026, 4, 30, 10, 0))
    )
    assert flag_overdue_referrals.call(day="2026-05-08") == 0  # Golden Week does not count
    assert flag_overdue_referrals.call(day="2026-05-11") == 3  # saki, hana, ichiro
    assert flag_overdue_referrals.call(day="2026-05-12") == 0  # never twice
    assert Kind.REFERRAL_OVERDUE in _kinds(ichiro)


def test_daily_digest_counts_the_today_list(hana, saki):
    send(hana, consult(hana), saki.agency)
    day = timezone.localdate()
    build_daily_digests.call(day=day.isoformat())
    digest = Digest.objects.get(recipient=saki, day=day)
    # The same counts as the tabs of saki's home page (今日やること): one referral to answer.
    assert digest.counts["referrals"] == 1 and digest.counts["all"] == 1
    assert digest.counts["unread"] == 1
    assert {k: n for k, _label, n in today_list(saki).tabs} == {
        k: n for k, n in digest.counts.items() if k != "unread"
    }
    build_daily_digests.call(day=day.isoformat())  # idempotent
    assert Digest.objects.filter(recipient=saki).count() == 1


# The worker closes database connections between jobs, as a long-running process should; that
# needs a real (transactional) test database rather than one test-wide transaction.
@pytest.mark.django_db(transaction=True)
def test_daily_jobs_go_through_the_database_queue(hana, settings, tmp_path):
    settings.YORISOI_AUDIT_ANCHOR_DIR = tmp_path  # the audit anchor is a file: not in the repo
    call_command("enqueue_daily_jobs")
    # incl. 名寄せ scoring and the audit chain's anchor
    assert DBTaskResult.objects.filter(status="READY").count() == 6
    call_command("db_worker", batch=True, no_startup_delay=True)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 6
    assert (tmp_path / "audit-anchors.jsonl").exists()


def test_notifications_hold_no_personal_data(hana, saki):
    send(hana, consult(hana, summary="山田さんのこと"), saki.agency)
    fields = {f.name for f in Notification._meta.get_fields()}
    assert not fields & {"summary", "message", "text", "name"}


def test_each_user_sees_and_marks_only_their_own(hana, saki):
    from django.urls import reverse

    from yorisoi.testing import client_for

    send(hana, consult(hana), saki.agency)
    mine = saki.notifications.get()
    assert (
        "新しいつなぎが届きました"
        in client_for(saki).get(reverse("notifications:list")).content.decode()
    )
    assert (
        "新しいつなぎ" not in client_for(hana).get(reverse("notifications:list")).content.decode()
    )
    client_for(hana).post(reverse("notifications:mark_read"), {"id": [mine.pk]})
    mine.refresh_from_db()
    assert mine.read_at is None
    client_for(saki).post(reverse("notifications:mark_read"), {"id": [mine.pk]})
    mine.refresh_from_db()
    assert mine.read_at is not None
