"""Fictional noisy registrations for the linkage benchmark (issue 12), written as CSV.

Run by hand: `.venv/bin/python bench/linkage_data.py --people 20000 --output records.csv`.

People live in households (1–4 members sharing family name, address and phone), so that a
parent and a child at one address are the hard non-matches they are in real data. Members of
one household never share a given name: 戸籍 practice does not accept a child named as a
parent or a sibling in the same 戸籍.

Names follow Japan's real frequencies, roughly (`family_weights`, `given_weights`): Faker
ja_JP's 50 family names are the national top 50 in rank order (佐藤 鈴木 高橋 田中 伊藤 …),
and are drawn with the shares published surname counts show — 佐藤 about 1.5 % of people, the
50th about 0.25 %, the 50 together about a fifth — and the other four fifths spread over
a long tail of about 1,200 compound names built here (大野, 森川, …), none above 0.2 %. Given
names are far more varied than family names: Faker's 51 and about 1,200 compounds, the most
common near 0.4 %. Too narrow a pool makes strangers share a full name and a birth date far
more often than in a real city of 200,000; too wide a pool hides that they sometimes do.

Each person is registered 1–3 times at different
agencies; the first registration is as on the residence card, each later one carries the
noise staff really make, each kind drawn independently: 異体字 (from the engine's own table,
reversed), half-width or hiragana kana, long vowels, voicing marks, small kana, a kana typo,
family and given name swapped or typed into one field, 和暦 and other date formats,
day/month swapped, one digit wrong, a surname changed by marriage, a move, address and phone
spelling, and missing fields. Columns: those of `manage.py link_people`, then `truth` (the
person) and `noise` (the kinds applied, for diagnosis).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import unicodedata
from pathlib import Path

from faker.providers.person.ja_JP import Provider as FakerNames

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from yorisoi.linkage.normalise import ERAS, itaiji_table

COLUMNS = ["record_id", "agency", "family_name", "given_name", "family_kana", "given_kana"]
COLUMNS += ["birth_date", "address", "phone", "truth", "noise"]
AGENCIES = [
    f"{kind}-{i:02d}" for kind in ("zaitaku", "shogai", "kosodate", "seikatsu") for i in (1, 2, 3)
]
AGENCIES += ["fukushi-somu", "minsei-01", "hoken-01"]

_FAMILY_HEADS = "大オオ 小コ 中ナカ 高タカ 石イシ 松マツ 森モリ 竹タケ 岡オカ 藤フジ 宮ミヤ 西ニシ 東ヒガシ 北キタ 南ミナミ 上ウエ 下シモ 長ナガ 浜ハマ 沢サワ 広ヒロ 国クニ 真マ 桜サクラ 岩イワ 金カネ 福フク 吉ヨシ 徳トク 斎サイ 今イマ 平ヒラ 新アラ 古フル 坂サカ 堀ホリ 杉スギ 柴シバ 星ホシ 菊キク"
_FAMILY_TAILS = "田タ 川カワ 山ヤマ 野ノ 本モト 村ムラ 島シマ 崎サキ 井イ 沢サワ 原ハラ 口グチ 谷タニ 木キ 部ベ 橋ハシ 辺ベ 浦ウラ 尾オ 内ウチ 池イケ 瀬セ 里サト 林バヤシ 塚ツカ 江エ 岸ギシ 森モリ 永ナガ 地チ"
_GIVEN_HEADS = "健ケン 大ダイ 翔ショウ 悠ユウ 陽ヨウ 和カズ 裕ヒロ 美ミ 真マ 優ユウ 恵ケイ 誠セイ 智トモ 直ナオ 春ハル 秋アキ 夏ナツ 雄ユウ 光ミツ 正マサ 幸サチ 友トモ 良ヨシ 達タツ 康コウ 俊シュン 孝タカ 博ヒロ 清キヨ 修シュウ 文フミ 千チ 由ユ 久ヒサ 勝カツ 信ノブ 隆タカ 昌マサ 明アキ 忠タダ"
_GIVEN_TAILS = "太タ 斗ト 介スケ 也ヤ 人ト 子コ 美ミ 花カ 菜ナ 香カ 樹キ 輝キ 郎ロウ 一イチ 司ジ 彦ヒコ 代ヨ 恵エ 奈ナ 男オ 夫オ 江エ 枝エ 乃ノ 世ヨ 平ヘイ 吾ゴ 治ジ 次ジ 実ミ"
TOWNS = "諏訪町 日永 川島町 富田 羽津 常磐 塩浜 四郷 桜町 高角町 浜田町 中部 西浦 松本 大矢知町 三重 八郷 下野 保々 県 小山町 水沢町 楠町 笹川 泊山崎町 沢田町 広永町 国分町 真砂町 寿町".split()
CITIES = ["四日市市", "鈴鹿市", "桑名市", "津市", "亀山市"]
_KANJI_DIGITS = "〇一二三四五六七八九"


def _pairs(spec: str) -> list[tuple[str, str]]:
    return [(item[0], item[1:]) for item in spec.split()]


def _compounds(heads: str, tails: str) -> list[tuple[str, str]]:
    return [(h + t, hk + tk) for h, hk in _pairs(heads) for t, tk in _pairs(tails) if h != t]


def _tail(known: list[tuple[str, str]], heads: str, tails: str, rng: random.Random):
    seen = {kanji for kanji, _kana in known}
    tail = [(kanji, kana) for kanji, kana in _compounds(heads, tails) if kanji not in seen]
    rng.shuffle(tail)
    return tail


def family_weights(rng: random.Random) -> tuple[list[tuple[str, str]], list[float]]:
    """The national top 50 at about 1.5 % · rank^-0.46 (佐藤 1.5 %, 50th 0.25 %), then a tail
    sharing what is left, Zipf-like (1/(rank+300)), none above 0.2 %."""
    top = [(kanji, kana) for kanji, kana, _roman in FakerNames.last_name_pairs]
    top_weights = [0.015 * (rank + 1) ** -0.46 for rank in range(len(top))]
    tail = _tail(top, _FAMILY_HEADS, _FAMILY_TAILS, rng)
    shape = [1.0 / (rank + 300) for rank in range(len(tail))]
    rest = 1.0 - sum(top_weights)
    return top + tail, top_weights + [rest * w / sum(shape) for w in shape]


def given_weights(rng: random.Random) -> tuple[list[tuple[str, str]], list[float]]:
    """Faker's given names and the compounds, flatter than family names (1/(rank+100))."""
    faker = FakerNames.first_name_male_pairs + FakerNames.first_name_female_pairs
    names = [(kanji, kana) for kanji, kana, _roman in faker]
    names += _tail(names, _GIVEN_HEADS, _GIVEN_TAILS, rng)
    rng.shuffle(names)
    return names, [1.0 / (rank + 100) for rank in range(len(names))]


_VARIANTS: dict[str, list[str]] = {}
for _code, _canonical in itaiji_table().items():
    _VARIANTS.setdefault(_canonical, []).append(chr(_code))
_HALF = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF66, 0xFF9E)}
_O_OR_U_ROW = set("オコソトノホモヨロゴゾドボポョウクスツヌフムユルグズブプュ")


def half_width(kana: str) -> str:
    out = []
    for ch in kana:
        base, *marks = unicodedata.normalize("NFD", ch)
        out.append(_HALF.get(base, base) + "".join({"\u3099": "ﾞ", "\u309a": "ﾟ"}[m] for m in marks))
    return "".join(out)


def hiragana(kana: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in kana)


class Noise:
    """Each method returns the noisy value, or None when the kind does not apply to it."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def variant_kanji(self, name: str):
        spots = [i for i, ch in enumerate(name) if ch in _VARIANTS]
        if not spots:
            return None
        i = self.rng.choice(spots)
        return name[:i] + self.rng.choice(_VARIANTS[name[i]]) + name[i + 1 :]

    def long_vowel(self, kana: str):
        spots = [i for i in range(1, len(kana)) if kana[i] == "ウ" and kana[i - 1] in _O_OR_U_ROW]
        if not spots:
            return None
        i = self.rng.choice(spots)
        return kana[:i] + self.rng.choice(["ー", ""]) + kana[i + 1 :]

    def voicing(self, kana: str):
        spots = [i for i, ch in enumerate(kana) if len(unicodedata.normalize("NFD", ch)) == 2]
        if not spots:
            return None
        i = self.rng.choice(spots)
        return kana[:i] + unicodedata.normalize("NFD", kana[i])[0] + kana[i + 1 :]

    def small_kana(self, kana: str):
        large = kana.translate(str.maketrans("ャュョッ", "ヤユヨツ"))
        return large if large != kana else None

    def kana_typo(self, kana: str):
        if len(kana) < 3:
            return None
        i = self.rng.randrange(1, len(kana))
        return (
            kana[:i]
            + self.rng.choice("アイウエオカキクケコサシスセソタチツテトナニヌネノ")
            + kana[i + 1 :]
        )


def wareki(d: dt.date, rng: random.Random) -> str:
    era, start = next((e, s) for e, s in reversed(ERAS.items()) if d >= s)
    year = d.year - start.year + 1
    shown = "元" if year == 1 and rng.random() < 0.5 else str(year)
    if rng.random() < 0.5:
        return f"{era}{shown}年{d.month}月{d.day}日"
    letter = "MTSHR"[list(ERAS).index(era)]
    return f"{letter}{year}.{d.month}.{d.day}"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" or c == "-" else c for c in text)


def kanji_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else _KANJI_DIGITS[tens] + "十")) + (
        _KANJI_DIGITS[ones] if ones else ""
    ) or "〇"


def address_text(home: tuple, rng: random.Random, noisy: bool) -> str:
    city, town, chome, ban, go = home
    if not noisy:
        return f"三重県{city}{town}{chome}丁目{ban}番{go}号"
    form = rng.randrange(4)
    if form == 0:
        return f"{city}{town}{chome}-{ban}-{go}"
    if form == 1:
        return f"三重県{city}大字{town}{kanji_number(chome)}丁目{ban}番地{go}"
    if form == 2:
        return full_width(f"{city} {town}{chome}-{ban}-{go}")
    return f"三重県 {city}{town}{chome}丁目{ban}番{go}号"


def generate(people: int, seed: int):
    rng = random.Random(seed)
    families, fam_w = family_weights(rng)
    givens, giv_w = given_weights(rng)
    noise = Noise(rng)
    person = 0
    record = 0
    while person < people:
        family = rng.choices(families, fam_w)[0]
        home = (
            rng.choice(CITIES),
            rng.choice(TOWNS),
            rng.randint(1, 9),
            rng.randint(1, 30),
            rng.randint(1, 20),
        )
        tel = f"059-{rng.randint(300, 399)}-{rng.randint(0, 9999):04d}"
        named: set[str] = set()
        for _member in range(min(rng.choice([1, 1, 2, 2, 3, 4]), people - person)):
            given = rng.choices(givens, giv_w)[0]
            while given[0] in named:  # 戸籍: no two members of one household share a name
                given = rng.choices(givens, giv_w)[0]
            named.add(given[0])
            born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(33000))
            agencies = rng.sample(AGENCIES, rng.choice([1, 1, 2, 2, 3]))
            for n, agency in enumerate(agencies):
                record += 1
                row, kinds = _registration(noise, rng, family, given, born, home, tel, noisy=n > 0)
                yield [f"r{record:07d}", agency, *row, f"p{person:07d}", " ".join(kinds)]
            person += 1


def _registration(noise: Noise, rng, family, given, born, home, tel, *, noisy: bool):
    (fam, fam_kana), (giv, giv_kana) = family, given
    birth, address, phone = born.isoformat(), address_text(home, rng, False), tel
    kinds: list[str] = []

    def maybe(kind: str, p: float, fn, value):
        if noisy and rng.random() < p and (changed := fn(value)) is not None and changed != value:
            kinds.append(kind)
            return changed
        return value

    if noisy and rng.random() < 0.05:
        kinds.append("marriage")
        fam, fam_kana = rng.choice(_compounds(_FAMILY_HEADS, _FAMILY_TAILS))
    fam = maybe("variant_kanji", 0.3, noise.variant_kanji, fam)
    giv = maybe("variant_kanji", 0.1, noise.variant_kanji, giv)
    for part in ("family", "given"):
        kana = fam_kana if part == "family" else giv_kana
        kana = maybe("long_vowel", 0.15, noise.long_vowel, kana)
        kana = maybe("voicing", 0.05, noise.voicing, kana)
        kana = maybe("small_kana", 0.1, noise.small_kana, kana)
        kana = maybe("kana_typo", 0.03, noise.kana_typo, kana)
        kana = maybe("half_width", 0.1, half_width, kana)
        kana = maybe("hiragana", 0.1, hiragana, kana)
        fam_kana, giv_kana = (kana, giv_kana) if part == "family" else (fam_kana, kana)
    birth = maybe("day_month_swap", 0.03, lambda _: _swapped(born), birth)
    birth = maybe("one_digit", 0.03, lambda _: _one_digit(born, rng), birth)
    birth = maybe(
        "wareki", 0.3, lambda b: wareki(dt.date.fromisoformat(b), rng) if "-" in b else None, birth
    )
    address = maybe("moved", 0.1, lambda _: address_text(_moved(home, rng), rng, False), address)
    address = maybe(
        "address_form",
        0.4,
        lambda _: address_text(home, rng, True) if "moved" not in kinds else None,
        address,
    )
    phone = maybe(
        "phone_form", 0.2, lambda p: rng.choice([p.replace("-", ""), full_width(p)]), phone
    )
    row = [fam, giv, fam_kana, giv_kana, birth, address, phone]
    if noisy and rng.random() < 0.03:
        kinds.append("name_order")
        row[0:4] = [row[1], row[0], row[3], row[2]]
    elif noisy and rng.random() < 0.03:
        kinds.append("one_field")
        row[0:4] = [f"{row[0]} {row[1]}", "", f"{row[2]} {row[3]}", ""]
    for column, p in ((2, 0.05), (4, 0.05), (5, 0.05), (6, 0.2)):
        if noisy and rng.random() < p and row[column]:
            kinds.append(f"missing_{COLUMNS[column + 2]}")
            row[column] = ""
            if column == 2:
                row[3] = ""
    return row, kinds


def _swapped(born: dt.date):
    if born.day > 12 or born.day == born.month:
        return None
    return dt.date(born.year, born.day, born.month).isoformat()


def _one_digit(born: dt.date, rng: random.Random):
    digits = list(born.strftime("%Y%m%d"))
    i = rng.randrange(2, 8)
    digits[i] = str(rng.choice([d for d in range(10) if str(d) != digits[i]]))
    s = "".join(digits)
    try:
        return dt.date(int(s[:4]), int(s[4:6]), int(s[6:])).isoformat()
    except ValueError:
        return None


def _moved(home: tuple, rng: random.Random) -> tuple:
    city, town, *_ = home
    if rng.random() < 0.5:  # a move within the town: same 町名, another block
        return (city, town, rng.randint(1, 9), rng.randint(1, 30), rng.randint(1, 20))
    return (
        rng.choice(CITIES),
        rng.choice(TOWNS),
        rng.randint(1, 9),
        rng.randint(1, 30),
        rng.randint(1, 20),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    with args.output.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(generate(args.people, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
