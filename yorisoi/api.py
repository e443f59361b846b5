"""The HTTP API at /api/v1/ (django-ninja). Every screen's capability is offered here too.

Authentication: `Authorization: Bearer ys_…` tokens for integrations (expiring; read-only
unless issued for writing), or the browser session (with CSRF). Calls are throttled per user
(ApiThrottle). Authorisation: the same route map as the screens (access.ROUTES, "api:<name>").
Errors are JSON: {"code": machine-readable, "message": 日本語, "errors": [{field, code, message}]}.
"""

import functools
import inspect
import threading

from django.conf import settings
from django.utils import translation
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from yorisoi import access
from yorisoi.accounts import mfa
from yorisoi.accounts.models import ApiToken
from yorisoi.audit.log import record
from yorisoi.http import errors, limits, validation
from yorisoi.http.client_ip import client_ip
from yorisoi.http.errors import ForbiddenRoute, ReadOnlyToken


def _route_name(request) -> str:
    match = request.resolver_match
    return f"api:{match.url_name}" if match else ""


def _check_route(request, user):
    view_name = _route_name(request)
    if not access.route_allows(user, view_name):
        # R6: a refused attempt is audited, as at the screens' door (front/middleware.py).
        record("route.denied", actor=user, request=request, data={"route": view_name})
        raise ForbiddenRoute
    return user


# POST operations that only read: a search takes its criteria (names, birth dates) in the body,
# never in a URL that access logs keep. A read-only token may call them.
READS_BY_POST = frozenset({"api:person_search", "api:resource_search"})


class TokenAuth(HttpBearer):
    """A working token (ApiToken.find: not revoked, not expired, its user active and not
    locked out) for a route its user's role may use; a read-only token only reads."""

    def authenticate(self, request, token):
        api_token = ApiToken.find(token)
        if api_token is None:
            return None
        request.user = api_token.user
        _check_route(request, api_token.user)
        if not (api_token.allows(request.method) or _route_name(request) in READS_BY_POST):
            raise ReadOnlyToken
        return api_token.user


class BrowserSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        # A browser session answers only once it passed the sign-in steps (second factor,
        # a forced password change: accounts/middleware.py), as the screens do.
        if user is None or not mfa.satisfied(request) or user.must_change_password:
            return None
        return _check_route(request, user)


class ApiThrottle(BaseThrottle):
    """Calls per user (tokens and browser session alike: a second token buys no more calls),
    per address for an operation open to anyone. The rates are read from settings on every
    call (YORISOI_API_RATE, YORISOI_API_ANON_RATE), so an operator or a test can change them.
    Past the rate: 429 with Retry-After (http/errors.py).

    ninja runs the throttle after authentication and shares one instance among all requests
    and threads, so each request counts in a window of its own (_CallWindow); wait() follows
    allow_request() on the same thread."""

    def __init__(self):
        self._last = threading.local()

    def allow_request(self, request):
        self._last.window = _CallWindow(request)
        return self._last.window.allow_request(request)

    def wait(self):
        return self._last.window.wait()


class _CallWindow(SimpleRateThrottle):
    """One request's count against its caller's recent calls, kept in Django's cache."""

    def __init__(self, request):
        user = getattr(request, "auth", None)
        if user is not None:
            self.scope, self.ident, rate = "user", user.pk, settings.YORISOI_API_RATE
        else:
            self.scope, self.ident = "anon", client_ip(request)
            rate = settings.YORISOI_API_ANON_RATE
        super().__init__(rate=rate)

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def _name_the_route(run):
    """Make `request.resolver_match` name the operation that actually runs.

    ninja mounts the operations of one path (GET and POST /people) as URL patterns with the
    same route, and Django always resolves the first, so POST /people would be checked against
    "api:person_list". The auth classes in api.py check access.ROUTES by this name.
    """
    operation = getattr(inspect.unwrap(run), "__self__", None)  # the bound Operation.run
    url_name = getattr(operation, "url_name", None)
    if not url_name:
        return run

    @functools.wraps(run)
    def run_as_named_route(request, *args, **kwargs):
        match = request.resolver_match
        if match is not None and match.url_name != url_name:
            match.url_name = url_name
            match.view_name = ":".join([*match.namespaces, url_name])
        return run(request, *args, **kwargs)

    return run_as_named_route


api = NinjaAPI(
    title="yorisoi API",
    version="1",
    description="重層的支援体制整備事業のケース管理 API。エラーは code（機械可読）と message（日本語）を返します。"
    f"リクエストの本文は{limits.megabytes(limits.MAX_BODY_BYTES)}まで（超えると 413 request_too_large）。"
    f"同意書の写しは{limits.megabytes(limits.MAX_SCAN_BYTES)}まで（Base64 で約"
    f"{limits.base64_size(limits.MAX_SCAN_BYTES) / limits.MB:.1f}MB）、"
    f"HSDSファイルは{limits.megabytes(limits.MAX_HSDS_BYTES)}までです。",
    urls_namespace="api",
    auth=[TokenAuth(), BrowserSessionAuth()],
    throttle=[ApiThrottle()],
)

errors.install(api)


def _in_japanese(run):
    """The API speaks Japanese whatever the client asks for: its messages are documented so."""

    @functools.wraps(run)
    def run_in_japanese(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return run(request, *args, **kwargs)

    return run_in_japanese


# Every operation is checked under its own route name (see _name_the_route).
api.add_decorator(_name_the_route, mode="view")
api.add_decorator(_in_japanese, mode="view")
api.add_decorator(validation.refuse_null_characters, mode="operation")

from yorisoi.accounts.api import router as accounts_router  # noqa: E402
from yorisoi.audit.api import router as audit_router  # noqa: E402
from yorisoi.cases.api import meetings_router  # noqa: E402
from yorisoi.cases.api import router as cases_router  # noqa: E402
from yorisoi.community.api import router as community_router  # noqa: E402
from yorisoi.directory.api import router as directory_router  # noqa: E402
from yorisoi.evaluation.api import router as evaluation_router  # noqa: E402
from yorisoi.front.api import router as front_router  # noqa: E402
from yorisoi.imports.api import router as imports_router  # noqa: E402
from yorisoi.intake.api import router as intake_router  # noqa: E402
from yorisoi.notifications.api import router as notifications_router  # noqa: E402
from yorisoi.outreach.api import router as outreach_router  # noqa: E402
from yorisoi.participation.api import router as participation_router  # noqa: E402
from yorisoi.people.api import router as people_router  # noqa: E402
from yorisoi.people.identity.api import router as identity_router  # noqa: E402
from yorisoi.resources.api import router as resources_router  # noqa: E402
from yorisoi.resources.hsds_api import router as hsds_router  # noqa: E402

ROUTERS = [
    directory_router,
    people_router,
    intake_router,
    front_router,
    cases_router,
    meetings_router,
    audit_router,
    notifications_router,
    outreach_router,
    resources_router,
    hsds_router,
    community_router,
    participation_router,
    evaluation_router,
    identity_router,
    imports_router,
    accounts_router,
]
for router in ROUTERS:
    # 400/401/403/404/409/413/422/429 as each operation can answer them, in one place.
    errors.document_errors(router, throttled=bool(api.throttle))
    api.add_router("/", router)
