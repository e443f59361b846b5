"""The screens: overview with the year's figures, a site's activities, the forms."""

from datetime import date

import pytest
from django.urls import reverse

from yorisoi.community import services
from yorisoi.community.models import Activity, ActivityKind, Training
from yorisoi.testing import client_for

DAY = date(2025, 6, 10)


def _activity(actor, site, participants=12):
    return services.activity_record(
        actor=actor, site=site, held_on=DAY, kind=ActivityKind.SALON,
        participants=participants, volunteers=2,
    )  # fmt: skip


def test_the_overview_shows_each_program_with_the_years_figures(community, tomoko, ken):
    _activity(tomoko, community["salon"], 12)
    body = client_for(ken).get(reverse("community:overview"), {"year": 2025}).content.decode()
    assert "2025年度の事業別の実績" in body
    for name in ["地域介護予防活動支援事業", "生活支援体制整備事業", "地域子育て支援拠点事業"]:
        assert name in body
    assert '<td class="num">12</td>' in body
    assert "活動を記録する" not in body  # analysts read only


def test_the_overview_filters_sites_by_program_and_area(community, ken):
    client = client_for(ken)
    kosodate = community["kosodate"]
    body = client.get(reverse("community:overview"), {"program": kosodate.pk}).content.decode()
    assert "子育て支援センター 単独型1（仮）" in body and "通いの場（仮）1" not in body
    assert "23 件" in body
    south = client.get(reverse("community:overview"), {"program": kosodate.pk, "area": 99999})
    assert south.status_code == 200  # an unknown filter value is ignored, not an error


def test_a_site_page_lists_its_activities_and_offers_the_correction(community, tomoko, hana):
    entry = _activity(tomoko, community["salon"])
    url = reverse("community:site_detail", args=[community["salon"].pk])
    mine = client_for(tomoko).get(url, {"year": 2025}).content.decode()
    assert reverse("community:activity_edit", args=[entry.pk]) in mine
    theirs = client_for(hana).get(url, {"year": 2025}).content.decode()
    assert "2025-06-10" in theirs
    assert reverse("community:activity_edit", args=[entry.pk]) not in theirs


def test_recording_an_activity_through_the_form(community, tomoko):
    site = community["salon"]
    url = reverse("community:activity_create", args=[site.pk])
    response = client_for(tomoko).post(
        url, {"held_on": "2025-06-10", "kind": "exercise", "participants": "14", "volunteers": "2"}
    )
    assert response.status_code == 302
    assert Activity.objects.get().participants == 14


def test_a_negative_count_comes_back_with_a_message(community, tomoko):
    url = reverse("community:activity_create", args=[community["salon"].pk])
    response = client_for(tomoko).post(
        url, {"held_on": "2025-06-10", "kind": "exercise", "participants": "-3", "volunteers": "0"}
    )
    assert response.status_code == 422
    assert "入力内容を確認してください" in response.content.decode()
    assert not Activity.objects.exists()


def test_cancelling_through_the_form_needs_a_reason(community, tomoko):
    entry = _activity(tomoko, community["salon"])
    url = reverse("community:activity_edit", args=[entry.pk])
    data = {"held_on": "2025-06-10", "kind": "salon", "participants": "12", "volunteers": "2"}
    client = client_for(tomoko)
    refused = client.post(url, {**data, "version": "1", "cancelled": "on"})
    assert refused.status_code == 422 and "取り消すときは理由を書いてください。" in (
        refused.content.decode()
    )
    done = client.post(url, {**data, "version": "1", "cancelled": "on", "cancel_reason": "重複"})
    assert done.status_code == 302
    assert Activity.objects.get(pk=entry.pk).cancelled


def test_a_stale_correction_shows_the_other_persons_change(community, tomoko, ichiro):
    entry = _activity(tomoko, community["salon"])
    services.activity_correct(actor=ichiro, activity=entry, version=1, participants=30)
    url = reverse("community:activity_edit", args=[entry.pk])
    data = {"held_on": "2025-06-10", "kind": "salon", "participants": "13", "volunteers": "2"}
    response = client_for(tomoko).post(url, {**data, "version": "1"})
    assert response.status_code == 422
    assert "ほかの人が先に保存しました" in response.content.decode()
    assert Activity.objects.get(pk=entry.pk).participants == 30


def test_another_agency_cannot_open_the_correction_form(community, tomoko, hana):
    entry = _activity(tomoko, community["salon"])
    url = reverse("community:activity_edit", args=[entry.pk])
    assert client_for(hana).get(url).status_code == 403


def test_recording_and_listing_a_training(community, tomoko):
    client = client_for(tomoko)
    form = client.get(reverse("community:training_create")).content.decode()
    assert '<option value="ヘルスリーダー養成講座">' in form
    response = client.post(
        reverse("community:training_create"),
        {"program": community["kaigo"].pk, "name": "ヘルスリーダー養成講座",
         "held_on": "2025-10-01", "people_trained": "21"},
    )  # fmt: skip
    assert response.status_code == 302
    listing = client.get(reverse("community:training_list"), {"year": 2025}).content.decode()
    assert "ヘルスリーダー養成講座" in listing and '<td class="num">21</td>' in listing
    training = Training.objects.get()
    edit = reverse("community:training_edit", args=[training.pk])
    assert edit in listing
    response = client.post(
        edit, {"name": "ヘルスリーダー養成講座", "held_on": "2025-10-01",
               "people_trained": "22", "version": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Training.objects.get().people_trained == 22


@pytest.mark.parametrize(
    "name, args",
    [
        ("community:site_detail", [999999]),
        ("community:activity_create", [999999]),
        ("community:activity_edit", ["00000000-0000-0000-0000-000000000000"]),
        ("community:training_edit", ["00000000-0000-0000-0000-000000000000"]),
    ],
)
def test_a_missing_id_is_not_found(community, tomoko, name, args):
    assert client_for(tomoko).get(reverse(name, args=args)).status_code == 404
