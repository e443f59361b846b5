"""URLconf for bench/throughput.py: the project's URLs and the bare view (today_view.py), whose
route rule is added here, in the server's own processes (access.ROUTES, in memory)."""

from today_view import BARE_VIEW_NAME, urlpatterns  # noqa: F401 (the URLconf)

from yorisoi.access import routes

routes.ROUTES[BARE_VIEW_NAME] = routes.CASEWORK
