"""Journey: the plan's worked example 2. A neighbour calls 福祉総務課 about a woman in her 50s
who has not left her home for years. There is no consent, so the coordinator holds a 支援会議
(社会福祉法106条の6) with the commissioned disability counselling office, the livelihood
support office and the 民生委員. Each participant sees the case only after pledging
confidentiality; the 民生委員 sees it read-only; the meeting decides repeated joint home
visits (outreach); once the sharing ends, the participants lose the case again (R5, R6).

Each persona signs in through the real login form and signs out with the header's button.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yorisoi.accounts.models import Role
from yorisoi.cases.models import ActionItem, Case, Meeting, MeetingParticipant, Program
from yorisoi.directory.models import Agency
from yorisoi.testing import PersonFactory, make_user

pytestmark = pytest.mark.browser

TITLE = "ひきこもり状態が続く50代の女性"
SUMMARY = (
    "近所の方から電話。一人暮らしの女性が何年も外に出ていない様子。ごみが庭にたまり、"
    "近所ともめている。働いていないようで、通院しているかもわからない。"
)
SHARED = (
    "委託相談支援事業所: 5年前に一度電話相談あり。生活支援室: 収入の状況は不明。"
    "民生委員: 夜に明かりがつくのを見ている。"
)
ARRANGEMENT = "繰り返しの同行訪問で信頼関係をつくる"
ACTION = "民生委員と同行して自宅を訪問し、手紙を置いてくる"
PLACE = "四日市市役所 福祉総務課 会議室"


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


def main(page):
    return page.get_by_role("main")


def status(page):
    return page.get_by_role("status")


def logout(page):
    page.get_by_role("button", name="利用者メニュー").click()  # ログアウト is in the user menu
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1, name="ログイン")).to_be_visible()


def open_queue(page):
    menu(page).get_by_role("link", name="受付・つなぎ").click()
    expect(page.get_by_role("heading", level=1, name="受付・つなぎ")).to_be_visible()


def open_my_meetings(page):
    menu(page).get_by_role("link", name="参加する会議").click()
    expect(page.get_by_role("heading", level=1, name="参加する会議")).to_be_visible()


def expect_not_found(page, url):
    """R6: a case the user may not read answers exactly like a missing id."""
    response = page.goto(url)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1, name="ページが見つかりません")).to_be_visible()
    expect(main(page)).not_to_contain_text(TITLE)
    expect(main(page)).not_to_contain_text("森")


def pledge_from_my_meetings(page, case, screen=None):
    """A 支援会議 participant before the pledge: the meeting, never the case."""
    open_my_meetings(page)
    row = main(page).get_by_role("row").filter(has_text=PLACE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("支援会議")
    expect(row).to_contain_text("未誓約")
    expect(row).to_contain_text("誓約のあとに表示します")
    expect(main(page)).not_to_contain_text(case.number)
    expect(main(page)).not_to_contain_text(TITLE)
    if screen is not None:
        screen("support_meeting_my_meetings_pending", phone=True)
    row.get_by_role("link", name="誓約する").click()
    expect(page.get_by_role("heading", level=1, name="守秘義務の誓約")).to_be_visible()
    expect(main(page)).to_contain_text("社会福祉法第106条の6")
    expect(main(page)).to_contain_text("支援会議（社会福祉法106条の6）")
    expect(main(page)).not_to_contain_text("支援会議（支援会議")
    expect(main(page)).not_to_contain_text(case.number)
    expect(main(page)).not_to_contain_text(TITLE)


def test_support_meeting_without_consent_opens_the_case_only_to_pledged_participants(
    page, login, ichiro, saki, kazuko, screen
):
    seikatsu = make_user("seikatsu", Role.STAFF, "seikatsu-shien-shitsu")  # 生活支援室
    for user, name in [
        (ichiro, "福祉 一郎"),
        (saki, "相談 咲"),
        (kazuko, "民生 和子"),
        (seikatsu, "生活 誠"),
    ]:
        user.display_name = name
        user.save(update_fields=["display_name"])
    # She is already on 福祉総務課's register (an earlier call about the rubbish in her garden).
    PersonFactory(
        family_name="森",
        given_name="静香",
        family_name_kana="モリ",
        given_name_kana="シズカ",
        agency=Agency.objects.get(code="fukushi-soumu-ka"),
    )
    today = timezone.localdate()

    # 1. ichiro takes the neighbour's call, escalates it to 多機関協働 and opens a case.
    login("ichiro")
    open_queue(page)
    page.get_by_role("link", name="相談を受け付ける").click()
    field(page, "相談経路").select_option(label="近隣住民から")
    field(page, "相談者").select_option(label="近隣住民")
    page.get_by_label("登録済みの人から探す（氏名・フリガナ）").fill("モリ")
    page.get_by_label(re.compile("^森 静香（モリ シズカ）")).check()
    field(page, "相談内容").fill(SUMMARY)
    page.get_by_label("ひきこもり", exact=True).check()
    page.get_by_label("ひきこもりを主な課題にする").check()
    page.get_by_label("精神疾患の疑い", exact=True).check()
    page.get_by_role("button", name="受け付ける").click()
    expect(status(page)).to_contain_text("相談を受け付けました。")
    field(page, "結果の補足").fill("本人の同意はまだない。関係機関で知っていることを持ち寄りたい。")
    page.get_by_role("button", name="多機関協働へ（福祉総務課）").click()
    expect(status(page)).to_contain_text("相談の結果を記録しました。")
    page.get_by_role("link", name="ケースにする（多機関協働）").click()
    expect(
        page.get_by_role("heading", level=1, name="ケースを開始する（多機関協働）")
    ).to_be_visible()
    field(page, "ケース名").fill(TITLE)
    page.get_by_role("button", name="ケースを開始する").click()
    expect(status(page)).to_contain_text("を開始しました。")
    case = Case.objects.get()
    case_url = page.url
    assert case_url.endswith(f"/cases/{case.pk}/")
    expect(page.locator(".sharing")).to_contain_text("同意なし")

    # The agencies that will sit in the 支援会議 are involved (no consent: they see nothing yet).
    for agency, role in [
        ("委託相談支援事業所 A", "精神面の見立てと、障害福祉サービスの情報提供"),
        ("生活支援室", "収入・生活費の状況の確認"),
    ]:
        page.get_by_role("link", name="関係機関を追加する").click()
        field(page, "機関").select_option(label=agency)
        field(page, "役割分担").fill(role)
        page.get_by_role("button", name="追加する").click()
        expect(page.get_by_role("heading", level=1, name=re.compile(TITLE))).to_be_visible()
    screen("support_case_coordinator")

    # 2. A 重層的支援会議 is refused (no 支援決定, no consent); a 支援会議 is scheduled.
    page.get_by_role("link", name="会議を開く").click()
    expect(page.get_by_role("heading", level=1, name="会議を登録する")).to_be_visible()
    field(page, "会議の種類").select_option(label="重層的支援会議")
    field(page, "目的").select_option(label="プランの作成")
    field(page, "開催日").fill(today.isoformat())
    field(page, "開始時刻").fill("09:00")
    field(page, "場所").fill(PLACE)
    field(page, "参加者").select_option(label=["相談 咲", "生活 誠", "民生 和子"])
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "重層的支援会議の前に、支援決定を記録してください。"
    )
    assert not Meeting.objects.exists()
    screen("meeting_form_multilayer_refused")
    field(page, "会議の種類").select_option(label="支援会議")
    field(page, "目的").select_option(label="（支援会議では選びません）")
    # What was typed is still there.
    expect(field(page, "場所")).to_have_value(PLACE)
    page.get_by_role("button", name="登録する").click()
    expect(status(page)).to_contain_text("会議を登録しました。")
    meeting = Meeting.objects.get()
    assert meeting.kind.is_support_meeting and meeting.purpose == ""
    meeting_url = page.url
    assert meeting_url.endswith(f"/cases/meetings/{meeting.pk}/")
    participants = page.get_by_role("table").filter(has_text="守秘義務の誓約").first
    for name in ("相談 咲", "生活 誠", "民生 和子"):
        expect(participants.get_by_role("row").filter(has_text=name)).to_contain_text("未誓約")
    screen("support_meeting_detail_coordinator")
    logout(page)

    # 3. saki: no case before the pledge; the meeting shows date, place and the pledge only.
    login("saki")
    expect_not_found(page, case_url)
    pledge_from_my_meetings(page, case, screen)
    page.goto(meeting_url)
    expect(page.get_by_role("heading", level=1, name="支援会議")).to_be_visible()
    expect(main(page)).to_contain_text(PLACE)
    expect(main(page)).not_to_contain_text(case.number)
    expect(main(page)).not_to_contain_text(TITLE)
    expect(main(page)).not_to_contain_text("森")
    screen("support_meeting_limited", phone=True)
    page.get_by_role("link", name="誓約のページへ").click()
    expect(page.get_by_role("heading", level=1, name="守秘義務の誓約")).to_be_visible()
    screen("support_meeting_pledge", phone=True)
    page.get_by_role("button", name="上の内容を守ることを誓約する").click()
    expect(status(page)).to_contain_text("守秘義務の誓約を記録しました。")
    expect(page).to_have_url(case_url)
    expect(page.get_by_role("heading", level=1, name=re.compile(TITLE))).to_be_visible()
    expect(page.locator(".case-summary")).to_contain_text("支援会議（守秘義務）にもとづく共有")
    screen("support_case_pledged_staff")
    assert MeetingParticipant.objects.get(user=saki).pledged_at is not None
    logout(page)

    # 4. kazuko (民生委員): closed until she pledges, then the outline and her meeting, read-only.
    login("kazuko")
    expect_not_found(page, case_url)
    pledge_from_my_meetings(page, case)
    page.get_by_role("button", name="上の内容を守ることを誓約する").click()
    expect(status(page)).to_contain_text("守秘義務の誓約を記録しました。")
    expect(page).to_have_url(case_url)
    expect(page.locator(".case-summary")).to_contain_text("支援会議（守秘義務）にもとづく共有")
    expect(main(page)).to_contain_text("森 静香")
    expect(main(page).get_by_role("link", name="森 静香")).to_have_count(0)
    for name in (
        "ケース名・概要・予定日を編集",
        "主担当機関を変更",
        "関係機関を追加する",
        "事業の利用を開始する",
        "記録を書く",
        "会議を開く",
        "アセスメントを書く",
    ):
        expect(main(page).get_by_role("link", name=name)).to_have_count(0)
    expect(main(page).get_by_role("button")).to_have_count(0)
    screen("support_case_volunteer", phone=True)
    # The outline only: no progress record, assessment, plan or consent (CaseAccess.case_file).
    for name in ("支援経過記録をすべて見る", "アセスメント", "支援プラン"):
        expect(main(page).get_by_role("link", name=name, exact=True)).to_have_count(0)
    expect(main(page).get_by_role("heading", name="同意")).to_have_count(0)
    page.goto(meeting_url)
    expect(main(page)).to_contain_text(PLACE)
    expect(main(page).get_by_role("link", name="議題・議事録を書く")).to_have_count(0)
    expect(main(page).get_by_role("button")).to_have_count(0)
    screen("support_meeting_detail_volunteer", phone=True)
    logout(page)

    # 5. ichiro records the minutes and an action item for saki's agency.
    login("ichiro")
    page.goto(meeting_url)
    page.get_by_role("link", name="議題・議事録を書く").click()
    expect(page.get_by_role("heading", level=1, name="議題・議事録を書く")).to_be_visible()
    field(page, "共有した情報").fill(SHARED)
    field(page, "支援の方針・役割分担").fill(ARRANGEMENT)
    field(page, "決定事項").fill("委託相談支援事業所と民生委員が、月2回、同行して訪問する。")
    page.get_by_label("会議は開催済み").check()
    screen("support_meeting_minutes_form")
    page.get_by_role("button", name="保存する").click()
    expect(status(page)).to_contain_text("議事録を保存しました。")
    expect(page.locator(".meeting-record")).to_contain_text(ARRANGEMENT)
    due = today + timedelta(days=14)
    action = page.get_by_role("region", name="会議で決めた対応を追加する")
    field(action, "内容").fill(ACTION)
    field(action, "担当機関").select_option(label="委託相談支援事業所 A")
    field(action, "担当者").fill("相談 咲")
    field(action, "期限").fill(due.isoformat())
    action.get_by_role("button", name="追加する").click()
    expect(status(page)).to_contain_text("会議で決めた対応を追加しました。")
    items = page.get_by_role("table").filter(has_text="担当機関")
    expect(items.get_by_role("row").filter(has_text=ACTION)).to_contain_text(due.isoformat())
    screen("support_meeting_detail_minutes", phone=True)
    logout(page)

    login("saki")
    open_queue(page)
    own = section(page, "会議で決めた自機関の対応")
    expect(own.filter(has_text=ACTION[:20])).to_have_count(1)
    screen("intake_queue_meeting_action")
    expect(own).to_contain_text(case.number)
    own.filter(has_text=ACTION[:20]).get_by_role("link").click()
    expect(page).to_have_url(meeting_url)
    row = page.get_by_role("row").filter(has_text=ACTION)
    row.get_by_role("button", name="完了にする").click()
    expect(status(page)).to_contain_text("対応を完了にしました。")
    expect(page.get_by_role("row").filter(has_text=ACTION)).to_contain_text("完了（")
    assert ActionItem.objects.get().done_by == saki
    open_queue(page)
    expect(section(page, "会議で決めた自機関の対応")).to_have_count(0)
    logout(page)

    # 6. ichiro starts the outreach track and prints the minutes.
    login("ichiro")
    page.goto(case_url)
    page.get_by_role("link", name="事業の利用を開始する").click()
    page.get_by_role("group", name=re.compile("^事業")).get_by_label(
        "アウトリーチ等を通じた継続的支援"
    ).check()
    field(page, "補足").fill("支援会議の決定: 繰り返しの同行訪問")
    page.get_by_role("button", name="開始する").click()
    tracks = page.get_by_role("region", name="利用している事業")
    expect(tracks).to_contain_text("アウトリーチ等を通じた継続的支援")
    assert case.tracks.filter(program=Program.OUTREACH, ended_on__isnull=True).exists()
    page.get_by_role("link", name=today.strftime("%Y-%m-%d 09:00")).click()
    expect(page).to_have_url(meeting_url)
    page.get_by_role("link", name="印刷用の議事録").click()
    expect(page.get_by_role("heading", level=1, name="支援会議 議事録")).to_be_visible()
    sheet = page.locator(".minutes-print")
    expect(sheet).to_contain_text("社会福祉法第106条の6")
    expect(sheet).to_contain_text(ARRANGEMENT)
    expect(sheet).to_contain_text(ACTION)
    expect(sheet).to_contain_text(f"相談 咲（委託相談支援事業所 A、{today.isoformat()} 誓約）")
    expect(sheet).to_contain_text("生活 誠（生活支援室、未誓約）")
    page.emulate_media(media="print")
    screen("support_meeting_print")
    page.emulate_media(media="screen")

    # 7. The sharing ends: the pledged participants lose the case at once.
    page.goto(meeting_url)
    # The step cannot be undone: the button first says what will happen.
    page.get_by_text("情報共有を終了する", exact=True).click()
    expect(page.get_by_text(re.compile("このケースを見られなくなります"))).to_be_visible()
    page.get_by_role("button", name="情報共有の終了を確定する").click()
    expect(status(page)).to_contain_text("情報共有を終了しました。")
    expect(page.get_by_text("情報共有を終了する", exact=True)).to_have_count(0)
    screen("support_meeting_sharing_ended")
    logout(page)

    login("saki")
    expect_not_found(page, case_url)
    assert page.goto(meeting_url).status == 404
    open_my_meetings(page)
    row = main(page).get_by_role("row").filter(has_text=PLACE)
    expect(row).to_contain_text("情報共有は終了しました")
    expect(row).not_to_contain_text("誓約のあとに表示します")
    expect(main(page)).not_to_contain_text(TITLE)
    screen("support_meeting_my_meetings_ended")
