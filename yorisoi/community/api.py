"""community over HTTP."""

from ninja import Router

router = Router(tags=["community"])
