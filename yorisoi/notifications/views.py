from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services


def notification_list(request):
    notifications = request.user.notifications.select_related(
        "consultation", "referral__from_agency", "referral__to_agency", "follow_up__placement"
    )
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    rows = selectors.notifications_page(request.user, page.object_list)
    return render(request, "notifications/list.html", {"page": page, "rows": rows})


@require_POST
def notification_mark_read(request):
    ids = [i for i in request.POST.getlist("id") if i.isascii() and i.isdigit()]
    services.mark_read(user=request.user, notification_ids=ids)
    return redirect("notifications:list")
