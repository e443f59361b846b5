"""Japanese-aware normalisation for record linkage (名寄せ), without Django.

Each agency types a person its own way: 髙橋 or 高橋, ﾀｶﾊｼ or たかはし, ユーコ or ユウコ, 昭和45年
or 1970, 三丁目 or 3-. Comparators and blocking keys work on the forms made here, so that two
registrations of one person meet whichever way they were typed.

The 異体字 table is data (`data/itaiji.tsv`, a city may add lines): 381 旧字体→新字体 pairs of
the 常用漢字表 and 人名用漢字 taken from kyujipy 0.6.8 (MIT licence, itself built on kyujitai.js,
MIT) and 18 name variants (髙, 﨑, 邉, 斉→斎, …) added by yorisoi and checked against
ja-itaiji 1.0.2 (MIT). See `data/README.md` for why ja-itaiji's own table is not used whole.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from pathlib import Path

ITAIJI_PATH = Path(__file__).resolve().parent / "data" / "itaiji.tsv"

_VOICED, _SEMI_VOICED = "\u3099", "\u309a"
# IMEs and old data type 濁点 as a spacing character (ハ゛); NFKC would leave it stranded.
_SPACING_MARKS = str.maketrans(
    {"\u309b": _VOICED, "\u309c": _SEMI_VOICED, "\uff9e": _VOICED, "\uff9f": _SEMI_VOICED}
)
_HIRA_TO_KATA = {cp: cp + 0x60 for cp in range(0x3041, 0x3097)} | {0x309D: 0x30FD, 0x309E: 0x30FE}
# Punctuation people put between or inside name parts (山田・太郎, ジャン＝ピエール).
_NAME_NOISE = re.compile(r"[\s・·=゠,、.。'’‘`\-‐‑‒–—―−]+")

# Kana that old systems (and tired hands) write without the small form: シヨウジ for ショウジ.
_SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
# ぢ/じ and づ/ず sound the same; ゐ ゑ を ヴ are old or foreign spellings of common sounds.
_SAME_SOUND = str.maketrans(
    {"ヂ": "ジ", "ヅ": "ズ", "ヰ": "イ", "ヱ": "エ", "ヲ": "オ", "ヴ": "ブ"}
)
_VOWEL_OF = {
    ch: vowel
    for vowel, row in (
        ("ア", "アカサタナハマヤラワガザダバパ"),
        ("イ", "イキシチニヒミリギジヂビピ"),
        ("ウ", "ウクスツヌフムユルグズヅブプ"),
        ("エ", "エケセテネヘメレゲゼデベペ"),
        ("オ", "オコソトノホモヨロゴゾドボポ"),
    )
    for ch in row
}
# A vowel that only lengthens the one before it: ユウコ/ユーコ/ユコ, オオノ/オーノ, ケイコ/ケーコ.
_LENGTHENERS = {"ア": "ア", "イ": "イ", "ウ": "ウ", "エ": "イエ", "オ": "ウオ"}


def _prepare(text: str | None) -> str:
    """NFKC (full-width letters and digits, half-width kana, ㍼) after re-attaching 濁点."""
    return unicodedata.normalize("NFKC", (text or "").translate(_SPACING_MARKS)).strip()


@functools.cache
def itaiji_table(path: Path = ITAIJI_PATH) -> dict[int, str]:
    """The variant table as a str.translate mapping, chains resolved (邊→邉→辺 gives 辺)."""
    pairs: dict[str, str] = {}
    for lineno, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) != 2 or len(fields[0]) != 1:
            raise ValueError(
                f"{path}:{lineno}: 「異体字<TAB>標準の字」の形式ではありません: {raw!r}"
            )
        pairs[fields[0]] = fields[1]
    resolved = {}
    for variant, canonical in pairs.items():
        seen = {variant}
        while canonical in pairs:
            if canonical in seen:
                raise ValueError(f"{path}: 異体字表の対応が循環しています: {variant}")
            seen.add(canonical)
            canonical = pairs[canonical]
        resolved[ord(variant)] = canonical
    return resolved


def name_text(text: str | None) -> str:
    """A name as typed, width and spacing folded: the form for an exact comparison."""
    return _NAME_NOISE.sub("", _prepare(text)).casefold()


def name_variant(text: str | None) -> str:
    """A name with 異体字 folded and 々 spelled out (佐々木 = 佐佐木): 髙橋 and 高橋 meet here."""
    out: list[str] = []
    for ch in name_text(text).translate(itaiji_table()):
        out.append(out[-1] if ch in "々〻" and out else ch)
    return "".join(out)


def katakana(text: str | None) -> str:
    """Kana as katakana, half-width and hiragana folded, spaces and dots removed."""
    return _NAME_NOISE.sub("", _prepare(text).translate(_HIRA_TO_KATA))


def kana_key(text: str | None) -> str:
    """Phonetic key: what survives of a reading once the usual slips are forgiven.

    Small kana made large, ヂ/ヅ/ヲ/ヴ read as ジ/ズ/オ/ブ, 濁点・半濁点 dropped (ガ = カ), and
    long vowels dropped (ー, and ウ/オ after an o-row kana, イ after an e-row kana, …).
    """
    kana = katakana(text).translate(_SMALL_TO_LARGE).translate(_SAME_SOUND)
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", kana):
        if ch in (_VOICED, _SEMI_VOICED) or ch == "ー":
            continue
        if out and ch in _LENGTHENERS.get(_VOWEL_OF.get(out[-1], ""), ""):
            continue
        out.append(ch)
    return "".join(ch for ch in out if ch in _VOWEL_OF or ch == "ン")


def split_name(family: str | None, given: str | None) -> tuple[str, str]:
    """Family and given name; a full name typed into the family field with a space is split."""
    family, given = _prepare(family), _prepare(given)
    if not given and (parts := family.split(maxsplit=1)) and len(parts) == 2:
        return parts[0], parts[1]
    return family, given


# --- birth dates: 和暦 ↔ 西暦 ------------------------------------------------------------------

# First day of each era: 改元の詔 (大正, 昭和) and 元号を改める政令 (平成, 令和). An era year n is
# start.year + n - 1. A short table is kept here rather than a dependency: five rows, no Django.
ERAS = {
    "明治": dt.date(1868, 1, 25),
    "大正": dt.date(1912, 7, 30),
    "昭和": dt.date(1926, 12, 25),
    "平成": dt.date(1989, 1, 8),
    "令和": dt.date(2019, 5, 1),
}
_ERA_ALIASES = {name: name for name in ERAS} | {
    key: name for name, letter in zip(ERAS, "mtshr", strict=True) for key in (letter, name[0])
}
_NEXT_ERA_START = dict(zip(ERAS, list(ERAS.values())[1:], strict=False))
_SEP = r"\s*[./\-‐‑‒–—―−ー年月]\s*"
_ERA_DATE = re.compile(
    rf"(?P<era>[a-z]|明治|大正|昭和|平成|令和|[明大昭平令])\s*(?P<year>\d{{1,2}}|元)"
    rf"{_SEP}(?P<month>\d{{1,2}}){_SEP}(?P<day>\d{{1,2}})\s*日?(?:生まれ|生)?"
)
_WESTERN_DATE = re.compile(
    rf"(?:西暦)?\s*(?P<year>\d{{4}})(?:{_SEP}|)(?P<month>\d{{1,2}})(?:{_SEP}|)(?P<day>\d{{1,2}})"
    r"\s*日?(?:生まれ|生)?"
)


def birth_date(text: str | None) -> dt.date | None:
    """西暦 or 和暦 (S45.3.2, 昭和45年3月2日, 平成元年1月8日, 1970/3/2, 19700302), else None.

    Tolerant on purpose: a date that does not exist, or a 和暦 year past its era's end, is
    read as missing rather than failing the whole batch.
    """
    s = _prepare(text).lower()
    era_start = era_end = None
    if m := _ERA_DATE.fullmatch(s):
        era = _ERA_ALIASES[m["era"]]
        era_start, era_end = ERAS[era], _NEXT_ERA_START.get(era, dt.date.max)
        year = era_start.year + (0 if m["year"] == "元" else int(m["year"]) - 1)
    elif m := _WESTERN_DATE.fullmatch(s):
        year = int(m["year"])
    else:
        return None
    try:
        date = dt.date(year, int(m["month"]), int(m["day"]))
    except ValueError:
        return None
    if era_start and not era_start <= date < era_end:
        return None
    return date


# --- addresses and phones ------------------------------------------------------------------

_PREFECTURE = re.compile(r"^(?:東京都|北海道|(?:京都|大阪)府|.{2,3}県)")
_KANJI_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")}
_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十百]+(?=丁目|番地|番|号|の\d)")
_BLOCK_WORDS = re.compile(r"丁目|番地|番|号|(?<=\d)[の‐‑‒–—―−ー](?=\d)")


def _kanji_to_int(numeral: str) -> int:
    """三 → 3, 十二 → 12, 二十 → 20, 百五 → 105, 二〇五 → 205 (the numbers of 丁目 and 番地)."""
    if not set(numeral) & {"十", "百"}:
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in numeral))
    total, digit = 0, 0
    for ch in numeral:
        if ch in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[ch]
        else:
            total += (digit or 1) * (10 if ch == "十" else 100)
            digit = 0
    return total + digit


def address(text: str | None) -> str:
    """Address in one spelling: no prefecture, 大字/字 dropped, 3丁目4番5号 → 3-4-5."""
    s = re.sub(r"\s+", "", _prepare(text))
    s = _PREFECTURE.sub("", s).replace("大字", "").replace("字", "")
    s = _KANJI_NUMBER.sub(lambda m: str(_kanji_to_int(m.group())), s)
    s = re.sub(r"(?<=-)の(?=\d)", "", _BLOCK_WORDS.sub("-", s))
    return re.sub(r"-+", "-", s).strip("-")


def address_town(normalised: str) -> str:
    """The town part of a normalised address: everything before the first block number."""
    return re.split(r"\d", normalised, maxsplit=1)[0]


def phone(text: str | None) -> str:
    """Digits only; +81 (international form) read as the leading 0."""
    s = _prepare(text)
    digits = re.sub(r"\D", "", s)
    if s.startswith("+81"):
        digits = "0" + digits[2:]
    return digits
