"""R7 Nothing is lost: concurrent edits never silently overwrite each other.

Every edit form and API call sends back the `version` the editor saw; the service locks the row
and saves only if nobody saved since. Otherwise nothing is saved and ConcurrentEditError lists
what the other person changed (read from the record's history), so the screen and the API can
show it next to what the user typed. This is the one place that check is made.
"""

from yorisoi.errors import ConcurrentEditError


def lock_version(queryset, pk, *, version: int | None, message: str, fields=(), given=None):
    """The row `pk` of `queryset`, locked for this transaction (select_for_update), if its
    version is still `version` (None: any version, the caller only needs the lock).

    `fields` are the ones the edit touches: each that differs between the version the editor
    saw and the saved one is listed in the error. `given` is the object the caller loaded, the
    fallback when the record keeps no history of that version."""
    current = queryset.select_for_update().get(pk=pk)
    if version is not None and current.version != version:
        raise ConcurrentEditError(message, changes=changes_since(current, version, fields, given))
    return current


def changes_since(current, version: int, fields, given=None) -> list[dict]:
    """What differs in `fields` between the version the editor saw and `current`."""
    history = getattr(current, "history", None)
    seen = history.filter(version=version).order_by("-history_date").first() if history else None
    seen = seen or given
    if seen is None:
        return []
    out = []
    for name in sorted(fields):
        field = current._meta.get_field(name)
        if getattr(seen, field.attname, None) != getattr(current, field.attname):
            out.append(
                {"field": name, "label": field.verbose_name, "theirs": getattr(current, name)}
            )
    return out
