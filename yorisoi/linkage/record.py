"""A registration as one agency typed it, and the batch of them normalised once, as columns.

A city's registrations repeat themselves: a few thousand family names, a few thousand given
names, one address per household. So a batch keeps every distinct normalised value once and
each record as a row of small integers pointing at them (`Batch`), and the raw rows need not
be kept beside it: at 360,000 records this is some tens of MB instead of a Python object per
field per record, and comparing two records is comparing integers (compare.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from . import normalise


@dataclass(frozen=True, slots=True)
class Record:
    """One agency's registration of a person: every field as typed, any but record_id empty."""

    record_id: str
    agency: str = ""
    family_name: str = ""
    given_name: str = ""
    family_kana: str = ""
    given_kana: str = ""
    birth_date: str = ""
    address: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class NamePart:
    """A family or given name in the forms the comparators need, from exact to phonetic."""

    text: str  # width and spacing folded
    variant: str  # 異体字 folded
    kana: str  # katakana as typed
    kana_key: str  # phonetic key

    @classmethod
    def of(cls, name: str, kana: str) -> NamePart:
        return cls(
            normalise.name_text(name),
            normalise.name_variant(name),
            normalise.katakana(kana),
            normalise.kana_key(kana),
        )

    @property
    def missing(self) -> bool:
        return not (self.text or self.kana)


EMPTY = NamePart("", "", "", "")


class _Interner:
    """Distinct values in first-seen order; index 0 is the empty value ("missing")."""

    def __init__(self, empty):
        self.values = [empty]
        self._index = {empty: 0}

    def __call__(self, value) -> int:
        index = self._index.get(value)
        if index is None:
            index = self._index[value] = len(self.values)
            self.values.append(value)
        return index


@dataclass
class Batch:
    """Normalised records as columns, sorted by record_id.

    `family`/`given` index `names`; `address`/`town`/`phone` index `texts`; `birth` is
    YYYYMMDD as an integer. Index 0 of `names` and `texts`, and birth 0, mean missing.
    """

    record_ids: list[str]
    names: list[NamePart]
    texts: list[str]
    family: np.ndarray
    given: np.ndarray
    birth: np.ndarray
    address: np.ndarray
    town: np.ndarray
    phone: np.ndarray

    def __len__(self) -> int:
        return len(self.record_ids)

    @classmethod
    def of(cls, records: Iterable[Record]) -> Batch:
        """Normalise each distinct typed value once; raise ValueError on a repeated record_id."""
        names, texts = _Interner(EMPTY), _Interner("")
        typed_names: dict[tuple[str, str], int] = {}
        typed_births: dict[str, int] = {}
        typed_addresses: dict[str, tuple[int, int]] = {}
        typed_phones: dict[str, int] = {}
        ids: list[str] = []
        columns: list[list[int]] = [[] for _ in range(6)]

        def name_id(name: str, kana: str) -> int:
            if (found := typed_names.get((name, kana))) is None:
                found = typed_names[name, kana] = names(NamePart.of(name, kana))
            return found

        for r in records:
            ids.append(r.record_id)
            family, given = normalise.split_name(r.family_name, r.given_name)
            family_kana, given_kana = normalise.split_name(r.family_kana, r.given_kana)
            if (birth := typed_births.get(r.birth_date)) is None:
                date = normalise.birth_date(r.birth_date)
                birth = typed_births[r.birth_date] = int(date.strftime("%Y%m%d")) if date else 0
            if (place := typed_addresses.get(r.address)) is None:
                address = normalise.address(r.address)
                place = texts(address), texts(normalise.address_town(address))
                typed_addresses[r.address] = place
            if (phone := typed_phones.get(r.phone)) is None:
                phone = typed_phones[r.phone] = texts(normalise.phone(r.phone))
            row = (name_id(family, family_kana), name_id(given, given_kana), birth, *place, phone)
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        if len(set(ids)) != len(ids):
            raise ValueError("record_id が重複しています。")
        order = np.asarray(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.int64)
        family, given, birth, address, town, phone = (
            np.asarray(c, dtype=np.int32)[order] for c in columns
        )
        return cls(
            [ids[i] for i in order.tolist()],
            names.values,
            texts.values,
            family,
            given,
            birth,
            address,
            town,
            phone,
        )
