"""Reading an uploaded file into rows: CSV (UTF-8 with or without BOM, CP932/Shift_JIS) and
Excel (.xlsx). What cannot be read at all is a FileProblem (one message for the whole file);
what is wrong in one row is for checking.py.

- Encoding: a BOM says UTF-8; a file that decodes as UTF-8 is UTF-8; otherwise
  charset-normalizer picks among the Japanese encodings (CP932 is what Excel writes). The
  detected encoding is shown to the user. Characters outside JIS (𠮷) survive only in UTF-8,
  and are kept exactly as they come.
- Line endings: CRLF, LF and CR, mixed in one file, are all line ends (the csv module's rule);
  a line end inside a quoted cell stays in the cell.
- Excel: openpyxl in read-only mode (a large file is streamed, not loaded whole). The data
  sheet is the one named 取り込みデータ, else the only sheet that is not the template's
  explanation; several candidate sheets are refused. Merged cells are reported (a merged
  cell's value stands in its first cell only, so its other cells would read as empty).
"""

import codecs
import csv
import hashlib
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from yorisoi.http import limits

from .template import CODES_SHEET, DATA_SHEET, HELP_SHEET

JAPANESE_ENCODINGS = ["cp932", "shift_jis", "euc_jp", "iso2022_jp"]


class FileProblem(Exception):
    """The file as a whole cannot be read; str() is a Japanese message for the user."""


@dataclass
class Sheet:
    file_format: str  # "csv" | "xlsx"
    encoding: str  # "UTF-8", "UTF-8 (BOM)", "CP932", "" for xlsx
    header: list
    # (row number in the file, [cell, …]) of each data row, read as they are asked for: a
    # large CSV is never held as cells all at once (a sheet is read once, by checking.check)
    rows: Iterator
    notes: list = field(default_factory=list)  # [(row, column, message)]: merged cells


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read(content: bytes, file_name: str) -> Sheet:
    if len(content) > limits.MAX_IMPORT_BYTES:
        raise FileProblem(
            _("ファイルが大きすぎます（%(limit)sまで）。分けて取り込んでください。")
            % {"limit": limits.megabytes(limits.MAX_IMPORT_BYTES)}
        )
    if not content.strip():
        raise FileProblem(_("ファイルが空です。"))
    if content[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm")):
        sheet = _read_xlsx(content)
    else:
        sheet = _read_csv(content)
    if not sheet.header or not any(_filled(c) for c in sheet.header):
        raise FileProblem(_("見出しの行がありません（1行目に項目名を入れてください）。"))
    first = next(sheet.rows, None)
    if first is None:
        raise FileProblem(_("データの行がありません（見出しだけのファイルです）。"))
    sheet.rows = itertools.chain([first], sheet.rows)
    return sheet


def _filled(value) -> bool:
    return value is not None and str(value).strip() != ""


# --- CSV --------------------------------------------------------------------------------------


def encoding_of(content: bytes) -> tuple[str, int, str]:
    """(codec, bytes to skip, the encoding's name as shown to the user): a BOM says UTF-8; a
    file that decodes as UTF-8 is UTF-8; otherwise charset-normalizer picks among the
    Japanese encodings. The whole file is decoded once to be sure, a piece at a time."""
    if content.startswith(b"\xef\xbb\xbf"):
        codec, skip, label = "utf-8", 3, "UTF-8 (BOM)"
    elif _decodes(content, "utf-8"):
        return "utf-8", 0, "UTF-8"
    else:
        from charset_normalizer import from_bytes

        best = from_bytes(content, cp_isolation=JAPANESE_ENCODINGS).best()
        if best is None:
            raise FileProblem(
                _("文字コードがわかりません。UTF-8 か Shift_JIS（CP932）で保存してください。")
            )
        # Excel's "CSV" is CP932, a superset of Shift_JIS (①, ㈱, NEC and IBM kanji).
        codec = "cp932" if best.encoding in ("shift_jis", "cp932") else best.encoding
        skip, label = 0, codec.upper().replace("_", "-")
    if not _decodes(content, codec, skip):
        raise FileProblem(
            _("文字コード（%(encoding)s）として読めないバイトがあります。") % {"encoding": codec}
        )
    return codec, skip, label


# How much of a file is decoded at a time: a 100,000-row CSV (37MB) is never held as one text.
PIECE = 1 << 20


def _pieces(content: bytes, codec: str, skip: int) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(content)
    for start in range(skip, len(content), PIECE):
        yield decoder.decode(view[start : start + PIECE])
    yield decoder.decode(b"", final=True)


def _decodes(content: bytes, codec: str, skip: int = 0) -> bool:
    try:
        for _piece in _pieces(content, codec, skip):
            pass
    except UnicodeDecodeError:
        return False
    return True


# A line with its end (CRLF, CR or LF), as io.StringIO(text, newline="") hands lines out, which
# the csv module needs to keep a line end inside a quoted cell.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")


def _lines(content: bytes, codec: str, skip: int) -> Iterator[str]:
    """The file's lines with their ends, decoded a piece at a time. A CR at the end of a piece
    waits for the next one, which may begin with the LF of the same CRLF."""
    rest = []  # the pieces of a line not ended yet (a line may span many pieces)
    for piece in _pieces(content, codec, skip):
        if "\x00" in piece:
            raise FileProblem(_("CSVとして読めません（NUL文字が含まれています）。"))
        held_cr = bool(rest) and rest[-1].endswith("\r")
        if "\n" not in piece and "\r" not in piece and not held_cr:
            rest.append(piece)  # no line ends here: not scanned again and again
            continue
        text = "".join([*rest, piece])
        end = 0
        for line in _LINE.finditer(text):
            if line.end() == len(text) and text.endswith("\r"):
                break
            yield line.group()
            end = line.end()
        rest = [text[end:]]
    if tail := "".join(rest):
        yield tail


def _read_csv(content: bytes) -> Sheet:
    codec, skip, encoding = encoding_of(content)
    try:
        # The whole file is parsed once here, so that a malformed CSV is refused before any
        # row is checked, and again row by row as the check comes to each: neither its text
        # nor its cells are ever held whole (100,000 rows as cells: ~200MB, as text: ~35MB;
        # bench/import_100k.py).
        records = sum(1 for _n, _cells in _csv_rows(content, codec, skip))
    except csv.Error as exc:
        raise FileProblem(_("CSVとして読めません。")) from exc
    if not records:
        raise FileProblem(_("ファイルが空です。"))
    rows = _csv_rows(content, codec, skip)
    _n, header = next(rows)
    return Sheet("csv", encoding, header, rows)


def _csv_rows(content: bytes, codec: str, skip: int) -> Iterator:
    """(record number, cells) of each non-empty record, parsed as it is asked for."""
    for n, cells in enumerate(csv.reader(_lines(content, codec, skip)), start=1):
        if any(c.strip() for c in cells):
            yield n, cells


# --- Excel ------------------------------------------------------------------------------------

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+):([A-Z]+[0-9]+)"')


def _read_xlsx(content: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileProblem(_("Excelファイル（.xlsx）として読めません。")) from exc
    try:
        names = book.sheetnames
        if DATA_SHEET in names:
            name = DATA_SHEET
        else:
            candidates = [n for n in names if n not in (HELP_SHEET, CODES_SHEET)]
            if len(candidates) > 1:
                raise FileProblem(
                    _(
                        "データのシートが複数あります（%(names)s）。「%(data)s」という名前の"
                        "シート1つにまとめてください。"
                    )
                    % {"names": "、".join(candidates), "data": DATA_SHEET}
                )
            if not candidates:
                raise FileProblem(_("データのシートがありません。"))
            name = candidates[0]
        sheet = book[name]
        lines = []
        for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if any(_filled(v) for v in values):
                lines.append((n, list(values)))
        notes = [
            (int(re.sub(r"[A-Z]", "", first)), re.sub(r"[0-9]", "", first), ref)
            for first, ref in _merged_cells(sheet)
        ]
    finally:
        book.close()
    if not lines:
        raise FileProblem(_("シート「%(name)s」が空です。") % {"name": name})
    lines.reverse()
    _n, header = lines.pop()
    # Trailing empty header cells are columns Excel kept for formatting only.
    while header and not _filled(header[-1]):
        header.pop()
    return Sheet("xlsx", "", header, _drained(lines), notes)


def _drained(reversed_lines: list) -> Iterator:
    """The lines in file order, each let go as it is handed out."""
    while reversed_lines:
        yield reversed_lines.pop()


def _merged_cells(sheet):
    """(first cell, range) of each merged range: read-only sheets do not parse them, so the
    sheet's XML is scanned (mergeCells come after the data)."""
    source = sheet._get_source()
    try:
        tail = b""
        found = []
        while chunk := source.read(1 << 20):
            text = tail + chunk
            found.extend(
                (m[1].decode(), f"{m[1].decode()}:{m[2].decode()}") for m in _MERGE.finditer(text)
            )
            tail = text[-200:]
            # A match across the boundary is found twice at most; dropped below.
        return list(dict.fromkeys(found))
    finally:
        source.close()
