"""The HTTP API at /api/v1/ (django-ninja). Every screen's capability is offered here too.

Authentication: `Authorization: Bearer ys_…` tokens for integrations, or the browser session
(with CSRF). Authorisation: the same route map as the screens (access.ROUTES, "api:<name>").
Errors are JSON: {"code": machine-readable, "message": 日本語, "errors": [{field, code, message}]}.
"""

import functools
import inspect

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from yorisoi import access
from yorisoi.accounts.models import ApiToken
from yorisoi.errors import RuleViolation


class ForbiddenRoute(Exception):
    pass


def _check_route(request, user):
    match = request.resolver_match
    view_name = f"api:{match.url_name}" if match else ""
    if not access.route_allows(user, view_name):
        raise ForbiddenRoute
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        request.user = user
        return _check_route(request, user)


class BrowserSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        return _check_route(request, user)


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
    description="重層的支援体制整備事業のケース管理 API。エラーは code（機械可読）と message（日本語）を返します。",
    urls_namespace="api",
    auth=[TokenAuth(), BrowserSessionAuth()],
)

# Pydantic's English messages → Japanese, by error type.
_MESSAGES = {
    "missing": "必須項目です。",
    "string_too_long": "{max_length}文字以内で入力してください。",
    "string_too_short": "入力してください。",
    "string_type": "文字列で入力してください。",
    "int_parsing": "整数で入力してください。",
    "int_type": "整数で入力してください。",
    "uuid_parsing": "IDの形式が正しくありません。",
    "uuid_type": "IDの形式が正しくありません。",
    "list_type": "配列で入力してください。",
    "bool_parsing": "true か false で入力してください。",
    "enum": "選択肢の中から選んでください。",
    "literal_error": "選択肢の中から選んでください。",
    "json_invalid": "JSONの形式が正しくありません。",
    "model_attributes_type": "オブジェクトで入力してください。",
    "dict_type": "オブジェクトで入力してください。",
    "extra_forbidden": "この項目は指定できません。",
    "greater_than_equal": "{ge}以上の値を入力してください。",
    "less_than_equal": "{le}以下の値を入力してください。",
    "bool_type": "true か false で入力してください。",
}


def _field_name(loc):
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "data")]
    return ".".join(parts) or "__all__"


def error_body(code, message, errors=None):
    return {"code": code, "message": message, "errors": errors or []}


def django_errors(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "code": e.code or "invalid", "message": " ".join(e.messages)}
            for field, errs in exc.error_dict.items()
            for e in errs
        ]
    return [{"field": "__all__", "code": "invalid", "message": m} for m in exc.messages]


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    errors = []
    for err in exc.errors:
        kind = err.get("type", "invalid")
        template = _MESSAGES.get(kind, "入力内容が正しくありません。")
        ctx = err.get("ctx") or {}
        try:
            message = template.format(**ctx)
        except (KeyError, IndexError):
            message = template
        errors.append({"field": _field_name(err.get("loc", ())), "code": kind, "message": message})
    return api.create_response(
        request, error_body("validation_error", "入力内容に誤りがあります。", errors), status=422
    )


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc):
    return api.create_response(
        request,
        error_body("validation_error", "入力内容に誤りがあります。", django_errors(exc)),
        status=422,
    )


@api.exception_handler(RuleViolation)
def on_rule_violation(request, exc):
    body = error_body(exc.code, exc.message)
    if getattr(exc, "changes", None):
        # R7: show what the other person saved, so nothing typed is lost.
        body["changes"] = [{k: str(v) for k, v in change.items()} for change in exc.changes]
    # The policy says no (a basis to read, but not the right to do this): 403, as the screens
    # answer; any other rule that says no is a conflict with the record's state.
    return api.create_response(request, body, status=403 if exc.code == "forbidden" else 409)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, error_body("not_found", "見つかりません。"), status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request,
        error_body("unauthenticated", "認証が必要です。トークンを確認してください。"),
        status=401,
    )


@api.exception_handler(ForbiddenRoute)
def on_forbidden(request, exc):
    return api.create_response(
        request, error_body("forbidden", "この操作を行う権限がありません。"), status=403
    )


_HTTP_ERRORS = {
    400: ("bad_request", "リクエストの形式が正しくありません（JSONを確認してください）。"),
    401: ("unauthenticated", "認証が必要です。トークンを確認してください。"),
    403: ("forbidden", "この操作を行う権限がありません。"),
    404: ("not_found", "見つかりません。"),
}


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    code, message = _HTTP_ERRORS.get(
        exc.status_code, ("http_error", "リクエストを処理できません。")
    )
    return api.create_response(request, error_body(code, message), status=exc.status_code)


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

from yorisoi.audit.api import router as audit_router  # noqa: E402
from yorisoi.cases.api import router as cases_router  # noqa: E402
from yorisoi.cases.api_meetings import router as meetings_router  # noqa: E402
from yorisoi.community.api import router as community_router  # noqa: E402
from yorisoi.directory.api import router as directory_router  # noqa: E402
from yorisoi.evaluation.api import router as evaluation_router  # noqa: E402
from yorisoi.front.api import router as front_router  # noqa: E402
from yorisoi.intake.api import router as intake_router  # noqa: E402
from yorisoi.notifications.api import router as notifications_router  # noqa: E402
from yorisoi.outreach.api import router as outreach_router  # noqa: E402
from yorisoi.participation.api import router as participation_router  # noqa: E402
from yorisoi.people.api import router as people_router  # noqa: E402
from yorisoi.resources.api import router as resources_router  # noqa: E402

api.add_router("/", directory_router)
api.add_router("/", people_router)
api.add_router("/", intake_router)
api.add_router("/", front_router)
api.add_router("/", cases_router)
api.add_router("/", meetings_router)
api.add_router("/", audit_router)
api.add_router("/", notifications_router)
api.add_router("/", outreach_router)
api.add_router("/", resources_router)
api.add_router("/", community_router)
api.add_router("/", participation_router)
api.add_router("/", evaluation_router)
