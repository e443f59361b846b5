"""R7 Nothing is lost: a record never disappears because something it points at was deleted.

Every reference between yorisoi's records is a ForeignKey with on_delete=PROTECT, so deleting a
referenced row is refused rather than cascading or emptying the reference. `reference()` is that
one declaration; a model says only what differs (what it points at, its label, whether it may be
empty, the reverse name where code reads it). The field it builds is the same ForeignKey Django
would get written out, so migrations see no change.
"""

from django.db import models


def reference(to, verbose_name=None, *, optional=False, related_name="+", **options):
    """A protected ForeignKey to `to`. `optional`: the reference may be empty (null and blank).
    `related_name` "+" (the default) keeps no reverse accessor: most records are read from the
    side that points, and a reverse name is declared where code reads it."""
    if verbose_name is not None:
        options["verbose_name"] = verbose_name
    if optional:
        options.update(null=True, blank=True)
    return models.ForeignKey(to, on_delete=models.PROTECT, related_name=related_name, **options)
