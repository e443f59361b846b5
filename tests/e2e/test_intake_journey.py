"""Journey: a neighbour's call at a home-care support centre is escalated to the coordinating
division, referred on, declined by one agency and taken over (移管) by another. At each step
every agency's 受付・つなぎ queue shows what waits for it, and nothing else.

Each persona signs in through the real login form and signs out with the header's button,
so one page walks the whole journey.
"""

import re

import pytest
from playwright.sync_api import expect

from yorisoi.accounts.models import Role
from yorisoi.intake.models import Consultation, Referral, ReferralKind, ReferralStatus
from yorisoi.testing import make_user

pytestmark = pytest.mark.browser

SUBJECT = "富洲原町1丁目の角の家の高齢女性。夜に外を歩き回り、郵便受けに新聞がたまっている。"
SUMMARY = "隣の住民から電話。最近同じことを何度も尋ねられ、家族の出入りも見かけないという。"
DECLINE_REASON = "障害福祉の対象ではなく、高齢の方の支援は当事業所では担えないため。"


def field(scope, label):
    """The input labelled `label`; a required field's label also reads 必須."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}(（必須）)?$"))


def section(page, label):
    """The lines of 今日やること of one kind (what each says it is starts with `label`)."""
    return page.locator(".today-item").filter(
        has=page.locator(".today-what", has_text=re.compile(rf"^{re.escape(label)}"))
    )


def menu(page):
    return page.get_by_role("navigation", name="メインメニュー")


def logout(page):
    page.get_by_role("button", name="利用者メニュー").click()  # ログアウト is in the user menu
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1, name="ログイン")).to_be_visible()


def open_queue(page):
    menu(page).get_by_role("link", name="受付・つなぎ").click()
    expect(page.get_by_role("heading", level=1, name="受付・つなぎ")).to_be_visible()


def expect_in(page, label, count):
    """The section `label` lists `count` items about the neighbour's call."""
    expect(section(page, label).filter(has_text="富洲原町1丁目")).to_have_count(count)


def test_neighbours_call_is_escalated_declined_once_and_transferred(
    page, login, hana, ichiro, saki, kazuko, screen
):
    make_user("tomoko", Role.STAFF, "chiiki-houkatsu-01")  # staff at 地域包括支援センター 北部

    # 1. hana takes the neighbour's call, mostly with the keyboard.
    login("hana")
    open_queue(page)
    expect_in(page, "新しい相談", 0)
    screen("intake_queue_empty", phone=True)
    page.get_by_role("link", name="相談を受け付ける").click()
    expect(page.get_by_role("heading", level=1, name="相談を受け付ける")).to_be_visible()
    screen("consultation_form", phone=True)

    field(page, "相談経路").select_option(label="近隣住民から")
    field(page, "相談者").select_option(label="近隣住民")
    field(page, "本人についてわかっていること").focus()
    page.keyboard.type(SUBJECT)
    page.keyboard.press("Tab")
    expect(field(page, "相談内容")).to_be_focused()
    page.keyboard.type(SUMMARY)
    page.get_by_label("認知症", exact=True).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_label("認知症を主な課題にする")).to_be_focused()
    page.keyboard.press("Space")
    page.get_by_label("孤立・孤独", exact=True).focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("認知症", exact=True)).to_be_checked()
    expect(page.get_by_label("認知症を主な課題にする")).to_be_checked()
    expect(page.get_by_label("孤立・孤独", exact=True)).to_be_checked()
    urgency = page.get_by_role("group", name=re.compile("^緊急度"))
    urgency.get_by_label("早めの対応が必要").focus()
    page.keyboard.press("Space")
    expect(urgency.get_by_label("早めの対応が必要")).to_be_checked()
    screen("consultation_form_filled")
    page.get_by_role("button", name="受け付ける").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/consultations/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("status")).to_contain_text("相談を受け付けました。")
    details = page.locator(".dl")
    expect(details).to_contain_text("近隣住民")
    expect(details).to_contain_text("富洲原町1丁目の角の家")
    expect(details).to_contain_text("◎認知症、孤立・孤独")
    expect(details).to_contain_text("早めの対応が必要")
    consultation_url = page.url
    consultation = Consultation.objects.get()
    assert consultation.channel == "from_neighbour"
    assert consultation.responsible_agency.code == "zaitaku-kaigo-01"
    screen("consultation_detail_new", phone=True)

    open_queue(page)
    expect_in(page, "新しい相談", 1)

    # 2. hana escalates it to 多機関協働 (福祉総務課).
    section(page, "新しい相談").get_by_role("link", name=re.compile("富洲原町1丁目")).click()
    field(page, "結果の補足").fill("認知症の疑い。地域の複数機関で見守りを検討したい。")
    page.get_by_role("button", name="多機関協働へ（福祉総務課）").click()
    expect(page.get_by_role("status")).to_contain_text("相談の結果を記録しました。")
    expect(page.locator(".dl")).to_contain_text("福祉総務課")
    expect(page.get_by_role("heading", name="受付の結果を記録する")).to_have_count(0)
    screen("consultation_detail_escalated")
    open_queue(page)
    expect_in(page, "新しい相談", 0)
    logout(page)

    login("ichiro")
    open_queue(page)
    expect_in(page, "多機関協働への相談", 1)
    screen("intake_queue_coordinator", phone=True)

    # 3. ichiro refers it to 委託相談支援事業所 A.
    section(page, "多機関協働への相談").get_by_role("link").click()
    expect(page.get_by_role("heading", name="他の機関につなぐ")).to_be_visible()
    screen("consultation_detail_coordinator", phone=True)
    # Sent without a destination nor a reason, the form says what is missing.
    page.get_by_role("button", name="つなぎを送る").click()
    expect(page.get_by_role("alert")).to_contain_text("入力内容を確認してください")
    expect(field(page, "つなぐ理由")).to_have_attribute("aria-invalid", "true")
    screen("referral_form_errors")
    field(page, "送り先").select_option(label="委託相談支援事業所 A")
    field(page, "つなぐ理由").fill("本人に障害がある可能性があると聞いたため。")
    field(page, "本人に伝えたこと").fill("まだ本人とは話せていない。")
    field(page, "共有する情報").fill("近隣住民からの情報のみ。")
    page.get_by_role("button", name="つなぎを送る").click()
    expect(page.get_by_role("status")).to_contain_text("つなぎを送りました。")
    expect(page.locator(".handoff-chain > li")).to_have_count(1)
    expect(page.get_by_role("button", name="つなぎを取り下げる")).to_be_visible()
    open_queue(page)
    expect_in(page, "回答待ち", 1)
    expect_in(page, "多機関協働への相談", 0)
    logout(page)

    login("saki")
    open_queue(page)
    expect_in(page, "回答を求められているつなぎ", 1)
    expect_in(page, "新しい相談", 0)
    screen("intake_queue_to_answer")

    # 4. saki declines; the reason is required.
    section(page, "回答を求められているつなぎ").get_by_role("link").click()
    expect(page.get_by_role("heading", name="このつなぎに回答する")).to_be_visible()
    screen("consultation_detail_to_answer", phone=True)
    page.get_by_role("button", name="受け入れできない（理由を送る）").click()
    reason = field(page, "受け入れできない理由")
    expect(page.get_by_role("alert")).to_contain_text("受け入れできない理由を入力してください。")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description(
        re.compile("受け入れできない理由を入力してください。")
    )
    screen("referral_answer_errors", phone=True)
    reason.fill(DECLINE_REASON)
    page.get_by_role("button", name="受け入れできない（理由を送る）").click()
    # saki's agency no longer sees the consultation: back to its queue.
    expect(page.get_by_role("heading", level=1, name="受付・つなぎ")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("受け入れできないと回答しました。")
    expect_in(page, "回答を求められているつなぎ", 0)
    expect(page.get_by_role("main")).not_to_contain_text("富洲原町1丁目")
    assert page.goto(consultation_url).status == 404
    logout(page)

    login("ichiro")
    open_queue(page)
    # Back with the sender (here the coordinator itself), once, with the reason (R2).
    expect_in(page, "受け入れられなかったつなぎ（戻り）", 1)
    expect_in(page, "回答待ち", 0)
    expect(section(page, "受け入れられなかったつなぎ（戻り）")).to_contain_text(DECLINE_REASON[:20])
    screen("intake_queue_declined")

    # 5. ichiro transfers it to 地域包括支援センター 北部, which accepts.
    section(page, "受け入れられなかったつなぎ（戻り）").get_by_role("link").click()
    field(page, "送り先").select_option(label="地域包括支援センター 北部")
    page.get_by_role("group", name=re.compile("^種類")).get_by_label("移管", exact=True).check()
    field(page, "つなぐ理由").fill("認知症の疑いがある高齢の方のため、地域包括支援センターへ。")
    page.get_by_role("button", name="つなぎを送る").click()
    expect(page.get_by_role("status")).to_contain_text("つなぎを送りました。")
    expect(page.locator(".handoff-chain > li")).to_have_count(2)
    logout(page)

    login("tomoko")
    open_queue(page)
    expect_in(page, "回答を求められているつなぎ", 1)
    section(page, "回答を求められているつなぎ").get_by_role("link").click()
    page.get_by_role("button", name="受け入れる").click()
    expect(page.get_by_role("status")).to_contain_text("つなぎを受け入れました。")
    chain = page.locator(".handoff-chain > li")
    expect(chain).to_have_count(2)
    expect(chain.nth(0)).to_contain_text("福祉総務課 → 委託相談支援事業所 A")
    expect(chain.nth(0)).to_contain_text("受け入れできない")
    expect(chain.nth(0)).to_contain_text(f"受け入れできない理由: {DECLINE_REASON}")
    expect(chain.nth(1)).to_contain_text("福祉総務課 → 地域包括支援センター 北部（移管")
    expect(chain.nth(1)).to_contain_text("受け入れ")
    expect(page.locator(".dl")).to_contain_text("地域包括支援センター 北部")
    # The new holder can pass it on again.
    expect(page.get_by_role("heading", name="他の機関につなぐ")).to_be_visible()
    screen("consultation_detail_transferred", phone=True)
    consultation.refresh_from_db()
    assert consultation.responsible_agency.code == "chiiki-houkatsu-01"
    assert list(
        Referral.objects.order_by("sent_at").values_list("to_agency__code", "kind", "status")
    ) == [
        ("itaku-soudan-01", ReferralKind.REFERRAL, ReferralStatus.DECLINED),
        ("chiiki-houkatsu-01", ReferralKind.TRANSFER, ReferralStatus.ACCEPTED),
    ]
    open_queue(page)
    expect_in(page, "回答を求められているつなぎ", 0)
    screen("intake_queue_after_accept")
    logout(page)

    # 6. The 民生委員 has no 受付 menu and cannot open the record by its address.
    login("kazuko")
    expect(menu(page).get_by_role("link", name="受付・つなぎ")).to_have_count(0)
    response = page.goto(consultation_url)
    assert response.status in (403, 404)
    expect(page.get_by_role("main")).not_to_contain_text("富洲原町1丁目")
