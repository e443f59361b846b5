"""`manage.py link_people`: registrations in a CSV → the pairs judged to be one person.

No test here is marked django_db, so pytest-django refuses any database access: every run of
the command below also proves that it touches no database.
"""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from yorisoi.linkage.csvio import COLUMNS
from yorisoi.linkage.tests.world import town

HEADER = ",".join(COLUMNS)
# Three fictional people, each registered twice with one kind of noise between the two.
PEOPLE = """\
a-1,zaitaku-01,髙橋,祐子,タカハシ,ユウコ,1970-03-02,三重県四日市市諏訪町1丁目5番3号,059-354-8111
b-1,kosodate-02,高橋,祐子,タカハシ,ユウコ,1970-03-02,三重県四日市市諏訪町1丁目5番3号,059-354-8111
c-1,shogai-01,渡辺,健一,ワタナベ,ケンイチ,1948-11-23,三重県四日市市常磐2丁目4番1号,059-331-2020
d-1,minsei-01,渡辺,健一,ワタナベ,ケンイチ,昭和23年11月23日,三重県四日市市常磐2丁目4番1号,059-331-2020
e-1,hoken-01,斉藤,由美,サイトウ,ユミ,1985-07-14,三重県四日市市塩浜3丁目8番2号,059-345-6789
f-1,seikatsu-01,斉藤,由美,ｻｲﾄｳ,ﾕﾐ,1985-07-14,三重県四日市市塩浜3丁目8番2号,059-345-6789
"""
EXPECTED = [
    ("a-1", "b-1"),  # 髙橋 / 高橋: variant kanji
    ("c-1", "d-1"),  # 1948-11-23 / 昭和23年11月23日: 和暦
    ("e-1", "f-1"),  # サイトウ / ｻｲﾄｳ: half-width kana
]


def town_rows() -> str:
    """The town's people, distinct from one another, so that the batch has data to learn from."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for record in town():
        writer.writerow(getattr(record, column) for column in COLUMNS)
    return out.getvalue()


def records_csv(tmp_path, text: str | None = None, *, encoding="utf-8", name="records.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n" + PEOPLE + town_rows() if text is None else text, encoding)
    return path


def run(source, target, *args, verbosity=0) -> str:
    stderr = io.StringIO()
    call_command(
        "link_people",
        "--input",
        str(source),
        "--output",
        str(target),
        *args,
        verbosity=verbosity,
        stderr=stderr,
    )
    return stderr.getvalue()


def pairs_of(path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(row["record_id_a"], row["record_id_b"]) for row in csv.DictReader(f)]


def test_variant_kanji_wareki_and_half_width_kana_registrations_are_paired(tmp_path):
    run(records_csv(tmp_path), tmp_path / "pairs.csv")

    lines = (tmp_path / "pairs.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "record_id_a,record_id_b,score"
    assert pairs_of(tmp_path / "pairs.csv") == EXPECTED
    for line in lines[1:]:
        score = line.split(",")[2]
        assert len(score.split(".")[1]) == 6  # a fixed number of decimals
        assert 0.99 <= float(score) <= 1


def test_two_runs_write_byte_identical_files_whatever_the_row_order(tmp_path):
    source = records_csv(tmp_path)
    rows = source.read_text(encoding="utf-8").splitlines()
    shuffled = records_csv(tmp_path, "\n".join([rows[0], *reversed(rows[1:])]), name="rev.csv")

    run(source, tmp_path / "first.csv")
    run(source, tmp_path / "second.csv")
    run(shuffled, tmp_path / "reversed.csv")

    first = (tmp_path / "first.csv").read_bytes()
    assert first == (tmp_path / "second.csv").read_bytes()
    assert first == (tmp_path / "reversed.csv").read_bytes()


def test_unknown_columns_another_column_order_and_a_bom_change_nothing(tmp_path):
    run(records_csv(tmp_path), tmp_path / "plain.csv")
    with records_csv(tmp_path).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = io.StringIO()
    # 担当者メモ and truth are not the engine's: they must not change a single pair.
    columns = ["担当者メモ", *reversed(COLUMNS), "truth"]
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    for i, row in enumerate(rows):
        writer.writerow(row | {"担当者メモ": f"メモ{i}", "truth": "same" if i < 2 else str(i)})
    messy = records_csv(tmp_path, out.getvalue(), encoding="utf-8-sig", name="messy.csv")

    run(messy, tmp_path / "messy-pairs.csv")

    plain = (tmp_path / "plain.csv").read_bytes()
    assert (tmp_path / "messy-pairs.csv").read_bytes() == plain


def test_columns_other_than_record_id_may_be_missing_or_empty(tmp_path):
    text = "record_id,family_name\nx-1,\nx-2,山田\n,,\n"  # the last row: a spreadsheet's blank row

    run(records_csv(tmp_path, text), tmp_path / "pairs.csv")

    assert pairs_of(tmp_path / "pairs.csv") == []


def test_explain_adds_the_reasons_in_japanese(tmp_path):
    run(records_csv(tmp_path), tmp_path / "pairs.csv", "--explain")

    with (tmp_path / "pairs.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["record_id_a", "record_id_b", "score", "reasons"]
    assert [(r["record_id_a"], r["record_id_b"]) for r in rows] == EXPECTED
    assert all(r["reasons"] and "生年月日" in r["reasons"] for r in rows)


def test_progress_shows_each_stage_with_counts_and_is_quiet_at_verbosity_0(tmp_path):
    source = records_csv(tmp_path)

    shown = run(source, tmp_path / "pairs.csv", verbosity=1)
    quiet = run(source, tmp_path / "pairs.csv", verbosity=0)

    records = len(town()) + len(PEOPLE.splitlines())
    assert f"読み込み: {records:,} 件（完了）" in shown
    for stage in ("重みの推定:", "ブロッキング: 候補", "採点:", f"書き出し: {len(EXPECTED)} 組"):
        assert stage in shown
    assert quiet == ""


BAD_FILES = {
    "empty file": (b"", "ファイルが空です"),
    "no header": (PEOPLE.encode(), "1行目に record_id 列がありません"),
    "no record_id column": (b"agency,family_name\nshogai-01,\xe5\xb1\xb1\xe7\x94\xb0\n", "1行目に"),
    "duplicate record_id": (
        f"{HEADER}\n{PEOPLE}a-1,hoken-01,山田,花子\n".encode(),
        "8行目: record_id「a-1」は2行目と重複しています",
    ),
    "empty record_id": (f"{HEADER}\n{PEOPLE} ,hoken-01,山田\n".encode(), "8行目: record_id が空"),
    "not UTF-8": ((HEADER + "\n" + PEOPLE).encode("cp932"), "2行目: UTF-8 として読めない"),
}


@pytest.mark.parametrize("content, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_by_line_and_nothing_is_written(tmp_path, content, message):
    source = tmp_path / "records.csv"
    source.write_bytes(content)

    with pytest.raises(CommandError, match=message) as refused:
        run(source, tmp_path / "pairs.csv")

    assert "何も書き出していません" in str(refused.value)
    assert [p.name for p in tmp_path.iterdir()] == ["records.csv"]


def test_a_refused_file_leaves_an_earlier_output_as_it_was(tmp_path):
    (tmp_path / "pairs.csv").write_text("earlier", encoding="utf-8")
    source = records_csv(tmp_path, f"{HEADER}\n{PEOPLE}{PEOPLE}")

    with pytest.raises(CommandError, match="重複"):
        run(source, tmp_path / "pairs.csv")

    assert (tmp_path / "pairs.csv").read_text(encoding="utf-8") == "earlier"


@pytest.mark.parametrize("threshold", ["0", "1", "1.5", "-0.2", "高い"])
def test_a_threshold_outside_0_to_1_is_refused(tmp_path, threshold):
    with pytest.raises(CommandError, match="0より大きく1より小さい"):
        run(records_csv(tmp_path), tmp_path / "pairs.csv", "--threshold", threshold)


def test_a_lower_threshold_finds_at_least_the_same_pairs(tmp_path):
    run(records_csv(tmp_path), tmp_path / "pairs.csv", "--threshold", "0.5")

    assert set(EXPECTED) <= set(pairs_of(tmp_path / "pairs.csv"))


def test_a_missing_input_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="入力ファイルが見つかりません"):
        run(tmp_path / "nowhere.csv", tmp_path / "pairs.csv")
