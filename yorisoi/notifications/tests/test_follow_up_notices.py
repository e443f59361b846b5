"""R8: a participation follow-up due today becomes an in-app notice for the caseworkers of the
need's responsible agency, once, and the notice opens the need only to those who may read it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from yorisoi.notifications.models import Kind, Notification
from yorisoi.participation import services as participation
from yorisoi.participation.models import FollowUpStatus
from yorisoi.participation.tasks import remind_follow_ups
from yorisoi.participation.tests.world import need, six_resources
from yorisoi.testing import client_for

pytestmark = pytest.mark.django_db


def _started(actor, *, days_ago=14):
    """A placement at ひだまりの会 that started `days_ago` days ago (first follow-up at 14)."""
    placement = participation.placement_propose(
        actor=actor, need=need(actor), service=six_resources()["hidamari"]
    )
    placement = participation.placement_contact(actor=actor, placement=placement)
    return participation.placement_start(
        actor=actor, placement=placement, on=timezone.localdate() - timedelta(days=days_ago)
    )


def _run(day=None):
    return remind_follow_ups.call(day=(day or timezone.localdate()).isoformat())


def _notices(user):
    return list(user.notifications.filter(kind=Kind.FOLLOW_UP_DUE))


def test_a_follow_up_due_today_reaches_each_caseworker_of_the_responsible_agency_once(
    hana, masaki, ichiro, saki
):
    placement = _started(hana)
    due = placement.follow_ups.get(due_on=timezone.localdate())
    assert _run() == 2  # hana and masaki (same home-care support centre)
    for user in (hana, masaki):
        [notice] = _notices(user)
        assert notice.follow_up == due
    assert _notices(saki) == [] and _notices(ichiro) == []  # other agencies hear nothing


def test_a_second_run_the_same_day_creates_nothing(hana, masaki):
    _started(hana)
    assert _run() == 2
    assert _run() == 0
    assert Notification.objects.filter(kind=Kind.FOLLOW_UP_DUE).count() == 2


def test_the_database_refuses_a_second_notice_for_the_same_follow_up(hana):
    follow_up = _started(hana).follow_ups.get(due_on=timezone.localdate())
    Notification.objects.create(recipient=hana, kind=Kind.FOLLOW_UP_DUE, follow_up=follow_up)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=hana, kind=Kind.FOLLOW_UP_DUE, follow_up=follow_up)


def test_settled_and_ended_placements_give_no_notice(hana, masaki):
    settled = _started(hana)
    participation.placement_settle(actor=hana, placement=settled)
    ended = _started(hana)
    participation.placement_end(actor=hana, placement=ended, reason="本人が通うのをやめた")
    for placement in (settled, ended):
        today = placement.follow_ups.get(due_on=timezone.localdate())
        assert today.status == FollowUpStatus.CANCELLED
    assert _run() == 0
    assert not Notification.objects.filter(kind=Kind.FOLLOW_UP_DUE).exists()


def test_a_done_follow_up_gives_no_notice(hana):
    follow_up = _started(hana).follow_ups.get(due_on=timezone.localdate())
    participation.follow_up_done(actor=hana, follow_up=follow_up, outcome="going_well")
    assert _run() == 0


def test_a_follow_up_due_tomorrow_gives_none_today(hana, masaki):
    _started(hana, days_ago=13)
    assert _run() == 0
    assert _run(timezone.localdate() + timedelta(days=1)) == 2


def test_the_notice_links_to_the_need_which_opens_only_to_those_who_may_read_it(hana, saki):
    placement = _started(hana)
    _run()
    link = reverse("participation:need_detail", args=[placement.need_id])
    page = client_for(hana).get(reverse("notifications:list")).content.decode()
    assert "参加支援のフォローアップ日です" in page
    assert f'href="{link}"' in page
    # The notice names a kind and links; no personal data (the person is 川村 景子).
    assert "川村" not in page and "景子" not in page
    assert client_for(hana).get(link).status_code == 200
    assert client_for(saki).get(link).status_code == 404
    assert "参加支援のフォローアップ" not in (
        client_for(saki).get(reverse("notifications:list")).content.decode()
    )


def test_the_api_lists_the_new_kind_with_the_need_to_open(hana, saki):
    placement = _started(hana)
    _run()
    body = client_for(hana).get("/api/v1/notifications?unread=true").json()
    due = placement.follow_ups.get(due_on=timezone.localdate())
    assert [
        (n["kind"], n["kind_label"], n["follow_up_id"], n["participation_need_id"])
        for n in body["items"]
    ] == [("follow_up_due", "参加支援のフォローアップ日です", str(due.pk), str(placement.need_id))]
    need_url = f"/api/v1/participation/needs/{placement.need_id}"
    assert client_for(hana).get(need_url).status_code == 200
    assert client_for(saki).get(need_url).status_code == 404
    assert client_for(saki).get("/api/v1/notifications").json()["count"] == 0


def test_the_api_schema_names_the_new_kind(client):
    schema = client.get("/api/v1/openapi.json").json()
    out = schema["components"]["schemas"]["NotificationOut"]["properties"]
    assert "follow_up_due" in out["kind"]["description"]
    assert {"follow_up_id", "participation_need_id"} <= set(out)


def test_enqueue_daily_jobs_puts_the_follow_up_reminder_in_the_queue(hana):
    call_command("enqueue_daily_jobs")
    paths = set(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))
    assert "yorisoi.participation.tasks.remind_follow_ups" in paths
