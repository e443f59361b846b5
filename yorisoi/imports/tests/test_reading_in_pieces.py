"""A CSV is decoded and split into lines a piece at a time (reading.PIECE), never held whole as
text: what it reads must not depend on where a piece ends — inside a multi-byte character,
between the CR and the LF of one line end, inside a quoted cell that holds a line end."""

import csv
import io
import random

import pytest

from yorisoi.imports import reading

TEXT = (
    "本人の外部ID,氏名,相談の概要\r\n"
    'P1,𠮷田 花子,"電話で、\r\n隣の人から"\n'
    "P2,髙橋 一郎,窓口\r"
    "P3,渡邉 ①,訪問\r\n"
    "\r\n"
    'P4,"ｶﾀｶﾅ, 半角",最後の行に改行なし'
)


def _as_stringio_reads(text: str) -> list:
    """What the csv module reads from the whole text (the way the reader worked before)."""
    rows = csv.reader(io.StringIO(text, newline=""))
    return [(n, cells) for n, cells in enumerate(rows, start=1) if any(c.strip() for c in cells)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
@pytest.mark.parametrize("piece", [1, 2, 3, 5, 7, 64, 1 << 20])
def test_rows_do_not_depend_on_where_a_piece_ends(monkeypatch, encoding, piece):
    text = TEXT if encoding != "cp932" else TEXT.replace("𠮷", "吉")  # 𠮷 is outside CP932
    monkeypatch.setattr(reading, "PIECE", piece)
    sheet = reading._read_csv(text.encode(encoding))
    header, *rows = _as_stringio_reads(text)
    assert sheet.header == header[1]
    assert list(sheet.rows) == rows
    assert rows[0][1][2] == "電話で、\r\n隣の人から"  # a line end inside a quoted cell is kept


def test_random_line_ends_read_as_the_whole_text_reads(monkeypatch):
    monkeypatch.setattr(reading, "PIECE", 4)
    alphabet = ["a", '"', ",", "\r", "\n", "\r\n", "あ", " ", "\u2028", "𠮷"]
    rng = random.Random(7)  # noqa: S311 (test data, not secrets)
    for _ in range(2000):
        text = "h\r\n" + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) + "x"
        try:
            expected = _as_stringio_reads(text)
        except csv.Error:
            with pytest.raises(reading.FileProblem):
                reading._read_csv(text.encode())
            continue
        sheet = reading._read_csv(text.encode())
        assert [(1, sheet.header), *sheet.rows] == expected, repr(text)


def test_a_nul_anywhere_refuses_the_file(monkeypatch):
    monkeypatch.setattr(reading, "PIECE", 8)
    content = (TEXT + "\r\nP5,名前\x00,x").encode()
    with pytest.raises(reading.FileProblem, match="NUL"):
        reading._read_csv(content)


def test_a_line_longer_than_many_pieces_is_read_whole(monkeypatch):
    monkeypatch.setattr(reading, "PIECE", 3)
    text = "h1,h2\r\n" + "長い" * 200 + ',"x\r\ny"\r\nz,w'
    sheet = reading._read_csv(text.encode())
    assert [(1, sheet.header), *sheet.rows] == _as_stringio_reads(text)
