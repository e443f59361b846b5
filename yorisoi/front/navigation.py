"""The main navigation. Each item shows only to users whose role may open its route."""

from django.urls import reverse

from yorisoi import access

# (label, route, routes starting with this prefix mark the item as current)
NAV_ITEMS = [
    ("ホーム", "front:home", "front:home"),
    ("本人", "people:person_list", "people:person"),
    ("世帯", "people:household_list", "people:household"),
    ("APIトークン", "accounts:token_list", "accounts:token"),
]


def items_for(user, current_view_name=""):
    items = [
        {"label": label, "url": reverse(route), "current": current_view_name.startswith(prefix)}
        for label, route, prefix in NAV_ITEMS
        if access.route_allows(user, route)
    ]
    if access.can_manage_master_data(user):
        items.append({"label": "管理画面", "url": reverse("admin:index"), "current": False})
    return items
