from .navigation import items_for, user_items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_menu_items": []}
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    return {
        "nav_items": items_for(user, view_name),
        "user_menu_items": user_items_for(user, view_name),
    }
