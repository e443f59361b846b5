"""How the fictional city's rows reach the database: COPY on PostgreSQL, bulk_create elsewhere.

bulk_create spends most of its time building the SQL of each batch in Python (measured at
10,000 people: about half of the run); COPY streams the rows. Rows whose automatic id another
row needs later (a plan's goals, a case's tracks) still go through bulk_create, which returns
the ids. No save(), no signals: exactly what bulk_create skips too.
"""

import enum

from django.db import connection


def write(model, rows: list, *, batch_size: int, method: str = "auto", needs_ids=False) -> None:
    """method: "auto" (COPY on PostgreSQL), "copy" or "bulk". needs_ids: the model has an
    automatic id that later rows point at; bulk_create fills it in, COPY would not."""
    copy = method == "copy" or (method == "auto" and connection.vendor == "postgresql")
    if not copy or needs_ids:
        model.objects.bulk_create(rows, batch_size=batch_size)
        return
    _copy(model, rows)


def _is_auto(field) -> bool:
    return field.primary_key and field.get_internal_type().endswith("AutoField")


def _copy(model, rows: list) -> None:
    from psycopg.types.json import Jsonb

    fields = [f for f in model._meta.concrete_fields if not _is_auto(f)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    relations = [(f.attname, f) for f in fields if f.is_relation]
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as out:
        for obj in rows:
            # A parent written earlier in this flush got its id after this row pointed at it.
            for attname, field in relations:
                if getattr(obj, attname) is None and field.is_cached(obj):
                    parent = field.get_cached_value(obj)
                    if parent is not None:
                        setattr(obj, attname, parent.pk)
            values = []
            for f in fields:
                value = getattr(obj, f.attname)
                if isinstance(value, enum.Enum):
                    value = value.value  # TextChoices: the stored value, not the member name
                elif f.attname in json_fields:
                    value = Jsonb(value)
                values.append(value)
            out.write_row(values)
