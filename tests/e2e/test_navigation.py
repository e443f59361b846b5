"""Role-based navigation (R6): each persona sees only the menu items its role may open, and a
role without need-to-know is refused the people screens even when typing the address."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

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
    "APIトークン",
    "ログインの設定",
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
    "APIトークン",
    "ログインの設定",
]
# The coordinator also reviews 名寄せ (the duplicate review queue), after 世帯.
_REVIEW = EVALUATOR_MENU.index("世帯") + 1
COORDINATOR_MENU = [*EVALUATOR_MENU[:_REVIEW], "名寄せの確認", *EVALUATOR_MENU[_REVIEW:]]
NO_RECORDS_MENU = ["ホーム", "APIトークン", "ログインの設定"]
ANALYST_MENU = ["ホーム", "社会資源", "地域づくり", "評価", "APIトークン", "ログインの設定"]

EXPECTED_MENU = {
    "hana": CASEWORK_MENU,  # home-care centre staff
    "masaki": EVALUATOR_MENU,  # manager at the same centre
    "ichiro": COORDINATOR_MENU,  # coordinator at 福祉総務課
    "saki": CASEWORK_MENU,  # staff at another agency (the outsider still has the screens)
    "kazuko": [
        "ホーム",
        "民生委員の報告",
        "ケース",
        "参加する会議",
        "APIトークン",
        "ログインの設定",
    ],  # 民生委員
    "ken": ANALYST_MENU,  # analyst: aggregates only
    "osamu": [*NO_RECORDS_MENU, "管理画面"],  # administrator: users and master data
}


@pytest.mark.parametrize("username", list(EXPECTED_MENU))
def test_menu_shows_exactly_what_the_role_may_open(request, page, login, username):
    request.getfixturevalue(username)
    login(username)

    menu = page.get_by_role("navigation", name="メインメニュー").get_by_role("link")
    expect(menu).to_have_text(EXPECTED_MENU[username])
    expect(menu.filter(has_text="ホーム")).to_have_attribute("aria-current", "page")
    # The home page's tiles are the same items, less ホーム itself.
    expect(page.locator(".tiles").get_by_role("link")).to_have_text(EXPECTED_MENU[username][1:])


def test_analyst_opening_people_by_address_is_refused(page, login, ken, screen):
    login("ken")

    response = page.goto("/people/")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("この画面を開く権限がありません")
    expect(page.get_by_role("table")).to_have_count(0)
    screen("forbidden")

    response = page.goto("/people/households/")
    assert response.status == 403
