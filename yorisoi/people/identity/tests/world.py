"""The small world of the 名寄せ tests: a town of distinct people registered by two agencies,
so that the engine has a population to learn from, and helpers to make pairs."""

import datetime as dt

from yorisoi.directory.models import Agency
from yorisoi.linkage.tests.world import town
from yorisoi.people.identity import services
from yorisoi.people.identity.models import MatchCandidate
from yorisoi.testing import PersonFactory


def populate(*agencies, people=60):
    """The linkage tests' town, its people registered in turn by `agencies`."""
    created = []
    for i, r in enumerate(town(people)):
        created.append(
            PersonFactory(
                agency=agencies[i % len(agencies)],
                family_name=r.family_name,
                given_name=r.given_name,
                family_name_kana=r.family_kana,
                given_name_kana=r.given_kana,
                birth_date=dt.date.fromisoformat(r.birth_date),
                address=r.address,
                phone=r.phone,
            )
        )
    return created


def hanako(agency, **changes):
    """髙橋祐子 as one agency typed her; `changes` are another agency's variant spellings."""
    fields = {
        "family_name": "髙橋",
        "given_name": "祐子",
        "family_name_kana": "タカハシ",
        "given_name_kana": "ユウコ",
        "birth_date": dt.date(1970, 3, 2),
        "address": "三重県四日市市諏訪町1丁目5番3号",
        "phone": "059-354-8111",
        **changes,
    }
    return PersonFactory(agency=agency, **fields)


def agency(code):
    return Agency.objects.get(code=code)


def pair(a, b) -> MatchCandidate:
    first, second = sorted((a, b), key=lambda p: str(p.pk))
    return MatchCandidate.objects.get(person_a=first, person_b=second)


def candidate_for(a, b, *, score=0.97) -> MatchCandidate:
    """A pending candidate made by hand (for tests about decisions, not about scoring)."""
    first, second = sorted((a, b), key=lambda p: str(p.pk))
    return MatchCandidate.objects.create(
        person_a=first,
        person_b=second,
        score=score,
        weight=5.0,
        reasons=["氏名が一致（異体字）", "生年月日が一致"],
    )


def score():
    return services.candidates_score()
