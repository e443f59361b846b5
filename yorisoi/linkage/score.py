"""Fellegi–Sunter scoring: how much each field's agreement level says, learnt from the data.

For every field level, m = P(level | same person) and u = P(level | different people). A pair's
match weight is the prior log-odds plus the sum of log2(m/u) over its fields (a missing field
adds 0), and its probability is 1 / (1 + 2^-weight). u comes from random pairs, where almost
every pair is two different people; m comes from EM with u held fixed (as Splink trains),
over two sets of pairs that no household enters as a group: pairs born on one day teach the
names, address and phone, pairs sharing a full name teach the birth date. Both start from,
and are smoothed towards, the prior tables below, so a batch of ten records still scores.

The prior is the share of true pairs among *all* pairs of the batch, not among the candidate
pairs: u is measured on random pairs, so the agreement that made a pair a candidate is
already counted by its fields' weights, and counting it again through the prior made two
strangers sharing a given name and a birth date (a few hundred pairs in a city of 200,000)
look like one person whose family name changed. The larger the batch, the more such
coincidences it holds, and the lower the prior: that is the arithmetic, not a tuning.

Agreeing on a common name says less than agreeing on a rare one (term-frequency adjustment,
as Splink makes it): when two names agree exactly or up to variant spelling, u is the share
of the batch's records carrying that name rather than the average over all names, so 佐藤
counts for less than 﨑本.

Address and phone are shared by a household, so agreeing on them says "same household", not
"same person". They add to a pair's weight only when neither the given name nor the birth
date speaks against one person; otherwise a parent and child at one address look alike.
Every score is returned with its reasons, field by field, in Japanese.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .compare import FIELD_LABELS, FIELDS, LEVELS

# Starting values and smoothing targets, as a city of a few hundred thousand would show them;
# the data replaces them as soon as there are enough pairs. Last entry: "missing" (unused).
PRIOR_M = {
    "family": (0.80, 0.08, 0.01, 0.02, 0.02, 0.04, 0.03, 0.0),
    "given": (0.85, 0.08, 0.01, 0.02, 0.02, 0.02, 0.0),
    "birth": (0.88, 0.03, 0.05, 0.04, 0.0),
    "address": (0.60, 0.10, 0.30, 0.0),
    "phone": (0.60, 0.40, 0.0),
}
PRIOR_U = {
    "family": (0.02, 0.002, 0.002, 0.001, 0.01, 0.965, 0.965, 0.0),
    "given": (0.01, 0.001, 0.003, 0.001, 0.01, 0.975, 0.0),
    "birth": (3e-5, 3e-7, 1.5e-3, 0.998, 0.0),
    "address": (1e-5, 1e-3, 0.999, 0.0),
    "phone": (1e-5, 0.99999, 0.0),
}
U_PSEUDO_PAIRS = 10_000  # how many random pairs the u prior is worth
M_PSEUDO_PAIRS = 20  # how many true pairs the m prior is worth
SHARE_PRIOR = (1.0, 9.0)  # Beta prior on the share of true pairs among EM training pairs
RANDOM_PAIRS = 300_000
EM_ITERATIONS = 30
HOUSEHOLD_FIELDS = ("address", "phone")
# Household fields add nothing while the given name or the birth date speaks against one
# person: a parent, a child or a sibling shares the family name and the household's address
# and phone, and differs exactly there.
CONTRADICTING_FIELDS = ("given", "birth")
# Term-frequency adjustment: the name fields, the levels at which both sides carry the same
# name, and the smallest u a name may get (a name seen once or twice in a small batch would
# otherwise outweigh everything else).
TF_FIELDS = ("family", "given")
TF_LEVELS = ("exact", "variant")
TF_MIN_U = 1e-5

SIZES = tuple(len(LEVELS[f]) for f in FIELDS)
# u of "changed" (a family name differing while the given name and birth date agree) is that
# of "different": among different people the family name is unrelated to the other two fields.
_CHANGED = [code for code, _ in LEVELS["family"]].index("changed")
_DIFFERENT = [code for code, _ in LEVELS["family"]].index("different")


def encode(levels):
    """One int per comparison vector (mixed radix), so identical vectors are counted once.

    Takes one level per field, or one numpy column of levels per field.
    """
    code = 0
    for level, size in zip(levels, SIZES, strict=True):
        code = code * size + (level.astype(np.int64) if isinstance(level, np.ndarray) else level)
    return code


def decode(code: int) -> tuple[int, ...]:
    levels = []
    for size in reversed(SIZES):
        code, level = divmod(code, size)
        levels.append(level)
    return tuple(reversed(levels))


@dataclass(frozen=True)
class Model:
    """m and u per field level, and the share of true pairs among all pairs of the batch."""

    m: dict[str, tuple[float, ...]]
    u: dict[str, tuple[float, ...]]
    share: float

    def field_weight(self, field: str, level: int) -> float:
        if level == len(LEVELS[field]) - 1:
            return 0.0
        return math.log2(self.m[field][level] / self.u[field][level])

    @property
    def prior_weight(self) -> float:
        return math.log2(self.share / (1.0 - self.share))

    def weights(self, levels) -> tuple[dict[str, float], bool]:
        """Each field's weight, and whether the household fields were held back."""
        weights = {f: self.field_weight(f, lv) for f, lv in zip(FIELDS, levels, strict=True)}
        held_back = any(weights[f] < 0 for f in CONTRADICTING_FIELDS) and any(
            weights[f] > 0 for f in HOUSEHOLD_FIELDS
        )
        if held_back:
            for f in HOUSEHOLD_FIELDS:
                weights[f] = min(weights[f], 0.0)
        return weights, held_back

    def match_weight(self, levels) -> float:
        return self.prior_weight + sum(self.weights(levels)[0].values())


def probability(weight: float) -> float:
    return 1.0 / (1.0 + 2.0**-weight)


def level_counts(codes: np.ndarray, weights: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Per field, the (weighted) number of comparisons at each level."""
    weights = np.ones(len(codes)) if weights is None else weights
    counts = {f: np.zeros(size) for f, size in zip(FIELDS, SIZES, strict=True)}
    for code, weight in zip(codes.tolist(), weights.tolist(), strict=True):
        for f, level in zip(FIELDS, decode(code), strict=True):
            counts[f][level] += weight
    return counts


def _smoothed(counts: np.ndarray, prior: tuple[float, ...], pseudo: float) -> tuple[float, ...]:
    # The missing level is left out: a missing field is evidence of nothing.
    observed = counts[:-1] + pseudo * np.asarray(prior[:-1])
    return (*(observed / observed.sum()).tolist(), 0.0)


def estimate_u(random_codes: np.ndarray) -> dict[str, tuple[float, ...]]:
    patterns, repeats = np.unique(random_codes, return_counts=True)
    counts = level_counts(patterns, repeats.astype(float))
    u = {f: _smoothed(counts[f], PRIOR_U[f], U_PSEUDO_PAIRS) for f in FIELDS}
    family = list(u["family"])
    family[_CHANGED] = family[_DIFFERENT]
    u["family"] = tuple(family)
    return u


def _em(codes: np.ndarray, u, trained: tuple[str, ...]) -> Model:
    """EM for m of the `trained` fields and the share of true pairs, u held fixed.

    The fields a training rule blocked on agree by construction, so they are left out.
    """
    patterns, counts = np.unique(codes, return_counts=True)
    levels = [decode(code) for code in patterns.tolist()]
    model = Model(m=dict(PRIOR_M), u=u, share=SHARE_PRIOR[0] / sum(SHARE_PRIOR))

    def weight(lv):
        weights = model.weights(lv)[0]
        return model.prior_weight + sum(weights[f] for f in trained)

    for _ in range(EM_ITERATIONS):
        p = np.array([probability(weight(lv)) for lv in levels])
        matched = level_counts(patterns, p * counts)
        m = dict(PRIOR_M) | {f: _smoothed(matched[f], PRIOR_M[f], M_PSEUDO_PAIRS) for f in trained}
        share = (float((p * counts).sum()) + SHARE_PRIOR[0]) / (counts.sum() + sum(SHARE_PRIOR))
        model = Model(m=m, u=u, share=min(share, 0.999))
    return model


def _family_differs(m) -> tuple[float, ...]:
    """m of "changed" and "different" as one: P(the family name differs | one person).

    "changed" (the given name and birth date agree) only names the likely reason — marriage —
    for the explanation. Among pairs born on one day, which teach the names, a true pair whose
    family name differs nearly always lands in "changed", so "different" would learn an m near
    zero and a married person with a missing or mistyped birth date could never be linked.
    Counting both as one keeps the family-name field independent of the others, as
    Fellegi–Sunter assumes: the given name and birth date add their own weights.
    """
    family = list(m["family"])
    family[_CHANGED] = family[_DIFFERENT] = family[_CHANGED] + family[_DIFFERENT]
    return tuple(family)


def estimate(same_birth: np.ndarray, same_name: np.ndarray, u, records: int) -> Model:
    """m from two training sets, as Splink trains, and the share of true pairs among all pairs.

    `same_birth`: comparisons of pairs born on one day, which teach the names, address and
    phone; `same_name`: pairs sharing a full name, which teach the birth date. The number of
    true pairs is the true pairs found born on one day divided by how often true pairs are.
    """
    by_birth = _em(same_birth, u, ("family", "given", "address", "phone"))
    by_name = _em(same_name, u, ("birth", "address", "phone"))
    m = dict(by_birth.m) | {"birth": by_name.m["birth"], "family": _family_differs(by_birth.m)}
    true_pairs = by_birth.share * len(same_birth) / m["birth"][0]
    # Smoothed (one true pair in any batch) so that ten records with no pair born on one day
    # still score.
    share = (true_pairs + 1.0) / (records * (records - 1) / 2 + 2.0)
    return Model(m=m, u=u, share=min(share, 0.999))


def term_frequencies(names: np.ndarray, forms: list[str]) -> np.ndarray:
    """Per name id, the share of the batch's records (with a name) whose name has its form."""
    form_ids = np.unique(np.asarray(forms, dtype=object), return_inverse=True)[1].reshape(-1)
    present = names != 0
    counts = np.bincount(form_ids[names[present]], minlength=form_ids.max(initial=0) + 1)
    return counts[form_ids] / max(int(present.sum()), 1)


def tf_adjustment(model: Model, field: str, levels: np.ndarray, tf: np.ndarray) -> np.ndarray:
    """log2(u / tf) where the names agree on the value, else 0: added to the field's weight."""
    adjust = np.zeros(len(levels))
    for code in TF_LEVELS:
        level = [c for c, _ in LEVELS[field]].index(code)
        at = levels == level
        adjust[at] = np.log2(model.u[field][level] / np.maximum(tf[at], TF_MIN_U))
    return adjust


def explain(model: Model, levels, swapped: bool, adjust: dict[str, float]) -> tuple[str, ...]:
    """The reasons of a score, one line per field: 「生年月日：日と月が入れ替わっている（+6.1）」.

    `adjust`: the term-frequency adjustment of each name field (0 when not applied).
    """
    weights, held_back = model.weights(levels)
    reasons = [
        f"事前の見込み（全ての組のうち同一人物の割合 {model.share:.2g}）（{model.prior_weight:+.1f}）"
    ]
    if swapped:
        reasons.append("姓と名：逆の欄に登録されているとみて照合")
    for field, level in zip(FIELDS, levels, strict=True):
        label = LEVELS[field][level][1]
        extra = adjust.get(field, 0.0)
        if extra:
            rarity = "珍しい" if extra > 0 else "よくある"
            label += f"（{rarity}{FIELD_LABELS[field]}）"
        reasons.append(f"{FIELD_LABELS[field]}：{label}（{weights[field] + extra:+.1f}）")
    if held_back:
        reasons.append("住所・電話：名か生年月日が合わないため、同じ世帯の別人とみて加点しない")
    return tuple(reasons)


def fixed_model(share: float) -> Model:
    """A model from the prior tables alone, for scoring one record against a few (search before
    create), where there is no batch to learn from: m and u as PRIOR_M and PRIOR_U, with the
    family name's "changed" and "different" counted as one (as `estimate` does), and `share` the
    chance that a record of the population is the one sought (about 1 / population)."""
    m = dict(PRIOR_M) | {"family": _family_differs(PRIOR_M)}
    u = dict(PRIOR_U)
    family = list(u["family"])
    family[_CHANGED] = family[_DIFFERENT]
    u["family"] = tuple(family)
    return Model(m=m, u=u, share=share)
