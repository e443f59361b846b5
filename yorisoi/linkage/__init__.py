"""名寄せ: find the registrations, across agencies, that are one person — without Django.

    from yorisoi.linkage import Record, link
    for found in link(records):
        print(found.record_id_a, found.record_id_b, found.score, "、".join(found.reasons))

`link` normalises every record (normalise.py), generates candidate pairs by blocking
(block.py), compares each candidate field by field (compare.py), learns how much each level of
agreement says from the batch itself and scores every pair (score.py). The result depends only
on the records and the arguments: records are taken in record_id order and the random pairs
that estimate u come from a seeded generator.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from . import score
from .block import candidate_pairs, training_pairs
from .compare import compare
from .record import Prepared, Record, prepare

__all__ = ["Link", "Record", "link"]

DEFAULT_THRESHOLD = 0.99


class Link(NamedTuple):
    """Two registrations judged to be one person, with the reasons in Japanese."""

    record_id_a: str
    record_id_b: str
    score: float  # probability that they are one person
    weight: float  # match weight in bits (log2 odds)
    reasons: tuple[str, ...]


def _compare_all(prepared: Sequence[Prepared], left: np.ndarray, right: np.ndarray):
    codes = np.empty(len(left), dtype=np.int64)
    for k, (i, j) in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
        codes[k] = score.encode(compare(prepared[i], prepared[j]).levels)
    return codes


def _random_pairs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs to estimate u from: every pair of a small batch, else a seeded random sample."""
    if n * (n - 1) // 2 <= score.RANDOM_PAIRS:
        return np.triu_indices(n, 1)
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, score.RANDOM_PAIRS)
    right = (left + rng.integers(1, n, score.RANDOM_PAIRS)) % n
    return left, right


def link(
    records: Iterable[Record], *, threshold: float = DEFAULT_THRESHOLD, seed: int = 0
) -> list[Link]:
    """Every pair of records whose probability of being one person reaches `threshold`.

    Pairs come sorted by (record_id_a, record_id_b) with record_id_a < record_id_b.
    Raises ValueError if two records share a record_id.
    """
    ordered = sorted(records, key=lambda r: r.record_id)
    if len({r.record_id for r in ordered}) != len(ordered):
        raise ValueError("record_id が重複しています。")
    prepared = [prepare(r) for r in ordered]
    u = score.estimate_u(_compare_all(prepared, *_random_pairs(len(prepared), seed)))
    left, right = candidate_pairs(prepared)
    codes = _compare_all(prepared, left, right)
    model = score.estimate(
        _compare_all(prepared, *training_pairs(prepared, "birth")),
        _compare_all(prepared, *training_pairs(prepared, "full name")),
        u,
        candidates=len(codes),
    )
    patterns, inverse = np.unique(codes, return_inverse=True)
    weights = np.array([model.match_weight(score.decode(c)) for c in patterns.tolist()])
    links = []
    for k in np.flatnonzero(weights[inverse] >= np.log2(threshold / (1 - threshold))).tolist():
        a, b = prepared[left[k]], prepared[right[k]]
        weight = float(weights[inverse[k]])
        reasons = score.explain(model, compare(a, b))
        links.append(Link(a.record_id, b.record_id, score.probability(weight), weight, reasons))
    return links
