"""Journey: the coordinator opens a case for a person found by typing, not by Ctrl-clicking in
a list of everyone (issue 14, "pickers, not lists"), with the keyboard only. A person of the
same name registered by an agency with no need to know is never offered (R6)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yorisoi.cases.models import Case
from yorisoi.testing import PersonFactory

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 900}


def test_the_coordinator_types_a_name_picks_the_person_and_opens_the_case(
    page, login, ichiro, saki, screen
):
    person = PersonFactory(
        agency=ichiro.agency, family_name="山川", given_name="茂",
        family_name_kana="ヤマカワ", given_name_kana="シゲル",
    )  # fmt: skip
    PersonFactory(
        agency=saki.agency, family_name="山川", given_name="秘子",
        family_name_kana="ヤマカワ", given_name_kana="ヒメコ",
    )  # fmt: skip
    for _ in range(40):
        PersonFactory(agency=ichiro.agency)

    login("ichiro")
    page.set_viewport_size(WIDE)
    page.goto("/cases/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("ケースを開始する（多機関協働）")
    page.get_by_label(re.compile("^ケース名")).fill("父の見守り")

    search = page.get_by_label("本人", exact=True)
    search.focus()
    page.keyboard.type("やまかわ")
    match = page.get_by_label(re.compile(r"山川 茂（ヤマカワ シゲル）"))
    expect(match).to_be_visible()
    expect(page.get_by_text("秘子")).to_have_count(0)
    screen("case_open_picker")  # axe-core too

    page.keyboard.press("Tab")  # the 探す button
    page.keyboard.press("Tab")  # the first match
    expect(match).to_be_focused()
    page.keyboard.press("Space")
    expect(match).to_be_checked()
    # The chosen person stays when the search changes.
    search.fill("さとう")
    search.press("Enter")
    expect(page.locator("#id_persons_results")).not_to_be_empty()
    expect(page.get_by_label(re.compile(r"山川 茂（ヤマカワ シゲル）"))).to_be_checked()
    screen("case_open_picker_chosen")

    page.get_by_label(re.compile("^次の対応予定日")).fill(
        (timezone.localdate() + timedelta(days=3)).isoformat()
    )
    page.get_by_label(re.compile("^ケース名")).press("Enter")  # the form's own submit
    expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))
    case = Case.objects.get()
    assert [s.person_id for s in case.subjects.all()] == [person.pk]


def test_the_lead_agency_select_filters_as_one_types(page, login, ichiro):
    login("ichiro")
    page.goto("/cases/new")
    page.get_by_label("入力して絞り込む").fill("障害")
    select = page.locator("select[name=lead_agency]")
    visible = select.locator("optgroup:not([hidden]) option:not([hidden])")
    assert visible.count() >= 1
    for text in visible.all_inner_texts():
        assert "障害" in text or text == select.evaluate("s => s.selectedOptions[0].textContent")


def test_without_script_the_picker_searches_by_submitting_the_form(browser, live_server, ichiro):
    person = PersonFactory(
        agency=ichiro.agency, family_name="山川", given_name="茂",
        family_name_kana="ヤマカワ", given_name_kana="シゲル",
    )  # fmt: skip
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", java_script_enabled=False, viewport=WIDE
    )
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("利用者ID").fill("ichiro")
        page.get_by_label("パスワード").fill("correct-horse-battery-staple")
        page.get_by_role("button", name="ログイン").click()
        page.goto("/cases/new")
        page.get_by_label(re.compile("^ケース名")).fill("父の見守り")
        page.get_by_label("本人", exact=True).fill("やまかわ")
        page.get_by_role("button", name="探す").nth(1).click()  # 世帯's, then 本人's
        match = page.get_by_label(re.compile(r"山川 茂（ヤマカワ シゲル）"))
        match.check()
        expect(page.get_by_label(re.compile("^ケース名"))).to_have_value("父の見守り")
        page.get_by_role("button", name="ケースを開始する").click()
        expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))
        assert [s.person_id for s in Case.objects.get().subjects.all()] == [person.pk]
    finally:
        context.close()
