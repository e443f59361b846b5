"""Score one record against a few candidates with a fixed model: search before create.

The batch engine (`link`) learns its weights from a whole population; a registration form has
one person being typed and the few dozen candidates the database's blocking found for them. So
here the weights are the prior tables (score.fixed_model) and the prior is the chance that one
record of the city is the person sought, about 1 / population: a candidate born on the same day
with the same name reaches a high probability, a namesake with another birth date does not.

    from yorisoi.linkage.search import rank, search_model
    for found in rank(query, candidates, model=search_model(300_000), threshold=0.5, limit=10):
        print(found.record_id_b, found.score, "、".join(found.reasons))
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from . import Link, score
from .compare import FIELDS, compare
from .record import Batch, Record

__all__ = ["rank", "search_model"]


@functools.cache
def search_model(population: int) -> score.Model:
    """The fixed model for a city of `population` registrations."""
    return score.fixed_model(1.0 / max(population, 2))


def rank(
    query: Record,
    candidates: Sequence[Record],
    *,
    model: score.Model,
    threshold: float = 0.0,
    limit: int | None = None,
    explain: bool = True,
) -> list[Link]:
    """The candidates whose probability of being `query` reaches `threshold`, best first.

    Each result is a Link (record_id_a: the query, record_id_b: the candidate) with its reasons
    in Japanese unless `explain` is False. Ties keep the candidates' order. A candidate with the
    query's record_id is skipped. Deterministic: no learning, no randomness.
    """
    others = [c for c in candidates if c.record_id != query.record_id]
    if not others:
        return []
    batch = Batch.of([query, *others])
    at = batch.record_ids.index(query.record_id)
    right = np.array([i for i in range(len(batch)) if i != at], dtype=np.int64)
    left = np.full(len(right), at, dtype=np.int64)
    found = compare(batch, left, right)
    patterns, inverse = np.unique(score.encode(found.levels), return_inverse=True)
    weights = np.array([model.match_weight(score.decode(c)) for c in patterns.tolist()])
    weights = weights[inverse.reshape(-1)]
    cut = np.log2(threshold / (1 - threshold)) if 0 < threshold < 1 else -np.inf
    if threshold >= 1:
        return []
    typed_order = {c.record_id: n for n, c in enumerate(others)}
    kept = [k for k in np.flatnonzero(weights >= cut).tolist()]
    kept.sort(key=lambda k: (-weights[k], typed_order[batch.record_ids[right[k]]]))
    out = []
    for k in kept[:limit]:
        reasons = ()
        if explain:
            levels = tuple(int(getattr(found, f)[k]) for f in FIELDS)
            reasons = score.explain(model, levels, bool(found.swapped[k]), {})
        weight = float(weights[k])
        out.append(
            Link(
                query.record_id,
                batch.record_ids[right[k]],
                score.probability(weight),
                weight,
                reasons,
            )
        )
    return out
