"""名寄せ: find the registrations, across agencies, that are one person — without Django.

    from yorisoi.linkage import Record, link
    for found in link(records):
        print(found.record_id_a, found.record_id_b, found.score, "、".join(found.reasons))

`link` normalises every distinct value once into columns (record.py), generates candidate
pairs by blocking (block.py), compares each candidate field by field (compare.py), learns how
much each level of agreement says from the batch itself and scores every pair (score.py). The
result depends only on the records and the arguments: records are taken in record_id order
and the random pairs that estimate u come from a seeded generator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

import numpy as np

from . import score
from .block import candidate_pairs, training_pairs
from .compare import FIELDS, NameLevels, compare
from .record import Batch, Record

__all__ = ["Link", "Progress", "Record", "link"]

DEFAULT_THRESHOLD = 0.99
CHUNK = 1_000_000  # candidate pairs compared at once

# Told (stage, done, total) as a batch goes: "model" once the weights are learnt (total: the
# pairs m was learnt from), "blocked" once the candidates are known, "scored" after each
# chunk of candidates. A batch command shows it; the engine itself prints nothing.
Progress = Callable[[str, int, int], None]


class Link(NamedTuple):
    """Two registrations judged to be one person, with the reasons in Japanese."""

    record_id_a: str
    record_id_b: str
    score: float  # probability that they are one person
    weight: float  # match weight in bits (log2 odds)
    reasons: tuple[str, ...]


def _random_pairs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs to estimate u from: every pair of a small batch, else a seeded random sample."""
    if n * (n - 1) // 2 <= score.RANDOM_PAIRS:
        return np.triu_indices(n, 1)
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, score.RANDOM_PAIRS)
    right = (left + rng.integers(1, n, score.RANDOM_PAIRS)) % n
    return left, right


def _term_frequencies(batch: Batch) -> dict[str, np.ndarray]:
    # A name is known by its kanji (異体字 folded) when it has them, else by its reading.
    forms = [f"v{p.variant}" if p.variant else f"k{p.kana_key}" for p in batch.names]
    return {
        "family": score.term_frequencies(batch.family, forms),
        "given": score.term_frequencies(batch.given, forms),
    }


def link(
    records: Iterable[Record],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = 0,
    explain: bool = True,
    progress: Progress | None = None,
) -> list[Link]:
    """Every pair of records whose probability of being one person reaches `threshold`.

    Pairs come sorted by (record_id_a, record_id_b) with record_id_a < record_id_b, each with
    its reasons in Japanese unless `explain` is False (a batch reconciliation that writes
    only the scores). Raises ValueError if two records share a record_id. `progress`, if
    given, is told how far the batch has come (see Progress).
    """
    tell = progress or (lambda stage, done, total: None)
    batch = Batch.of(records)
    name_levels = NameLevels(batch.names)

    def codes(left, right):
        return score.encode(compare(batch, left, right, name_levels).levels)

    u = score.estimate_u(codes(*_random_pairs(len(batch), seed)))
    same_birth, same_name = training_pairs(batch, "birth"), training_pairs(batch, "full name")
    model = score.estimate(codes(*same_birth), codes(*same_name), u, records=len(batch))
    learnt = len(same_birth[0]) + len(same_name[0])
    tell("model", learnt, learnt)
    tf = _term_frequencies(batch)
    cut = np.log2(threshold / (1 - threshold)) if threshold < 1 else np.inf
    left, right = candidate_pairs(batch)
    tell("blocked", len(left), len(left))
    links = []
    # In chunks, so that the columns of one chunk's comparisons are all that is held at once.
    for start in range(0, len(left), CHUNK):
        pairs = left[start : start + CHUNK], right[start : start + CHUNK]
        found = compare(batch, *pairs, name_levels)
        weights, adjust = _weights(batch, model, tf, found, *pairs)
        for k in np.flatnonzero(weights >= cut).tolist():
            reasons = ()
            if explain:
                levels = tuple(int(getattr(found, f)[k]) for f in FIELDS)
                tf_of_pair = {f: float(adjust[f][k]) for f in adjust}
                reasons = score.explain(model, levels, bool(found.swapped[k]), tf_of_pair)
            weight = float(weights[k])
            a, b = batch.record_ids[pairs[0][k]], batch.record_ids[pairs[1][k]]
            links.append(Link(a, b, score.probability(weight), weight, reasons))
        tell("scored", min(start + CHUNK, len(left)), len(left))
    return links


def _weights(batch: Batch, model: score.Model, tf, found, left, right):
    """Each pair's match weight, and the term-frequency adjustment of each name field."""
    patterns, inverse = np.unique(score.encode(found.levels), return_inverse=True)
    weights = np.array([model.match_weight(score.decode(c)) for c in patterns.tolist()])
    weights = weights[inverse.reshape(-1)]
    adjust = {}
    for field in score.TF_FIELDS:
        column = getattr(batch, field)
        pair_tf = np.maximum(tf[field][column[left]], tf[field][column[right]])
        # Crossed names are scored on the level alone: their frequency is another column's.
        adjust[field] = np.where(
            found.swapped, 0.0, score.tf_adjustment(model, field, getattr(found, field), pair_tf)
        )
        weights += adjust[field]
    return weights, adjust
