"""Search before create: one record scored against a few candidates with the fixed model."""

from dataclasses import replace

from yorisoi.linkage.search import rank, search_model
from yorisoi.linkage.tests.world import HANAKO

MODEL = search_model(300_000)
QUERY = replace(HANAKO, record_id="query", agency="")


def candidate(record_id, **changes):
    return replace(HANAKO, record_id=record_id, address="", phone="", **changes)


def ranked(*candidates, threshold=0.2):
    return [x.record_id_b for x in rank(QUERY, candidates, model=MODEL, threshold=threshold)]


def test_each_noise_kind_ranks_above_a_stranger_born_the_same_day():
    stranger = candidate(
        "z", family_name="山田", given_name="花子", family_kana="ヤマダ", given_kana="ハナコ"
    )
    noisy = [
        candidate("variant", family_name="高橋"),
        candidate("half", family_kana="ﾀｶﾊｼ", given_kana="ﾕｳｺ"),
        candidate("hiragana", family_kana="たかはし", given_kana="ゆうこ"),
        candidate("wareki", birth_date="昭和45年3月2日"),
        candidate("swap", birth_date="1970-02-03"),
        candidate("digit", birth_date="1970-03-03"),
        candidate(
            "order",
            family_name="祐子",
            given_name="髙橋",
            family_kana="ユウコ",
            given_kana="タカハシ",
        ),
    ]
    for noisy_one in noisy:
        assert ranked(stranger, noisy_one) == [noisy_one.record_id], noisy_one


def test_married_surname_is_found_with_its_reason():
    (found,) = rank(
        QUERY,
        [candidate("married", family_name="山田", family_kana="ヤマダ")],
        model=MODEL,
        threshold=0.3,
    )
    assert "婚姻等による改姓の可能性" in "".join(found.reasons)


def test_best_first_and_limited():
    best = replace(HANAKO, record_id="best")
    good = candidate("good", family_name="高橋")
    namesake = candidate("namesake", birth_date="1980-01-01")
    found = rank(QUERY, [namesake, good, best], model=MODEL, limit=2)
    assert [x.record_id_b for x in found] == ["best", "good"]
    assert found[0].score >= found[1].score


def test_a_namesake_born_another_day_is_not_a_likely_match():
    assert ranked(candidate("namesake", birth_date="1980-01-01")) == []


def test_no_candidates_and_the_query_itself_give_nothing():
    assert rank(QUERY, [], model=MODEL) == []
    assert rank(QUERY, [QUERY], model=MODEL) == []
