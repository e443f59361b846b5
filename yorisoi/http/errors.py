"""Every error of the API is JSON in one documented shape, in Japanese:

    {"code": "validation_error", "message": "入力内容に誤りがあります。",
     "errors": [{"field": "birth_date", "code": "date", "message": "…"}]}

- `install(api)` maps exceptions to that shape: bad input 422 (per field; also a value the
  database cannot hold), a rule that says no 409 (RuleViolation, with `changes` for R7; the
  policy's "forbidden" 403, as on the screens), not
  found 404, no token 401, a route the role may not use 403, unreadable JSON 400, a body over
  the limit 413, a read-only token asked to write 403 read_only_token, too many calls 429
  (with Retry-After).
- Hidden looks exactly like missing (R6): a record the caller may not read, an id that does
  not exist and an id that cannot exist (a malformed path parameter) all answer the same
  404 not_found body. `one_or_404(queryset, pk=…)` answers so on both doors.
- `document_errors(router)` adds those responses to every operation's OpenAPI description.
- `ApiErrorsAsJson` (middleware) gives the same shape to errors answered outside any
  operation: a URL that matches no operation, a method the path does not take, a crash.
"""

import logging
import math
import re
from functools import cache

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models.constraints import BaseConstraint
from django.http import Http404, JsonResponse
from django.urls import reverse
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from yorisoi.errors import RuleViolation

from .limits import MAX_BODY_BYTES, megabytes

logger = logging.getLogger(__name__)


class FieldErrorOut(Schema):
    field: str = Field(description="入力項目名（世帯員は members.0.birth_date のように0始まり）")
    code: str
    message: str = Field(description="日本語のメッセージ")


class ErrorOut(Schema):
    code: str = Field(description="機械可読なコード（not_found, validation_error など）")
    message: str
    errors: list[FieldErrorOut] = []


class ForbiddenRoute(Exception):
    """The route map (access.ROUTES) does not admit the caller's role: 403."""


class ReadOnlyToken(Exception):
    """A read-only API token asked to change something (api.TokenAuth): 403."""


READ_ONLY_TOKEN = (
    "read_only_token",
    "このトークンは読み取り専用です。書き込みには読み書きできるトークンを発行してください。",
)


# The body for each status answered without a more specific code.
STATUS_ERRORS = {
    400: ("bad_request", "リクエストの形式が正しくありません（JSONを確認してください）。"),
    401: ("unauthenticated", "認証が必要です。トークンを確認してください。"),
    403: ("forbidden", "この操作を行う権限がありません。"),
    404: ("not_found", "見つかりません。"),
    405: ("method_not_allowed", "このURLでは、このメソッドは使えません。"),
    409: ("conflict", "ほかの記録と矛盾するため、保存できませんでした。"),
    413: (
        "request_too_large",
        f"リクエストが大きすぎます（{megabytes(MAX_BODY_BYTES)}まで）。",
    ),
    429: ("too_many_requests", "リクエストが多すぎます。しばらく待ってからやり直してください。"),
    500: (
        "server_error",
        "システムエラーが発生しました。入力内容は保存されていない可能性があります。",
    ),
}
_OTHER_ERROR = ("http_error", "リクエストを処理できません。")

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
    "null_character": "NUL文字（U+0000）は使えません。",
}

# What a client sees instead of Django's "制約 “…” に違反しています。" (a constraint's name is
# no help to anyone calling the API); the API validates before saving so this is a last resort.
CONSTRAINT_MESSAGE = "入力内容が記録の規則に合いません。必須の項目や日付の前後を確認してください。"


OUT_OF_RANGE_MESSAGE = "入力できる範囲（数値の大きさ、文字数）を超えた値があります。"


def one_or_404(queryset, **lookup):
    """The row of `queryset` (the rows the caller may see) that `lookup` names, or Http404:
    hidden looks exactly like missing (R6), on the screens and in the API. `.first()`, not
    `.get()`: a queryset that joins never answers 500 for a row it meets twice."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def error_body(code, message, errors=None) -> dict:
    return {"code": code, "message": message, "errors": errors or []}


def status_body(status: int) -> dict:
    return error_body(*STATUS_ERRORS.get(status, _OTHER_ERROR))


def _is_constraint_name_message(message: str) -> bool:
    template = str(BaseConstraint.default_violation_error_message)
    pattern = re.escape(template).replace(re.escape("%(name)s"), ".+")
    return re.fullmatch(pattern, message) is not None


def _message(error: DjangoValidationError) -> str:
    message = " ".join(error.messages)
    if _is_constraint_name_message(message):
        logger.error("a database constraint reached the API unexplained: %s", message)
        return CONSTRAINT_MESSAGE
    return message


def django_errors(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "code": e.code or "invalid", "message": _message(e)}
            for field, errs in exc.error_dict.items()
            for e in errs
        ]
    return [{"field": "__all__", "code": "invalid", "message": _message(e)} for e in exc.error_list]


def _field_name(loc) -> str:
    """ninja's ("body", "payload", "members", 0, "birth_date") → "members.0.birth_date";
    ("query", "page") → "page". A field may itself be called "query" or "data"."""
    parts = list(loc)
    if parts and parts[0] in ("body", "form", "file"):
        parts = parts[2:]  # the source and the view's parameter ("payload")
    elif parts and parts[0] in ("query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "__all__"


def _pydantic_errors(exc: NinjaValidationError) -> list[dict]:
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
    return errors


def install(api):
    """Answer every exception an operation may raise with the documented error body."""

    def respond(request, body, status):
        return api.create_response(request, body, status=status)

    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request, exc):
        if any(err.get("loc", ("",))[0] == "path" for err in exc.errors):
            # A path that cannot name a record names none: the same 404 as a missing one.
            return respond(request, status_body(404), 404)
        body = error_body("validation_error", "入力内容に誤りがあります。", _pydantic_errors(exc))
        return respond(request, body, 422)

    @api.exception_handler(DjangoValidationError)
    def on_django_validation_error(request, exc):
        body = error_body("validation_error", "入力内容に誤りがあります。", django_errors(exc))
        return respond(request, body, 422)

    @api.exception_handler(RuleViolation)
    def on_rule_violation(request, exc):
        body = error_body(exc.code, exc.message)
        if getattr(exc, "changes", None):
            # R7: show what the other person saved, so nothing typed is lost.
            body["changes"] = [{k: str(v) for k, v in change.items()} for change in exc.changes]
        # The policy says no (a basis to read, but not the right to do this): 403, as the
        # screens answer; any other rule that says no is a conflict with the record's state.
        return respond(request, body, 403 if exc.code == "forbidden" else 409)

    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    def on_out_of_range(request, exc):
        # A number or text the database cannot hold (SQLite: over 64 bits; PostgreSQL: over the
        # column's size). Schemas bound what they can; this is the last guard for the rest.
        logger.warning("a value out of the database's range reached a query", exc_info=exc)
        errors = [{"field": "__all__", "code": "out_of_range", "message": OUT_OF_RANGE_MESSAGE}]
        body = error_body("validation_error", "入力内容に誤りがあります。", errors)
        return respond(request, body, 422)

    @api.exception_handler(IntegrityError)
    def on_integrity_error(request, exc):
        # Input is validated before saving; a constraint that still trips was raced by another
        # request (habit 6: the database guards too). Never show the database's own words.
        logger.warning("database constraint refused a write", exc_info=exc)
        return respond(request, status_body(409), 409)

    @api.exception_handler(Http404)
    @api.exception_handler(ObjectDoesNotExist)
    def on_not_found(request, exc):
        # Services answer Model.DoesNotExist to an actor who may not read the record (R6):
        # hidden looks exactly like missing, whichever operation raised it.
        return respond(request, status_body(404), 404)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return respond(request, status_body(401), 401)

    @api.exception_handler(ForbiddenRoute)
    def on_forbidden(request, exc):
        return respond(request, status_body(403), 403)

    @api.exception_handler(ReadOnlyToken)
    def on_read_only_token(request, exc):
        return respond(request, error_body(*READ_ONLY_TOKEN), 403)

    @api.exception_handler(RequestDataTooBig)
    def on_too_large(request, exc):
        return respond(request, status_body(413), 413)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        response = respond(request, status_body(exc.status_code), exc.status_code)
        if isinstance(exc, Throttled) and exc.wait is not None:
            response["Retry-After"] = str(math.ceil(exc.wait))  # api.py's throttles
        return response


def _statuses(operation, *, throttled: bool) -> list[int]:
    """The error statuses `operation` can answer, whatever its view does."""
    sources = {model.__ninja_param_source__ for model in operation.models}
    takes_input = bool(sources - {"path"})  # a bad path parameter is a 404, never a 422
    takes_body = bool(sources & {"body", "form", "file"})
    statuses = [400]  # a Host Django refuses, or JSON it cannot read
    if operation.auth_param is not None:  # not public (`auth=None`): the API's token or session
        statuses += [401, 403]
    if "{" in operation.path:
        statuses.append(404)  # hidden, missing and malformed ids alike
    if set(operation.methods) - {"GET", "HEAD"}:
        statuses.append(409)  # a rule (RuleViolation) or a concurrent write says no
    if takes_body:
        statuses.append(413)
    if takes_input:
        statuses.append(422)
    if throttled:
        statuses.append(429)
    return statuses


def document_errors(router, *, throttled: bool = False) -> None:
    """Document, with ErrorOut, the error responses of every operation of `router` (429 too
    when the API throttles its operations).

    Responses an operation already declares (a 409 with `matches`, HSDS's 422) stay as they are.
    """
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            declared = operation.response_models
            if len(declared) == 1 and 200 not in declared:
                # ninja answers with the only declared status when a view returns a bare body;
                # adding error statuses would turn that into 200.
                raise ImproperlyConfigured(
                    f"{operation.view_func.__qualname__}: declare its success status with "
                    "Status(…) and at least one error response"
                )
            for status in _statuses(operation, throttled=throttled):
                if status not in declared:
                    declared[status] = operation._create_response_model(ErrorOut)


@cache
def _api_prefix() -> str:
    return reverse("api:api-root")


class ApiErrorsAsJson:
    """Errors under /api/ answered outside an operation are JSON in the documented shape too.

    Django answers a URL no operation matches (404, also a path converter that refuses, such
    as a non-number year), an uncaught exception (500) or a refused Host (400) with an HTML
    page, and ninja a wrong method with plain text (405); a client of the API reads JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith(_api_prefix()):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        json = JsonResponse(
            status_body(response.status_code),
            status=response.status_code,
            content_type="application/json; charset=utf-8",  # as ninja answers
        )
        for header in ("Allow", "Cache-Control"):
            if header in response:
                json[header] = response[header]
        return json
