"""Journey: a home-care centre worker registers a household with two members, then finds one
of them again by kana typed in half-width katakana."""

import re

import pytest
from playwright.sync_api import expect

from yorisoi.people.models import Household, Person

pytestmark = pytest.mark.browser


def field(scope, label):
    """The input labelled `label`; a required field's label also reads 必須."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}(（必須）)?$"))


def _open_household_form(page):
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="世帯").click()
    expect(page.get_by_role("heading", level=1, name="世帯")).to_be_visible()
    page.get_by_role("link", name="世帯を登録する").click()
    expect(page.get_by_role("heading", level=1, name="世帯を登録")).to_be_visible()


def test_staff_registers_a_household_with_two_members_and_finds_one_by_kana(
    page, login, hana, screen, csp_violations
):
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1, name="ログイン")).to_be_visible()
    screen("login")
    login("hana")
    screen("home")

    _open_household_form(page)
    screen("household_form", phone=True)

    field(page, "世帯名").fill("山田さん世帯")
    page.get_by_label("地区").select_option(label="富洲原")

    # The first row starts as 世帯主. From its birth date on, the row is filled with the
    # keyboard alone: type, Tab, type…
    first = page.get_by_role("group", name="1人目")
    expect(first.get_by_label("続柄")).to_have_value("head")
    first.get_by_label("生年月日").focus()
    page.keyboard.type("S23.5.1")
    for label, text in [
        ("氏", "山田"),
        ("名", "太郎"),
        ("氏（フリガナ）", "ヤマダ"),
        ("名（フリガナ）", "タロウ"),
    ]:
        page.keyboard.press("Tab")
        expect(field(first, label)).to_be_focused()
        page.keyboard.type(text)

    # htmx fetches the second row; app.js bumps TOTAL_FORMS and moves focus into the row.
    page.get_by_role("button", name="世帯員を追加する").click()
    second = page.get_by_role("group", name="2人目")
    expect(second.get_by_label("続柄")).to_be_focused()
    expect(page.locator("#id_members-TOTAL_FORMS")).to_have_value("2")
    second.get_by_label("続柄").select_option(label="子")
    second.get_by_label("生年月日").fill("昭和55年4月1日")
    field(second, "氏").fill("山田")
    field(second, "名").fill("花子")
    second.get_by_label("氏（フリガナ）").fill("ヤマダ")
    second.get_by_label("名（フリガナ）").fill("ハナコ")
    screen("household_form_filled")

    page.get_by_role("button", name="世帯を登録する").click()

    expect(page).to_have_url(re.compile(r"/people/households/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1, name="山田さん世帯")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("世帯を登録しました（世帯員 2 人）。")
    rows = page.get_by_role("table", name="世帯員").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td")).to_have_text(
        ["世帯主", "山田 太郎", "ヤマダ タロウ", "昭和23年5月1日（1948年5月1日）"]
    )
    expect(rows.nth(1).locator("td")).to_have_text(
        ["子", "山田 花子", "ヤマダ ハナコ", "昭和55年4月1日（1980年4月1日）"]
    )
    screen("household_detail")

    # Search 本人 with half-width katakana, as older systems and some IMEs produce it.
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="本人").click()
    expect(page.get_by_role("heading", level=1, name="本人")).to_be_visible()
    screen("person_list")
    search = page.get_by_label("氏名・フリガナ")
    results = page.locator("#results")
    search.fill("ﾔﾏﾀﾞ")
    search.press("Enter")
    expect(results).to_contain_text("検索結果: 2 人")
    expect(results.get_by_role("link")).to_have_text(["山田 太郎", "山田 花子"])
    search.fill("ﾔﾏﾀﾞ ﾊﾅｺ")
    search.press("Enter")
    expect(results).to_contain_text("検索結果: 1 人")
    expect(results.get_by_role("link")).to_have_text(["山田 花子"])
    screen("person_search_results")

    results.get_by_role("link", name="山田 花子").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("山田 花子")
    expect(page.get_by_role("link", name="山田さん世帯")).to_be_visible()
    screen("person_detail")

    assert csp_violations == []


def test_a_date_that_does_not_exist_is_refused_next_to_the_field_and_nothing_is_saved(
    page, login, hana, screen
):
    login("hana")
    _open_household_form(page)
    field(page, "世帯名").fill("佐藤さん世帯")
    first = page.get_by_role("group", name="1人目")
    first.get_by_label("生年月日").fill("昭和23年2月30日")
    field(first, "氏").fill("佐藤")
    field(first, "名").fill("一郎")

    page.get_by_role("button", name="世帯を登録する").click()

    expect(page.get_by_role("alert")).to_contain_text("入力内容を確認してください")
    birth_date = first.get_by_label("生年月日")
    error = (
        first.locator(".field").filter(has=page.get_by_label("生年月日")).locator(".field__error")
    )
    expect(error).to_have_text("2月30日は存在しない日付です。")
    # The message is tied to the field, so a screen reader reads it on focus.
    expect(birth_date).to_have_attribute("aria-invalid", "true")
    expect(birth_date).to_have_css("border-top-width", "2px")
    expect(birth_date).to_have_css("border-top-color", "rgb(206, 0, 0)")  # the error colour
    expect(birth_date).to_have_accessible_description(re.compile("2月30日は存在しない日付です。"))
    # What was typed stays, so it can be corrected rather than retyped.
    expect(birth_date).to_have_value("昭和23年2月30日")
    screen("household_form_errors", phone=True)

    assert not Household.objects.exists()
    assert not Person.objects.exists()
