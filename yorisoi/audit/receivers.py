"""Sign-ins, sign-outs, failed sign-ins and lockouts go to the audit trail (R6), connected in
apps.AuditConfig.ready(). Only ids and the client address are kept: never the user name typed
at a failed sign-in, which may be someone's name or a mistyped password."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .log import record


def logged_in(sender, request, user, **kwargs):
    record("auth.logged_in", actor=user, target=user, request=request)


def logged_out(sender, request, user, **kwargs):
    record("auth.logged_out", actor=user, target=user, request=request)


def login_failed(sender, credentials, request=None, **kwargs):
    record("auth.login_failed", actor=None, request=request)


def locked_out(sender, request, username, ip_address, **kwargs):
    record("auth.locked_out", actor=None, request=request)


def connect():
    user_logged_in.connect(logged_in, dispatch_uid="yorisoi.audit.logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="yorisoi.audit.logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="yorisoi.audit.login_failed")
    user_locked_out.connect(locked_out, dispatch_uid="yorisoi.audit.locked_out")
