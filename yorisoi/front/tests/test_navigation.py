"""Navigation by role: each role sees only the screens it may open."""

import pytest
from django.urls import reverse

from yorisoi.front.navigation import items_for
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
    "APIトークン",
    "ログインの設定",
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

EXPECTED = {
    "hana": CASEWORK_MENU,
    "masaki": EVALUATOR_MENU,
    "ichiro": COORDINATOR_MENU,
    "saki": CASEWORK_MENU,
    "kazuko": [
        "ホーム",
        "民生委員の報告",
        "ケース",
        "参加する会議",
        "APIトークン",
        "ログインの設定",
    ],
    "ken": ["ホーム", "社会資源", "地域づくり", "評価", "APIトークン", "ログインの設定"],
    "osamu": ["ホーム", "APIトークン", "ログインの設定", "管理画面"],
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_menu_shows_what_the_role_may_open(personas, persona):
    labels = [item["label"] for item in items_for(personas[persona])]
    assert labels == EXPECTED[persona]


@pytest.mark.parametrize("persona", EXPECTED)
def test_rendered_menu_matches(personas, persona):
    body = client_for(personas[persona]).get(reverse("front:home")).content.decode()
    nav = body.split('aria-label="メインメニュー"', 1)[1].split("</nav>", 1)[0]
    for label in ["受付・つなぎ", "民生委員の報告", "本人", "世帯", "管理画面"]:
        assert (f">{label}</a>" in nav) is (label in EXPECTED[persona])


def test_current_page_is_marked(hana):
    body = client_for(hana).get(reverse("people:household_list")).content.decode()
    assert 'aria-current="page">世帯</a>' in body
