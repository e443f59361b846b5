"""The steps of a signed-in session before it reaches any page (issue 13): the second factor
(accounts/mfa.py), a password change an administrator forced, and the absolute lifetime of a
session however active it is. The API's browser-session door asks mfa.satisfied too (api.py);
API tokens are issued only from a session that passed these steps."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext

from . import mfa

SIGNED_IN_AT = "yorisoi_signed_in_at"
REFRESHED_AT = "yorisoi_refreshed_at"

# The pages a session may reach before its steps are done.
STEPS = {
    "accounts:login",
    "accounts:logout",
    "accounts:mfa_verify",
    "accounts:mfa_setup",
    "accounts:mfa_qr",
    "set_language",
}


def mark_signed_in(request, **_signal):
    """At every sign-in (the user_logged_in signal, accounts.apps): the absolute lifetime counts
    from here, and the session just saved needs no refresh for a minute."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[REFRESHED_AT] = now


class IdleSessionMiddleware:
    """The idle timeout without a session write on every request: a session that nothing else
    changed is saved (and its expiry pushed SESSION_COOKIE_AGE ahead) only when it was last
    saved more than YORISOI_SESSION_REFRESH_SECONDS ago. A session that is saved anyway notes
    the time, so that the next minute of reads writes nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.get(SESSION_KEY):
            return response  # nobody signed in: no session to keep alive, none to create
        now = int(time.time())
        if session.modified or now - session.get(REFRESHED_AT, 0) >= (
            settings.YORISOI_SESSION_REFRESH_SECONDS
        ):
            session[REFRESHED_AT] = now
        return response


class SignInStepsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    @staticmethod
    def _expired(request) -> bool:
        started = request.session.get(SIGNED_IN_AT)
        if started is None:  # a session from before this rule: its lifetime starts now
            mark_signed_in(request)
            return False
        return time.time() - started > settings.YORISOI_SESSION_MAX_AGE.total_seconds()

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not request.user.is_authenticated or match is None:
            return None
        if self._expired(request):
            logout(request)
            messages.info(
                request, gettext("ログインから時間がたったため、もう一度ログインしてください。")
            )
            return redirect(settings.LOGIN_URL)
        if match.namespace == "api":
            return None
        if match.view_name in STEPS:
            return None
        nxt = urlencode({"next": request.get_full_path()})
        if not mfa.satisfied(request):
            step = "accounts:mfa_verify" if mfa.has_factor(request.user) else "accounts:mfa_setup"
            return redirect(f"{reverse(step)}?{nxt}")
        if request.user.must_change_password and match.view_name != "accounts:password_change":
            return redirect(f"{reverse('accounts:password_change')}?{nxt}")
        return None
