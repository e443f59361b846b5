"""Comparators: for each candidate pair, one agreement level per field, as integer columns.

The levels are the noise people really make when one person is registered twice: a variant
kanji or another way of writing the reading, a slip of one kana, a birth date with day and
month swapped or one digit wrong, a surname changed by marriage, a move. How much each level
counts is not decided here but learnt from the data (score.py); here we only name it.

Names are compared once per distinct pair of names (a city has far fewer than it has pairs of
records) and the other fields as whole numpy columns, so millions of candidate pairs cost
seconds, not minutes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cpdist

from .record import Batch, NamePart

# Each field's levels, strongest agreement first, with the words an explanation uses. The
# last level of every field is "missing", which counts for nothing either way.
LEVELS: dict[str, tuple[tuple[str, str], ...]] = {
    "family": (
        ("exact", "一致"),
        ("variant", "異体字・かなの表記ゆれを除けば一致"),
        ("reading", "読みは同じで漢字が異なる"),
        ("kanji", "漢字は同じで読みが異なる（かなの誤記の可能性）"),
        ("typo", "一字違い（誤記の可能性）"),
        ("changed", "異なるが名と生年月日は一致（婚姻等による改姓の可能性）"),
        ("different", "不一致"),
        ("missing", "どちらかが空欄"),
    ),
    "given": (
        ("exact", "一致"),
        ("variant", "異体字・かなの表記ゆれを除けば一致"),
        ("reading", "読みは同じで漢字が異なる"),
        ("kanji", "漢字は同じで読みが異なる（かなの誤記の可能性）"),
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


class Comparisons(NamedTuple):
    """Per candidate pair, the level of each field (an index into LEVELS[field]), and whether
    the names were matched crossed (one side typed family and given name the other way)."""

    family: np.ndarray
    given: np.ndarray
    birth: np.ndarray
    address: np.ndarray
    phone: np.ndarray
    swapped: np.ndarray

    @property
    def levels(self) -> tuple[np.ndarray, ...]:
        return self[:5]


class NameLevels:
    """How far two family (or two given) names agree, from written form down to reading, for
    whole columns of pairs of name ids (indexes into `Batch.names`).

    Levels, strongest first: missing (either side has neither kanji nor kana); exact (same
    kanji and same kana as typed, or same kana when either side has no kanji); variant (same
    kanji once 異体字 are folded and the same reading); reading (same reading, other kanji);
    kanji (same kanji, readings that differ); typo (readings one kana apart — wrong, missing,
    extra or two neighbours swapped, OSA distance 1 — or, without kana, kanji one apart);
    different. "kanji" is a level of its own rather than a kind of "typo": the kanji are what
    a 住民票 fixes, and a slip in the kana typed beside them says far more about one person
    than two different names one kana apart. A one-character name has no room for a slip.
    """

    def __init__(self, names: list[NamePart]):
        def ids(values: list[str]) -> np.ndarray:
            numbers = {"": 0}
            return np.array([numbers.setdefault(v, len(numbers)) for v in values], np.int64)

        self.text = ids([p.text for p in names])
        self.variant = ids([p.variant for p in names])
        self.kana = ids([p.kana for p in names])
        self.key = ids([p.kana_key for p in names])
        self.keys = [p.kana_key for p in names]
        self.variants = [p.variant for p in names]

    def _slip(self, strings: list[str], a: np.ndarray, b: np.ndarray) -> np.ndarray:
        lengths = np.array([len(s) for s in strings])
        la, lb = lengths[a], lengths[b]
        near = np.flatnonzero((np.minimum(la, lb) >= 2) & (np.abs(la - lb) <= 1))
        slip = np.zeros(len(a), dtype=bool)
        if len(near):
            left = [strings[i] for i in a[near].tolist()]
            right = [strings[i] for i in b[near].tolist()]
            slip[near] = cpdist(left, right, scorer=OSA.distance, score_cutoff=1) <= 1
        return slip

    def __call__(self, a: np.ndarray, b: np.ndarray, index: dict[str, int]) -> np.ndarray:
        ta, tb, va, vb = self.text[a], self.text[b], self.variant[a], self.variant[b]
        ka, kb, keya, keyb = self.kana[a], self.kana[b], self.key[a], self.key[b]
        have_text, have_kana = (ta != 0) & (tb != 0), (ka != 0) & (kb != 0)
        same_key, same_variant = have_kana & (keya == keyb), have_text & (va == vb)
        levels = np.full(len(a), index["different"], dtype=np.int8)
        open_ = ~(same_key | same_variant)
        rows = np.flatnonzero(open_ & have_kana)
        levels[rows[self._slip(self.keys, a[rows], b[rows])]] = index["typo"]
        rows = np.flatnonzero(open_ & have_text & ~have_kana)
        levels[rows[self._slip(self.variants, a[rows], b[rows])]] = index["typo"]
        levels[same_variant] = index["kanji"]
        levels[same_key] = np.where(have_text[same_key], index["reading"], index["variant"])
        levels[same_variant & (~have_kana | same_key)] = index["variant"]
        exact = (have_text & (ta == tb) & (~have_kana | (ka == kb))) | (
            ~have_text & have_kana & (ka == kb)
        )
        levels[exact] = index["exact"]
        levels[((ta == 0) & (ka == 0)) | ((tb == 0) & (kb == 0))] = index["missing"]
        return levels


def _in(levels: np.ndarray, index: dict[str, int], codes) -> np.ndarray:
    return np.isin(levels, [index[c] for c in codes])


_AGREE = ("exact", "variant", "reading", "kanji", "typo")


def _names(batch: Batch, name_levels: NameLevels, left, right):
    """Family and given levels, trying the names crossed when one side typed them swapped."""
    family = name_levels(batch.family[left], batch.family[right], FAMILY)
    given = name_levels(batch.given[left], batch.given[right], GIVEN)
    swapped = np.zeros(len(left), dtype=bool)
    retry = np.flatnonzero(~(_in(family, FAMILY, _AGREE) & _in(given, GIVEN, _AGREE)))
    if len(retry):
        a, b = left[retry], right[retry]
        crossed_family = name_levels(batch.family[a], batch.given[b], FAMILY)
        crossed_given = name_levels(batch.given[a], batch.family[b], GIVEN)
        ok = _in(crossed_family, FAMILY, _AGREE) & _in(crossed_given, GIVEN, _AGREE)
        family[retry[ok]], given[retry[ok]] = crossed_family[ok], crossed_given[ok]
        swapped[retry[ok]] = True
    return family, given, swapped


def _digits_differing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    differing = np.zeros(len(a), dtype=np.int8)
    for place in range(8):  # YYYYMMDD
        differing += (a // 10**place % 10) != (b // 10**place % 10)
    return differing


def birth_levels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """exact; day and month swapped; one digit of YYYYMMDD wrong; different; missing."""
    levels = np.full(len(a), BIRTH["different"], dtype=np.int8)
    swapped = (a // 10000 == b // 10000) & (a // 100 % 100 == b % 100) & (a % 100 == b // 100 % 100)
    levels[_digits_differing(a, b) == 1] = BIRTH["one_digit"]
    levels[swapped & (a != b)] = BIRTH["swapped"]
    levels[a == b] = BIRTH["exact"]
    levels[(a == 0) | (b == 0)] = BIRTH["missing"]
    return levels


def compare(batch: Batch, left: np.ndarray, right: np.ndarray, name_levels=None) -> Comparisons:
    """The comparison vectors of the pairs (left[k], right[k]); symmetric in each pair."""
    name_levels = name_levels or NameLevels(batch.names)
    family, given, swapped = _names(batch, name_levels, left, right)
    birth = birth_levels(batch.birth[left], batch.birth[right])
    # Marriage changes the family name only: the rest of the identity still agrees. u for this
    # level is that of "different" (score.py), so the given name and date are not counted twice.
    changed = (
        (family == FAMILY["different"])
        & _in(given, GIVEN, ("exact", "variant", "reading", "kanji"))
        & (birth == BIRTH["exact"])
    )
    family[changed] = FAMILY["changed"]

    address = np.full(len(left), ADDRESS["different"], dtype=np.int8)
    town_a, town_b = batch.town[left], batch.town[right]
    address[(town_a == town_b) & (town_a != 0)] = ADDRESS["same_town"]
    address_a, address_b = batch.address[left], batch.address[right]
    address[address_a == address_b] = ADDRESS["exact"]
    address[(address_a == 0) | (address_b == 0)] = ADDRESS["missing"]

    phone_a, phone_b = batch.phone[left], batch.phone[right]
    phone = np.where(phone_a == phone_b, PHONE["exact"], PHONE["different"]).astype(np.int8)
    phone[(phone_a == 0) | (phone_b == 0)] = PHONE["missing"]
    return Comparisons(family, given, birth, address, phone, swapped)
