"""Scoring: what a name's frequency, a changed family name and the batch's size count for."""

from dataclasses import replace

import numpy as np

from yorisoi.linkage import link, score
from yorisoi.linkage.compare import FAMILY, LEVELS
from yorisoi.linkage.tests.world import HANAKO, town


def test_agreeing_on_a_common_name_counts_for_less_than_on_a_rare_one():
    model = score.Model(m=score.PRIOR_M, u=score.PRIOR_U, share=0.001)
    exact = np.array([FAMILY["exact"]] * 2, dtype=np.int8)
    common, rare = score.tf_adjustment(model, "family", exact, np.array([0.05, 0.0001]))
    assert common < 0 < rare


def test_term_frequencies_are_shares_of_the_records_with_a_name():
    names = np.array([1, 1, 2, 0])  # two records named form "x", one "y", one without a name
    tf = score.term_frequencies(names, ["", "x", "y"])
    assert tf[1] == 2 / 3 and tf[2] == 1 / 3


def test_a_changed_family_name_weighs_as_any_differing_family_name():
    births = np.array([score.encode((FAMILY["changed"], 0, 0, 0, 0))] * 20)
    names = np.array([score.encode((0, 0, 0, 0, 0))] * 20)
    model = score.estimate(births, names, score.PRIOR_U, records=1000)
    family = model.m["family"]
    codes = [c for c, _ in LEVELS["family"]]
    assert family[codes.index("changed")] == family[codes.index("different")]


def test_the_prior_is_the_share_of_true_pairs_among_all_pairs_so_larger_batches_ask_more():
    births = np.array([score.encode((0, 0, 0, 0, 0))] * 10)
    small = score.estimate(births, births, score.PRIOR_U, records=1_000)
    large = score.estimate(births, births, score.PRIOR_U, records=100_000)
    assert large.prior_weight < small.prior_weight < 0


def test_strangers_sharing_a_given_name_and_birth_date_are_not_linked_as_a_marriage():
    stranger = replace(
        HANAKO,
        record_id="b-1",
        family_name="森田",
        family_kana="モリタ",
        address="三重県鈴鹿市白子町3丁目2番1号",
        phone="",
    )
    pairs = {(x.record_id_a, x.record_id_b) for x in link([*town(400), HANAKO, stranger])}
    assert ("a-1", "b-1") not in pairs


def test_reasons_name_a_rare_name():
    # In a town of 400 with nine given names, 祐子 is carried by two records only.
    second = replace(HANAKO, record_id="b-1", family_name="高橋")
    (found,) = [x for x in link([*town(400), HANAKO, second]) if x.record_id_b == "b-1"]
    assert any(r.startswith("名：一致（珍しい名）") for r in found.reasons)
