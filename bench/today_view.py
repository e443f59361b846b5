"""URLconf for bench/today.py: the project's URLs plus a bare view, so 今日やること (front:home,
api:today) and a view that does nothing run behind the same middleware in the same run. The
route rule for the bare view is added in the benchmark's process (access.ROUTES, in memory)."""

from django.http import HttpResponse
from django.urls import path

from yorisoi.urls import urlpatterns as project_urlpatterns

BARE_VIEW_NAME = "bench_bare"


def bare(request):
    """A GET answered with nothing: what the middleware alone costs."""
    return HttpResponse("<p>ok</p>")


urlpatterns = [*project_urlpatterns, path("bench/bare", bare, name=BARE_VIEW_NAME)]
