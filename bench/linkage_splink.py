"""Splink on the linkage benchmark's CSV, configured as its documentation shows, for comparison.

Run by bench/linkage.py in a subprocess of its own (so the peak RSS is Splink's alone):
`.venv/bin/python bench/linkage_splink.py --input records.csv --output pairs.csv`. Splink is a
bench-only dependency (`pip install -e '.[bench]'`, pinned in pyproject.toml).

**Generic normalisation**, what a team would do for any country's data before Splink: Unicode
NFKC (which also folds full-width digits and half-width kana), spaces removed, lower case;
phone numbers as digits; birth dates parsed from the ISO and compact western forms, other
forms (和暦) left null. No Japanese-specific folding: no hiragana→katakana, no 異体字, no long
vowels or voicing marks — that is what yorisoi's engine adds.

**Model**, after Splink's README and its "deduplicate 50k synthetic" example: names through
`ForenameSurnameComparison` (kanji, and kana), with term-frequency adjustment on the full
name; `DateOfBirthComparison` (exact, Levenshtein 1, within a month, a year, ten years);
address by Levenshtein distance; phone exact with term-frequency adjustment. Predictions are
blocked on birth date, full name in kanji, full name in kana, phone, and address. Training as
the tutorial trains: λ from deterministic rules with recall 0.7, u from random sampling, m by
EM blocked on birth date and then on the kana full name.

Writes every pair with match probability ≥ `--floor` (record_id_a, record_id_b, probability)
and prints one JSON line: wall time and peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import resource
import sys
import time
import unicodedata
from pathlib import Path

import pyarrow as pa
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

NAME_COLUMNS = ("family_name", "given_name", "family_kana", "given_kana")
_DATE = re.compile(r"(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})")


def _text(value: str) -> str | None:
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).lower()
    return folded or None


def _date(value: str) -> str | None:
    m = _DATE.fullmatch(unicodedata.normalize("NFKC", value).strip())
    return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None


def _phone(value: str) -> str | None:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", value)) or None


def read(path: Path) -> pa.Table:
    names = ("record_id", *NAME_COLUMNS, "birth_date", "address", "phone", "full_name", "full_kana")
    columns: dict[str, list] = {c: [] for c in names}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            columns["record_id"].append(row["record_id"])
            for c in (*NAME_COLUMNS, "address"):
                columns[c].append(_text(row[c]))
            columns["birth_date"].append(_date(row["birth_date"]))
            columns["phone"].append(_phone(row["phone"]))
            for full, family, given in (
                ("full_name", "family_name", "given_name"),
                ("full_kana", "family_kana", "given_kana"),
            ):
                parts = (columns[family][-1], columns[given][-1])
                columns[full].append(" ".join(parts) if all(parts) else None)
    return pa.table(columns)


SETTINGS = SettingsCreator(
    link_type="dedupe_only",
    unique_id_column_name="record_id",
    comparisons=[
        cl.ForenameSurnameComparison(
            "given_name", "family_name", forename_surname_concat_col_name="full_name"
        ),
        cl.ForenameSurnameComparison(
            "given_kana", "family_kana", forename_surname_concat_col_name="full_kana"
        ),
        cl.DateOfBirthComparison("birth_date", input_is_string=True),
        cl.LevenshteinAtThresholds("address", [2, 5]),
        cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
    ],
    blocking_rules_to_generate_predictions=[
        block_on("birth_date"),
        block_on("family_name", "given_name"),
        block_on("family_kana", "given_kana"),
        block_on("phone"),
        block_on("address"),
    ],
    retain_intermediate_calculation_columns=False,
    retain_matching_columns=False,
)


def link(table: pa.Table, floor: float):
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(table, dataset_display_name="records"), SETTINGS)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("family_name", "given_name", "birth_date")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("family_kana", "given_kana")
    )
    predictions = linker.inference.predict(threshold_match_probability=floor)
    return (
        predictions.as_duckdbpyrelation()
        .select("record_id_l, record_id_r, match_probability")
        .fetchall()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--floor", type=float, default=0.5)
    args = parser.parse_args()
    started = time.perf_counter()
    pairs = link(read(args.input), args.floor)
    wall = time.perf_counter() - started
    with args.output.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["record_id_a", "record_id_b", "score"])
        writer.writerows(sorted((min(a, b), max(a, b), p) for a, b, p in pairs))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"engine": "splink", "wall_s": wall, "peak_rss_mb": peak_mb}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
