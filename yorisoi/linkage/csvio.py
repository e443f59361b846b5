"""Registrations read from a CSV file, and linked pairs written to one — without Django.

The format of `manage.py link_people` (issue 12), which the benchmark reads too: UTF-8 (with
or without the BOM a spreadsheet writes), a header row, the columns of `Record` in any order
(any but record_id may be empty or absent), unknown columns ignored. A file that cannot be
read so is refused whole with a `CsvError` naming the line, in Japanese: a batch that went on
without the rows it could not read would link some people and silently not others.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import Link
from .record import Record

COLUMNS = tuple(Record.__dataclass_fields__)
PAIR_COLUMNS = ("record_id_a", "record_id_b", "score")
DECIMALS = 6  # of a score in the output: enough to rank, fixed so that runs compare byte for byte


class CsvError(ValueError):
    """A file that is not registrations in the expected format; the message says where."""


def _lines(file) -> Iterator[str]:
    """The file's lines decoded one by one, so that a byte that is not UTF-8 names its line."""
    for number, raw in enumerate(file, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CsvError(
                f"{number}行目: UTF-8 として読めない文字があります。Shift_JIS（Excel の「CSV」）"
                "で保存したファイルなら、「CSV UTF-8」で保存し直してください。"
            ) from None
        yield line.removeprefix("\ufeff") if number == 1 else line


def _header(rows: Iterator[list[str]]) -> dict[str, int]:
    """Each known column's position in the header row."""
    try:
        header = [name.strip() for name in next(rows)]
    except StopIteration:
        raise CsvError("ファイルが空です。1行目に列名の行が必要です。") from None
    if "record_id" not in header:
        raise CsvError(
            "1行目に record_id 列がありません。1行目は列名の行にしてください"
            f"（{', '.join(COLUMNS)}）。"
        )
    for name in COLUMNS:
        if header.count(name) > 1:
            raise CsvError(f"1行目: 列 {name} が2回以上あります。")
    return {name: header.index(name) for name in COLUMNS if name in header}


def read_records(path: Path) -> Iterator[Record]:
    """The file's registrations one by one, in file order; raises CsvError at the first fault.

    Streamed, so that the engine need not hold the raw rows beside their normalised forms.
    A row of nothing but empty cells (a spreadsheet's trailing rows) is skipped; a row with
    data and no record_id is not.
    """
    seen: dict[str, int] = {}  # record_id → its line, to name both lines of a repeat
    with path.open("rb") as file:
        rows = csv.reader(_lines(file))
        try:
            where = _header(rows)
            line = rows.line_num + 1
            for row in rows:
                if any(cell.strip() for cell in row):
                    values = {name: row[i] if i < len(row) else "" for name, i in where.items()}
                    record_id = values["record_id"]
                    if not record_id.strip():
                        raise CsvError(f"{line}行目: record_id が空です。")
                    if record_id in seen:
                        raise CsvError(
                            f"{line}行目: record_id「{record_id}」は{seen[record_id]}行目と"
                            "重複しています。"
                        )
                    seen[record_id] = line
                    yield Record(**values)
                line = rows.line_num + 1
        except csv.Error as error:
            raise CsvError(f"{rows.line_num}行目: CSV として読めません（{error}）。") from None


def write_pairs(path: Path, links: Iterable[Link], *, reasons: bool = False) -> int:
    """Write the pairs (and their reasons in Japanese, if asked); return how many.

    The file appears whole or not at all: written beside the target, then renamed over it.
    Like the registrations it comes from, it says who is known to which agency, so it is
    created readable by its owner only.
    """
    header = [*PAIR_COLUMNS, "reasons"] if reasons else list(PAIR_COLUMNS)
    file = tempfile.NamedTemporaryFile(  # closed below, before the rename
        "w",
        encoding="utf-8",
        newline="",
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=".part",
        delete=False,
    )
    try:
        with file:
            writer = csv.writer(file)
            writer.writerow(header)
            count = 0
            for found in links:
                row = [found.record_id_a, found.record_id_b, f"{found.score:.{DECIMALS}f}"]
                writer.writerow([*row, "、".join(found.reasons)] if reasons else row)
                count += 1
        os.replace(file.name, path)
    except BaseException:
        Path(file.name).unlink(missing_ok=True)
        raise
    return count
