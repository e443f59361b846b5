"""A registration as one agency typed it, and the normalised forms the engine compares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Prepared:
    """A record normalised once, before any pair is compared."""

    record_id: str
    family: NamePart
    given: NamePart
    birth: dt.date | None
    birth_digits: str  # YYYYMMDD, for the one-digit-wrong comparison
    address: str
    town: str
    phone: str


def prepare(record: Record) -> Prepared:
    family, given = normalise.split_name(record.family_name, record.given_name)
    family_kana, given_kana = normalise.split_name(record.family_kana, record.given_kana)
    birth = normalise.birth_date(record.birth_date)
    address = normalise.address(record.address)
    return Prepared(
        record_id=record.record_id,
        family=NamePart.of(family, family_kana),
        given=NamePart.of(given, given_kana),
        birth=birth,
        birth_digits=birth.strftime("%Y%m%d") if birth else "",
        address=address,
        town=normalise.address_town(address),
        phone=normalise.phone(record.phone),
    )
