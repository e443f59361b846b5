"""Navigation by role: the main menu holds the screens a role works in, the user menu what
concerns the account; neither offers a screen the role may not open (issue 14, item 7)."""

import pytest
from django.urls import resolve, reverse

from yorisoi import access
from yorisoi.accounts.models import Role
from yorisoi.front.navigation import items_for, user_items_for
from yorisoi.testing import client_for

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
# The coordinator and managers see the evaluation (PDCA) too, after 地域づくり.
_AFTER = CASEWORK_MENU.index("地域づくり") + 1
EVALUATOR_MENU = [*CASEWORK_MENU[:_AFTER], "評価", *CASEWORK_MENU[_AFTER:]]
# The coordinator also reviews 名寄せ (the duplicate review queue), after 世帯.
_REVIEW = EVALUATOR_MENU.index("世帯") + 1
# … and the audit trail (監査ログ, 開示請求) after it.
COORDINATOR_MENU = [
    *EVALUATOR_MENU[:_REVIEW],
    "名寄せの確認",
    "監査ログ",
    *EVALUATOR_MENU[_REVIEW:],
]
# A 民生委員 reports what they notice and joins meetings; their cases open from a meeting.
VOLUNTEER_MENU = ["ホーム", "民生委員の報告", "参加する会議"]

EXPECTED = {
    "hana": CASEWORK_MENU,
    "masaki": EVALUATOR_MENU,
    "ichiro": COORDINATOR_MENU,
    "saki": CASEWORK_MENU,
    "kazuko": VOLUNTEER_MENU,
    "ken": ["ホーム", "社会資源", "地域づくり", "評価"],
    "osamu": ["ホーム", "管理画面"],
}
USER_MENU_LABELS = ["APIトークン", "ログインの設定"]
# Caseworkers also bring their agency's ledgers in (取り込み), occasional work kept out of the
# main menu so that it stays on one line.
CASEWORK_USER_MENU = ["取り込み", *USER_MENU_LABELS]


def user_menu_labels(persona):
    return USER_MENU_LABELS if persona in ("kazuko", "ken", "osamu") else CASEWORK_USER_MENU


def main_menu(body):
    return body.split('aria-label="メインメニュー"', 1)[1].split("</nav>", 1)[0]


def user_menu(body):
    return body.split('aria-label="利用者メニュー"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize("persona", EXPECTED)
def test_menu_shows_what_the_role_works_in(personas, persona):
    labels = [item["label"] for item in items_for(personas[persona])]
    assert labels == EXPECTED[persona]


def test_volunteer_menu_holds_only_reports_and_meetings(kazuko):
    body = client_for(kazuko).get(reverse("front:home")).content.decode()
    nav = main_menu(body)
    assert nav.count("<li>") == len(VOLUNTEER_MENU)
    for label in VOLUNTEER_MENU:
        assert f">{label}</a>" in nav
    for label in ["ケース", "APIトークン", "ログインの設定", "受付・つなぎ", "本人"]:
        assert f">{label}</a>" not in nav


def test_volunteer_still_opens_the_case_list_by_its_address(kazuko):
    # Not in the menu, still allowed by the policy: the menu narrows, it never widens.
    assert access.route_allows(kazuko, "cases:case_list")
    assert client_for(kazuko).get(reverse("cases:case_list")).status_code == 200


@pytest.mark.parametrize("persona", EXPECTED)
def test_rendered_menu_matches(personas, persona):
    body = client_for(personas[persona]).get(reverse("front:home")).content.decode()
    nav = main_menu(body)
    for label in ["受付・つなぎ", "民生委員の報告", "ケース", "本人", "世帯", "管理画面"]:
        assert (f">{label}</a>" in nav) is (label in EXPECTED[persona])
    for label in CASEWORK_USER_MENU:
        assert f">{label}</a>" not in nav


@pytest.mark.parametrize("persona", EXPECTED)
def test_user_menu_holds_tokens_settings_and_sign_out_for_every_role(personas, persona):
    user = personas[persona]
    assert [item["label"] for item in user_items_for(user)] == user_menu_labels(persona)

    body = client_for(user).get(reverse("front:home")).content.decode()
    menu = user_menu(body)
    for label in user_menu_labels(persona):
        assert f">{label}</a>" in menu
    assert f'action="{reverse("accounts:logout")}"' in menu
    assert ">ログアウト</button>" in menu
    # The button that opens it names the user; script and stylesheet do the rest (no inline).
    assert f'<span class="visually-hidden">利用者メニュー </span>{user}</button>' in body
    assert 'aria-controls="user-menu"' in body


@pytest.mark.parametrize("persona", EXPECTED)
def test_no_menu_offers_a_screen_the_policy_refuses(personas, persona):
    user = personas[persona]
    for item in [*items_for(user), *user_items_for(user)]:
        view_name = resolve(item["url"]).view_name
        if view_name != "admin:index":  # the admin site guards itself (is_staff)
            assert access.route_allows(user, view_name), view_name


def test_every_role_is_among_the_personas(personas):
    assert {user.role for user in personas.values()} == set(Role)


def test_current_page_is_marked(hana):
    body = client_for(hana).get(reverse("people:household_list")).content.decode()
    assert 'aria-current="page">世帯</a>' in body


def test_current_account_page_is_marked_in_the_user_menu(hana):
    body = client_for(hana).get(reverse("accounts:token_list")).content.decode()
    assert 'aria-current="page">APIトークン</a>' in user_menu(body)
    assert 'aria-current="page"' not in main_menu(body)


def test_signed_out_page_has_no_menus(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "メインメニュー" not in body
    assert "利用者メニュー" not in body
