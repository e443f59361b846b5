"""Meeting invitations and action items reach people in-app, on screen and over the API."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from yorisoi.cases import services
from yorisoi.cases.tests.world import consent_all, meeting_kind, open_case
from yorisoi.notifications.models import Kind, Notification
from yorisoi.testing import client_for


def _support_meeting(ichiro, case, participants):
    return services.meeting_schedule(
        actor=ichiro,
        case=case,
        kind=meeting_kind("support_meeting"),
        held_at=timezone.now() + timedelta(days=1),
        participants=participants,
    )


def test_participants_are_invited_and_find_the_meeting_from_the_notice(hana, ichiro, saki, kazuko):
    case = open_case(hana, ichiro)
    meeting = _support_meeting(ichiro, case, [saki, kazuko])
    notice = Notification.objects.get(recipient=saki, kind=Kind.MEETING_INVITED)
    assert notice.meeting == meeting
    # 民生委員 have no notification list; they find the meeting under 参加する会議
    assert not Notification.objects.filter(recipient=kazuko).exists()
    page = client_for(saki).get(reverse("notifications:list")).content.decode()
    assert reverse("cases:meeting_detail", args=[meeting.pk]) in page


def test_an_action_item_is_announced_to_the_owning_agency(hana, ichiro, tomoko):
    case = open_case(hana, ichiro)
    services.involvement_add(actor=ichiro, case=case, agency=tomoko.agency, role="父の支援")
    consent_all(ichiro, case)
    meeting = _support_meeting(ichiro, case, [])
    services.action_item_add(
        actor=ichiro,
        meeting=meeting,
        description="介護認定の申請を手伝う",
        owner_agency=tomoko.agency,
        due_on=timezone.localdate(),
    )
    body = client_for(tomoko).get("/api/v1/notifications?unread=true").json()
    assert [(n["kind"], n["meeting_id"]) for n in body["items"]] == [
        ("action_item_assigned", str(meeting.pk))
    ]
    marked = client_for(tomoko).post(
        "/api/v1/notifications/read",
        {"ids": [body["items"][0]["id"]]},
        content_type="application/json",
    )
    assert marked.json() == {"marked": 1}
    assert client_for(tomoko).get("/api/v1/notifications?unread=true").json()["count"] == 0


def test_nobody_marks_someone_elses_notices_read(hana, ichiro, saki):
    case = open_case(hana, ichiro)
    _support_meeting(ichiro, case, [saki])
    notice = Notification.objects.get(recipient=saki)
    response = client_for(hana).post(
        "/api/v1/notifications/read", {"ids": [notice.pk]}, content_type="application/json"
    )
    assert response.json() == {"marked": 0}
    notice.refresh_from_db()
    assert notice.read_at is None
