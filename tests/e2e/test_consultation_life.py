"""Journey: a consultation lives on after its outcome (issue 14, item 1). A worker of the home-care
support centre (在宅介護支援センター, hana) opens a consultation from her queue and records three
contacts over time, each with its next action (R3); she hands it to a colleague (masaki), who
closes it (終結) with a reason, and reopens it when the family calls again. The page shows the
whole life as one timeline; closed, it leaves the queue.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yorisoi.intake import services
from yorisoi.intake.models import Consultation

pytestmark = pytest.mark.browser

SUBJECT = "寿町の市営住宅に一人で暮らす80代の男性。最近、買い物に出る姿を見かけない。"
CONTACTS = [
    (
        "電話",
        3,
        "本人に電話。食事はとれているが、足が痛くて外に出られないとのこと。",
        "自宅を訪問する",
    ),
    (
        "訪問",
        2,
        "自宅を訪問。冷蔵庫がほぼ空。配食サービスの説明をし、本人も希望。",
        "配食の申込みを手伝う",
    ),
    (
        "面談",
        0,
        "長女と面談。週末は長女が様子を見に来られる。介護認定の申請を決めた。",
        "介護認定の結果を確認",
    ),
]


def field(scope, label):
    """The input labelled `label`; a required field's label also reads 必須."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}(（必須）)?$"))


def logout(page):
    page.get_by_role("button", name="利用者メニュー").click()
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1, name="ログイン")).to_be_visible()


def open_from_queue(page):
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="受付・つなぎ"
    ).click()
    expect(page.get_by_role("heading", level=1, name="受付・つなぎ")).to_be_visible()
    page.get_by_role("link", name=re.compile("寿町の市営住宅")).first.click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^相談"))).to_be_visible()


def dd(page, term):
    return page.locator(f"dt:text-is('{term}') + dd")


def shoot(page, artifacts, name):
    """The page at a desktop's and a phone's width, for a person to look at."""
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=artifacts / f"{name}_{width}.png", full_page=True)
    page.set_viewport_size({"width": 1024, "height": 768})


def test_a_consultation_is_recorded_reassigned_closed_and_reopened(
    page, login, hana, masaki, screen, screens_dir
):
    artifacts = screens_dir.parent
    # A long journey on a shared machine: give each step more than the usual five seconds.
    page.set_default_timeout(30_000)
    today = timezone.localdate()
    consultation = services.consultation_create(
        actor=hana,
        channel="from_neighbour",
        consulter_type="neighbour",
        summary="隣の住民から。新聞がたまっている。",
        subject_note=SUBJECT,
        issues=["dementia"],
        main_issue="dementia",
    )
    services.consultation_continue(
        actor=hana, consultation=consultation, version=consultation.version
    )

    # 1. hana opens it from her queue: she holds it.
    login("hana")
    open_from_queue(page)
    expect(dd(page, "担当者")).to_have_text("hana")

    # A next action already overdue is refused, with the reason next to the field.
    record = page.get_by_role("region", name="経過を記録する")
    record.get_by_label("電話", exact=True).check()
    field(record, "内容").fill("電話したが出なかった。")
    field(record, "次の対応予定日").fill((today - timedelta(days=1)).isoformat())
    record.get_by_role("button", name="記録する").click()
    expect(page.get_by_text("次の対応予定日に過去の日付は入れられません").first).to_be_visible()

    # 2. Three contacts over time, each with its next action.
    now = timezone.localtime().replace(second=0, microsecond=0)
    for n, (kind, days_ago, text, next_action) in enumerate(CONTACTS, start=1):
        record = page.get_by_role("region", name="経過を記録する")
        record.get_by_label(kind, exact=True).check()
        when = now - timedelta(days=days_ago, hours=1)
        field(record, "日時").fill(when.strftime("%Y-%m-%dT%H:%M"))
        field(record, "内容").fill(text)
        field(record, "次の対応").fill(next_action)
        due = today + timedelta(days=7 * n)
        field(record, "次の対応予定日").fill(due.isoformat())
        record.get_by_role("button", name="記録する").click()
        expect(page.get_by_text("経過を記録しました。")).to_be_visible()
        expect(dd(page, "次の対応予定日")).to_have_text(due.isoformat())
    timeline = page.get_by_role("region", name="支援経過")
    for _kind, _days, text, next_action in CONTACTS:
        expect(timeline.get_by_text(text)).to_be_visible()
        expect(timeline.get_by_text(re.compile(next_action))).to_be_visible()

    # 3. She hands it to her colleague (a folded step: opened first).
    page.locator("summary", has_text="担当者を変更する").click()
    holder = page.get_by_role("region", name="担当者を変更する")
    field(holder, "新しい担当者").select_option(label="masaki")
    field(holder, "変更の理由（任意）").fill("訪問の多い担当へ")
    holder.get_by_role("button", name="担当者を変更する").click()
    expect(page.get_by_text("担当者を変更しました。")).to_be_visible()
    expect(dd(page, "担当者")).to_have_text("masaki")
    expect(timeline.get_by_text("担当者: hana → masaki")).to_be_visible()
    screen("consultation_life_open", phone=True)
    shoot(page, artifacts, "consultation_life_open")
    logout(page)

    # 4. masaki closes it: the meals and the care certification are in place.
    login("masaki")
    open_from_queue(page)
    page.locator("summary", has_text="終結する").click()
    close = page.get_by_role("region", name="終結する")
    close.get_by_label("その他", exact=True).check()
    close.get_by_role("button", name="終結する").click()
    expect(
        page.get_by_text("「その他」のときは、終結の理由を補足に書いてください。").first
    ).to_be_visible()
    close = page.get_by_role("region", name="終結する")
    close.get_by_label("他の支援・制度につながった", exact=True).check()
    close.get_by_role("button", name="終結する").click()
    expect(page.get_by_text("相談を終結しました。")).to_be_visible()
    expect(page.get_by_text("この相談は終結しています。")).to_be_visible()
    expect(page.get_by_role("region", name="経過を記録する")).to_have_count(0)
    screen("consultation_life_closed", phone=True)
    shoot(page, artifacts, "consultation_life_closed")
    assert Consultation.objects.get(pk=consultation.pk).closed_at is not None

    # Closed, it leaves the queue.
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="受付・つなぎ"
    ).click()
    expect(page.get_by_role("link", name=re.compile("寿町の市営住宅"))).to_have_count(0)
    page.go_back()

    # 5. The daughter calls again: masaki reopens it, with a reason and a next action.
    page.reload()
    reopen = page.get_by_role("region", name="再開する")
    field(reopen, "再開する理由").fill("長女から、本人が転倒したと連絡があった。")
    field(reopen, "次の対応予定日").fill((today + timedelta(days=1)).isoformat())
    expect(field(reopen, "担当者")).to_have_value(str(masaki.pk))
    reopen.get_by_role("button", name="再開する").click()
    expect(page.get_by_text("相談を再開しました。")).to_be_visible()
    expect(page.get_by_text("この相談は終結しています。")).to_have_count(0)
    expect(dd(page, "状態")).to_have_text("対応中")
    timeline = page.get_by_role("region", name="支援経過")
    expect(timeline.get_by_text("長女から、本人が転倒したと連絡があった。")).to_be_visible()
    expect(timeline.locator(".timeline__kind", has_text="終結")).to_have_count(1)
    screen("consultation_life_reopened", phone=True)
    shoot(page, artifacts, "consultation_life_reopened")

    c = Consultation.objects.get(pk=consultation.pk)
    assert c.is_open and c.holder == masaki
    assert c.next_action_on == today + timedelta(days=1)
    assert c.progress_records.count() == 3
