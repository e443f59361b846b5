"""The intake screens: the R1/R2 journey through the pages, need-to-know (R6) from every side,
audit of every read, and a queue whose cost does not grow with its length (R3)."""

import datetime as dt
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.directory.models import IssueCategory
from yorisoi.intake import services
from yorisoi.intake.models import Consultation, Outcome, Referral, ReferralStatus
from yorisoi.intake.tests.test_outcomes import consult
from yorisoi.intake.tests.test_referrals import send
from yorisoi.testing import client_for

REFUSAL_WORDS = ("refuse", "削除", "断る", "拒否")


def _detail(consultation):
    return reverse("intake:consultation_detail", args=[consultation.pk])


def _body(response):
    return response.content.decode()


def _without_csrf(response):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)


def _assert_no_refusal(html):
    for word in REFUSAL_WORDS:
        assert word not in html


def _intake_post(issues, main, **overrides):
    """An intake received this morning whose next action is the day after tomorrow."""
    today = timezone.localdate()
    data = {
        "received_at": f"{today - dt.timedelta(days=1):%Y-%m-%d}T10:15",
        "channel": "from_neighbour",
        "consulter_type": "neighbour",
        "consulter_name": "",
        "consulter_contact": "",
        "person": "",
        "subject_note": "70代の父と知的障害のある息子の二人暮らし",
        "summary": "父に認知症の症状。母が昨年亡くなり、二人とも食事がとれていない様子",
        "issues": issues,
        "main_issue": main,
        "urgency": "high",
        "sharing_consent": "unconfirmed",
        "next_action_on": f"{today + dt.timedelta(days=2):%Y-%m-%d}",
    }
    data.update(overrides)
    return data


def test_consultation_form_is_fully_labelled_for_keyboard_use(hana):
    html = _body(client_for(hana).get(reverse("intake:consultation_create")))
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
    assert len(ids) > 10
    for input_id in ids:
        assert f'<label for="{input_id}"' in html, input_id
    assert "◎" in html
    _assert_no_refusal(html)


def test_the_worked_example_goes_round_the_loop_through_the_screens(hana, saki, ichiro):
    """Plan example 1 via the pages: intake → referral → declined with reason → back to the
    sender and the coordinator → escalation → the coordinator refers on → accepted (R1, R2)."""
    issues = list(IssueCategory.objects.filter(active=True).values_list("code", flat=True)[:3])
    hana_client, saki_client, ichiro_client = client_for(hana), client_for(saki), client_for(ichiro)

    response = hana_client.post(
        reverse("intake:consultation_create"), _intake_post(issues, issues[1])
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert response["Location"] == _detail(consultation)
    assert consultation.issue_links.get(is_main=True).issue.code == issues[1]
    page = _body(hana_client.get(_detail(consultation)))
    main_name = IssueCategory.objects.get(code=issues[1]).name
    assert f"◎</span>{main_name}" in page
    _assert_no_refusal(page)

    # The outsider cannot see it before anything is sent: exactly like a random address.
    hidden = saki_client.get(_detail(consultation))
    missing = saki_client.get(reverse("intake:consultation_detail", args=[uuid.uuid4()]))
    assert hidden.status_code == missing.status_code == 404
    assert _without_csrf(hidden) == _without_csrf(missing)

    response = hana_client.post(
        reverse("intake:referral_create", args=[consultation.pk]),
        {
            "to_agency": saki.agency_id,
            "kind": "transfer",
            "reason": "障害福祉サービスの利用について",
            "told_to_person": "委託相談支援事業所から連絡が来ます",
            "shared_info": "世帯構成",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert "つなぎを取り下げる" in _body(hana_client.get(_detail(consultation)))

    page = _body(saki_client.get(_detail(consultation)))
    assert "このつなぎに回答する" in page
    _assert_no_refusal(page)
    answer = reverse("intake:referral_answer", args=[referral.pk])
    response = saki_client.post(answer, {"action": "decline", "decline_reason": ""})
    assert response.status_code == 422
    assert "受け入れできない理由を入力してください。" in _body(response)
    response = saki_client.post(answer, {"action": "decline", "decline_reason": "対象外の地区"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert saki_client.get(_detail(consultation)).status_code == 404  # no longer involved

    # R2: back with the sender and in the coordinator's list at once (今日やること's tabs).
    returned = _body(hana_client.get(reverse("front:home"), {"tab": "referrals"}))
    assert "受け入れられなかったつなぎ（戻り）" in returned
    assert _detail(consultation) in returned and "対象外の地区" in returned
    declines = _body(ichiro_client.get(reverse("front:home"), {"tab": "declines"}))
    assert "受け入れできなかったつなぎ" in declines and _detail(consultation) in declines
    assert ichiro_client.get(_detail(consultation)).status_code == 200

    page = _body(hana_client.get(_detail(consultation)))
    assert "対象外の地区" in page and "確認した" in page
    ack = reverse("intake:referral_acknowledge", args=[referral.pk])
    assert hana_client.post(ack).status_code == 302
    referral.refresh_from_db()
    assert referral.sender_acknowledged_at is not None

    consultation.refresh_from_db()
    response = hana_client.post(
        reverse("intake:consultation_outcome", args=[consultation.pk]),
        {"action": "escalate", "version": consultation.version, "note": "複合課題"},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.outcome == Outcome.ESCALATED
    assert consultation.responsible_agency.is_coordinating
    escalations = _body(ichiro_client.get(reverse("front:home"), {"tab": "escalations"}))
    assert "多機関協働への相談" in escalations and _detail(consultation) in escalations

    response = ichiro_client.post(
        reverse("intake:referral_create", args=[consultation.pk]),
        {"to_agency": saki.agency_id, "kind": "referral", "reason": "息子さんの生活の場について"},
    )
    assert response.status_code == 302
    second = Referral.objects.get(status=ReferralStatus.PENDING)
    response = saki_client.post(
        reverse("intake:referral_answer", args=[second.pk]), {"action": "accept"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == ReferralStatus.ACCEPTED
    page = _body(saki_client.get(_detail(consultation)))
    assert "対象外の地区" in page  # the whole chain, declines included
    _assert_no_refusal(page)


def test_intake_without_a_subject_is_refused_with_a_message(hana):
    response = client_for(hana).post(
        reverse("intake:consultation_create"), _intake_post([], "", subject_note="")
    )
    assert response.status_code == 422
    assert "本人を選ぶか" in _body(response)
    assert not Consultation.objects.exists()


def test_outcome_buttons_only_for_the_holding_agency_and_never_refuse(hana, masaki, ichiro, saki):
    consultation = consult(hana)
    send(hana, consultation, ichiro.agency, kind="referral")
    assert "受付の結果を記録する" not in _body(client_for(hana).get(_detail(consultation)))
    ichiro_page = _body(client_for(ichiro).get(_detail(consultation)))
    assert "受付の結果を記録する" not in ichiro_page
    _assert_no_refusal(ichiro_page)

    other = consult(hana)
    page = _body(client_for(masaki).get(_detail(other)))
    assert "受付の結果を記録する" in page and "つなぎを送る" in page
    _assert_no_refusal(page)


def test_continue_without_a_date_keeps_the_next_action_date_given_at_intake(hana):
    in_a_week = timezone.localdate() + dt.timedelta(days=7)
    consultation = consult(hana, next_action_on=in_a_week)
    url = reverse("intake:consultation_outcome", args=[consultation.pk])
    response = client_for(hana).post(url, {"action": "continue", "version": 1})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.outcome, consultation.next_action_on) == (
        Outcome.CONTINUED,
        in_a_week,
    )


def test_continue_with_a_date_moves_the_next_action(hana):
    consultation = consult(hana)
    url = reverse("intake:consultation_outcome", args=[consultation.pk])
    response = client_for(hana).post(
        url, {"action": "continue", "version": 1, "next_action_on": "2030-05-01"}
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.next_action_on == dt.date(2030, 5, 1)


def test_a_stale_version_does_not_overwrite(hana, masaki):
    consultation = consult(hana)
    url = reverse("intake:consultation_outcome", args=[consultation.pk])
    assert client_for(masaki).post(url, {"action": "resolve", "version": 1}).status_code == 302
    response = client_for(hana).post(url, {"action": "escalate", "version": 1}, follow=True)
    assert "ほかの人が先にこの相談を更新しました" in _body(response)
    consultation.refresh_from_db()
    assert consultation.outcome == Outcome.RESOLVED


def test_a_referral_that_is_not_visible_is_not_found(hana, saki, ichiro):
    consultation = consult(hana)
    referral = send(hana, consultation, ichiro.agency)
    client = client_for(saki)
    for name in ("referral_answer", "referral_withdraw", "referral_acknowledge"):
        response = client.post(reverse(f"intake:{name}", args=[referral.pk]), {"action": "accept"})
        assert response.status_code == 404
    for name in ("consultation_outcome", "referral_create"):
        response = client.post(reverse(f"intake:{name}", args=[consultation.pk]), {})
        assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING


def test_only_the_sender_may_withdraw(hana, saki):
    consultation = consult(hana)
    referral = send(hana, consultation, saki.agency)
    url = reverse("intake:referral_withdraw", args=[referral.pk])
    # The receiving agency reads the consultation but may not withdraw: 403, as in the API.
    assert client_for(saki).post(url).status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING
    assert client_for(hana).post(url).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN


@pytest.mark.parametrize("persona", ["ken", "osamu", "kazuko"])
def test_roles_without_casework_are_refused_every_intake_screen(personas, hana, persona):
    consultation = consult(hana)
    referral = send(hana, consultation, personas["saki"].agency)
    client = client_for(personas[persona])
    assert client.get(reverse("front:queue")).status_code == 403
    assert client.get(reverse("intake:consultation_create")).status_code == 403
    assert client.get(_detail(consultation)).status_code == 403
    response = client.post(reverse("intake:referral_answer", args=[referral.pk]), {})
    assert response.status_code == 403
    assert "近所の高齢男性" not in _body(client.get(_detail(consultation)))


@pytest.mark.parametrize("persona", ["hana", "ichiro", "ken", "osamu"])
def test_volunteer_screens_are_for_volunteers_only(personas, persona):
    client = client_for(personas[persona])
    assert client.get(reverse("intake:volunteer_report")).status_code == 403
    assert client.get(reverse("intake:volunteer_reports")).status_code == 403


def test_a_volunteer_sees_only_the_status_of_their_report(kazuko, ichiro):
    client = client_for(kazuko)
    form = _body(client.get(reverse("intake:volunteer_report")))
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', form):
        assert f'<label for="{input_id}"' in form
    response = client.post(
        reverse("intake:volunteer_report"),
        {"summary": "新聞がたまっている", "subject_note": "三丁目の角の家", "urgency": "high"},
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get(reported_by=kazuko)
    page = _body(client.get(reverse("intake:volunteer_reports")))
    assert "受け付けました" in page
    for secret in ("新聞がたまっている", "三丁目の角の家", str(consultation.pk)):
        assert secret not in page
    assert client.get(_detail(consultation)).status_code == 403

    # The coordinator has it in the queue; once connected, the volunteer sees only that word.
    assert _detail(consultation) in _body(client_for(ichiro).get(reverse("front:queue")))
    services.consultation_continue(
        actor=ichiro, consultation=consultation, version=1, next_action_on=consultation.received_at
    )
    page = _body(client.get(reverse("intake:volunteer_reports")))
    assert "支援につながりました" in page and "新聞" not in page


def test_every_read_is_audited_with_its_basis(hana, saki, ichiro):
    consultation = consult(hana)
    referral = send(hana, consultation, saki.agency)
    client_for(hana).get(_detail(consultation))
    client_for(saki).get(_detail(consultation))
    services.referral_decline(actor=saki, referral=referral, reason="対象外")
    client_for(ichiro).get(_detail(consultation))
    viewed = AuditEvent.objects.filter(action="consultation.viewed", target_id=str(consultation.pk))
    assert list(viewed.order_by("id").values_list("actor__username", "basis")) == [
        ("hana", "own_agency"),
        ("saki", "referral"),
        ("ichiro", "coordinator"),
    ]

    client_for(hana).get(reverse("front:queue"))
    event = AuditEvent.objects.filter(action="consultation.queue_viewed").latest("id")
    assert event.actor == hana
    assert str(consultation.pk) in event.data["ids"]


def _queue_queries(user):
    client = client_for(user)
    client.get(reverse("front:queue"))  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("front:queue"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _flagged(hana, saki, ichiro):
    """A consultation in many sections at once: declined twice (たらいまわし) and waiting."""
    consultation = consult(hana)
    services.referral_decline(
        actor=saki, referral=send(hana, consultation, saki.agency), reason="対象外"
    )
    services.referral_decline(
        actor=ichiro, referral=send(hana, consultation, ichiro.agency), reason="まず地域で"
    )
    send(hana, consult(hana), saki.agency)


def test_queue_costs_the_same_for_one_item_or_ten(
    hana, saki, ichiro, django_assert_max_num_queries
):
    _flagged(hana, saki, ichiro)
    one = {u.username: _queue_queries(u) for u in (hana, ichiro, saki)}
    for _ in range(9):
        _flagged(hana, saki, ichiro)
    ten = {u.username: _queue_queries(u) for u in (hana, ichiro, saki)}
    assert ten == one
    client = client_for(ichiro)
    client.get(reverse("front:queue"))
    with django_assert_max_num_queries(one["ichiro"]):
        page = _body(client.get(reverse("front:queue")))
    assert 'たらいまわしの恐れ <span class="count">10</span>' in page


def test_the_old_queue_address_lists_a_section_as_a_tab_page_by_page(hana):
    from yorisoi.work.selectors import PAGE_SIZE

    for _ in range(PAGE_SIZE + 3):
        consult(hana)
    client = client_for(hana)
    overview = client.get(reverse("front:queue")).content.decode()
    assert f'新規 <span class="count">{PAGE_SIZE + 3}</span>' in overview
    assert overview.count('class="today-item') == PAGE_SIZE
    full = client.get(reverse("front:queue") + "?section=new")
    assert full.status_code == 200
    assert 'tab=new" aria-current="page"' in full.content.decode()
    second = client.get(reverse("front:home"), {"tab": "new", "page": 2}).content.decode()
    assert second.count('class="today-item') == 3
    assert client.get(reverse("front:queue") + "?section=nope").status_code == 404
    assert client.get(reverse("front:home"), {"tab": "nope"}).status_code == 404


def test_person_picker_offers_only_visible_people_and_is_audited(hana, saki):
    from yorisoi.testing import PersonFactory

    mine = PersonFactory(agency=hana.agency, family_name="選択", given_name="花子")
    PersonFactory(agency=saki.agency, family_name="選択", given_name="別人")
    response = client_for(hana).post(reverse("intake:person_picker"), {"q": "選択"})
    body = response.content.decode()
    assert f'value="{mine.pk}"' in body and "別人" not in body
    event = AuditEvent.objects.filter(action="person.searched").latest("id")
    assert event.data["ids"] == [str(mine.pk)]


def test_the_intake_form_never_lists_everyone(hana):
    from yorisoi.testing import PersonFactory

    PersonFactory(agency=hana.agency, family_name="一覧", given_name="不要")
    body = client_for(hana).get(reverse("intake:consultation_create")).content.decode()
    assert "一覧" not in body


def test_a_person_of_another_agency_cannot_be_chosen(hana, saki):
    from yorisoi.testing import PersonFactory

    other = PersonFactory(agency=saki.agency)
    response = client_for(hana).post(
        reverse("intake:consultation_create"),
        {
            "channel": "phone",
            "consulter_type": "self",
            "summary": "相談",
            "person": str(other.pk),
            "urgency": "normal",
            "sharing_consent": "unconfirmed",
            "received_at": f"{timezone.localdate():%Y-%m-%d}T00:00",
            "next_action_on": f"{timezone.localdate():%Y-%m-%d}",
        },
    )
    assert response.status_code == 422
    assert "選んだ本人が見つかりません" in response.content.decode()
    assert not Consultation.objects.exists()


def test_the_referral_form_groups_agencies_by_kind_and_leaves_out_ones_own(hana):
    """With ~100 sites, the destination list is grouped (<optgroup>) by agency kind."""
    page = _body(client_for(hana).get(_detail(consult(hana))))
    select = page[
        page.index('name="to_agency"') : page.index("</select>", page.index('name="to_agency"'))
    ]
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert "福祉総務課" in groups and "地域包括支援センター" in groups
    assert len(groups) == len(set(groups))  # each kind once: its sites come together
    assert f'value="{hana.agency.pk}"' not in select
