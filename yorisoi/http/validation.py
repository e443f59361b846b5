"""Input rules the API applies to every operation, as Django's forms do for every screen.

- `RowId`: the id of a row (an integer primary key), bounded so that an id no row can have is
  refused on its field (422) before it reaches a query that cannot hold it (SQLite: 64 bits).
- `refuse_null_characters`: U+0000 in any text is refused on its field (422), as Django's
  forms refuse it on the screens (ProhibitNullCharactersValidator); PostgreSQL cannot store
  it and answered every such request with an error.
- `by_code`: master data named by its code in a body; an unknown code is refused on its field.
- `raise_field_errors`, `agency_by_code`: a body's field errors gathered and answered at once.
"""

import functools
import inspect
from typing import Annotated

from django.core.exceptions import ValidationError as FieldError
from ninja.errors import ValidationError
from ninja.params.models import Param
from pydantic import BaseModel, Field

from yorisoi import access

RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]

NUL = "\x00"


def null_character_paths(value, path=()):
    """The paths within `value` whose text (or key) holds U+0000."""
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in str(key):
                yield (*path, key)
            else:
                yield from null_character_paths(item, (*path, key))
    elif isinstance(value, list | tuple | set):
        for n, item in enumerate(value):
            yield from null_character_paths(item, (*path, n))


def _source(annotation) -> str:
    """Where ninja reads a view's parameter from: Query[…] → "query", a schema → "body"."""
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, Param):
            return type(meta).__name__.lower()
    return "body"


def refuse_null_characters(view_func):
    """Wrap an operation's view (ninja `add_decorator(…, mode="operation")`): it runs after the
    caller is authenticated and the input parsed, before the view touches the database."""
    sources = {
        name: _source(parameter.annotation)
        for name, parameter in inspect.signature(view_func).parameters.items()
    }

    @functools.wraps(view_func)
    def view_without_null_characters(request, *args, **kwargs):
        errors = []
        in_path = request.resolver_match.kwargs if request.resolver_match else {}
        for name, value in kwargs.items():
            source = sources.get(name, "query")
            if name in in_path:
                # A path that names nothing answers 404, as for any malformed path parameter.
                where = ("path", name)
            elif isinstance(value, BaseModel):
                # Named as pydantic names the schema's fields: body fields after the parameter.
                where = ("body", name) if source == "body" else (source,)
                value = value.model_dump()
            else:
                where = (source, name)
            paths = ((*where, *path) for path in null_character_paths(value))
            errors += [
                {"type": "null_character", "loc": path, "msg": "null character"} for path in paths
            ]
        if errors:
            raise ValidationError(errors)
        return view_func(request, *args, **kwargs)

    return view_without_null_characters


def by_code(model, field, code, *, label):
    """The master-data row (district, category, agency, …) an API body names by `code`, or
    None for no code; an unknown code is refused on `field` (422)."""
    if code in (None, ""):
        return None
    obj = model.objects.filter(code=code).first()
    if obj is None:
        raise FieldError({field: f"{label}のコードが見つかりません: {code}"})
    return obj


def raise_field_errors(errors: dict) -> None:
    """Answer every field error of a body at once (422), if there is any: the API's helpers
    (agency_by_code, …) add theirs to one `errors` dict rather than raising the first."""
    if errors:
        raise FieldError(errors)


def agency_by_code(code, *, field, errors: dict, required: bool = True):
    """An agency named by its code in an API body: one the forms would offer too
    (access.selectable_agencies), or a field error in `errors` (raised by the caller with the
    others, so every mistake in a body is answered at once)."""
    if not code:
        if required:
            errors[field] = [FieldError("機関を指定してください。", code="required")]
        return None
    agency = access.selectable_agencies().filter(code=code).first()
    if agency is None:
        errors[field] = [
            FieldError(
                "機関コードが見つかりません。/api/v1/agencies の code を指定してください。",
                code="invalid_choice",
            )
        ]
    return agency
