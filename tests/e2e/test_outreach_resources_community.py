"""Journeys through the three screens of issue 5 (plan Ⅱ(3)–(5)), in the browser.

1. Outreach — the outreach half of the plan's worked example 2 (a woman in her 50s, long-term
   withdrawal): a neighbour worries, 委託相談支援事業所 registers a target with no name, logs
   joint visits on a tablet until they meet face to face, and identifies the person. The trust
   stage moves only with the evidence. An uninvolved agency gets "not found".
2. Social resources — the coordinator registers a 地域活動支援センター, finds it by category,
   by day and time and by a POSTed keyword, exports the directory as HSDS and sees a broken
   HSDS file refused whole, with its problems listed.
3. Community building — a worker records an activity at a site; the overview shows the fiscal
   year's totals; an analyst reads them.

Everyone signs in through the real login form and signs out with the header's button.
"""

import json
import re
from datetime import date, time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yorisoi.community import loader as community_loader
from yorisoi.community import services as community_services
from yorisoi.community.models import Activity, ActivityKind, Site
from yorisoi.community.selectors import current_fiscal_year
from yorisoi.directory.models import Agency, District
from yorisoi.outreach.models import ContactAttempt, OutreachTarget, Stage
from yorisoi.resources.models import (
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceTaxonomy,
    TaxonomyTerm,
)
from yorisoi.resources.services import refresh_search_text
from yorisoi.testing import PersonFactory

pytestmark = pytest.mark.browser

DOORSTEP = {"width": 800, "height": 1280}  # a tablet held upright on a doorstep
ADDRESS = "四日市市富洲原町2丁目（市営住宅3号棟）"
SEEN = "2階、夜も明かりがついている"
NEIGHBOUR = "隣の住民。50代くらいの女性が10年以上外に出ていないようだと電話があった。"
VOLUNTEER_AGENCY = "富洲原地区民生委員児童委員協議会"
REQUIRED = r"(\s*（\s*必須\s*）)?"  # a required field's label or legend also reads 必須


def field(scope, label):
    """The input labelled `label`; a required field's label also reads 必須."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}{REQUIRED}$"))


def group(scope, legend):
    """A radio or checkbox group (a fieldset named by its legend)."""
    return scope.get_by_role("group", name=re.compile(rf"^{re.escape(legend)}{REQUIRED}$"))


def menu(page):
    return page.get_by_role("navigation", name="メインメニュー")


def logout(page):
    page.get_by_role("button", name="利用者メニュー").click()  # ログアウト is in the user menu
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1, name="ログイン")).to_be_visible()


def expect_stage(page, label):
    """The trust stage the target's page marks as current."""
    expect(page.locator(".stage-steps [aria-current='step']")).to_have_text(label)


# --- 1. outreach ----------------------------------------------------------------------------


def log_contact(page, *, outcome, method="訪問", with_agency=None, seen="", next_on=""):
    page.get_by_role("link", name="訪問・連絡を記録する").click()
    expect(page.get_by_role("heading", level=1, name="訪問・連絡を記録する")).to_be_visible()
    group(page, "結果").get_by_label(outcome, exact=True).check()
    group(page, "方法").get_by_label(method, exact=True).check()
    if with_agency:
        group(page, "一緒に行った機関").get_by_label(with_agency).check()
    if seen:
        field(page, "様子・気づいたこと").fill(seen)
    if next_on:
        field(page, "次の予定日").fill(next_on)
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_role("status")).to_contain_text("訪問・連絡を記録しました。")


def test_outreach_from_a_neighbours_call_to_face_to_face_contact(
    page, login, saki, kazuko, jun, screen
):
    person = PersonFactory(
        agency=saki.agency,
        family_name="森",
        given_name="静香",
        family_name_kana="モリ",
        given_name_kana="シズカ",
        birth_date=date(1972, 5, 10),  # in her 50s
    )
    page.set_viewport_size(DOORSTEP)

    # saki registers a target nobody knows the name of.
    login("saki")
    menu(page).get_by_role("link", name="アウトリーチ").click()
    expect(page.get_by_role("heading", level=1, name="アウトリーチ")).to_be_visible()
    screen("outreach_list_empty", phone=True)
    page.set_viewport_size(DOORSTEP)
    page.get_by_role("link", name="対象を登録する").click()
    expect(
        page.get_by_role("heading", level=1, name="アウトリーチの対象を登録する")
    ).to_be_visible()
    screen("outreach_target_form", phone=True)
    page.set_viewport_size(DOORSTEP)
    # Sent empty, the form says what is missing.
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("alert")).to_contain_text("入力内容を確認してください")
    expect(field(page, "わかっていること")).to_have_attribute("aria-invalid", "true")
    screen("outreach_target_form_errors")
    page.set_viewport_size(DOORSTEP)

    field(page, "呼び方").fill("富洲原町2丁目 2階の方")
    group(page, "分類").get_by_label("ひきこもり（長期のひきこもり状態）").check()
    field(page, "住所・場所").fill(ADDRESS)
    field(page, "地区").select_option(label="富洲原")
    field(page, "わかっていること").fill(SEEN)
    group(page, "心配している人").get_by_label("近隣住民", exact=True).check()
    field(page, "心配している人について").fill(NEIGHBOUR)
    page.get_by_role("button", name="登録する").click()

    expect(page).to_have_url(re.compile(r"/outreach/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("status")).to_contain_text("アウトリーチの対象を登録しました。")
    expect(page.get_by_role("heading", level=1)).to_have_text("富洲原町2丁目 2階の方")
    details = page.locator(".dl")
    expect(details).to_contain_text(SEEN)
    expect(details).to_contain_text("近隣住民")
    expect(details).to_contain_text("未特定")
    expect_stage(page, "未接触")
    target_url = page.url
    screen("outreach_target_new", phone=True)
    page.set_viewport_size(DOORSTEP)

    # Visit 1: nobody answers.
    log_contact(
        page, outcome="不在", seen="インターホンに応答なし。2階の窓のカーテンは閉まっている。"
    )
    expect_stage(page, "未接触")
    # Visit 2: with the district's 民生委員, a letter through the door.
    page.get_by_role("link", name="訪問・連絡を記録する").click()
    expect(group(page, "一緒に行った機関").get_by_label(VOLUNTEER_AGENCY)).to_be_visible()
    screen("outreach_contact_form", phone=True)
    page.set_viewport_size(DOORSTEP)
    page.go_back()
    log_contact(
        page,
        outcome="手紙・メモを残した",
        with_agency=VOLUNTEER_AGENCY,
        seen="民生委員と訪問。自己紹介の手紙を郵便受けに入れた。",
    )
    expect_stage(page, "未接触")
    # Visit 3: a few words through the intercom.
    log_contact(
        page,
        outcome="ドア越し・インターホン越しに話した",
        with_agency=VOLUNTEER_AGENCY,
        seen="インターホン越しに「手紙は読みました」と一言。",
    )
    expect_stage(page, "接触あり")
    # Visit 4: she opens the door.
    log_contact(
        page,
        outcome="顔を合わせた",
        with_agency=VOLUNTEER_AGENCY,
        seen="玄関先で5分ほど。母親の介護のことを気にしている。",
        next_on="2030-01-15",
    )
    expect_stage(page, "対話できる")
    timeline = page.locator(".contact-timeline > li")
    expect(timeline).to_have_count(4)
    expect(timeline.first).to_contain_text("顔を合わせた")
    expect(timeline.first).to_contain_text(VOLUNTEER_AGENCY)
    expect(page.locator(".dl")).to_contain_text("2030-01-15")
    screen("outreach_target_face_to_face", phone=True)
    page.set_viewport_size(DOORSTEP)

    # 関係形成 needs a long talk: the stage form says so and refuses.
    page.get_by_role("link", name="段階を変える").click()
    expect(page.get_by_role("main")).to_contain_text("「対話できる」までです")
    group(page, "信頼関係の段階").get_by_label("関係形成").check()
    page.get_by_role("button", name="変更する").click()
    expect(page.get_by_role("alert")).to_contain_text("関係形成")
    screen("outreach_stage_refused")
    page.set_viewport_size(DOORSTEP)
    page.get_by_role("link", name="キャンセル").click()

    # She gives her name: saki links the target to the registered person (POSTed search).
    page.get_by_role("link", name="本人を特定する").click()
    expect(page.get_by_role("heading", level=1, name="本人を特定する")).to_be_visible()
    field(page, "氏名・カナ").fill("森")
    page.get_by_role("button", name="検索").click()
    expect(page).to_have_url(re.compile(r"/person/$"))  # the name never enters the URL
    page.get_by_label(re.compile("森 静香|森静香")).check()
    screen("outreach_person_link", phone=True)
    page.set_viewport_size(DOORSTEP)
    page.get_by_role("button", name="この人と結びつける").click()
    expect(page.get_by_role("status")).to_contain_text("本人を特定し、記録を結びつけました。")
    expect(page.locator(".dl").get_by_role("link", name=re.compile("森"))).to_be_visible()
    screen("outreach_target_identified", phone=True)

    target = OutreachTarget.objects.get()
    assert target.person == person
    assert target.stage == Stage.DIALOGUE
    assert ContactAttempt.objects.filter(target=target).count() == 4
    volunteer = Agency.objects.get(name=VOLUNTEER_AGENCY)
    assert ContactAttempt.objects.filter(target=target, agencies=volunteer).count() == 3

    page.set_viewport_size(DOORSTEP)
    menu(page).get_by_role("link", name="アウトリーチ").click()
    expect(page.get_by_role("row", name=re.compile("富洲原町2丁目 2階の方"))).to_contain_text(
        "対話できる"
    )
    screen("outreach_list", phone=True)
    logout(page)

    # An uninvolved agency (障害福祉課) gets the same "not found" as for a missing id.
    login("jun")
    response = page.goto(target_url)
    assert response.status == 404
    expect(page.get_by_role("main")).not_to_contain_text("富洲原町2丁目")
    expect(page.get_by_role("main")).not_to_contain_text(SEEN)
    screen("outreach_not_found_for_outsider")
    logout(page)

    # The 民生委員 who went along has no outreach menu and reads nothing here.
    login("kazuko")
    expect(menu(page).get_by_role("link", name="アウトリーチ")).to_have_count(0)
    assert page.goto(target_url).status in (403, 404)


# --- 2. social resources --------------------------------------------------------------------


def salon_on_mondays():
    """Another resource in the directory, so that the filters visibly leave something out."""
    org = Organization.objects.create(name="富田地区社会福祉協議会", description="")
    service = Service.objects.create(
        organization=org,
        name="富田ふれあいサロン",
        description="お茶を飲みながらおしゃべり。",
        status="active",
        fees_description="1回100円（お茶代）",
        fee_amount=100,
    )
    location = Location.objects.create(
        organization=org,
        name="富田地区市民センター",
        address_1="四日市市富田1丁目",
        district=District.objects.get(code="tomida"),
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(service=service, byday="MO", opens_at=time(13), closes_at=time(15))
    ServiceTaxonomy.objects.create(
        service=service, taxonomy_term=TaxonomyTerm.objects.get(code="salon")
    )
    refresh_search_text(service)
    return service


def results(page):
    return page.locator("#results tbody tr")


def test_the_coordinator_registers_finds_and_shares_a_resource(page, login, ichiro, screen):
    salon_on_mondays()
    login("ichiro")
    menu(page).get_by_role("link", name="社会資源").click()
    expect(page.get_by_role("heading", level=1, name="社会資源")).to_be_visible()
    expect(results(page)).to_have_count(1)
    screen("resources_list", phone=True)

    page.get_by_role("link", name="社会資源を登録する").click()
    expect(page.get_by_role("heading", level=1, name="社会資源を登録する")).to_be_visible()
    screen("resources_form", phone=True)
    # Sent without a name nor an organisation, the form says what is missing.
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("alert")).to_contain_text("入力内容を確認してください")
    expect(field(page, "名称")).to_have_attribute("aria-invalid", "true")
    screen("resources_form_errors")

    field(page, "名称").fill("地域活動支援センター ひだまり")
    field(page, "新しい運営団体の名称").fill("NPO法人ひだまり")
    group(page, "分類").get_by_label("地域活動支援センター").check()
    field(page, "内容").fill("創作活動、軽作業、昼食づくり。見学だけでも歓迎します。")
    field(page, "対象・利用条件").fill("障害のある方、生きづらさを感じている方")
    field(page, "費用").fill("無料（昼食代300円）")
    field(page, "場所の名称").fill("ひだまりハウス")
    field(page, "地区").select_option(label="富洲原")
    field(page, "住所").fill("四日市市富洲原町3-1")
    field(page, "バリアフリー・配慮").fill("1階、段差なし。静かな部屋あり。")
    group(page, "曜日").get_by_label("水曜").check()
    field(page, "開始時刻").fill("10:00")
    field(page, "終了時刻").fill("15:00")
    field(page, "担当者・窓口").fill("相談員 山本")
    field(page, "電話番号").fill("059-000-0000")
    screen("resources_form_filled")
    page.get_by_role("button", name="保存する").click()

    expect(page.get_by_role("status")).to_contain_text("社会資源を登録しました。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("地域活動支援センター ひだまり")
    main = page.get_by_role("main")
    expect(main).to_contain_text("NPO法人ひだまり")
    expect(main).to_contain_text("水曜")
    expect(main).to_contain_text("10:00")
    expect(main).to_contain_text("富洲原")
    # The vacancies (HSDS 3.1 service_capacity), reported by those who keep the resource.
    expect(main).to_contain_text("空き状況の登録なし")
    page.get_by_role("link", name="空き状況を更新する").click()
    field(page, "空き").fill("3")
    field(page, "定員").fill("15")
    page.get_by_role("button", name="空き状況を更新する").click()
    expect(page.get_by_role("status")).to_contain_text("空き状況を更新しました。")
    expect(main).to_contain_text("空き 3／15人")
    expect(main).to_contain_text("最終更新日")
    screen("resources_detail", phone=True)
    detail_url = page.url

    # By category.
    menu(page).get_by_role("link", name="社会資源").click()
    expect(results(page)).to_have_count(2)
    filters = page.get_by_role("form", name="条件で絞り込む")
    field(filters, "分類").select_option(label="地域活動支援センター")
    filters.get_by_role("button", name="絞り込む").click()
    expect(results(page)).to_have_count(1)
    expect(results(page).first).to_contain_text("ひだまり")
    screen("resources_by_category")

    # By day and time: open on Wednesday at 14:00 (the category filter cleared).
    field(filters, "分類").select_option(label="すべて")
    field(filters, "曜日").select_option(label="水曜")
    field(filters, "時刻").fill("14:00")
    filters.get_by_role("button", name="絞り込む").click()
    expect(results(page)).to_have_count(1)
    expect(results(page).first).to_contain_text("ひだまり")
    field(filters, "時刻").fill("16:00")
    filters.get_by_role("button", name="絞り込む").click()
    expect(results(page)).to_contain_text("条件に合う社会資源はありません")
    screen("resources_by_day_time", phone=True)

    # By a keyword, POSTed: the words never enter the URL.
    menu(page).get_by_role("link", name="社会資源").click()
    search = page.get_by_role("search")
    field(search, "キーワード").fill("創作")
    search.get_by_role("button", name="検索").click()
    expect(results(page)).to_have_count(1)
    expect(results(page).first).to_contain_text("ひだまり")
    assert "創作" not in page.url
    screen("resources_by_text")
    results(page).first.get_by_role("link", name="地域活動支援センター ひだまり").click()
    expect(page).to_have_url(detail_url)

    # Export the directory as HSDS.
    menu(page).get_by_role("link", name="社会資源").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="HSDS形式で書き出す").click()
    download = download_info.value
    assert re.fullmatch(r"hsds-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    exported = json.loads(open(download.path(), encoding="utf-8").read())
    # the spec's tabular form: tables keyed by their file names
    names = sorted(s["name"] for s in exported["services.csv"])
    assert names == ["地域活動支援センター ひだまり", "富田ふれあいサロン"]

    # A broken file (a service without a name, a duplicate id, a schedule that closes before
    # it opens) is refused whole, every problem listed with its table and record.
    broken = json.loads(json.dumps(exported))
    broken["services.csv"][0].pop("name")
    broken["services.csv"].append({**broken["services.csv"][1], "name": "重複した資源"})
    broken["schedules.csv"][0]["closes_at"] = "09:00"
    page.get_by_role("link", name="HSDSファイルを読み込む").click()
    expect(page.get_by_role("heading", level=1, name="HSDSファイルを読み込む")).to_be_visible()
    screen("resources_hsds_import", phone=True)
    field(page, "HSDSファイル（JSON または CSVのZIP）").set_input_files(
        {
            "name": "broken.json",
            "mimeType": "application/json",
            "buffer": json.dumps(broken, ensure_ascii=False).encode(),
        }
    )
    page.get_by_role("button", name="確認して読み込む").click()
    problems = page.get_by_role("alert").filter(has_text="何も読み込んでいません")
    expect(problems).to_be_visible()
    items = problems.locator(".hsds-problems > li")
    assert items.count() >= 3, items.all_inner_texts()
    text = " ".join(items.all_inner_texts())
    assert "services" in text and "schedules" in text, text
    screen("resources_hsds_problems", phone=True)
    assert Service.objects.count() == 2
    assert not Service.objects.filter(name="重複した資源").exists()

    # Deactivating asks first and says what follows; the record stays (R7).
    page.goto(detail_url)
    page.get_by_text("休止・終了にする", exact=True).click()
    expect(page.get_by_text(re.compile("参加支援の提案に出なくなり"))).to_be_visible()
    screen("resources_deactivate_confirm")
    page.get_by_role("button", name="休止・終了にすることを確定する").click()
    expect(page.get_by_role("status")).to_contain_text("社会資源を休止・終了にしました。")
    assert Service.objects.get(name="地域活動支援センター ひだまり").status == "inactive"
    assert Service.objects.count() == 2


# --- 3. community building ------------------------------------------------------------------


def test_a_worker_records_an_activity_and_the_analyst_reads_the_years_figures(
    page, login, hana, tomoko, ken, screen
):
    community_loader.load()
    salon = Site.objects.get(code="kaigo-yobou-01")
    other = Site.objects.get(code="kaigo-yobou-02")
    community_services.activity_record(
        actor=tomoko,
        site=other,
        held_on=timezone.localdate(),
        kind=ActivityKind.EXERCISE,
        participants=8,
        volunteers=2,
    )
    year = current_fiscal_year()

    login("hana")
    menu(page).get_by_role("link", name="地域づくり").click()
    expect(page.get_by_role("heading", level=1, name="地域づくり")).to_be_visible()
    expect(page.get_by_role("heading", name=f"{year}年度の事業別の実績")).to_be_visible()
    screen("community_overview_before", phone=True)

    page.get_by_role("link", name=salon.name).click()
    expect(page.get_by_role("heading", level=1, name=salon.name)).to_be_visible()
    screen("community_site", phone=True)
    page.get_by_role("link", name="活動を記録する").click()
    expect(page.get_by_role("heading", level=1, name="活動を記録する")).to_be_visible()
    screen("community_activity_form", phone=True)
    # A negative count is refused.
    field(page, "活動の種類").select_option(label="サロン")
    field(page, "参加者数").fill("-3")
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_role("alert")).to_contain_text("入力内容を確認してください")
    expect(field(page, "参加者数")).to_have_attribute("aria-invalid", "true")
    screen("community_activity_form_errors")
    field(page, "参加者数").fill("14")
    field(page, "ボランティア数").fill("3")
    field(page, "メモ").fill("男性の参加が初めて2人。")
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_role("status")).to_contain_text("活動を記録しました。")
    rows = page.locator(".community-activities tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("サロン")
    expect(rows.first).to_contain_text("14")
    screen("community_site_recorded", phone=True)
    logout(page)

    # The analyst reads the overview (and records nothing).
    login("ken")
    menu(page).get_by_role("link", name="地域づくり").click()
    expect(page.get_by_role("link", name="活動を記録する")).to_have_count(0)
    figures = page.locator(".community-figures")
    kaigo = figures.get_by_role("row", name=re.compile("^（ア）地域介護予防活動支援事業"))
    expect(kaigo.locator("td")).to_have_text(
        [re.compile(r"\d+"), "2", "22", "5", "0", "0"], use_inner_text=True
    )
    total = figures.locator("tfoot tr")
    expect(total.locator("td").nth(1)).to_have_text("2")
    expect(total.locator("td").nth(2)).to_have_text("22")
    expect(total.locator("td").nth(3)).to_have_text("5")
    screen("community_overview_analyst", phone=True)
    page.get_by_role("link", name=salon.name).click()
    expect(page.get_by_role("link", name="活動を記録する")).to_have_count(0)
    expect(page.locator(".community-activities tbody tr").first).to_contain_text("14")
    assert Activity.objects.filter(site=salon, participants=14, volunteers=3).count() == 1
