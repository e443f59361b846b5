"""Inserting many rows at once, where `bulk_create` is too slow: a file import writes about ten
rows a line of the file, a million for a ledger of 100,000 consultations (issue 15).

`bulk_create` prepares every value of every row through the query compiler (expressions,
pre_save, get_db_prep_save, one placeholder each): about 225 µs a consultation on SQLite, most
of an import's time. `insert` compiles the statement once per model and hands the rows to the
driver as tuples (`executemany` of one statement on SQLite, `COPY … FROM STDIN` on PostgreSQL),
converting a value only where this database needs it (a UUID on SQLite, a date, a
JSON field, a choice's enum member); a str, int or bool bound for a plain text, number or flag
column goes as it is.

What it does not do, like `bulk_create`: send signals, run validation or set auto primary keys
on the instances (an auto pk column is left to the database; yorisoi's records have UUIDs,
set when the instance is built). `insert_with_history` also writes the django-simple-history
rows that `bulk_create_with_history` would, in the same way. `build` makes the instances to
insert several times faster than the model's __init__ (which resolves every keyword through
the field's descriptor and asks each field for its default).
"""

import contextlib
import datetime as dt
import functools
import gc
import operator
from types import SimpleNamespace

from django.db import connections, router
from django.db.models import (
    NOT_PROVIDED,
    BooleanField,
    CharField,
    DateField,
    Field,
    IntegerField,
    TextField,
)
from django.db.models.base import ModelState
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

# Field classes whose value for the database is the Python value itself when it is one of
# NATIVE: their get_db_prep_save is Field's, and their get_prep_value only converts other types.
_PLAIN_PREP = {
    Field.get_prep_value,
    CharField.get_prep_value,
    TextField.get_prep_value,
    IntegerField.get_prep_value,
    BooleanField.get_prep_value,
}
# IntegerField's adapts an int for a bound parameter (PostgreSQL's typed Int classes); a row
# that goes by executemany (SQLite's adapt is a no-op) or COPY takes the int as it is.
_PLAIN_DB_PREP = {Field.get_db_prep_value, IntegerField.get_db_prep_value}
NATIVE = (str, int, bool, type(None))
_NATIVE_TYPES = frozenset(NATIVE)


def _is_plain(field) -> bool:
    cls = type(field)
    if isinstance(field, AutoFieldMixin):  # its get_db_prep_value only validates the int
        return True
    return (
        cls.get_db_prep_save is Field.get_db_prep_save
        and cls.get_db_prep_value in _PLAIN_DB_PREP
        and cls.get_prep_value in _PLAIN_PREP
    )


def _converter(field, connection):
    """value → what the driver is given, as field.get_db_prep_save would give it."""
    target = getattr(field, "target_field", None) if field.is_relation else None
    kind = (target or field).get_internal_type()
    if kind == "UUIDField" and not connection.features.has_native_uuid_field:
        return _hex  # UUIDField.get_db_prep_value on SQLite
    if kind == "DateTimeField":
        adapt, prep = _adapt_aware(connection), field.get_db_prep_save
        # a naive time goes through the field, which warns and reads it in the current zone
        return lambda value: (
            None if value is None
            else adapt(value) if value.tzinfo is not None
            else prep(value, connection)
        )  # fmt: skip
    prep = field.get_db_prep_save
    if (
        kind == "DateField"
        and type(target or field).get_db_prep_value is DateField.get_db_prep_value
    ):
        # a date is already what DateField.get_prep_value would make of it: only adapted
        adapt_date = connection.ops.adapt_datefield_value
        return lambda value: (
            None if value is None
            else adapt_date(value) if type(value) is dt.date
            else prep(value, connection)
        )  # fmt: skip
    if _is_plain(target or field):
        return lambda value: value if type(value) in NATIVE else prep(value, connection)
    return lambda value: None if value is None else prep(value, connection)


def _adapt_aware(connection):
    """connection.ops.adapt_datetimefield_value for an aware datetime: as it is on PostgreSQL;
    on SQLite the text of the naive time in the connection's zone (UTC)."""
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value
    zone = connection.timezone
    return lambda value: str(value.astimezone(zone).replace(tzinfo=None))


def _hex(value):
    return None if value is None else value.hex


def _stamps(field) -> bool:
    """A field that sets its own value on save (auto_now, auto_now_add, or a custom pre_save)."""
    if type(field).pre_save is Field.pre_save:
        return False
    if isinstance(field, DateField):
        return field.auto_now or field.auto_now_add
    return True


@functools.cache
def _blueprint(model):
    """What build needs of `model`, worked out once: the fields by name and by attname, the
    defaults that are constants (set at once) and those that are called (uuid4, now)."""
    fields = model._meta.concrete_fields
    if any(f.db_default is not NOT_PROVIDED for f in fields):
        return None  # a database default is an expression __init__ sets: left to it
    constant, called = {}, []
    for f in fields:
        if f.has_default() and callable(f.default):
            called.append((f.attname, f.default))
        else:
            constant[f.attname] = f.get_default()
    by_name = {f.name: f for f in fields} | {f.attname: f for f in fields}
    return constant, called, by_name


def build(model, **values):
    """model(**values) for insert: an instance with every concrete field set (the given value
    by name or attname, else the field's default; a related object given by name is cached on
    the instance, as its descriptor would). Only concrete fields may be given."""
    plan = _blueprint(model)
    if plan is None:
        return model(**values)
    constant, called, by_name = plan
    obj = model.__new__(model)
    obj._state = ModelState()
    attrs = obj.__dict__
    attrs.update(constant)
    for attname, default in called:
        if attname not in values:
            attrs[attname] = default()
    for key, value in values.items():
        f = by_name[key]
        if f.is_relation and key == f.name:
            attrs[f.attname] = None if value is None else value.pk
            if value is not None:
                f.set_cached_value(obj, value)
        else:
            attrs[f.attname] = value
    return obj


@contextlib.contextmanager
def long_lived():
    """For work that keeps building objects it holds to the end (a file's checked rows, what
    its written chunks leave for the next): yields `keep()`, which puts every object made so
    far out of the cyclic garbage collector's reach (gc.freeze), and gives them all back when
    the work ends (gc.unfreeze). Without it the collector walks the same hundreds of thousands
    of objects again and again: a fifth of a 100,000-row import (bench/import_100k.py).
    Objects are still freed as their last reference goes; only a cycle among those kept waits
    for the end."""
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def insert(objs, *, model=None, using=None) -> int:
    """INSERT `objs` (instances of `model`, or objects with its fields' attnames) at once.
    Returns the number of rows."""
    objs = list(objs)
    if not objs:
        return 0
    model = model or type(objs[0])
    using = using or router.db_for_write(model)
    connection = connections[using]
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
    stamped = [f for f in fields if _stamps(f)]
    for obj in objs:
        for f in stamped:
            f.pre_save(obj, add=True)
    values_of = operator.attrgetter(*(f.attname for f in fields))
    if len(fields) == 1:
        values_of = (lambda get: lambda obj: (get(obj),))(values_of)
    # Column by column: a plain column whose values are all str, int, bool or None (most of
    # them) goes as it is, the others through their converter, without a call per value
    # for the first kind (bench/import_100k.py: ~1,000,000 rows for 100,000 lines).
    columns = zip(*map(values_of, objs), strict=True)
    converted = []
    for f, values in zip(fields, columns, strict=True):
        if (
            _is_plain(getattr(f, "target_field", None) if f.is_relation else f)
            and set(map(type, values)) <= _NATIVE_TYPES
        ):
            converted.append(values)
        else:
            converted.append(list(map(_converter(f, connection), values)))
    rows = zip(*converted, strict=True)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: the rows stream in one command, with no statement per row
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))  # noqa: S608
    return len(objs)


def insert_with_history(objs, *, user, when=None, history_type="+", using=None) -> int:
    """insert(objs), then their history rows as bulk_create_with_history writes them: one
    each, by `user`, at `when` (now). A model with an auto primary key is inserted by
    bulk_create, which gives the instances their keys for the history rows."""
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    if isinstance(model._meta.pk, AutoFieldMixin):
        count = len(model._default_manager.using(using).bulk_create(objs))
    else:
        count = insert(objs, using=using)
    history(objs, user=user, when=when, history_type=history_type, using=using)
    return count


def history(objs, *, user, when=None, history_type="+", using=None) -> int:
    """The django-simple-history rows of `objs` as they are now ("+" created, "~" changed).
    Each object holds every tracked field (built or read whole, not with .only())."""
    objs = list(objs)
    if not objs:
        return 0
    historical = type(objs[0]).history.model
    tracked = [f.attname for f in historical.tracked_fields]
    common = {
        "history_date": when or timezone.now(),
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": None,
        "history_type": history_type,
    }
    related = hasattr(historical, "history_relation")
    rows = []
    for obj in objs:
        attrs = obj.__dict__
        row = SimpleNamespace(**{name: attrs[name] for name in tracked}, **common)
        if related:
            row.history_relation_id = obj.pk
        rows.append(row)
    return insert(rows, model=historical, using=using)
