from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from yorisoi import access
from yorisoi.audit.log import record


class RouteAccessMiddleware:
    """Deny by default: every route must be named in access.ROUTES (R6, habit 13).

    Web pages: anonymous users go to the login page, users whose role the route does not admit
    get 403. API routes authenticate inside django-ninja (tokens) and check the same map there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        view_name = match.view_name if match else ""
        rule = access.route_rule(view_name)
        if rule is None:
            raise PermissionDenied("route has no access rule")
        if rule == access.PUBLIC or match.namespace == "api":
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not access.route_allows(request.user, view_name):
            # R6: a refused attempt is audited too — the route's name and the user, no path.
            record("route.denied", actor=request.user, request=request, data={"route": view_name})
            raise PermissionDenied
        return None


class NoStoreMiddleware:
    """Pages for signed-in users may hold personal data: never keep them in any cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
