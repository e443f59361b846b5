"""Role-based navigation (R6): each persona's main menu holds the screens its role works in,
the account's pages wait in a user menu, a phone shows the menu behind a button, and a role
without need-to-know is refused the people screens even when typing the address."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

CASEWORK_MENU = [
    "ホーム",
    "受付・つなぎ",
    "ケース",
    "参加する会議",
    "アウトリーチ",
    "社会資源",
    "参加支援",
    "地域づくり",
    "本人",
    "世帯",
    "お知らせ",
]
# The coordinator and managers see the evaluation (PDCA) too.
EVALUATOR_MENU = [
    "ホーム",
    "受付・つなぎ",
    "ケース",
    "参加する会議",
    "アウトリーチ",
    "社会資源",
    "参加支援",
    "地域づくり",
    "評価",
    "本人",
    "世帯",
    "お知らせ",
]
# The coordinator also reviews 名寄せ (the duplicate review queue) and the audit trail (監査ログ,
# 開示請求), after 世帯.
_REVIEW = EVALUATOR_MENU.index("世帯") + 1
COORDINATOR_MENU = [
    *EVALUATOR_MENU[:_REVIEW],
    "名寄せの確認",
    "監査ログ",
    *EVALUATOR_MENU[_REVIEW:],
]
ANALYST_MENU = ["ホーム", "社会資源", "地域づくり", "評価"]

EXPECTED_MENU = {
    "hana": CASEWORK_MENU,  # home-care centre staff
    "masaki": EVALUATOR_MENU,  # manager at the same centre
    "ichiro": COORDINATOR_MENU,  # coordinator at 福祉総務課
    "saki": CASEWORK_MENU,  # staff at another agency (the outsider still has the screens)
    # 民生委員: reports and meetings; a case opens from its meeting.
    "kazuko": ["ホーム", "民生委員の報告", "参加する会議"],
    "ken": ANALYST_MENU,  # analyst: aggregates only
    "osamu": ["ホーム", "管理画面"],  # administrator: users and master data
}
# Every role's account: under the user's name, not in the main menu; caseworkers also bring
# their agency's ledgers in (取り込み) from there.
USER_MENU = ["APIトークン", "ログインの設定"]
CASEWORK_USER_MENU = ["取り込み", *USER_MENU]


def user_menu_of(username):
    return USER_MENU if username in ("kazuko", "ken", "osamu") else CASEWORK_USER_MENU


def user_menu(page):
    return page.get_by_role("navigation", name="利用者メニュー")


@pytest.mark.parametrize("username", list(EXPECTED_MENU))
def test_menu_shows_exactly_what_the_role_may_open(request, page, login, username):
    request.getfixturevalue(username)
    login(username)

    menu = page.get_by_role("navigation", name="メインメニュー").get_by_role("link")
    expect(menu).to_have_text(EXPECTED_MENU[username])
    expect(menu.filter(has_text="ホーム")).to_have_attribute("aria-current", "page")
    if username in ("kazuko", "ken", "osamu"):
        # Without a work list, the home page's tiles are the same items, less ホーム itself.
        expect(page.locator(".tiles").get_by_role("link")).to_have_text(EXPECTED_MENU[username][1:])
    else:  # caseworkers: 今日やること
        expect(page.get_by_role("heading", level=1, name="今日やること")).to_be_visible()

    # The user menu is closed until its button (the user's name) opens it.
    expect(user_menu(page)).to_be_hidden()
    page.get_by_role("button", name="利用者メニュー").click()
    expect(user_menu(page).get_by_role("link")).to_have_text(user_menu_of(username))
    expect(user_menu(page).get_by_role("button", name="ログアウト")).to_be_visible()
    user_menu(page).get_by_role("link", name="APIトークン").click()
    expect(page.get_by_role("heading", level=1, name="APIトークン")).to_be_visible()


def test_on_a_phone_the_menu_waits_behind_a_button_and_opens_from_the_keyboard(
    page, login, hana, screen
):
    page.set_viewport_size(PHONE)
    login("hana")

    # The content's heading is on the first screen, without scrolling.
    heading = page.get_by_role("heading", level=1, name="今日やること")
    box = heading.bounding_box()
    assert box["y"] + box["height"] < PHONE["height"] / 3, box
    menu = page.get_by_role("navigation", name="メインメニュー")
    expect(menu).to_be_hidden()
    toggle = page.get_by_role("button", name="メニュー", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    screen("home_phone_menu_closed")

    # Tab from the top of the page to メニュー, open it with Enter, then Tab into its links.
    for _ in range(10):
        page.keyboard.press("Tab")
        if toggle.evaluate("el => el === document.activeElement"):
            break
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link")).to_have_text(CASEWORK_MENU)
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="ホーム")).to_be_focused()
    screen("home_phone_menu_open")
    # Escape closes it and gives focus back to the button.
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()

    # The user menu opens from the keyboard too (Space), and holds the same three things.
    user_button = page.get_by_role("button", name="利用者メニュー")
    user_button.focus()
    page.keyboard.press("Space")
    expect(user_button).to_have_attribute("aria-expanded", "true")
    expect(user_menu(page).get_by_role("link")).to_have_text(CASEWORK_USER_MENU)
    screen("home_phone_user_menu")
    user_menu(page).get_by_role("link", name="ログインの設定").click()
    expect(page.get_by_role("heading", level=1, name="ログインの設定")).to_be_visible()
    expect(menu).to_be_hidden()


def test_the_user_menu_closes_on_a_click_elsewhere(page, login, kazuko):
    login("kazuko")
    page.get_by_role("button", name="利用者メニュー").click()
    expect(user_menu(page)).to_be_visible()
    page.get_by_role("heading", level=1).click()
    expect(user_menu(page)).to_be_hidden()
    # On a tablet the main menu is always open; there is no メニュー button.
    expect(page.get_by_role("button", name="メニュー", exact=True)).to_be_hidden()
    expect(page.get_by_role("navigation", name="メインメニュー").get_by_role("link")).to_have_text(
        EXPECTED_MENU["kazuko"]
    )


def test_analyst_opening_people_by_address_is_refused(page, login, ken, screen):
    login("ken")

    response = page.goto("/people/")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("この画面を開く権限がありません")
    expect(page.get_by_role("table")).to_have_count(0)
    screen("forbidden")

    response = page.goto("/people/households/")
    assert response.status == 403


def test_without_script_both_menus_show_open(browser, live_server, hana):
    # The disclosure buttons need app.js; a <noscript> stylesheet shows the menus instead.
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("利用者ID").fill("hana")
        page.get_by_label("パスワード").fill("correct-horse-battery-staple")
        page.get_by_role("button", name="ログイン").click()
        expect(page.get_by_role("heading", level=1, name="今日やること")).to_be_visible()
        expect(page.get_by_role("button", name="メニュー", exact=True)).to_be_hidden()
        expect(
            page.get_by_role("navigation", name="メインメニュー").get_by_role("link")
        ).to_have_text(CASEWORK_MENU)
        expect(user_menu(page).get_by_role("link")).to_have_text(CASEWORK_USER_MENU)
        user_menu(page).get_by_role("button", name="ログアウト").click()
        expect(page.get_by_role("heading", level=1, name="ログイン")).to_be_visible()
    finally:
        context.close()
