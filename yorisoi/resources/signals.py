"""Every write to the directory changes DirectoryVersion's token (one UPDATE).

Saves and deletes arrive as signals, whichever path made them (forms, the HSDS import, the
admin, factories). The HSDS import bumps once itself when it changed anything (hsds_importing.write):
the rows it keeps as received (HsdsRecord, which is not watched) may link a service to an
outside term. Writes that send no signal — QuerySet.update() and bulk_create() on these
tables — must call bump() themselves; today only search_text is written that way, which the
matching does not read.
"""

import uuid

from django.db.models.signals import post_delete, post_save

from .models import (
    DirectoryVersion,
    Location,
    Organization,
    OutsideTermMapping,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceTaxonomy,
    TaxonomyTerm,
)

WATCHED = (
    Organization,
    Service,
    Location,
    ServiceAtLocation,
    Schedule,
    ServiceCapacity,
    ServiceTaxonomy,
    TaxonomyTerm,
    OutsideTermMapping,  # matching reads a service's categories through outside terms
)


def bump(*, using: str = "default") -> None:
    token = uuid.uuid4()
    if not DirectoryVersion.objects.using(using).filter(pk=1).update(token=token):
        DirectoryVersion.objects.using(using).update_or_create(pk=1, defaults={"token": token})


def current(*, using: str = "default"):
    """The token now, or None before the first write."""
    return (
        DirectoryVersion.objects.using(using).filter(pk=1).values_list("token", flat=True).first()
    )


def _changed(sender, using="default", **kwargs):
    bump(using=using)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"directory-version-save-{model}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"directory-version-delete-{model}"
        )
