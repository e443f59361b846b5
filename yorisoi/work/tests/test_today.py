"""今日やること: one list, each thing once, most pressing first; tabs and counts; the policy
decides what a line may say (R6); a constant number of queries; the API says the same."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.front.navigation import items_for
from yorisoi.intake import services as intake
from yorisoi.intake.models import Consultation, Referral
from yorisoi.intake.tests.test_api import api_client
from yorisoi.intake.tests.test_outcomes import consult
from yorisoi.intake.tests.test_referrals import send
from yorisoi.testing import PersonFactory, client_for
from yorisoi.work.models import WorkItem
from yorisoi.work.refresh import derive_all, refresh_consultation, table_rows
from yorisoi.work.selectors import due_count, today_list

pytestmark = pytest.mark.django_db


def _dated(consultation, *, days):
    """Move a consultation's next action (as if recorded `days` from today)."""
    Consultation.objects.filter(pk=consultation.pk).update(
        next_action_on=timezone.localdate() + timedelta(days=days)
    )
    refresh_consultation(Consultation.objects.get(pk=consultation.pk))


def test_the_list_ranks_by_due_date_then_urgency(hana):
    later = consult(hana, summary="来週でよい")
    _dated(later, days=5)
    normal = consult(hana, summary="今日の通常")
    urgent = consult(hana, summary="今日の緊急", urgency="urgent")
    overdue = consult(hana, summary="先週から")
    _dated(overdue, days=-3)
    listing = today_list(hana)
    assert [i.consultation_id for i in listing.items] == [
        overdue.pk, urgent.pk, normal.pk, later.pk,
    ]  # fmt: skip
    first = listing.items[0]
    assert first.why == "3日超過" and first.overdue_days == 3
    assert listing.items[1].why == "今日が期限" and listing.items[1].urgency == "緊急"
    assert dict((k, n) for k, _l, n in listing.tabs)["overdue"] == 1


def test_each_thing_is_listed_once_with_its_most_pressing_reason(hana, saki):
    c = consult(hana)
    intake.referral_decline(actor=saki, referral=send(hana, c, saki.agency), reason="対象外")
    (item,) = today_list(hana).items
    assert item.kind == "declined_returned" and "理由: 対象外" in item.what


def test_the_coordinator_has_more_tabs_and_sees_only_outlines_between_other_agencies(
    hana, tomoko, ichiro
):
    person = PersonFactory(agency=hana.agency, family_name="秘匿川", given_name="守")
    c = consult(hana, summary="近所から相談（秘密）", person=person)
    r = send(hana, c, tomoko.agency)
    Referral.objects.filter(pk=r.pk).update(sent_at=timezone.now() - timedelta(days=21))
    refresh_consultation(c)
    assert "escalations" not in dict((k, n) for k, _l, n in today_list(hana).tabs)
    listing = today_list(ichiro, tab="overdue")
    assert {k for k, _l, _n in listing.tabs} >= {"escalations", "declines", "pass_around"}
    (item,) = listing.items
    assert item.outline and item.url is None and item.consultation_id is None
    assert item.who == f"{hana.agency} → {tomoko.agency}"
    assert "日超過" in item.why and "秘匿川" not in str(vars(item))
    page = client_for(ichiro).get(reverse("front:home"), {"tab": "overdue"}).content.decode()
    assert "秘匿川" not in page and "秘密" not in page and str(c.pk) not in page
    body = api_client(ichiro).get("/api/v1/today", {"tab": "overdue"}).json()
    assert "秘匿川" not in str(body) and body["items"][0]["consultation_id"] is None
    # Other agencies: not at all.
    with pytest.raises(ValueError):
        today_list(hana, tab="escalations")
    assert api_client(hana).get("/api/v1/today", {"tab": "escalations"}).status_code == 404


def _page_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _items(hana, saki, n):
    for i in range(n):
        c = consult(hana, person=PersonFactory(agency=hana.agency) if i % 2 else None)
        if i % 3 == 0:
            send(hana, c, saki.agency)


def test_the_home_page_and_the_api_cost_the_same_for_5_or_50_items(hana, saki, ichiro):
    _items(hana, saki, 5)
    counts5 = {
        u.username: (
            _page_queries(client_for(u), "/"),
            _page_queries(api_client(u), "/api/v1/today"),
        )
        for u in (hana, saki, ichiro)
    }
    _items(hana, saki, 45)
    counts50 = {
        u.username: (
            _page_queries(client_for(u), "/"),
            _page_queries(api_client(u), "/api/v1/today"),
        )
        for u in (hana, saki, ichiro)
    }
    assert counts50 == counts5


def test_the_menu_badge_counts_what_is_due_and_costs_nothing_without_a_work_list(
    hana, ken, osamu, kazuko, django_assert_num_queries
):
    consult(hana)
    _dated(consult(hana), days=4)
    assert due_count(hana) == 1
    (home, *_rest) = items_for(hana, "front:home")
    assert home["badge"] == 1
    for user in (ken, osamu, kazuko):
        with django_assert_num_queries(0):
            assert due_count(user) == 0
    html = client_for(hana).get("/").content.decode()
    assert 'class="nav-badge"' in html


def test_the_page_and_the_api_audit_each_row_under_its_basis(hana, saki):
    c = consult(hana)
    send(hana, consult(hana), saki.agency)
    client_for(hana).get("/")
    api_client(hana).get("/api/v1/today")
    events = AuditEvent.objects.filter(action="consultation.queue_viewed", actor=hana)
    assert events.count() == 2
    assert all(str(c.pk) in e.data["ids"] and e.basis == "own_agency" for e in events)


def test_the_api_pages_and_counts_like_the_screen(hana):
    for _ in range(7):
        consult(hana)
    body = api_client(hana).get("/api/v1/today", {"page_size": 5, "page": 2}).json()
    assert body["count"] == 7 and len(body["items"]) == 2 and body["counts"]["new"] == 7
    assert body["items"][0]["why"] == "今日が期限"


def test_the_migration_fills_the_table_for_existing_records(hana, saki):
    send(hana, consult(hana), saki.agency)
    expected = table_rows()
    WorkItem.objects.all().delete()
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(("work", "0002_fill_from_records"))
    migration = executor.loader.get_migration("work", "0002_fill_from_records")
    migration.operations[0].code(state.apps, None)
    assert table_rows() == expected == set(derive_all())


def test_the_earlier_queue_endpoint_is_marked_deprecated_and_names_its_successor(client):
    """Integrations read the OpenAPI: the old sections endpoint says where the list went."""
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/queue"]["get"]
    assert operation["deprecated"] is True
    assert "/api/v1/today" in operation["summary"]
    assert (
        "deprecated"
        not in client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/today"]["get"]
    )
