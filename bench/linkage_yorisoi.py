"""yorisoi's linkage engine on the benchmark's CSV, in a process of its own.

Run by bench/linkage.py: `.venv/bin/python bench/linkage_yorisoi.py --input records.csv
--output pairs.csv`. Reads only the columns the engine may see (never `truth` or `noise`),
streams the rows into the engine so that the raw rows are not kept beside their normalised
forms, writes every pair at or above `--floor` (record_id_a, record_id_b, probability) and
prints one JSON line: wall time and peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from yorisoi.linkage import Record, link  # noqa: E402

FIELDS = tuple(Record.__dataclass_fields__)


def records(path: Path):
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            yield Record(**{k: row[k] for k in FIELDS if k in row})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--floor", type=float, default=0.5)
    args = parser.parse_args()
    started = time.perf_counter()
    links = link(records(args.input), threshold=args.floor, explain=False)
    wall = time.perf_counter() - started
    with args.output.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["record_id_a", "record_id_b", "score"])
        writer.writerows((x.record_id_a, x.record_id_b, x.score) for x in links)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"engine": "yorisoi", "wall_s": wall, "peak_rss_mb": peak_mb}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
