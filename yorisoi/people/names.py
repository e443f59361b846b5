"""Name search keys, and input checks for names and free text.

`normalize_for_search` builds the one key used both when a person is stored and when staff
search, so whichever way a name was typed (width, kana, spaces, old kanji forms) the two meet.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

from django.utils.translation import gettext_lazy as _

DEFAULT_VARIANTS_PATH = Path(__file__).resolve().parent / "data" / "variants.tsv"

# Lazy: the message is put into words in the language of the screen that shows it.
KANA_ERROR = _("フリガナはカタカナ（またはひらがな）で入力してください。")
CONTROL_ERROR = _("制御文字は使用できません。")
NEWLINE_ERROR = _("この項目には改行を入力できません。")
LONE_MARK_ERROR = _("結合文字だけの文字は使用できません。")
PRIVATE_USE_ERROR = _("外字（私用領域の文字）は使用できません。標準の文字で入力してください。")
UNASSIGNED_ERROR = _("使用できない文字（未定義の文字）が含まれています。")

_VOICED = "\u3099"
_SEMI_VOICED = "\u309a"
_KANA_MARKS = frozenset((_VOICED, _SEMI_VOICED))

# IMEs and old data enter 濁点 as a separate spacing character (は゛); NFKC would turn it into
# a space plus a mark that can no longer join its kana, so make it combining first.
_SPACING_DAKUTEN = str.maketrans(
    {"\u309b": _VOICED, "\u309c": _SEMI_VOICED, "\uff9e": _VOICED, "\uff9f": _SEMI_VOICED}
)

# Katakana with a hiragana twin; ヷ-ヺ have none, so they stay katakana.
_KATA_TO_HIRA = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)} | {0x30FD: 0x309D, 0x30FE: 0x309E}
_HIRA_TO_KATA = {v: k for k, v in _KATA_TO_HIRA.items()}

# Punctuation people put between parts of a name (山田・太郎, ジャン＝ピエール, O'Brien, Smith, J.).
_SEPARATORS = frozenset("・·‧•∙⋅=゠,、.。'’‘`")
# Any dash-like character counts as the hyphen in a double-barrelled name; ー is a kana and stays.
_DASHES = frozenset("‐‑‒–—―−﹘﹣－")
_ITERATION_KANJI = frozenset("々〻")

_CJK_COMPAT = re.compile("([\uf900-\ufaff\U0002f800-\U0002fa1f]+)")

_KANA_ALLOWED_EXTRA = frozenset(" ー・ヽヾゝゞ")


def _is_kanji(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH"))


def _is_kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u3096" or "\u30a1" <= ch <= "\u30fa" or "\u31f0" <= ch <= "\u31ff"


def _prepare(text: str) -> str:
    return unicodedata.normalize("NFKC", text.translate(_SPACING_DAKUTEN))


def _expand_iteration_marks(text: str) -> str:
    # 佐々木 and 佐佐木 are both registered spellings of one name; spell the repeat out.
    out: list[str] = []
    for ch in text:
        prev = out[-1] if out else ""
        if ch in _ITERATION_KANJI and prev and _is_kanji(prev):
            out.append(prev)
        elif ch in "ゝゞ" and prev and "\u3041" <= prev <= "\u3096":
            base = unicodedata.normalize("NFD", prev)[0]
            voiced = unicodedata.normalize("NFC", base + _VOICED)
            # ゞ after a kana with no voiced form (あゞ) can only mean the kana itself.
            out.append(voiced if ch == "ゞ" and len(voiced) == 1 else base)
        else:
            out.append(ch)
    return "".join(out)


def _fold(text: str) -> str:
    """Everything `normalize_for_search` does except the variant table."""
    text = _prepare(text).casefold().translate(_KATA_TO_HIRA)
    kept = []
    # Decompose so accents on Latin letters (José, Nguyễn) can go while 濁点 stay to recompose.
    for ch in unicodedata.normalize("NFD", text):
        cat = unicodedata.category(ch)
        if ch in _DASHES:
            kept.append("-")
        elif ch.isspace() or ch in _SEPARATORS or cat in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            continue
        elif cat[0] == "M" and ch not in _KANA_MARKS:
            continue
        else:
            kept.append(ch)
    text = unicodedata.normalize("NFC", "".join(kept))
    # Expand only now, so whatever was dropped above cannot stand between a mark and its base.
    return _expand_iteration_marks("".join(ch for ch in text if ch not in _KANA_MARKS))


def _parse_variant_file(path: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    # utf-8-sig: the file is edited by city staff, and Windows editors add a BOM.
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        # Some editors turn the tab into spaces; neither column can contain whitespace anyway.
        fields = line.split()
        if len(fields) != 2:
            raise ValueError(
                f"{path}:{lineno}: 「異体字<TAB>標準の字」の形式ではありません: {raw!r}"
            )
        variant, canonical = _fold(fields[0]), _fold(fields[1])
        if not variant:
            raise ValueError(f"{path}:{lineno}: 異体字が空です: {raw!r}")
        if variant == canonical:
            # Already folded by Unicode normalisation (e.g. U+FA10 塚); nothing to do.
            continue
        if table.get(variant, canonical) != canonical:
            raise ValueError(
                f"{path}:{lineno}: {fields[0]} は既に {table[variant]} に対応付けられています"
            )
        table[variant] = canonical
    return table


def _substituter(table: Mapping[str, str]) -> Callable[[str], str]:
    if not table:
        return lambda text: text
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, keys)))
    return lambda text: pattern.sub(lambda m: table[m.group()], text)


@functools.cache
def load_variant_table(path: str | os.PathLike[str] | None = None) -> Mapping[str, str]:
    """Read a `variant<TAB>canonical` file (default: data/variants.tsv) into a folded mapping.

    Both sides are folded like search keys, and chains (A→B, B→C) are resolved to C so that
    normalising twice gives the same key. Raises ValueError on malformed lines or cycles.
    """
    table = _parse_variant_file(Path(path) if path is not None else DEFAULT_VARIANTS_PATH)
    sub = _substituter(table)
    resolved = {}
    for variant, canonical in table.items():
        seen = {canonical}
        while (nxt := sub(canonical)) != canonical:
            if nxt in seen or len(seen) > len(table):
                raise ValueError(f"異体字表の対応が循環しています: {variant}")
            seen.add(nxt)
            canonical = nxt
        resolved[variant] = canonical
    return MappingProxyType(resolved)


@functools.cache
def _default_substituter() -> Callable[[str], str]:
    return _substituter(load_variant_table())


def normalize_for_search(text: str) -> str:
    """Search key for a name: compare keys, never raw names."""
    return _default_substituter()(_fold(text))


def kana_error(value: str) -> str | None:
    """Error message if `value` is not kana (ー, ・ and spaces allowed), else None."""
    for ch in _prepare(value):
        if not (_is_kana(ch) or ch in _KANA_ALLOWED_EXTRA):
            return KANA_ERROR
    return None


def to_katakana(value: str) -> str:
    """フリガナ as stored: katakana, trimmed, inner whitespace runs as one ASCII space."""
    return " ".join(_prepare(value).translate(_HIRA_TO_KATA).split())


def _is_newer_cjk(ch: str) -> bool:
    # CJK Ext H (Unicode 15.0) and Ext I (15.1) are real kanji that Python 3.11's Unicode 14
    # database does not know yet; rejecting them would reject real people's names.
    return "\U00031350" <= ch <= "\U000323af" or "\U0002ebf0" <= ch <= "\U0002ee5d"


# Bidi embedding/override/isolate controls can make stored text display in a misleading order.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def text_error(value: str, *, multiline: bool = False) -> str | None:
    """Error message for characters that cannot be stored or shown reliably, else None.

    Supplementary-plane kanji (𠮷) and variation selectors after a kanji are fine.
    """
    prev = ""
    for ch in value:
        cat = unicodedata.category(ch)
        if cat == "Cc" or cat in ("Zl", "Zp") or ch in _BIDI_CONTROLS:
            if ch in "\n\r\t" and multiline:
                pass
            elif ch in "\n\r\x85\u2028\u2029" and not multiline:
                return NEWLINE_ERROR
            else:
                return CONTROL_ERROR
        elif cat == "Co":
            return PRIVATE_USE_ERROR
        elif cat == "Cs" or (cat == "Cn" and not _is_newer_cjk(ch)):
            return UNASSIGNED_ERROR
        elif cat[0] == "M" and (not prev or prev.isspace()):
            return LONE_MARK_ERROR
        prev = ch
    return None


# Half-width katakana (ｶﾀｶﾅ, with ﾞ and ﾟ as separate characters) from old systems and IMEs.
_HALF_WIDTH_KANA = re.compile("[\uff61-\uff9f]+")
# In a phone number or a postal code every dash is the hyphen; IMEs type ー after a digit.
_NUMBER_DASHES = str.maketrans(dict.fromkeys([*_DASHES, "ー", "-"], "-"))
_POSTAL_CODE = re.compile(r"^([0-9]{3})-?([0-9]{4})$")


def clean_name(value: str) -> str:
    """A name as stored: clean_text, with half-width kana made full-width (ｶﾞ → ガ). Only the
    half-width kana: NFKC on the whole name would swap a compatibility kanji (塚) for another."""
    return clean_text(
        _HALF_WIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), value)
    )


def clean_phone(value: str) -> str:
    """A phone number as stored: full-width digits and hyphens (０５９－３５４) made ASCII, every
    dash the hyphen, spaces dropped. What is left is checked by validators.validate_phone."""
    return "".join(unicodedata.normalize("NFKC", value).translate(_NUMBER_DASHES).split())


def clean_postal_code(value: str) -> str:
    """A postal code as stored, 510-8601: full-width digits made ASCII, 〒 and spaces dropped,
    the hyphen put in (5108601). Anything else is left for validate_postal_code to refuse."""
    text = clean_phone(value.replace("〒", "")) if value else ""
    match = _POSTAL_CODE.match(text)
    return f"{match[1]}-{match[2]}" if match else text


_WIDE_DIGITS = str.maketrans("０１２３４５６７８９－", "0123456789-")


def clean_contact(value: str) -> str:
    """How to reach whoever brought a consultation, as written (a phone number, 隣の家, an
    e-mail address) with its full-width digits and hyphens made ASCII (０９０－１ → 090-1), so
    a number is one way whichever keyboard typed it."""
    return clean_text(value).translate(_WIDE_DIGITS)


def clean_text(value: str) -> str:
    """NFC-normalise (は + combining ゛ → ば) and strip surrounding whitespace.

    CJK compatibility ideographs (塚 U+FA10, 神 U+FA19, …) are kept as typed: NFC would swap
    them for the unified character and change the glyph of a registered name.
    """
    parts = _CJK_COMPAT.split(value)
    # split() with a capturing group puts the compatibility runs at the odd indexes.
    return "".join(
        part if i % 2 else unicodedata.normalize("NFC", part) for i, part in enumerate(parts)
    ).strip()
