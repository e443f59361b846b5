"""A small participation world (fictional): the woman of worked example 2, living in 富洲原
(北部), and six social resources built by hand so that every score can be read off."""

from yorisoi.directory.models import District
from yorisoi.participation import services
from yorisoi.people.models import Person
from yorisoi.resources.models import ServiceStatus, TaxonomyTerm
from yorisoi.testing import PersonFactory, resource


def term(code):
    return TaxonomyTerm.objects.get(code=code)


def district(code):
    return District.objects.get(code=code)


def six_resources():
    """Returns them by short name. The woman: 居場所 interest, Wed/Fri, 富洲原, small & quiet."""
    return {
        # Sub-category of 居場所, her district, Wed and Fri, small and quiet, free: the best.
        "hidamari": resource("ひだまりの会", category="ibasho-hikikomori", where="tomisuhara",
                             byday="WE,FR", capacity=6, accessibility="段差なし、静かな個室あり"),
        # 地域活動支援センター (not one of her interests), same area (富田, 北部), Wed, free.
        "center": resource("地域活動支援センター北", category="chiiki-katsudo-shien-center",
                           where="tomida", byday="WE", capacity=15,
                           accessibility="段差なし"),
        # 居場所 itself, in the south, open only Monday: a wished day is missing.
        "south": resource("南のほっとスペース", category="ibasho", where="hinaga", byday="MO",
                          capacity=40),
        # 居場所, her district, Fri, but 500 yen a visit: over her budget of 1,000 yen a month.
        "costly": resource("有料サロン", category="ibasho", where="tomisuhara", byday="FR",
                           fee=500),
        # Inactive: never proposed.
        "closed": resource("休止中の居場所", category="ibasho", where="tomisuhara",
                           byday="WE,FR", status=ServiceStatus.INACTIVE),
        # 趣味・交流, central, Wed, 100 yen, second floor without a lift.
        "crafts": resource("手芸サークル", category="shumi-koryu", where="tokiwa", byday="WE",
                           fee=100, accessibility="2階（エレベーターなし）"),
    }  # fmt: skip


def woman(actor) -> Person:
    return PersonFactory(
        family_name="川村",
        given_name="景子",
        agency_id=actor.agency_id,
        district=district("tomisuhara"),
        created_by=actor,
    )


def need(actor, person=None, **fields):
    values = {
        "person": person or woman(actor),
        "interests": [term("ibasho")],
        "short_term_goal": "まず週1回、地域活動支援センターに通う",
        "long_term_goal": "いずれは働きたい",
        "available_days": "WE,FR",
        "prefers_small": True,
        "max_cost_per_month": 1000,
    }
    values.update(fields)
    return services.need_create(actor=actor, **values)
