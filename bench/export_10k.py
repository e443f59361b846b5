"""Exporting an agency's records in the import's template (issue 15): wall time, queries and
peak memory to export N consultations (default 10,000) as CSV and as xlsx, SQLite and
PostgreSQL. The records are made by importing import_100k.py's fictional file; then each
format is exported twice: the first export of records made on the screens would register
their UUIDs as external ids, so the bench also exports once after dropping the refs.

Run by hand: `.venv/bin/python bench/export_10k.py [--rows N] [--no-postgres]`.
Peak memory is tracemalloc's peak of Python allocations during the export (the growth the
export itself causes), beside the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc

from common import ROOT, add_database_options, each_database, log, pin_two_cores, run_leg

PG_DB = "yorisoi_bench_export"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    add_database_options(parser)
    args = parser.parse_args()
    if args.leg:
        return one_database(args)
    legs = each_database(
        args, PG_DB, lambda n, url: run_leg(__file__, n, url, ["--rows", str(args.rows)])
    )
    for leg in legs:
        print(json.dumps(leg, ensure_ascii=False))
    return 0


def one_database(args) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    cores = pin_two_cores()
    from django.db import connection, reset_queries, transaction
    from django.test.utils import CaptureQueriesContext
    from import_100k import prepared

    from yorisoi.imports import checking, exporting, reading, services
    from yorisoi.imports.models import ExternalRef, ImportJob

    user, content = prepared(args.rows, 1)
    agency = user.agency
    plan = checking.check(reading._read_csv(content), actor=user)
    job = ImportJob.objects.create(created_by=user, agency=agency, file_name="b.csv",
                                   sha256=reading.sha256(content), file_format="csv",
                                   rows=len(plan.rows))  # fmt: skip
    with transaction.atomic():
        services._write(plan, actor=user, job=job, request=None)
    del plan, content
    log(f"[{args.leg}] {args.rows:,} consultations imported")

    figures = {"database": args.leg, "rows": args.rows, "cores": cores}

    def timed(label, **kwargs):
        reset_queries()
        tracemalloc.start()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = exporting.records_export(actor=user, agency=agency, **kwargs)
            size = len(result.file.read())
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures[label] = {"s": round(seconds, 2), "peak_mb": round(peak / 2**20, 1),
                          "queries": len(queries), "file_mb": round(size / 2**20, 2)}  # fmt: skip
        log(f"[{args.leg}] {label}: {figures[label]}")

    timed("csv", file_format="csv")
    timed("xlsx", file_format="xlsx")
    timed("csv_cp932", file_format="csv", encoding="cp932")
    ExternalRef.objects.all().delete()  # as if every record had been made on the screens
    timed("csv_registering_uuids", file_format="csv")
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
