"""The small world of the directory tests: the shipped categories and three resources.

- 北の居場所: 居場所 › ひきこもりの方の居場所, 富洲原, 毎週 水曜 10:00–15:00, active
- 中央のしごと体験: 就労体験, 富田, 毎週 月曜・木曜 13:00–16:00, active
- 閉じたサロン: サロン・通いの場, 富洲原, inactive
"""

from datetime import time

import pytest
from django.utils import timezone

from yorisoi.directory.models import District
from yorisoi.resources import taxonomy
from yorisoi.resources.models import (
    CapacityUnit,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceStatus,
    ServiceTaxonomy,
    TaxonomyTerm,
)
from yorisoi.resources.services import refresh_search_text


@pytest.fixture
def terms(master):
    # Transactional (browser) tests flush the table the data migration filled: load again.
    taxonomy.load()
    return {t.code: t for t in TaxonomyTerm.objects.all()}


def make_resource(name, *, term, district_code, byday, opens, closes, status="active", org=None):
    org = org or Organization.objects.create(name=f"{name}の会", description="テスト用")
    service = Service.objects.create(
        organization=org, name=name, description=f"{name}の説明", status=status,
        fees_description="無料", fee_amount=0,
    )  # fmt: skip
    ServiceCapacity.objects.create(service=service, unit=CapacityUnit.person(), available=10,
                                   maximum=10, updated=timezone.now())  # fmt: skip
    location = Location.objects.create(
        organization=org, name=f"{name}会場", address_1="四日市市諏訪町1-5",
        district=District.objects.get(code=district_code), accessibility="段差なし",
    )  # fmt: skip
    ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(service=service, byday=byday, opens_at=opens, closes_at=closes)
    ServiceTaxonomy.objects.create(service=service, taxonomy_term=term)
    refresh_search_text(service)
    return service


@pytest.fixture
def directory(terms):
    return {
        "ibasho": make_resource(
            "北の居場所", term=terms["ibasho-hikikomori"], district_code="tomisuhara",
            byday="WE", opens=time(10), closes=time(15),
        ),
        "shigoto": make_resource(
            "中央のしごと体験", term=terms["shuro-taiken"], district_code="tomida",
            byday="MO,TH", opens=time(13), closes=time(16),
        ),
        "closed": make_resource(
            "閉じたサロン", term=terms["salon"], district_code="tomisuhara",
            byday="TU", opens=time(10), closes=time(12), status=ServiceStatus.INACTIVE,
        ),
    }  # fmt: skip
