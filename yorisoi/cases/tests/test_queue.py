"""R3 for cases in "my queue": due cases for the lead agency, meeting action items for the
agency that owns them, gone once done or closed; never a case the user may not read."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from yorisoi.cases import services
from yorisoi.cases.tests.world import agency, consent_all, open_case, schedule
from yorisoi.testing import client_for


def _queue(user, section=None):
    url = reverse("front:queue") + (f"?section={section}" if section else "")
    return client_for(user).get(url).content.decode()


def _support_meeting(ichiro, case):
    return schedule(ichiro, case, "support_meeting", held_at=timezone.now(), place="市役所")


def test_a_due_case_waits_in_the_lead_agencys_queue(hana, ichiro):
    case = open_case(hana, ichiro)
    assert case.number not in _queue(ichiro)  # next action in three days
    services.case_update(
        actor=ichiro, case=case, version=case.version, next_action_on=timezone.localdate()
    )
    page = _queue(ichiro)
    assert case.number in page and case.title in page
    assert case.number not in _queue(hana)  # hana's agency does not lead it


def test_an_action_item_waits_for_its_owner_until_done(hana, ichiro, tomoko):
    case = open_case(hana, ichiro)
    services.involvement_add(
        actor=ichiro, case=case, agency=tomoko.agency, role="父の介護認定の調整"
    )
    consent_all(ichiro, case)
    meeting = _support_meeting(ichiro, case)
    item = services.action_item_add(
        actor=ichiro,
        meeting=meeting,
        description="介護認定の申請を手伝う",
        owner_agency=tomoko.agency,
        due_on=timezone.localdate() + timedelta(days=7),
    )
    assert "介護認定の申請を手伝う" in _queue(tomoko)
    assert "介護認定の申請を手伝う" in _queue(tomoko, section="case_actions")
    services.action_item_done(actor=tomoko, item=item)
    assert "介護認定の申請を手伝う" not in _queue(tomoko)


def test_an_action_item_on_a_case_the_owner_cannot_read_stays_out_of_its_queue(hana, ichiro, saki):
    """saki's agency is named as owner but is not involved with consent: no case content."""
    case = open_case(hana, ichiro)
    meeting = _support_meeting(ichiro, case)
    services.action_item_add(
        actor=ichiro,
        meeting=meeting,
        description="障害福祉サービスの情報を確認",
        owner_agency=agency("itaku-soudan-01"),
        due_on=timezone.localdate(),
    )
    assert "障害福祉サービスの情報を確認" not in _queue(saki)


def test_the_queue_keeps_its_query_count_with_more_cases(
    hana, ichiro, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        client = client_for(ichiro)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("front:queue")).status_code == 200
        return len(ctx)

    first = open_case(hana, ichiro)
    services.case_update(
        actor=ichiro, case=first, version=first.version, next_action_on=timezone.localdate()
    )
    one = count()
    for _ in range(4):
        case = open_case(hana, ichiro)
        services.case_update(
            actor=ichiro, case=case, version=case.version, next_action_on=timezone.localdate()
        )
    assert count() == one


def test_the_api_queue_lists_due_cases_and_action_items(hana, ichiro, tomoko):
    case = open_case(hana, ichiro)
    services.involvement_add(actor=ichiro, case=case, agency=tomoko.agency, role="父の支援")
    consent_all(ichiro, case)
    item = services.action_item_add(
        actor=ichiro,
        meeting=_support_meeting(ichiro, case),
        description="訪問日程の調整",
        owner_agency=tomoko.agency,
        due_on=timezone.localdate(),
    )
    body = client_for(tomoko).get("/api/v1/queue").json()
    assert [a["id"] for a in body["case_actions"]] == [str(item.pk)]
    assert body["counts"]["case_actions"] == 1
    case.refresh_from_db()
    services.case_update(
        actor=ichiro, case=case, version=case.version, next_action_on=timezone.localdate()
    )
    body = client_for(ichiro).get("/api/v1/queue").json()
    assert [c["number"] for c in body["cases_due"]] == [case.number]


def test_the_persons_page_lists_the_cases_the_reader_may_see(hana, ichiro, saki):
    case = open_case(hana, ichiro)
    father = case.subjects.order_by("pk").first().person
    url = reverse("people:person_detail", args=[father.pk])
    assert case.number in client_for(ichiro).get(url).content.decode()
    # hana registered the father: she opens his record, but the case is not hers to read
    assert client_for(hana).get(url).status_code == 200
    assert case.number not in client_for(hana).get(url).content.decode()
    assert client_for(saki).get(url).status_code == 404
