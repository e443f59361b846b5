"""URLconf for bench/match_search.py: the project's URLs plus a bare view, so the screen door
(people:person_matches) and a view that does nothing run behind the same middleware (session,
auth, RouteAccessMiddleware, CSRF, CSP, no-store, axes…) in the same run.

Used only inside the benchmark's process (override_settings(ROOT_URLCONF=...)); the route
rule for the bare view is added there too (access.ROUTES, in memory), as CASEWORK like the door.
"""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from yorisoi.urls import urlpatterns as project_urlpatterns

BARE_VIEW_NAME = "bench_bare"


@require_POST
def bare(request):
    """The same POST as the door, answered with nothing: what the middleware alone costs."""
    return HttpResponse('<div id="matches" aria-live="polite"></div>')


urlpatterns = [*project_urlpatterns, path("bench/bare", bare, name=BARE_VIEW_NAME)]
