"""Comparators: for a pair of prepared records, one agreement level per field.

The levels are the noise people really make when one person is registered twice: a variant
kanji or another way of writing the reading, a slip of one kana, a birth date with day and
month swapped or one digit wrong, a surname changed by marriage, a move. How much each level
counts is not decided here but learnt from the data (score.py); here we only name it.
"""

from __future__ import annotations

from typing import NamedTuple

from rapidfuzz.distance import OSA

from .record import NamePart, Prepared

# Each field's levels, strongest agreement first, with the words an explanation uses. The
# last level of every field is "missing", which counts for nothing either way.
LEVELS: dict[str, tuple[tuple[str, str], ...]] = {
    "family": (
        ("exact", "一致"),
        ("variant", "異体字・かなの表記ゆれを除けば一致"),
        ("reading", "読みは同じで漢字が異なる"),
        ("typo", "一字違い（誤記の可能性）"),
        ("changed", "異なるが名と生年月日は一致（婚姻等による改姓の可能性）"),
        ("different", "不一致"),
        ("missing", "どちらかが空欄"),
    ),
    "given": (
        ("exact", "一致"),
        ("variant", "異体字・かなの表記ゆれを除けば一致"),
        ("reading", "読みは同じで漢字が異なる"),
        ("typo", "一字違い（誤記の可能性）"),
        ("different", "不一致"),
        ("missing", "どちらかが空欄"),
    ),
    "birth": (
        ("exact", "一致"),
        ("swapped", "日と月が入れ替わっている"),
        ("one_digit", "一桁だけ異なる"),
        ("different", "不一致"),
        ("missing", "どちらかが空欄"),
    ),
    "address": (
        ("exact", "一致"),
        ("same_town", "同じ町名で番地が異なる"),
        ("different", "異なる（転居の可能性）"),
        ("missing", "どちらかが空欄"),
    ),
    "phone": (
        ("exact", "一致"),
        ("different", "不一致"),
        ("missing", "どちらかが空欄"),
    ),
}
FIELD_LABELS = {
    "family": "姓",
    "given": "名",
    "birth": "生年月日",
    "address": "住所",
    "phone": "電話",
}
FIELDS = tuple(LEVELS)


def _level_index(field: str) -> dict[str, int]:
    return {code: i for i, (code, _label) in enumerate(LEVELS[field])}


GIVEN = _level_index("given")
FAMILY = _level_index("family")
BIRTH = _level_index("birth")
ADDRESS = _level_index("address")
PHONE = _level_index("phone")


class Comparison(NamedTuple):
    """The level of each field (an index into LEVELS[field]) and whether names were crossed."""

    family: int
    given: int
    birth: int
    address: int
    phone: int
    swapped_names: bool = False

    @property
    def levels(self) -> tuple[int, int, int, int, int]:
        return self[:5]


def _one_slip(a: str, b: str) -> bool:
    # One kana or kanji wrong, missing, extra, or two neighbours swapped (OSA distance 1); a
    # one-character name has no room for a slip that still says anything.
    return min(len(a), len(b)) >= 2 and OSA.distance(a, b, score_cutoff=1) <= 1


def name_level(a: NamePart, b: NamePart) -> str:
    """How far two family (or two given) names agree, from written form down to reading."""
    if a.missing or b.missing:
        return "missing"
    have_text, have_kana = bool(a.text and b.text), bool(a.kana and b.kana)
    same_kana_key = have_kana and a.kana_key == b.kana_key
    if have_text and a.text == b.text and (not have_kana or a.kana == b.kana):
        return "exact"
    if not have_text and have_kana and a.kana == b.kana:
        return "exact"
    if have_text and a.variant == b.variant and (not have_kana or same_kana_key):
        return "variant"
    if same_kana_key:
        return "variant" if not have_text else "reading"
    if (have_text and a.variant == b.variant) or (have_kana and _one_slip(a.kana_key, b.kana_key)):
        return "typo"
    if have_text and not have_kana and _one_slip(a.variant, b.variant):
        return "typo"
    return "different"


def birth_level(a: Prepared, b: Prepared) -> str:
    if a.birth is None or b.birth is None:
        return "missing"
    if a.birth == b.birth:
        return "exact"
    if (a.birth.year, a.birth.month, a.birth.day) == (b.birth.year, b.birth.day, b.birth.month):
        return "swapped"
    if sum(x != y for x, y in zip(a.birth_digits, b.birth_digits, strict=True)) == 1:
        return "one_digit"
    return "different"


def address_level(a: Prepared, b: Prepared) -> str:
    if not a.address or not b.address:
        return "missing"
    if a.address == b.address:
        return "exact"
    if a.town and a.town == b.town:
        return "same_town"
    return "different"


def phone_level(a: Prepared, b: Prepared) -> str:
    if not a.phone or not b.phone:
        return "missing"
    return "exact" if a.phone == b.phone else "different"


_AGREE = ("exact", "variant", "reading", "typo")


def _names(a: Prepared, b: Prepared) -> tuple[str, str, bool]:
    """Family and given levels, trying the names crossed when one side typed them swapped."""
    family, given = name_level(a.family, b.family), name_level(a.given, b.given)
    if family in _AGREE and given in _AGREE:
        return family, given, False
    crossed = name_level(a.family, b.given), name_level(a.given, b.family)
    if all(level in _AGREE for level in crossed):
        return *crossed, True
    return family, given, False


def compare(a: Prepared, b: Prepared) -> Comparison:
    """The comparison vector of a pair; symmetric, so compare(a, b) == compare(b, a)."""
    family, given, swapped = _names(a, b)
    birth = birth_level(a, b)
    # Marriage changes the family name only: the rest of the identity still agrees. u for this
    # level is that of "different" (score.py), so the given name and date are not counted twice.
    if family == "different" and given in ("exact", "variant", "reading") and birth == "exact":
        family = "changed"
    return Comparison(
        FAMILY[family],
        GIVEN[given],
        BIRTH[birth],
        ADDRESS[address_level(a, b)],
        PHONE[phone_level(a, b)],
        swapped,
    )
