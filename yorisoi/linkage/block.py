"""Blocking: which pairs are worth comparing at all, without comparing every pair (O(n²)).

A pair is a candidate when it shares one key under any rule. Each rule survives a different
kind of noise, so that one slip never hides a person from every rule at once:

- birth date + one name part: survives a changed family name (marriage), a slip in the other
  part, and names typed in each other's fields; the date key ignores day/month order.
- full name + birth year, full name + birth month/day: survive one wrong digit in the date.
- full name + town: survives a missing birth date.
- phone; address + one name part: survive a birth date wrong in more than one place.

Name parts are keyed by their phonetic kana key and by their 異体字-folded kanji, so width,
hiragana/katakana, long vowels, voicing marks and variant kanji all meet in one block.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from .record import NamePart, Prepared

# A block larger than this holds people who share a common key (one phone number for a whole
# facility, say) and says little; comparing all its pairs would cost more than it finds.
MAX_BLOCK = 200


def _forms(part: NamePart) -> list[str]:
    return [f"k{part.kana_key}"] * bool(part.kana_key) + [f"v{part.variant}"] * bool(part.variant)


def _full_names(r: Prepared) -> list[str]:
    # The two parts in sorted order, kana with kana and kanji with kanji: order-proof.
    family, given = _forms(r.family), _forms(r.given)
    return ["|".join(sorted((f, g))) for f in family for g in given if f[0] == g[0]]


def _parts(r: Prepared) -> list[str]:
    return _forms(r.family) + _forms(r.given)


def _date_key(r: Prepared) -> str:
    b = r.birth
    return f"{b.year}-{min(b.month, b.day)}-{max(b.month, b.day)}" if b else ""


def _by_birth_and_part(r: Prepared) -> Iterable[str]:
    return [f"{_date_key(r)}|{p}" for p in _parts(r)] if r.birth else []


def _by_name_and_year(r: Prepared) -> Iterable[str]:
    return [f"{r.birth.year}|{n}" for n in _full_names(r)] if r.birth else []


def _by_name_and_day(r: Prepared) -> Iterable[str]:
    return [f"{_date_key(r).split('-', 1)[1]}|{n}" for n in _full_names(r)] if r.birth else []


def _by_name_and_town(r: Prepared) -> Iterable[str]:
    return [f"{r.town}|{n}" for n in _full_names(r)] if r.town else []


def _by_phone(r: Prepared) -> Iterable[str]:
    # Fewer than 6 digits is an extension or a fragment, not a number that identifies anyone.
    return [r.phone] if len(r.phone) >= 6 else []


def _by_address_and_part(r: Prepared) -> Iterable[str]:
    return [f"{r.address}|{p}" for p in _parts(r)] if r.address else []


RULES: dict[str, Callable[[Prepared], Iterable[str]]] = {
    "birth+name part": _by_birth_and_part,
    "full name+birth year": _by_name_and_year,
    "full name+birth month/day": _by_name_and_day,
    "full name+town": _by_name_and_town,
    "phone": _by_phone,
    "address+name part": _by_address_and_part,
}


def _rule_pairs(records: Sequence[Prepared], keys_of, max_block: int) -> np.ndarray:
    blocks: defaultdict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for key in dict.fromkeys(keys_of(record)):
            blocks[key].append(index)
    n = len(records)
    chunks = [np.empty(0, dtype=np.int64)]
    for members in blocks.values():
        if 2 <= len(members) <= max_block:
            idx = np.asarray(members, dtype=np.int64)
            left, right = np.triu_indices(len(idx), 1)
            chunks.append(idx[left] * n + idx[right])
    return np.unique(np.concatenate(chunks))


# Pairs to learn m from (score.py), as Splink trains: among pairs born on the same day, how
# often do true pairs agree on the names, address and phone; among pairs sharing a full name,
# how often on the birth date. Neither rule admits a household's members as a group, which
# would otherwise pass for one person agreeing on family name, address and phone.
TRAINING_RULES: dict[str, Callable[[Prepared], Iterable[str]]] = {
    "birth": lambda r: [r.birth_digits] if r.birth else [],
    "full name": _full_names,
}


def training_pairs(records: Sequence[Prepared], rule: str) -> tuple[np.ndarray, np.ndarray]:
    codes = _rule_pairs(records, TRAINING_RULES[rule], MAX_BLOCK)
    n = max(len(records), 1)
    return codes // n, codes % n


def candidate_pairs(
    records: Sequence[Prepared], *, max_block: int = MAX_BLOCK
) -> tuple[np.ndarray, np.ndarray]:
    """Indexes (i, j), i < j, of every pair sharing a key under some rule; sorted, no repeats.

    One rule is held in memory at a time; a pair is stored as one int64 (i·n + j).
    """
    codes = np.empty(0, dtype=np.int64)
    for keys_of in RULES.values():
        codes = np.union1d(codes, _rule_pairs(records, keys_of, max_block))
    n = max(len(records), 1)
    return codes // n, codes % n
