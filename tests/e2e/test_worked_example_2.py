"""Journey: the plan's worked example 2, end to end (DOMAIN.md, issue 5).

A woman in her 50s, living alone, long-term withdrawal. A neighbour calls 福祉総務課; without
her consent the coordinator holds a 支援会議 (社会福祉法106条の6) whose participants pledge
confidentiality and decide repeated joint home visits; 委託相談支援事業所 logs the visits with the
district's 民生委員 until they meet face to face (the trust stage moves); then the same worker
records what she would like to take part in — short-term goal: going out once a week; long-term
goal: work — and matches her to a 地域活動支援センター near home, step by step up to the start,
which schedules follow-ups at 2 weeks, 1 month and 3 months (R8).

Each persona signs in through the real login form. The 支援会議 steps reuse the helpers of
test_support_meeting_journey.py, the visits those of test_outreach_resources_community.py.
"""

import re
from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_outreach_resources_community import (
    ADDRESS,
    NEIGHBOUR,
    SEEN,
    VOLUNTEER_AGENCY,
    expect_stage,
    group,
    log_contact,
)
from test_support_meeting_journey import (
    PLACE,
    SUMMARY,
    TITLE,
    field,
    logout,
    main,
    menu,
    open_queue,
    pledge_from_my_meetings,
    status,
)

from yorisoi.accounts.models import Role
from yorisoi.cases.models import Case, Meeting, MeetingParticipant, Program
from yorisoi.directory.models import Agency, District
from yorisoi.outreach.models import ContactAttempt, OutreachTarget, Stage
from yorisoi.participation.models import ParticipationNeed, Placement, PlacementStatus
from yorisoi.resources.models import (
    CapacityUnit,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceTaxonomy,
    TaxonomyTerm,
)
from yorisoi.resources.services import refresh_search_text
from yorisoi.testing import PersonFactory, make_user

pytestmark = pytest.mark.browser

CENTER = "地域活動支援センター ふなっこ"
LABEL = "富洲原町2丁目 2階の方"
CONTACT = "支援員 山本"
DECISION = "委託相談支援事業所と民生委員が、月2回、同行して訪問する。"
SHORT_GOAL = "週1回外出する"
LONG_GOAL = "働くこと（いずれは就労したい）"
WISHES = "平日の午後、家の近くで、少人数がいい。人が多いところは不安（対人不安）。"


def resource(name, *, categories, district, byday, opens, closes, capacity, accessibility=""):
    """A social resource in the directory (set-up data; registering one is another journey)."""
    org, _ = Organization.objects.get_or_create(name=f"{name}を運営する法人", description="")
    service = Service.objects.create(
        organization=org,
        name=name,
        description="創作活動、軽作業、お茶の時間。見学だけでも歓迎します。",
        status="active",
        fee_amount=0,
        contact_name=CONTACT if "センター" in name else "",
    )
    ServiceCapacity.objects.create(
        service=service,
        unit=CapacityUnit.person(),
        available=capacity,
        maximum=capacity,
        updated=timezone.now(),
    )
    location = Location.objects.create(
        organization=org,
        name=f"{name}の部屋",
        address_1="四日市市",
        district=District.objects.get(code=district),
        accessibility=accessibility,
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(service=service, byday=byday, opens_at=opens, closes_at=closes)
    for code in categories:
        ServiceTaxonomy.objects.create(
            service=service, taxonomy_term=TaxonomyTerm.objects.get(code=code)
        )
    refresh_search_text(service)
    return service


def directory():
    """Her 地域活動支援センター (富洲原, weekday afternoons, small, a quiet room) and two that fit
    less: a big 居場所 in the south (left out: she goes nowhere far) and a Saturday-morning salon
    in the next district."""
    center = resource(
        CENTER,
        categories=["chiiki-katsudo-shien-center", "ibasho"],
        district="tomisuhara",
        byday="MO,WE,FR",
        opens=time(13),
        closes=time(16),
        capacity=10,
        accessibility="1階、段差なし。静かな部屋あり。",
    )
    resource(
        "南部ふれあい広場",
        categories=["ibasho"],
        district="hinaga",
        byday="TU,TH",
        opens=time(13),
        closes=time(16),
        capacity=40,
    )
    resource(
        "富田 土曜のおしゃべりサロン",
        categories=["salon"],
        district="tomida",
        byday="SA",
        opens=time(10),
        closes=time(12),
        capacity=20,
    )
    return center


def test_worked_example_2_from_the_neighbours_call_to_a_placement_with_follow_ups(
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
    # She is on 福祉総務課's register from an earlier call about the rubbish in her garden.
    person = PersonFactory(
        family_name="森",
        given_name="静香",
        family_name_kana="モリ",
        given_name_kana="シズカ",
        birth_date=date(1972, 5, 10),  # in her 50s
        district=District.objects.get(code="tomisuhara"),
        agency=Agency.objects.get(code="fukushi-soumu-ka"),
    )
    center = directory()
    today = timezone.localdate()

    # 1. ichiro takes the neighbour's call and escalates it; a case is opened (no consent).
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
    page.get_by_role("button", name="受け付ける").click()
    expect(status(page)).to_contain_text("相談を受け付けました。")
    field(page, "結果の補足").fill("本人の同意はまだない。関係機関で知っていることを持ち寄りたい。")
    page.get_by_role("button", name="多機関協働へ（福祉総務課）").click()
    expect(status(page)).to_contain_text("相談の結果を記録しました。")
    page.get_by_role("link", name="ケースにする（多機関協働）").click()
    field(page, "ケース名").fill(TITLE)
    page.get_by_role("button", name="ケースを開始する").click()
    expect(status(page)).to_contain_text("を開始しました。")
    case = Case.objects.get()
    case_url = page.url
    expect(page.locator(".sharing")).to_contain_text("同意なし")
    for agency, role in [
        ("委託相談支援事業所 A", "同行訪問、精神面の見立て、参加支援"),
        ("生活支援室", "収入・生活費の状況の確認"),
    ]:
        page.get_by_role("link", name="関係機関を追加する").click()
        field(page, "機関").select_option(label=agency)
        field(page, "役割分担").fill(role)
        page.get_by_role("button", name="追加する").click()
        expect(page.get_by_role("heading", level=1, name=re.compile(TITLE))).to_be_visible()

    # 2. A 支援会議 (no consent: not a 重層的支援会議) with the three who know something.
    page.get_by_role("link", name="会議を開く").click()
    field(page, "会議の種類").select_option(label="支援会議")
    field(page, "開催日").fill(today.isoformat())
    field(page, "開始時刻").fill("09:00")
    field(page, "場所").fill(PLACE)
    field(page, "参加者").select_option(label=["相談 咲", "生活 誠", "民生 和子"])
    page.get_by_role("button", name="登録する").click()
    expect(status(page)).to_contain_text("会議を登録しました。")
    meeting_url = page.url
    logout(page)

    # Each participant pledges confidentiality before the case opens to them.
    for username in ("saki", "seikatsu", "kazuko"):
        login(username)
        pledge_from_my_meetings(page, case)
        page.get_by_role("button", name="上の内容を守ることを誓約する").click()
        expect(status(page)).to_contain_text("守秘義務の誓約を記録しました。")
        expect(page).to_have_url(case_url)
        expect(page.locator(".case-summary")).to_contain_text("支援会議（守秘義務）にもとづく共有")
        logout(page)

    # The meeting decides repeated joint home visits; ichiro starts the outreach track.
    login("ichiro")
    page.goto(meeting_url)
    page.get_by_role("link", name="議題・議事録を書く").click()
    field(page, "共有した情報").fill("委託相談支援事業所: 5年前に一度電話相談あり。")
    field(page, "支援の方針・役割分担").fill("繰り返しの同行訪問で信頼関係をつくる")
    field(page, "決定事項").fill(DECISION)
    page.get_by_label("会議は開催済み").check()
    page.get_by_role("button", name="保存する").click()
    expect(status(page)).to_contain_text("議事録を保存しました。")
    expect(page.locator(".meeting-record")).to_contain_text(DECISION)
    page.goto(case_url)
    page.get_by_role("link", name="事業の利用を開始する").click()
    page.get_by_role("group", name=re.compile("^事業")).get_by_label(
        "アウトリーチ等を通じた継続的支援"
    ).check()
    page.get_by_role("button", name="開始する").click()
    expect(page.get_by_role("region", name="利用している事業")).to_contain_text(
        "アウトリーチ等を通じた継続的支援"
    )
    screen("we2_case_after_meeting")
    logout(page)

    # 3. saki registers the outreach target from the case page, then logs the joint visits.
    login("saki")
    page.goto(case_url)
    programs = page.get_by_role("region", name="アウトリーチと参加支援")
    expect(programs).to_contain_text("このケースのアウトリーチの対象はありません。")
    programs.get_by_role("link", name="アウトリーチの対象を登録する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("アウトリーチの対象を登録する")
    assert page.url.endswith(f"?case={case.pk}")  # the case's id, never a name
    expect(page.locator("#target-case-field")).to_contain_text(f"{case.number} {TITLE}")
    field(page, "呼び方").fill(LABEL)
    group(page, "分類").get_by_label("ひきこもり（長期のひきこもり状態）").check()
    field(page, "住所・場所").fill(ADDRESS)
    field(page, "地区").select_option(label="富洲原")
    field(page, "わかっていること").fill(SEEN)
    group(page, "心配している人").get_by_label("近隣住民", exact=True).check()
    field(page, "心配している人について").fill(NEIGHBOUR)
    screen("we2_target_form_from_case")
    page.get_by_role("button", name="登録する").click()
    expect(status(page)).to_contain_text("アウトリーチの対象を登録しました。")
    target = OutreachTarget.objects.get()
    expect(page.locator(".dl").get_by_role("link", name=re.compile(case.number))).to_be_visible()
    # Its edit form offers the cases she may record on, with this one picked.
    page.get_by_role("link", name="編集する").click()
    # The case picker shows this case chosen (issue 14: a search, not a list of every case).
    picked_case = page.get_by_label(f"{case.number} {TITLE}")
    expect(picked_case).to_be_checked()
    screen("we2_target_edit_case_field")
    page.get_by_role("link", name="キャンセル").click()
    expect_stage(page, "未接触")
    log_contact(page, outcome="不在", seen="インターホンに応答なし。カーテンは閉まっている。")
    expect_stage(page, "未接触")
    log_contact(
        page,
        outcome="手紙・メモを残した",
        with_agency=VOLUNTEER_AGENCY,
        seen="民生委員と訪問。自己紹介の手紙を郵便受けに入れた。",
    )
    expect_stage(page, "未接触")
    log_contact(
        page,
        outcome="ドア越し・インターホン越しに話した",
        with_agency=VOLUNTEER_AGENCY,
        seen="インターホン越しに「手紙は読みました」と一言。",
    )
    expect_stage(page, "接触あり")
    log_contact(
        page,
        outcome="顔を合わせた",
        with_agency=VOLUNTEER_AGENCY,
        seen="玄関先で10分ほど。絵を描くのが好き。いずれは働きたいと話した。",
    )
    expect_stage(page, "対話できる")
    expect(page.locator(".contact-timeline > li")).to_have_count(4)
    screen("we2_outreach_face_to_face")

    # 4. From the case page saki records what she would like to take part in.
    page.locator(".dl").get_by_role("link", name=re.compile(case.number)).click()
    programs = page.get_by_role("region", name="アウトリーチと参加支援")
    row = programs.get_by_role("row").filter(has_text=LABEL)
    expect(row).to_contain_text("対話できる")
    expect(row).to_contain_text("委託相談支援事業所 A")
    expect(programs).to_contain_text("このケースの参加支援のニーズはありません。")
    programs.scroll_into_view_if_needed()
    screen("we2_case_programs_outreach")
    programs.get_by_role("link", name="参加支援のニーズを登録する").click()
    expect(page.get_by_role("heading", level=1, name="参加支援のニーズを登録")).to_be_visible()
    assert page.url.endswith(f"?case={case.pk}")
    # Opened from the case: it is the case (shown, not asked).
    expect(page.get_by_text(f"ケース: {case.number} {TITLE}")).to_be_visible()
    expect(page.get_by_label(re.compile("^ケース（多機関協働）"))).to_have_count(0)
    # Sent without anyone picked, the form says so and keeps what was typed.
    field(page, "短期の目標（本人の言葉で）").fill(SHORT_GOAL)
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("alert")).to_contain_text("本人: 本人を選んでください。")
    expect(field(page, "短期の目標（本人の言葉で）")).to_have_value(SHORT_GOAL)
    search = field(page, "氏名・フリガナで探す")
    expect(search).to_have_attribute("aria-invalid", "true")
    search.fill("モリ")  # htmx: the matches appear while typing (POSTed, not in the URL)
    picked = page.get_by_label(re.compile("^森 静香（モリ シズカ）"))
    picked.check()
    assert "モリ" not in page.url and "森" not in page.url
    screen("we2_need_form_person_picked")
    needs = page.get_by_role("group", name="関心と目標（本人の言葉で）")
    group(needs, "関心のある分類").get_by_label("居場所", exact=True).check()
    group(needs, "関心のある分類").get_by_label("趣味・交流", exact=True).check()
    field(needs, "関心・好きなこと").fill("創作活動（絵を描くこと）")
    field(needs, "長期の目標（本人の言葉で）").fill(LONG_GOAL)
    field(needs, "希望・不安なこと").fill(WISHES)
    where = page.get_by_role("group", name="通える条件")
    for day in ("月曜", "火曜", "水曜", "木曜", "金曜"):
        group(where, "通える曜日").get_by_label(day, exact=True).check()
    group(where, "通える時間帯").get_by_label("午後", exact=True).check()
    where.get_by_label("近くの地域（北・中・南）のみ").check()
    where.get_by_label("少人数・静かな場所を希望").check()
    screen("we2_need_form_filled")
    page.get_by_role("button", name="保存する").click()
    expect(status(page)).to_contain_text("参加支援のニーズを登録しました。")
    expect(page.get_by_role("heading", level=1)).to_have_text("森 静香さんの参加支援")
    about = page.get_by_role("region", name="関心・目標・条件")
    expect(about).to_contain_text(SHORT_GOAL)
    expect(about).to_contain_text(LONG_GOAL)  # the long-term goal of work
    expect(about).to_contain_text(WISHES)
    expect(about).to_contain_text("月曜・火曜・水曜・木曜・金曜 / 午後")
    expect(about).to_contain_text("富洲原（近くの地域のみ）")
    expect(about.get_by_role("link", name=re.compile(case.number))).to_be_visible()

    # 5. The 地域活動支援センター near home comes first, with its reasons.
    proposals = page.get_by_role("region", name="合いそうな社会資源").locator(".proposal")
    expect(proposals).to_have_count(2)  # the big place in the south is too far
    best = proposals.first
    expect(best).to_contain_text(CENTER)
    for reason in (
        "関心（居場所）に合う",
        "月曜・水曜・金曜に開いている",
        "午後に開いている",
        "本人の地区（富洲原）",
        "少人数",
        "静かな部屋がある",
        "費用 0円",
    ):
        expect(best.get_by_role("listitem").filter(has_text=reason)).to_have_count(1)
    expect(proposals.nth(1)).to_contain_text("希望の曜日に開いていない")
    screen("we2_need_ranked", phone=True)
    best.get_by_role("button", name="提案する").click()
    expect(status(page)).to_contain_text("参加先として提案しました。")
    placement = page.get_by_role("region", name="参加先").locator(".placement")
    expect(placement.get_by_role("heading", level=3)).to_have_text(f"{CENTER} — 提案")
    expect(placement.get_by_label("先方の担当者")).to_have_value(CONTACT)
    placement.get_by_role("button", name="先方に連絡した").click()
    expect(status(page)).to_contain_text("参加先の段階を更新しました。")
    expect(placement.get_by_role("heading", level=3)).to_have_text(
        f"{CENTER} — 調整中（先方に連絡済み）"
    )
    expect(placement).to_contain_text(f"先方の担当者: {CONTACT}")
    placement.get_by_role("button", name="お試し参加").click()
    expect(placement.get_by_role("heading", level=3)).to_have_text(f"{CENTER} — お試し参加")
    placement.get_by_role("button", name="参加開始").click()
    expect(placement.get_by_role("heading", level=3)).to_have_text(f"{CENTER} — 参加開始")
    day = today.isoformat()
    expect(placement).to_contain_text(f"連絡 {day} · お試し {day} · 開始 {day}")

    # 6. The follow-ups: 2 weeks, 1 month, 3 months from the start (R8).
    dues = [(today + timedelta(days=d)).isoformat() for d in (14, 30, 90)]
    follow_ups = placement.locator(".follow-ups > li")
    expect(follow_ups).to_have_count(3)
    for item, due in zip(follow_ups.all(), dues, strict=True):
        expect(item).to_contain_text(f"{due} 予定")
    screen("we2_placement_started", phone=True)

    menu(page).get_by_role("link", name="参加支援").click()
    expect(page.get_by_role("row").filter(has_text="森 静香")).to_contain_text(SHORT_GOAL)
    page.get_by_role("link", name="フォローアップの予定").click()
    rows = main(page).locator("tbody tr")
    expect(rows).to_have_count(3)
    for row, due in zip(rows.all(), dues, strict=True):
        expect(row).to_contain_text(due)
        expect(row).to_contain_text(CENTER)
        expect(row).to_contain_text("森 静香")
    screen("we2_my_follow_ups", phone=True)
    # The work list holds follow-ups once they fall due: none today.
    open_queue(page)
    tabs = page.get_by_role("navigation", name="絞り込み")
    expect(tabs.get_by_role("link", name="フォローアップ 0", exact=True)).to_be_visible()
    logout(page)

    # The coordinator records the participation track on the case.
    login("ichiro")
    page.goto(case_url)
    page.get_by_role("link", name="事業の利用を開始する").click()
    page.get_by_role("group", name=re.compile("^事業")).get_by_label("参加支援", exact=True).check()
    field(page, "補足").fill(f"{CENTER}に週1回（{day} 開始）")
    page.get_by_role("button", name="開始する").click()
    tracks = page.get_by_role("region", name="利用している事業")
    expect(tracks).to_contain_text("アウトリーチ等を通じた継続的支援")
    expect(tracks).to_contain_text("参加支援")
    screen("we2_case_tracks")
    # The case page lists what happened on the outreach and participation tracks.
    programs = page.get_by_role("region", name="アウトリーチと参加支援")
    expect(programs.get_by_role("row").filter(has_text=LABEL)).to_contain_text("対話できる")
    need_row = programs.get_by_role("row").filter(has_text=SHORT_GOAL)
    expect(need_row).to_contain_text("森 静香")
    expect(need_row).to_contain_text(f"{CENTER}: 参加開始")
    expect(programs.get_by_role("link", name="参加支援のニーズを登録する")).to_be_visible()
    programs.scroll_into_view_if_needed()
    screen("we2_case_programs")

    # Nothing was lost on the way.
    meeting = Meeting.objects.get()
    assert meeting.kind.is_support_meeting
    assert MeetingParticipant.objects.filter(meeting=meeting, pledged_at__isnull=False).count() == 3
    target.refresh_from_db()
    assert target.case == case and target.stage == Stage.DIALOGUE
    assert ContactAttempt.objects.filter(target=target).count() == 4
    need = ParticipationNeed.objects.get()
    assert (need.person, need.case, need.responsible_agency) == (person, case, saki.agency)
    assert need.long_term_goal == LONG_GOAL and need.days == ["MO", "TU", "WE", "TH", "FR"]
    placed = Placement.objects.get()
    assert (placed.service, placed.status) == (center, PlacementStatus.STARTED)
    assert [f.due_on.isoformat() for f in placed.follow_ups.order_by("due_on")] == dues
    assert set(case.tracks.values_list("program", flat=True)) == {
        Program.COLLABORATION,
        Program.OUTREACH,
        Program.PARTICIPATION,
    }
