"""A small town of distinct people, so that a batch under test has data to learn from."""

from __future__ import annotations

import datetime as dt
import random

from yorisoi.linkage import Record, link

FAMILIES = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
]
GIVENS = [
    ("花子", "ハナコ"),
    ("一郎", "イチロウ"),
    ("美咲", "ミサキ"),
    ("健太", "ケンタ"),
    ("陽子", "ヨウコ"),
    ("翔", "ショウ"),
    ("直樹", "ナオキ"),
    ("恵", "メグミ"),
    ("大輔", "ダイスケ"),
]

# The person whose second registration each test varies.
HANAKO = Record(
    record_id="a-1",
    agency="zaitaku-01",
    family_name="髙橋",
    given_name="祐子",
    family_kana="タカハシ",
    given_kana="ユウコ",
    birth_date="1970-03-02",
    address="三重県四日市市諏訪町1丁目5番3号",
    phone="059-354-8111",
)


def town(people: int = 60, seed: int = 7) -> list[Record]:
    rng = random.Random(seed)  # noqa: S311 — fictional people, not secrets
    records = []
    for i in range(people):
        (family, fkana), (given, gkana) = rng.choice(FAMILIES), rng.choice(GIVENS)
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(25000))
        records.append(
            Record(
                f"t-{i:03d}",
                "shogai-01",
                family,
                given,
                fkana,
                gkana,
                born.isoformat(),
                f"三重県四日市市日永{rng.randint(1, 9)}丁目{rng.randint(1, 30)}番{i}号",
                f"059-{rng.randint(300, 399)}-{rng.randint(1000, 9999)}",
            )
        )
    return records


def linked(a: Record, b: Record) -> bool:
    """Whether `link` pairs a with b among the people of the town."""
    pairs = {(x.record_id_a, x.record_id_b) for x in link([*town(), a, b])}
    return tuple(sorted((a.record_id, b.record_id))) in pairs
