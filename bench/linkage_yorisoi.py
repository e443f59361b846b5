"""yorisoi's linkage engine on the benchmark's CSV, in a process of its own.

Run by bench/linkage.py: `.venv/bin/python bench/linkage_yorisoi.py --input records.csv
--output pairs.csv`. Reads the CSV as `manage.py link_people` does (yorisoi/linkage/csvio.py:
only the columns the engine may see, never `truth` or `noise`; streamed, so that the raw rows
are not kept beside their normalised forms), writes every pair at or above `--floor`
(record_id_a, record_id_b, probability unrounded, so that bench/linkage.py can cut at any
threshold) and prints one JSON line: wall time and peak RSS.
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
from yorisoi.linkage import link  # noqa: E402
from yorisoi.linkage.csvio import read_records  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--floor", type=float, default=0.5)
    args = parser.parse_args()
    started = time.perf_counter()
    links = link(read_records(args.input), threshold=args.floor, explain=False)
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
