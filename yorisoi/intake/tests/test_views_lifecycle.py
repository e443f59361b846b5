"""The consultation page after its outcome: 経過を記録, 担当者を変更, 終結する, 再開する, the case
opened from it — through the same services, with Japanese errors and no leak (R6)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from yorisoi.cases.models import ProgressRecord
from yorisoi.intake.models import Consultation
from yorisoi.intake.tests.test_lifecycle import consult, continued, fresh
from yorisoi.testing import client_for

TODAY = timezone.localdate


def page(c):
    return reverse("intake:consultation_detail", args=[c.pk])


def record_url(c):
    return reverse("cases:consultation_record_add", args=[c.pk])


def contact_data(c, *, days=7, **extra):
    return {
        "version": fresh(c).version,
        "kind": "visit",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "text": "自宅を訪問し、娘さんと話した",
        "next_action": "介護認定の申請を手伝う",
        "next_action_on": (TODAY() + timedelta(days=days)).isoformat(),
        **extra,
    }


def test_the_page_offers_the_life_forms_to_the_holding_agency(hana):
    c = continued(hana)
    body = client_for(hana).get(page(c)).content.decode()
    for text in ("経過を記録する", "担当者を変更する", "終結する", "支援経過", "hana"):
        assert text in body
    assert "再開する" not in body


def test_another_agency_reading_it_gets_no_forms(hana, saki):
    from yorisoi.intake import services

    c = continued(hana)
    services.referral_send(
        actor=hana, consultation=c, to_agency=saki.agency, kind="referral", reason="就労"
    )
    body = client_for(saki).get(page(c)).content.decode()
    assert "経過を記録する" not in body and "担当者を変更する" not in body
    assert "終結する" not in body


def test_a_contact_recorded_on_the_page_sets_the_next_action(hana):
    c = continued(hana)
    response = client_for(hana).post(record_url(c), contact_data(c, days=5))
    assert response.status_code == 302 and response.url == page(c)
    assert fresh(c).next_action_on == TODAY() + timedelta(days=5)
    body = client_for(hana).get(page(c)).content.decode()
    assert "自宅を訪問し、娘さんと話した" in body and "介護認定の申請を手伝う" in body


def test_a_past_next_action_date_is_a_clear_error_on_the_page(hana):
    c = continued(hana)
    response = client_for(hana).post(record_url(c), contact_data(c, days=-2))
    assert response.status_code == 422
    assert "次の対応予定日に過去の日付は入れられません" in response.content.decode()
    assert not ProgressRecord.objects.exists()


def test_a_stale_version_says_someone_else_updated_it(hana):
    c = continued(hana)
    client = client_for(hana)
    response = client.post(record_url(c), contact_data(c, version=c.version - 1), follow=True)
    assert "ほかの人が先にこの相談を更新しました" in response.content.decode()
    assert not ProgressRecord.objects.exists()


def test_reassign_close_and_reopen_on_the_page(hana, masaki):
    c = continued(hana)
    client = client_for(hana)
    url = reverse("intake:consultation_reassign", args=[c.pk])
    assert client.post(url, {"version": fresh(c).version, "holder": masaki.pk}).status_code == 302
    assert fresh(c).holder == masaki
    close = reverse("intake:consultation_close", args=[c.pk])
    response = client.post(close, {"version": fresh(c).version, "closure_reason": "other"})
    assert response.status_code == 422
    assert "「その他」のときは" in response.content.decode()
    response = client.post(
        close, {"version": fresh(c).version, "closure_reason": "moved_away", "closure_note": ""}
    )
    assert response.status_code == 302 and not fresh(c).is_open
    body = client.get(page(c)).content.decode()
    assert "この相談は終結しています。" in body and "転居" in body and "再開する" in body
    reopen = reverse("intake:consultation_reopen", args=[c.pk])
    response = client.post(reopen, {"version": fresh(c).version, "reopen_reason": ""})
    assert response.status_code == 422
    assert "再開する理由を入力してください" in response.content.decode()
    response = client.post(
        reopen,
        {
            "version": fresh(c).version,
            "reopen_reason": "戻ってきた",
            "next_action_on": TODAY().isoformat(),
            "holder": hana.pk,
        },
    )
    assert response.status_code == 302
    assert fresh(c).is_open and fresh(c).holder == hana


def test_reassignment_offers_only_colleagues(hana, masaki, saki):
    c = continued(hana)
    body = client_for(hana).get(page(c)).content.decode()
    select = body.split('id="reassign-holder"')[1].split("</select>")[0]
    assert ">masaki<" in select and ">saki<" not in select and ">hana<" not in select
    url = reverse("intake:consultation_reassign", args=[c.pk])
    response = client_for(hana).post(url, {"version": fresh(c).version, "holder": saki.pk})
    assert response.status_code == 422
    assert fresh(c).holder == hana


def test_closing_before_the_outcome_is_not_offered(hana):
    c = consult(hana)
    body = client_for(hana).get(page(c)).content.decode()
    assert "終結するには、先に受付の結果を記録してください。" in body
    response = client_for(hana).post(
        reverse("intake:consultation_close", args=[c.pk]),
        {"version": c.version, "closure_reason": "solved"},
        follow=True,
    )
    assert "受付の結果（解決・継続・つなぎ・多機関協働）を先に記録してください" in (
        response.content.decode()
    )
    assert Consultation.objects.get(pk=c.pk).is_open


def test_the_case_opened_from_it_shows_only_to_who_may_open_the_case(hana, ichiro):
    from yorisoi.cases.tests.world import open_case

    case = open_case(hana, ichiro)
    origin = fresh(case.origin)
    assert origin.closure_reason == "connected"
    body = client_for(ichiro).get(page(origin)).content.decode()
    assert f"/cases/{case.pk}/" in body and case.number in body
    assert "この相談から開始したケース" in body
    # hana received the consultation and reads it still; the case, led by the coordinator
    # without her agency, she may not open: not a word of it (R6).
    body = client_for(hana).get(page(origin)).content.decode()
    assert case.number not in body and "この相談から開始したケース" not in body


def test_the_writing_agency_corrects_a_contact_from_the_page_and_the_first_wording_stays(
    hana, saki
):
    from yorisoi.intake import services

    c = continued(hana)
    client_for(hana).post(record_url(c), contact_data(c))
    entry = ProgressRecord.objects.get(consultation=c)
    edit = reverse("cases:record_edit", args=[entry.pk])
    assert edit in client_for(hana).get(page(c)).content.decode()
    form = {
        "version": entry.version,
        "kind": "call",
        "occurred_at": timezone.localtime(entry.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "text": "電話で娘さんと話した（訪問ではなかった）",
    }
    response = client_for(hana).post(edit, form)
    assert response.status_code == 302 and response.url == page(c)
    corrected = ProgressRecord.objects.get(pk=entry.pk)
    assert corrected.text == "電話で娘さんと話した（訪問ではなかった）"
    assert corrected.history.filter(text="自宅を訪問し、娘さんと話した").exists()  # R7
    # Another agency that reads the consultation sees the record, not the way to correct it.
    services.referral_send(
        actor=hana, consultation=c, to_agency=saki.agency, kind="referral", reason="就労"
    )
    assert edit not in client_for(saki).get(page(c)).content.decode()
    assert client_for(saki).post(edit, {**form, "version": corrected.version}).status_code == 403
