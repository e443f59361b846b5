"""The main navigation. Each item shows only to users whose role may open its route."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yorisoi import access

# (label, route, routes starting with this prefix mark the item as current); the labels name
# lists, so English gets the plural ("People"), Japanese the same word.
NAV_ITEMS = [
    (_("ホーム"), "front:home", "front:home"),
    (_("受付・つなぎ"), "front:queue", "intake:"),
    (_("民生委員の報告"), "intake:volunteer_reports", "intake:volunteer_report"),
    (pgettext_lazy("plural", "ケース"), "cases:case_list", "cases:"),
    (pgettext_lazy("plural", "参加する会議"), "cases:my_meetings", "cases:my_meetings"),
    (pgettext_lazy("plural", "アウトリーチ"), "outreach:target_list", "outreach:"),
    (pgettext_lazy("plural", "社会資源"), "resources:service_list", "resources:"),
    (_("参加支援"), "participation:need_list", "participation:"),
    (_("地域づくり"), "community:overview", "community:"),
    (_("評価"), "evaluation:dashboard", "evaluation:"),
    (pgettext_lazy("plural", "本人"), "people:person_list", "people:person"),
    (pgettext_lazy("plural", "世帯"), "people:household_list", "people:household"),
    (_("名寄せの確認"), "identity:match_list", "identity:"),
    (_("監査ログ"), "audit:trail", "audit:"),
    (pgettext_lazy("plural", "お知らせ"), "notifications:list", "notifications:"),
    (pgettext_lazy("plural", "APIトークン"), "accounts:token_list", "accounts:token"),
    (_("ログインの設定"), "accounts:security", "accounts:security"),
]


def items_for(user, current_view_name=""):
    allowed = [item for item in NAV_ITEMS if access.route_allows(user, item[1])]
    # The current item is the one with the longest matching prefix ("cases:my_meetings" is
    # 参加する会議, any other "cases:" page is ケース).
    matching = [prefix for _, _, prefix in allowed if current_view_name.startswith(prefix)]
    current = max(matching, key=len, default=None)
    items = [
        {"label": label, "url": reverse(route), "current": prefix == current}
        for label, route, prefix in allowed
    ]
    if access.can_manage_master_data(user):
        items.append({"label": _("管理画面"), "url": reverse("admin:index"), "current": False})
    return items
