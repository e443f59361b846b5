"""Worked example 2's outreach as demo data (fictional): after the 支援会議 without consent,
the 委託相談支援事業所 visits again and again, often with the 民生委員, until they meet the woman
face to face. Everything goes through the services, as a user would do it.

Hook: after cases_demo.load_worked_examples() in people/management/commands/load_demo.py:
    from yorisoi.outreach import demo as outreach_demo
    created = outreach_demo.generate_outreach(seed)
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import User
from yorisoi.cases.demo import EXAMPLE_2
from yorisoi.cases.models import Case
from yorisoi.directory.models import Agency

from . import categories, services
from .models import OutreachCategory, OutreachTarget

DEMO_LABEL = "【デモ】中部2丁目 一人暮らしの50代女性"

# (days after the first visit, method, outcome, with the 民生委員?, what was seen)
VISITS = [
    (
        0,
        "visit",
        "absent",
        True,
        "呼び鈴に応答なし。2階の窓のカーテンは閉じたまま。庭にごみ袋が10袋ほど。",
    ),
    (
        7,
        "letter",
        "note_left",
        False,
        "「地域の相談員です。困りごとがあればお手伝いします」と手紙をポストに入れた。",
    ),
    (
        14,
        "visit",
        "through_door",
        True,
        "インターホン越しに「今は会えない」と返事。声はしっかりしている。",
    ),
    (
        28,
        "visit",
        "face_to_face",
        True,
        "玄関先で5分ほど話せた。眠れない日が続くとのこと。次回も来てよいと了承。",
    ),
]


def _user(username):
    return User.objects.filter(username=username).first()


@transaction.atomic
def generate_outreach(seed: int = 0) -> int:
    """Create worked example 2's outreach once (needs the demo accounts); returns how many
    targets were created (0 or 1). Attached to the demo case of example 2 if it exists."""
    if OutreachTarget.objects.filter(label=DEMO_LABEL).exists():
        return 0
    disability = _user("disability")  # 委託相談支援事業所
    if disability is None:
        return 0
    if not OutreachCategory.objects.exists():
        categories.load()
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    case = Case.objects.filter(title=EXAMPLE_2).first()
    person = case.subjects.first().person if case and case.subjects.exists() else None
    start = timezone.now() - timedelta(days=35 + rng.randint(0, 5))
    target = services.target_create(
        actor=disability,
        label=DEMO_LABEL,
        category=OutreachCategory.objects.get(code="hikikomori"),
        address="三重県四日市市中部2-3-4",
        description=(
            "一人暮らし。何年も外で姿を見かけない。2階、夜も明かりがついている。"
            "庭にごみがたまり、近所ともめている。通院しているかわからない。"
        ),
        worried_by_type="neighbour",
        worried_by_note="近所の方が福祉総務課に電話（支援会議で共有）",
        case=case,
        next_contact_on=timezone.localdate(start),
    )
    minsei = Agency.objects.filter(code="minsei-iin-tomisuhara").first()
    for days, method, outcome, with_minsei, seen in VISITS:
        when = start + timedelta(days=days, hours=rng.randint(0, 3))
        target = OutreachTarget.objects.get(pk=target.pk)
        services.contact_add(
            actor=disability,
            target=target,
            contacted_at=when,
            method=method,
            outcome=outcome,
            agencies=[minsei] if (with_minsei and minsei) else [],
            observations=seen,
            next_contact_on=timezone.localdate(when) + timedelta(days=7),
        )
    target = OutreachTarget.objects.get(pk=target.pk)
    if target.next_contact_on < timezone.localdate():
        target = services.target_update(
            actor=disability,
            target=target,
            version=target.version,
            next_contact_on=timezone.localdate() + timedelta(days=3),
        )
    if person is not None:
        services.person_link(actor=disability, target=target, version=target.version, person=person)
    return 1
