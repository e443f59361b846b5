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

Keys are integers built from the batch's columns, and the pairs of a rule are found by sorting
(record, key) rows by key: no per-record Python objects, no dictionary of string keys.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .record import Batch

# A block larger than this holds people who share a common key (one phone number for a whole
# facility, say) and says little; comparing all its pairs would cost more than it finds.
MAX_BLOCK = 200
NONE = -1

Keys = list[tuple[np.ndarray, np.ndarray]]  # (record indexes, keys), one entry per key kind


def _combine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One dense integer per distinct (a, b); NONE where either is NONE."""
    both = (a != NONE) & (b != NONE)
    out = np.full(len(a), NONE, dtype=np.int64)
    if both.any():
        joint = a[both].astype(np.int64) * (int(b.max()) + 1) + b[both]
        out[both] = np.unique(joint, return_inverse=True)[1].reshape(-1)
    return out


class _Forms:
    """Each name part's phonetic kana key and 異体字-folded kanji as form numbers."""

    def __init__(self, batch: Batch):
        numbers: dict[str, int] = {}

        def number(form: str) -> int:
            return numbers.setdefault(form, len(numbers)) if form[1:] else NONE

        kana = np.array([number("k" + p.kana_key) for p in batch.names], dtype=np.int64)
        kanji = np.array([number("v" + p.variant) for p in batch.names], dtype=np.int64)
        self.parts = [
            forms[column] for column in (batch.family, batch.given) for forms in (kana, kanji)
        ]
        # The two parts in sorted order, kana with kana and kanji with kanji: order-proof.
        self.full_names = [
            _combine(np.minimum(f, g), np.maximum(f, g))
            for f, g in ((self.parts[0], self.parts[2]), (self.parts[1], self.parts[3]))
        ]


def _date_key(batch: Batch, with_year: bool) -> np.ndarray:
    """Birth date with day and month in either order (and without the year if asked)."""
    b = batch.birth.astype(np.int64)
    month, day = b // 100 % 100, b % 100
    key = np.minimum(month, day) * 100 + np.maximum(month, day)
    if with_year:
        key += b // 10000 * 10000
    return np.where(b == 0, NONE, key)


def _texts(column: np.ndarray) -> np.ndarray:
    return np.where(column == 0, NONE, column).astype(np.int64)


def _phones(batch: Batch) -> np.ndarray:
    # Fewer than 6 digits is an extension or a fragment, not a number that identifies anyone.
    usable = np.array([len(t) >= 6 for t in batch.texts])
    return np.where(usable[batch.phone], batch.phone, NONE).astype(np.int64)


def _keyed(*columns: np.ndarray) -> Keys:
    return [(np.arange(len(c)), c) for c in columns]


RULES: dict[str, Callable[[Batch, _Forms], Keys]] = {
    "birth+name part": lambda b, f: _keyed(*(_combine(_date_key(b, True), p) for p in f.parts)),
    "full name+birth year": lambda b, f: _keyed(
        *(_combine(np.where(b.birth == 0, NONE, b.birth // 10000), n) for n in f.full_names)
    ),
    "full name+birth month/day": lambda b, f: _keyed(
        *(_combine(_date_key(b, False), n) for n in f.full_names)
    ),
    "full name+town": lambda b, f: _keyed(*(_combine(_texts(b.town), n) for n in f.full_names)),
    "phone": lambda b, f: _keyed(_phones(b)),
    "address+name part": lambda b, f: _keyed(*(_combine(_texts(b.address), p) for p in f.parts)),
}


def _distinct(codes: np.ndarray) -> np.ndarray:
    # Sorting then dropping repeats: np.unique hashes first, several times slower on int64.
    codes = np.sort(codes)
    return codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes


def _rule_pairs(keys: Keys, n: int, max_block: int) -> np.ndarray:
    """Every pair i < j sharing a key, as i·n + j, from blocks of 2 to max_block records."""
    index = np.concatenate([i[k != NONE] for i, k in keys])
    key = np.concatenate([k[k != NONE] for _i, k in keys])
    order = np.lexsort((index, key))
    index, key = index[order], key[order]
    fresh = np.ones(len(key), dtype=bool)  # one row per (key, record)
    fresh[1:] = (key[1:] != key[:-1]) | (index[1:] != index[:-1])
    index, key = index[fresh], key[fresh]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sizes = np.diff(np.r_[starts, len(key)])
    kept = np.repeat((sizes >= 2) & (sizes <= max_block), sizes)
    index, key = index[kept], key[kept]
    chunks = [np.empty(0, dtype=np.int64)]
    for step in range(1, int(sizes[sizes <= max_block].max(initial=1))):
        same = key[:-step] == key[step:]
        chunks.append(index[:-step][same] * n + index[step:][same])
    return _distinct(np.concatenate(chunks))


def _split(codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    return codes // max(n, 1), codes % max(n, 1)


def training_pairs(batch: Batch, rule: str) -> tuple[np.ndarray, np.ndarray]:
    """Pairs to learn m from (score.py), as Splink trains.

    "birth": pairs born on the same day, which show how often true pairs agree on the names,
    address and phone; "full name": pairs sharing a full name, which show how often on the
    birth date. Neither rule admits a household's members as a group, which would otherwise
    pass for one person agreeing on family name, address and phone.
    """
    if rule == "birth":
        keys = _keyed(np.where(batch.birth == 0, NONE, batch.birth).astype(np.int64))
    else:
        keys = _keyed(*_Forms(batch).full_names)
    return _split(_rule_pairs(keys, len(batch), MAX_BLOCK), len(batch))


def candidate_pairs(batch: Batch, *, max_block: int = MAX_BLOCK) -> tuple[np.ndarray, np.ndarray]:
    """Indexes (i, j), i < j, of every pair sharing a key under some rule; sorted, no repeats.

    A pair is stored as one int64 (i·n + j) until the rules' pairs are merged.
    """
    forms = _Forms(batch)
    rules = [
        _rule_pairs(keys_of(batch, forms), len(batch), max_block) for keys_of in RULES.values()
    ]
    return _split(_distinct(np.concatenate(rules)), len(batch))
