"""axe-core on the screens the journeys do not already cover, keyboard focus, and proof that
the two automatic checks (axe, CSP console) would catch something."""

import pytest
from playwright.sync_api import expect

from yorisoi.accounts.models import ApiToken

pytestmark = pytest.mark.browser


def test_person_form_with_errors_and_token_pages_pass_axe(page, login, hana, screen):
    login("hana")
    nav = page.get_by_role("navigation", name="メインメニュー")

    nav.get_by_role("link", name="本人").click()
    page.get_by_role("link", name="本人を登録する").click()
    expect(page.get_by_role("heading", level=1, name="本人を登録")).to_be_visible()
    screen("person_form", phone=True)
    page.get_by_role("button", name="登録する").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("入力内容を確認してください")
    # Each summary entry is a link to its field.
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_family_name")).to_be_focused()
    screen("person_form_errors", phone=True)

    nav.get_by_role("link", name="世帯").click()
    expect(page.get_by_role("heading", level=1, name="世帯")).to_be_visible()
    screen("household_list")

    page.get_by_role("button", name="利用者メニュー").click()
    page.get_by_role("navigation", name="利用者メニュー").get_by_role(
        "link", name="APIトークン"
    ).click()
    expect(page.get_by_role("heading", level=1, name="APIトークン")).to_be_visible()
    screen("token_list")
    page.get_by_role("button", name="発行する").click()
    expect(page.locator(".field__error")).to_be_visible()
    screen("token_list_errors")
    page.get_by_label("用途").fill("庁内システム連携")
    page.get_by_role("button", name="発行する").click()
    expect(page.get_by_role("heading", level=1, name="トークンを発行しました")).to_be_visible()
    screen("token_created")
    assert ApiToken.objects.filter(user=hana, name="庁内システム連携").count() == 1


def test_keyboard_user_can_skip_to_content_and_sees_where_focus_is(page, login, hana, screen):
    login("hana")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    screen("focus_skip_link")

    # Past the title, the language, the user menu's button and the first menu items, to 世帯.
    nav_link = page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="世帯"
    )
    for _ in range(20):
        page.keyboard.press("Tab")
        if nav_link.evaluate("el => el === document.activeElement"):
            break
    expect(nav_link).to_be_focused()
    outline = nav_link.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    screen("focus_nav_link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="世帯")).to_be_visible()


def test_the_scan_would_catch_a_serious_violation(page, login, hana, axe_blocking):
    login("hana")
    assert axe_blocking(page) == []
    # An unlabelled text box is "critical" in axe-core.
    page.evaluate("document.querySelector('main').appendChild(document.createElement('input'))")
    assert "label" in {v["id"] for v in axe_blocking(page)}


def test_the_console_watch_would_catch_a_csp_violation(page, csp_violations):
    response = page.goto("/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy

    # An inline <style> is what a careless template would add; the policy must block it and
    # the console listener must see it.
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "const s = document.createElement('style');"
            "s.textContent = 'body { color: red }';"
            "document.head.appendChild(s);"
        )
    expect(page.locator("body")).not_to_have_css("color", "rgb(255, 0, 0)")
    assert any("style-src" in m for m in csp_violations), csp_violations
    csp_violations.clear()  # expected here; the page fixture fails on any left over
