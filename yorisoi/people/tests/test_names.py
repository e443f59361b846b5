import unicodedata

import pytest

from yorisoi.people.names import (
    CONTROL_ERROR,
    DEFAULT_VARIANTS_PATH,
    KANA_ERROR,
    LONE_MARK_ERROR,
    NEWLINE_ERROR,
    PRIVATE_USE_ERROR,
    UNASSIGNED_ERROR,
    clean_text,
    kana_error,
    load_variant_table,
    normalize_for_search,
    text_error,
    to_katakana,
)

# Each group holds spellings that must find one another.
SAME_KEY = [
    ("タカハシ", "ﾀｶﾊｼ", "たかはし", "タカハシ"),
    ("TAKAHASHI", "ＴＡＫＡＨＡＳＨＩ", "takahashi", "Takahashi"),
    ("高橋 太郎", "高橋　太郎", "高橋太郎", " 高橋\t太郎 ", "高橋\u200b太郎"),
    ("山田・太郎", "山田･太郎", "山田·太郎", "山田太郎"),
    ("ジャン＝ピエール", "ジャン・ピエール", "じゃんぴえーる"),
    ("𠮷田", "吉田"),
    ("齋藤", "斎藤", "斉藤", "齊藤"),
    ("渡邊", "渡邉", "渡辺", "渡邉\U000e0101"),
    ("山﨑", "山崎", "山嵜"),
    ("髙橋", "高橋"),
    ("ば", "は\u3099", "ハ\u3099", "ﾊﾞ", "は゛"),
    ("ぱ", "は\u309a", "ﾊﾟ"),
    ("佐々木", "佐佐木"),
    ("みすゞ", "みすず"),
    ("かおる", "カヲル", "かをる"),
    ("ちぢみ", "ちじみ"),
    ("つづき", "ツズキ"),
    ("いちけや", "いちヶや", "いちケや"),
    ("José", "JOSE", "jose"),
    ("Nguyễn", "nguyen"),
    ("Đặng", "dang"),
    ("Jean-Pierre", "jean‐pierre", "JEAN－PIERRE"),
]


@pytest.mark.parametrize("spellings", SAME_KEY, ids=lambda group: group[0])
def test_spellings_share_a_key(spellings):
    keys = {normalize_for_search(s) for s in spellings}
    assert len(keys) == 1, keys


VARIANTS = [
    ("髙", "高"),
    ("﨑", "崎"),
    ("嵜", "崎"),
    ("齋", "斎"),
    ("齊", "斎"),
    ("斉", "斎"),
    ("邊", "辺"),
    ("邉", "辺"),
    ("𠮷", "吉"),
    ("澤", "沢"),
    ("濱", "浜"),
    ("濵", "浜"),
    ("櫻", "桜"),
    ("廣", "広"),
    ("國", "国"),
    ("德", "徳"),
    ("惠", "恵"),
    ("榮", "栄"),
    ("藏", "蔵"),
    ("龍", "竜"),
    ("瀧", "滝"),
    ("眞", "真"),
    ("實", "実"),
    ("冨", "富"),
    ("嶋", "島"),
    ("嶌", "島"),
    ("峯", "峰"),
    ("曾", "曽"),
    ("桒", "桑"),
    ("槇", "槙"),
    ("淵", "渕"),
    ("\ufa10", "\u585a"),  # 塚 compatibility ideograph
    ("ぢ", "じ"),
    ("づ", "ず"),
    ("ゐ", "い"),
    ("ゑ", "え"),
    ("ヂ", "じ"),
    ("ヅ", "ず"),
    ("ヰ", "い"),
    ("ヱ", "え"),
]


@pytest.mark.parametrize(("variant", "canonical"), VARIANTS)
def test_variant_maps_to_canonical(variant, canonical):
    assert normalize_for_search(variant) == canonical
    assert normalize_for_search(f"山{variant}田") == f"山{canonical}田"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ﾀｶﾊｼ ﾀﾛｳ", "たかはしたろう"),
        ("ＴＡＫＡＨＡＳＨＩ", "takahashi"),
        ("高橋　太郎", "高橋太郎"),
        ("カ\u3099", "が"),
        ("\u3099あ", "あ"),
        ("漢\u3099", "漢"),
        ("Jean-Pierre", "jean-pierre"),
        ("オーノ", "おーの"),
        ("ヴァン", "ゔぁん"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_key(text, key):
    assert normalize_for_search(text) == key


@pytest.mark.parametrize(
    "text",
    ["髙橋 太郎", "ｻｻﾞｴ", "José Nguyễn", "佐々木", "か\u3099\u3099", "𠮷\U000e0100", "㍿", "Straße"],
)
def test_key_is_stable_and_has_no_combining_marks(text):
    key = normalize_for_search(text)
    assert normalize_for_search(key) == key
    assert not any(unicodedata.category(ch).startswith("M") for ch in key)


def test_default_table_is_the_data_file():
    assert DEFAULT_VARIANTS_PATH.is_file()
    assert load_variant_table() is load_variant_table()
    assert load_variant_table()["髙"] == "高"


def test_custom_table_folds_both_sides_and_resolves_chains(tmp_path):
    path = tmp_path / "v.tsv"
    path.write_text("\ufeff# comment\n\nヂ\tジ\r\nA\tB\nB  C\n\ufa10\t\u585a\n", encoding="utf-8")
    assert dict(load_variant_table(path)) == {"ぢ": "じ", "a": "c", "b": "c"}


@pytest.mark.parametrize(
    "content",
    ["髙\n", "髙\t高\t高\n", "A\tB\nB\tA\n", "A\tB\nA\tC\n", "・\tA\n"],
    ids=["one-column", "three-columns", "cycle", "conflict", "empty-variant"],
)
def test_bad_table_is_rejected(tmp_path, content):
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv|循環"):
        load_variant_table(path)


@pytest.mark.parametrize(
    "value",
    [
        "タカハシ",
        "たかはし",
        "ﾀｶﾊｼ",
        "タカハシ　タロウ",
        "タカハシ タロウ",
        "ジョージ・ルーカス",
        "ヴァン",
        "ハ゛ン",
        "",
    ],
)
def test_kana_accepted(value):
    assert kana_error(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "高橋",
        "タカ橋",
        "Takahashi",
        "タカハシ1",
        "ＴＡＫＡ",
        "タカ\nハシ",
        "ア\u3099",
        "ジャン＝ピエール",
    ],
)
def test_kana_rejected(value):
    assert kana_error(value) == KANA_ERROR


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("たかはし", "タカハシ"),
        ("ﾀｶﾊｼ", "タカハシ"),
        ("  たかはし　　たろう ", "タカハシ タロウ"),
        ("は゛ば", "ババ"),
        ("ゔぁん", "ヴァン"),
        ("みすゞ", "ミスヾ"),
        ("タカハシ", "タカハシ"),
    ],
)
def test_to_katakana(value, expected):
    assert to_katakana(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "𠮷田",
        "髙橋",
        "山﨑",
        "渡邉\U000e0101",
        "は\u3099",
        "José",
        "普通の文章",
        "\U00031350",  # CJK Ext H, newer than Python's Unicode database
        "",
    ],
)
def test_text_accepted(value):
    assert text_error(value) is None


@pytest.mark.parametrize(
    ("value", "multiline", "message"),
    [
        ("ベル\x07", False, CONTROL_ERROR),
        ("ベル\x07", True, CONTROL_ERROR),
        ("\x00", False, CONTROL_ERROR),
        ("タブ\tあり", False, CONTROL_ERROR),
        ("1行目\n2行目", False, NEWLINE_ERROR),
        ("1行目\r\n2行目", False, NEWLINE_ERROR),
        ("段落\u2029", False, NEWLINE_ERROR),
        ("段落\u2029", True, CONTROL_ERROR),
        ("逆\u202e順", True, CONTROL_ERROR),
        ("\u3099", False, LONE_MARK_ERROR),
        ("\u0301abc", False, LONE_MARK_ERROR),
        ("山田 \u3099", False, LONE_MARK_ERROR),
        ("1行目\n\u0301", True, LONE_MARK_ERROR),
        ("\ufe00", False, LONE_MARK_ERROR),
        ("外字\ue000", False, PRIVATE_USE_ERROR),
        ("\U000f0000", False, PRIVATE_USE_ERROR),
        ("\u0378", False, UNASSIGNED_ERROR),
        ("\ufffe", False, UNASSIGNED_ERROR),
        ("\ufdd0", False, UNASSIGNED_ERROR),
        ("\ud800", False, UNASSIGNED_ERROR),
    ],
)
def test_text_rejected(value, multiline, message):
    assert text_error(value, multiline=multiline) == message


@pytest.mark.parametrize("value", ["1行目\n2行目", "1行目\r\n2行目", "列1\t列2"])
def test_multiline_allows_line_breaks_and_tabs(value):
    assert text_error(value, multiline=True) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("は\u3099", "ば"),
        ("  山田\u3000", "山田"),
        ("Jose\u0301", "José"),
        ("\ufa10本", "\ufa10本"),  # compatibility ideograph keeps its glyph
        ("𠮷田", "𠮷田"),
        ("1行目\n2行目\n", "1行目\n2行目"),
    ],
)
def test_clean_text(value, expected):
    assert clean_text(value) == expected
