"""Journey: the plan's worked example 1, through the screens.

A father in his 70s with new dementia symptoms and his son with an intellectual disability
(type-B workplace); both malnourished. A neighbour tells the home-care support centre (hana),
which escalates to the coordinating division (ichiro). ichiro opens a case, splits the roles
among four agencies, records each subject's consent and the support decision, writes the
assessment, holds a 重層的支援会議 to create the plan, and later one to review it.

Only the household is registered through a service (its own journey is
test_household_registration.py); everything from the neighbour's call on is done on screen.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yorisoi.accounts.models import Role
from yorisoi.cases.models import Case, SupportPlan
from yorisoi.cases.tests.world import ROLES, family
from yorisoi.testing import make_user

pytestmark = pytest.mark.browser

SUMMARY = (
    "隣の住民から電話。隣の高齢男性が同じことを何度も尋ねるようになった。"
    "昨年奥さんが亡くなり、息子さんと二人暮らし。二人とも痩せてきた。"
)
TITLE = "高齢の父と障害のある息子の世帯"
AGENCIES = {
    "chiiki-houkatsu-01": "地域包括支援センター 北部",
    "zaitaku-kaigo-01": "在宅介護支援センター 富洲原",
    "itaku-soudan-01": "委託相談支援事業所 A",
    "shougai-fukushi-ka": "障害福祉課",
}
GOALS_V1 = [
    ("短期目標", "父と息子が毎日三食をとれるようになる。"),
    ("長期目標", "父は住み慣れた家で暮らし続け、息子はグループホームから事業所に通い続ける。"),
]
GOAL_V2 = "父は介護サービスを使いながら家で暮らし、息子はグループホームの体験利用を始める。"
ACTIONS = [
    ("chiiki-houkatsu-01", "認知症初期集中支援チームにつなぎ、介護認定の申請を支援する。"),
    ("zaitaku-kaigo-01", "配食サービスを始め、週1回訪問して見守る。"),
    ("itaku-soudan-01", "グループホームの見学を調整し、B型事業所への通所を支える。"),
    ("shougai-fukushi-ka", "グループホーム利用の支給決定を行う。"),
]


def field(scope, label):
    """The input labelled `label`; a required field's label also reads 必須."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}(（必須）)?$"))


def group(scope, name):
    return scope.get_by_role("group", name=re.compile(rf"^{re.escape(name)}(\s*（\s*必須\s*）)?$"))


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


def status(page):
    return page.get_by_role("status")


def h1(page, name):
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def open_case_from_list(page, number):
    menu(page).get_by_role("link", name="ケース").click()
    page.get_by_role("link", name=number, exact=True).click()
    h1(page, re.compile(re.escape(TITLE)))


def schedule_meeting(page, purpose, when):
    page.get_by_role("link", name="会議を開く").click()
    h1(page, "会議を登録する")
    field(page, "会議の種類").select_option(label="重層的支援会議")
    field(page, "目的").select_option(label=purpose)
    field(page, "開催日").fill(when.isoformat())
    field(page, "開始時刻").fill("10:00")
    field(page, "場所").fill("四日市市役所 福祉総務課 会議室")
    field(page, "参加者").select_option(label=["tomoko", "hana", "saki", "jun"])


def fill_rows(page, legend, rows):
    """Fill the plan form's rows of one formset ("目標" or "機関ごとの支援内容")."""
    formset = page.get_by_role("group", name=legend, exact=True)
    for n, values in rows:
        row = formset.get_by_role("group", name=f"{n}行目", exact=True)
        for label, value in values.items():
            target = field(row, label)
            if label in ("期間", "担当機関"):
                target.select_option(label=value)
            else:
                target.fill(value)


def test_worked_example_1_from_the_neighbours_call_to_the_reviewed_plan(
    page, login, hana, ichiro, saki, tomoko, jun, screen
):
    stranger = make_user("yoko", Role.STAFF, "kosodate-concierge-01")  # uninvolved agency
    household, father, son = family(hana)
    today = timezone.localdate()

    # 1. hana records the neighbour's call about the father and escalates it.
    login("hana")
    menu(page).get_by_role("link", name="受付・つなぎ").click()
    page.get_by_role("link", name="相談を受け付ける").click()
    h1(page, "相談を受け付ける")
    field(page, "相談経路").select_option(label="近隣住民から")
    field(page, "相談者").select_option(label="近隣住民")
    page.get_by_label("登録済みの人から探す（氏名・フリガナ）").fill("ヤマカワ シゲル")
    page.get_by_label(re.compile("^山川 茂（ヤマカワ シゲル）")).check()
    field(page, "相談内容").fill(SUMMARY)
    page.get_by_label("認知症", exact=True).check()
    page.get_by_label("認知症を主な課題にする").check()  # ◎: the intake asks for the main issue
    page.get_by_role("button", name="受け付ける").click()
    expect(status(page)).to_contain_text("相談を受け付けました。")
    expect(page.locator(".dl")).to_contain_text("山川 茂")
    expect(page.locator(".dl")).to_contain_text("山川家")  # the father's household came along
    page.get_by_role("button", name="多機関協働へ（福祉総務課）").click()
    expect(status(page)).to_contain_text("相談の結果を記録しました。")
    logout(page)

    # 2. ichiro finds it in his queue and makes it a case.
    login("ichiro")
    menu(page).get_by_role("link", name="受付・つなぎ").click()
    section(page, "多機関協働への相談").get_by_role("link").first.click()
    page.get_by_role("link", name="ケースにする（多機関協働）").click()
    h1(page, "ケースを開始する（多機関協働）")
    # The household of the consultation is already chosen in the household picker.
    chosen = page.get_by_label(re.compile(r"^\s*山川家（"))
    expect(chosen).to_be_checked()
    expect(chosen).to_have_value(str(household.pk))
    expect(field(page, "ケースの概要")).to_have_value(SUMMARY)
    field(page, "ケース名").fill(TITLE)
    field(page, "次の対応予定日").fill((today + timedelta(days=3)).isoformat())
    screen("case_form", phone=True)
    page.get_by_role("button", name="ケースを開始する").click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))
    expect(status(page)).to_contain_text("を開始しました。")
    case = Case.objects.get()
    assert {s.person for s in case.subjects.all()} == {father, son}
    case_url = page.url
    h1(page, re.compile(re.escape(TITLE)))

    # 3a. The four agencies and their roles.
    for n, code in enumerate(AGENCIES):
        page.get_by_role("link", name="関係機関を追加する").click()
        h1(page, "関係機関を追加する")
        field(page, "機関").select_option(label=AGENCIES[code])
        field(page, "役割分担").fill(ROLES[code])
        if n == 0:
            field(page, "担当者").fill("tomoko")
            screen("case_involvement_form", phone=True)
        page.get_by_role("button", name="追加する").click()
        expect(status(page)).to_contain_text("関係機関を追加しました。")
    agencies = page.get_by_role("table", name="関係機関と役割分担")
    for code, name in AGENCIES.items():
        row = agencies.get_by_role("row").filter(has_text=name)
        expect(row).to_contain_text(ROLES[code])

    # 3b. Each subject's written consent.
    for n, person in enumerate((father, son)):
        page.get_by_role("link", name="同意を記録する").click()
        h1(page, "同意を記録する")
        subjects = group(page, "本人")
        if n == 1:  # the subject still without consent comes preselected
            expect(subjects.get_by_label(person.full_name)).to_be_checked()
            expect(subjects.get_by_label(f"{father.full_name}（有効な同意あり）")).to_be_visible()
        subjects.get_by_label(person.full_name).check()
        expect(group(page, "同意の範囲").get_by_label("ケースの関係機関すべて")).to_be_checked()
        group(page, "同意の方法").get_by_label("書面").check()
        if n == 0:
            screen("case_consent_form", phone=True)
        page.get_by_role("button", name="記録する").click()
        expect(status(page)).to_contain_text("同意を記録しました。")
    sharing = page.get_by_role("region", name="情報共有の根拠")
    expect(sharing).to_contain_text("同意にもとづく共有")
    expect(sharing).not_to_contain_text("有効な同意なし")

    # 3c. The support decision (支援決定), needed for a 重層的支援会議.
    page.get_by_role("button", name="支援決定を記録する").click()
    expect(status(page)).to_contain_text("支援決定を記録しました。")
    expect(page.locator(".case-summary")).to_contain_text(today.isoformat())

    # 3d. The assessment, with the person's own words.
    page.get_by_role("link", name="アセスメントを書く").click()
    h1(page, "アセスメントを書く")
    field(page, "世帯の状況").fill(
        "父（70代）と息子（知的障害、就労継続支援B型事業所に通所）の二人暮らし。"
        "昨年母が亡くなってから食事が不規則で、二人とも痩せている。"
    )
    for n, (domain, issue) in enumerate(
        [
            ("高齢・介護", "父に認知症の初期症状。介護認定は受けていない。"),
            ("障害", "息子は父の世話を担えず、将来の住まいが決まっていない。"),
        ],
        1,
    ):
        row = page.get_by_role("group", name=f"課題 {n}", exact=True)
        field(row, "分野").select_option(label=domain)
        field(row, "課題").fill(issue)
    field(page, "強み・できていること").fill("息子は毎日休まず事業所に通っている。")
    field(page, "本人の意向").fill("父「この家で息子と暮らしたい」。息子「仕事は続けたい」。")
    screen("case_assessment_form", phone=True)
    page.get_by_role("button", name="新しい版として保存する").click()
    expect(status(page)).to_contain_text("アセスメントを保存しました。")
    expect(page.get_by_role("main")).to_contain_text("この家で息子と暮らしたい")
    page.get_by_role("link", name=re.compile(re.escape(TITLE))).first.click()

    # 3e. A 重層的支援会議 to create the plan, with the four agencies.
    schedule_meeting(page, "プランの作成", today - timedelta(days=7))
    screen("case_meeting_form", phone=True)
    page.get_by_role("button", name="登録する").click()
    expect(status(page)).to_contain_text("会議を登録しました。")
    h1(page, re.compile("^重層的支援会議"))
    participants = page.get_by_role("table", name="参加者")
    expect(participants.locator("tbody tr")).to_have_count(4)
    screen("case_meeting_detail", phone=True)

    page.get_by_role("link", name="議題・議事録を書く").click()
    h1(page, "議題・議事録を書く")
    field(page, "① プランの共有").fill("父と息子それぞれの支援を役割分担して進める。")
    field(page, "議事録").fill("各機関の把握している状況を共有し、役割分担を確認した。")
    field(page, "決定事項").fill("父は在宅を継続。息子はグループホームを検討し、通所は継続。")
    expect(page.get_by_label("会議は開催済み")).to_be_checked()  # it was held last week
    screen("case_meeting_minutes", phone=True)
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("main")).to_contain_text("役割分担を確認した。")

    # 3f. Plan v1, decided at that meeting.
    page.get_by_role("link", name="この会議で支援プランを決める").click()
    h1(page, "支援プランを作る（第1版）")
    fill_rows(page, "目標", [(n, {"期間": t, "目標": g}) for n, (t, g) in enumerate(GOALS_V1, 1)])
    rows = page.get_by_role("group", name="機関ごとの支援内容", exact=True).get_by_role(
        "group", name=re.compile("行目$")
    )
    offered = rows.count()
    fill_rows(
        page,
        "機関ごとの支援内容",
        [
            (n, {"担当機関": AGENCIES[code], "支援内容": text})
            for n, (code, text) in enumerate(ACTIONS[:offered], 1)
        ],
    )
    field(page, "次回の見直し予定日").fill((today + timedelta(days=90)).isoformat())
    page.get_by_label("本人がプランに同意").check()
    screen("case_plan_form", phone=True)
    page.get_by_role("button", name="プランを保存する").click()
    expect(status(page)).to_contain_text("支援プラン 第1版を保存しました。")
    h1(page, re.compile("^支援プラン.*第1版"))
    for _term, goal in GOALS_V1:
        expect(page.get_by_role("table", name="目標と評価")).to_contain_text(goal)
    screen("case_plan_detail_v1", phone=True)

    page.goto(case_url)
    expect(page.get_by_role("region", name="情報共有の根拠")).to_contain_text("同意にもとづく共有")
    expect(page.get_by_role("region", name="アセスメントと支援プラン")).to_contain_text("第1版")
    for code in AGENCIES:
        expect(page.get_by_role("table", name="関係機関と役割分担")).to_contain_text(ROLES[code])
    screen("case_detail", phone=True)
    logout(page)

    # 4. The involved agencies read the case on the basis of consent; others get 404.
    for username, code in (("tomoko", "chiiki-houkatsu-01"), ("saki", "itaku-soudan-01")):
        login(username)
        menu(page).get_by_role("link", name="ケース").click()
        h1(page, re.compile("ケース"))
        row = page.get_by_role("row").filter(has_text=case.number)
        expect(row).to_contain_text("同意にもとづく共有")
        if username == "tomoko":
            screen("case_list")
        open_case_from_list(page, case.number)
        summary = page.locator(".case-summary")
        expect(summary).to_contain_text("同意にもとづく共有")
        expect(summary).to_contain_text(f"あなたの機関の役割{ROLES[code]}")
        mine = page.get_by_role("table", name="関係機関と役割分担").get_by_role("row")
        expect(mine.filter(has_text=AGENCIES[code])).to_contain_text(ROLES[code])
        expect(page.get_by_role("link", name="関係機関を追加する")).to_have_count(0)
        if username == "tomoko":
            screen("case_detail_involved")
        logout(page)

    login(stranger.username)
    response = page.goto(case_url)
    assert response.status == 404
    h1(page, "ページが見つかりません")
    expect(page.get_by_role("main")).not_to_contain_text(TITLE)
    logout(page)

    # 5. The review: a 重層的支援会議 for プランの見直し, every goal rated, plan v2.
    login("ichiro")
    open_case_from_list(page, case.number)
    schedule_meeting(page, "プランの見直し", today - timedelta(days=1))
    page.get_by_role("button", name="登録する").click()
    expect(status(page)).to_contain_text("会議を登録しました。")
    page.get_by_role("link", name="目標を評価する").click()
    h1(page, "目標を評価する")
    for (term, goal), rating in zip(GOALS_V1, ("一部達成", "未達成"), strict=True):
        goal_set = page.get_by_role("group", name=f"{term}: {goal}")
        group(goal_set, "評価").get_by_label(rating, exact=True).check()
        field(goal_set, "評価の補足").fill("配食は始まったが、息子の体重はまだ戻らない。")
    screen("case_goals_review", phone=True)
    page.get_by_role("button", name="評価を記録する").click()
    expect(status(page)).to_contain_text("目標の評価を記録しました。")

    h1(page, "支援プランを見直す（第2版）")
    goals = page.get_by_role("group", name="目標", exact=True)
    # Pre-filled from v1 (long-term goals first); the long-term goal is rewritten.
    long_goal = goals.get_by_role("group", name="1行目", exact=True)
    expect(field(long_goal, "期間")).to_have_value("long")
    expect(field(long_goal, "目標")).to_have_value(GOALS_V1[1][1])
    field(long_goal, "目標").fill(GOAL_V2)
    rest = [
        (n, {"担当機関": AGENCIES[code], "支援内容": text})
        for n, (code, text) in enumerate(ACTIONS, 1)
        if n > offered
    ]
    fill_rows(page, "機関ごとの支援内容", rest)
    field(page, "次回の見直し予定日").fill((today + timedelta(days=180)).isoformat())
    page.get_by_role("button", name="プランを保存する").click()
    expect(status(page)).to_contain_text("支援プラン 第2版を保存しました。")
    assert list(SupportPlan.objects.values_list("number", flat=True).order_by("number")) == [1, 2]
    actions = page.get_by_role("table", name="機関ごとの支援内容")
    for code, text in ACTIONS:
        expect(actions.get_by_role("row").filter(has_text=AGENCIES[code])).to_contain_text(text)
    screen("case_plan_detail_v2", phone=True)

    page.get_by_role("link", name="版を比べる").click()
    h1(page, "支援プランの版を比べる")
    changes = page.get_by_role("table", name="目標の変化")
    changed = changes.locator("tr.change--changed")
    expect(changed).to_have_count(1)
    expect(changed.locator("del")).to_have_text(GOALS_V1[1][1])
    expect(changed.locator("ins")).to_have_text(GOAL_V2)
    screen("case_plan_compare", phone=True)

    # The progress record lists both plan versions and both meetings.
    page.goto(case_url)
    page.get_by_role("link", name="支援経過記録をすべて見る").click()
    h1(page, "支援経過記録")
    timeline = page.locator(".timeline")
    for text in ("支援プラン 第1版", "支援プラン 第2版"):
        expect(timeline.locator(".timeline__entry").filter(has_text=text)).not_to_have_count(0)
    expect(
        timeline.locator(".timeline__entry").filter(has_text="重層的支援会議")
    ).not_to_have_count(0)
    screen("case_timeline", phone=True)
