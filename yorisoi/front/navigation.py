"""The header's two menus, both derived from the access policy (routes.ROUTES): an item shows
only to users whose role may open its route, so a menu never offers a refused page.

The main menu holds the screens a role works in day to day; the user menu (under the user's
name) holds what concerns the account itself: API tokens, sign-in settings, signing out
(issue 14: every role saw 12–13 items, tokens included, even a 民生委員)."""

from collections.abc import Callable
from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yorisoi import access
from yorisoi.work.selectors import due_count


class NavItem(NamedTuple):
    label: str
    route: str
    # Pages whose route name starts with this prefix mark the item as current.
    prefix: str
    # A question to the policy (access.is_…): users it says yes for may open the screen but
    # do not need it in their menu, because they reach it from another one.
    unless: Callable | None = None


# The labels name lists, so English gets the plural ("People"), Japanese the same word.
MAIN_MENU = [
    NavItem(_("ホーム"), "front:home", "front:home"),
    NavItem(_("受付・つなぎ"), "front:queue", "intake:"),
    NavItem(_("民生委員の報告"), "intake:volunteer_reports", "intake:volunteer_report"),
    # A 民生委員 opens a case only from a 支援会議 they pledged for: 参加する会議 leads there.
    NavItem(
        pgettext_lazy("plural", "ケース"),
        "cases:case_list",
        "cases:",
        unless=access.is_volunteer,
    ),
    NavItem(pgettext_lazy("plural", "参加する会議"), "cases:my_meetings", "cases:my_meetings"),
    NavItem(pgettext_lazy("plural", "アウトリーチ"), "outreach:target_list", "outreach:"),
    NavItem(pgettext_lazy("plural", "社会資源"), "resources:service_list", "resources:"),
    NavItem(_("参加支援"), "participation:need_list", "participation:"),
    NavItem(_("地域づくり"), "community:overview", "community:"),
    NavItem(_("評価"), "evaluation:dashboard", "evaluation:"),
    NavItem(pgettext_lazy("plural", "本人"), "people:person_list", "people:person"),
    NavItem(pgettext_lazy("plural", "世帯"), "people:household_list", "people:household"),
    NavItem(_("名寄せの確認"), "identity:match_list", "identity:"),
    NavItem(_("監査ログ"), "audit:trail", "audit:"),
    NavItem(pgettext_lazy("plural", "お知らせ"), "notifications:list", "notifications:"),
]

USER_MENU = [
    # Occasional work (bringing an agency's ledgers in) waits in the user menu, so that the main
    # menu stays on one line.
    NavItem(_("取り込み"), "imports:upload", "imports:"),
    NavItem(pgettext_lazy("plural", "APIトークン"), "accounts:token_list", "accounts:token"),
    NavItem(_("ログインの設定"), "accounts:security", "accounts:security"),
]


def _shown(user, menu):
    return [
        item
        for item in menu
        if access.route_allows(user, item.route) and not (item.unless and item.unless(user))
    ]


def _links(items, current_view_name):
    # The current item is the one with the longest matching prefix ("cases:my_meetings" is
    # 参加する会議, any other "cases:" page is ケース).
    matching = [item.prefix for item in items if current_view_name.startswith(item.prefix)]
    current = max(matching, key=len, default=None)
    return [
        {"label": item.label, "url": reverse(item.route), "current": item.prefix == current}
        for item in items
    ]


def items_for(user, current_view_name=""):
    """The main menu: the screens this user's role works in. ホーム (今日やること) carries the
    number of things due today or overdue: one indexed query, none for users without a work
    list (administrators, analysts, 民生委員)."""
    items = _links(_shown(user, MAIN_MENU), current_view_name)
    if items and items[0]["url"] == reverse("front:home"):
        items[0]["badge"] = due_count(user)
    if access.can_manage_master_data(user):
        items.append({"label": _("管理画面"), "url": reverse("admin:index"), "current": False})
    return items


def user_items_for(user, current_view_name=""):
    """The user menu's links (signing out is a form beside them, for every role)."""
    return _links(_shown(user, USER_MENU), current_view_name)
