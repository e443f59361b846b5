"""Fictional social resources for the demo and the benchmarks (all names are invented).

    from yorisoi.resources import demo
    demo.generate_resources(30, seed=5)

Same seed, same directory; ids are derived from the seed and the number, so running it twice
adds nothing (it is idempotent, like load_demo).
"""

import random
import uuid
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from yorisoi.directory.models import District
from yorisoi.people.names import normalize_for_search

from .models import (
    CapacityUnit,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceTaxonomy,
    TaxonomyTerm,
)

DEFAULT_SEED = 5
DEMO_NAMESPACE = uuid.UUID("0c8f7f0e-4a55-4d2b-8f2e-6a7d5b1c9e40")
DEMO_MARK = "（デモ用の架空のデータ）"

# (category code, name pattern, description, fees, fee yen, capacity range)
KINDS = [
    ("ibasho", "{place}ほっとスペース", "誰でも立ち寄れる居場所。お茶を飲みながら過ごせます。",
     "無料", 0, (10, 20)),
    ("ibasho-hikikomori", "{place}ひだまりの会", "ひきこもりの方と家族の居場所。少人数で静かに過ごせます。",
     "無料", 0, (5, 10)),
    ("shuro-taiken", "{place}しごと体験農園", "短時間の農作業体験。1日2時間から始められます。",
     "無料（作業着貸出あり）", 0, (3, 8)),
    ("volunteer", "{place}ボランティアセンター", "地域のボランティア活動の紹介と登録。",
     "無料", 0, (20, 50)),
    ("salon", "{place}いきいきサロン", "介護予防の体操とおしゃべりの通いの場。",
     "1回100円（お茶代）", 100, (15, 30)),
    ("gakushu-shien", "{place}まなびの教室", "小中学生の学習支援。大学生ボランティアが教えます。",
     "無料", 0, (10, 20)),
    ("kosodate", "{place}子育て支援センター", "親子で遊べる広場と子育て相談。",
     "無料", 0, (10, 30)),
    ("shumi-koryu", "{place}手芸サークル", "編み物や手芸を楽しむ交流の場。初心者歓迎。",
     "1回200円（材料費）", 200, (8, 15)),
    ("chiiki-katsudo-shien-center", "地域活動支援センター{place}", "創作活動、軽作業、交流の場。"
     "精神障害のある方も安心して通えます。", "無料（昼食代実費）", 0, (10, 20)),
    ("kodomo-shokudo", "{place}こども食堂", "子どもと地域の大人が一緒に食べる食堂。",
     "子ども無料・大人300円", 0, (20, 40)),
    ("undo-kenko", "{place}ウォーキングの会", "川沿いを歩く健康づくりの会。",
     "無料", 0, (10, 30)),
]  # fmt: skip
ORGS = ["社会福祉法人みらい会", "NPO法人よりそいネット", "{place}地区社会福祉協議会",
        "{place}自治会", "一般社団法人つなぐ"]  # fmt: skip
TIMES = [(time(9, 30), time(11, 30)), (time(10), time(15)), (time(13, 30), time(15, 30)),
         (time(16), time(18)), (time(18), time(20))]  # fmt: skip
ACCESS = ["段差なし、車いす用トイレあり", "2階（エレベーターなし）", "静かな個室あり",
          "駐車場あり、段差なし", ""]  # fmt: skip


def _id(seed, n, kind) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{seed}:{n}:{kind}")


@transaction.atomic
def generate_resources(n: int = 30, seed: int = DEFAULT_SEED) -> int:
    """Create `n` fictional resources across categories and districts; returns how many new."""
    rng = random.Random(seed)  # noqa: S311 — fictional data, not secrets
    districts = list(District.objects.filter(active=True).order_by("order", "code"))
    terms = {t.code: t for t in TaxonomyTerm.objects.all()}
    created = 0
    for i in range(n):
        service_id = _id(seed, i, "service")
        kind = KINDS[i % len(KINDS)]
        district = districts[rng.randrange(len(districts))] if districts else None
        place = district.name if district else "中央"
        opens, closes = TIMES[rng.randrange(len(TIMES))]
        days = sorted(rng.sample(range(7), rng.choice([1, 1, 2, 3])))
        access = ACCESS[rng.randrange(len(ACCESS))]
        capacity = rng.randint(*kind[5])
        if Service.objects.filter(pk=service_id).exists():
            continue
        org_name = ORGS[rng.randrange(len(ORGS))].format(place=place)
        org, _ = Organization.objects.get_or_create(
            id=_id(seed, org_name, "org"),
            defaults={"name": org_name, "description": DEMO_MARK},
        )
        name = kind[1].format(place=place)
        if Service.objects.filter(name=name).exists():
            name = f"{name}（{i + 1}）"
        service = Service.objects.create(
            id=service_id,
            organization=org,
            name=name,
            description=f"{kind[2]}{DEMO_MARK}",
            fees_description=kind[3],
            fee_amount=kind[4],
            contact_name="担当（架空）",
            phone=f"059-000-{1000 + i:04d}",
        )
        location = Location.objects.create(
            id=_id(seed, i, "location"),
            organization=org,
            name=f"{place}{rng.choice(['地区市民センター', '公民館', '集会所', 'コミュニティハウス'])}",
            state_province="三重県",
            city="四日市市",
            address_1=f"{place}町{rng.randint(1, 9)}-{rng.randint(1, 30)}（架空）",
            district=district,
            accessibility=access,
        )
        ServiceAtLocation.objects.create(id=_id(seed, i, "sal"), service=service, location=location)
        # Vacancies without another draw (the same seed keeps giving the same directory):
        # every seventh resource full, the others some places free, reported days ago.
        ServiceCapacity.objects.create(
            id=_id(seed, i, "capacity"), service=service, unit=CapacityUnit.person(),
            available=0 if i % 7 == 3 else capacity - i % capacity, maximum=capacity,
            updated=timezone.now() - timedelta(days=i % 30),
        )  # fmt: skip
        Schedule.objects.create(
            id=_id(seed, i, "schedule"),
            service=service,
            byday=",".join(["MO", "TU", "WE", "TH", "FR", "SA", "SU"][d] for d in days),
            opens_at=opens,
            closes_at=closes,
        )
        term = terms.get(kind[0])
        if term is not None:
            ServiceTaxonomy.objects.create(
                id=_id(seed, i, "attr"), service=service, taxonomy_term=term
            )
        text = " ".join([service.name, service.description, org.name, location.name,
                         location.address_1])  # fmt: skip
        Service.objects.filter(pk=service.pk).update(search_text=normalize_for_search(text))
        created += 1
    return created
