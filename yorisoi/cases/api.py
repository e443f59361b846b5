"""Collaborative cases over HTTP: /api/v1/cases/…"""

from ninja import Router

router = Router(tags=["多機関協働"])
