"""A small outreach world (fictional): a woman in her 50s nobody has seen for years, held by
the home-care support centre (hana's agency)."""

from datetime import timedelta

from django.utils import timezone

from yorisoi.directory.models import Agency, District
from yorisoi.outreach import categories, services
from yorisoi.outreach.models import OutreachCategory


def agency(code):
    return Agency.objects.get(code=code)


def category(code="hikikomori"):
    if not OutreachCategory.objects.exists():  # flushed by a transactional test
        categories.load()
    return OutreachCategory.objects.get(code=code)


def target(actor, **fields):
    values = {
        "label": "中部2丁目 2階の方",
        "category": category(),
        "address": "中部2丁目 アパート2階",
        "description": "2階、夜も明かりがついている。何年も外で見かけない。",
        "worried_by_type": "neighbour",
        "worried_by_note": "隣の住民",
        "district": District.objects.order_by("order").first(),
        "next_contact_on": timezone.localdate() + timedelta(days=7),
    }
    values.update(fields)
    return services.target_create(actor=actor, **values)


def contact(actor, t, outcome, **kwargs):
    return services.contact_add(actor=actor, target=t, outcome=outcome, **kwargs)


def fresh(t):
    return type(t).objects.get(pk=t.pk)
