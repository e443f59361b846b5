"""The yearly evaluation report over ten fiscal years of fictional city data (~200,000
consultations). Run by hand (not part of the test suite): `.venv/bin/python bench/yearly_report.py`.

Each database gets a throwaway copy (a SQLite file in a temporary folder; the PostgreSQL
database `yorisoi_bench_report`, created and dropped here, when a server answers at
127.0.0.1:5432 or with --postgres), is migrated and loaded with the master data, the
community programs and a small resource directory. evaluation.demo.generate_history then
writes ten fiscal years (FY2016–FY2025) of consultations (20,000 a year by default) with
their issues and outcomes, referrals, cases, meetings, plans, endings, outreach, placements,
resource gaps and community activities. After ANALYZE the coordinator's report is timed:

- figures: every indicator over the ten years (evaluation.selectors.lines), and
- report: the whole committee report for FY2025 with ten years of trend
  (evaluation.report.build: figures, targets, breakdowns) — the work the background task does
  before rendering — and, separately, rendering it as xlsx and PDF.

The timed process is pinned to 2 CPU cores when the machine has more. Target: the report
(build) in < 2 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

from common import ROOT, add_database_options, each_database, log, pin_two_cores, run_leg

PG_DB = "yorisoi_bench_report"
TARGET_S = 2.0
FIRST_YEAR, YEARS = 2016, 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-year", type=int, default=20000, help="consultations a year")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each kind")
    parser.add_argument("--seed", type=int, default=1)
    add_database_options(parser)
    args = parser.parse_args()
    if args.leg:
        return one_database(args)

    results = each_database(args, PG_DB, lambda name, url: run_subprocess(args, name, url))
    report(results, args)
    return 0


def run_subprocess(args, name: str, url: str) -> dict:
    options = ["--per-year", str(args.per_year), "--runs", str(args.runs), "--seed", str(args.seed)]
    return run_leg(__file__, name, url, options)


def timed(fn, runs: int) -> dict:
    samples = []
    for _i in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return {"median": statistics.median(samples), "max": max(samples), "n": runs}


def one_database(args) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yorisoi.settings")
    cores = pin_two_cores()
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from yorisoi.accounts.models import Role, User
    from yorisoi.community import loader as community
    from yorisoi.directory import loader
    from yorisoi.directory.models import Agency
    from yorisoi.evaluation import demo, periods, selectors
    from yorisoi.intake.models import Consultation
    from yorisoi.resources import demo as resources_demo
    from yorisoi.resources import taxonomy

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    loader.load()
    taxonomy.load()
    community.load()
    resources_demo.generate_resources(200, seed=args.seed)
    coordinator = User.objects.create(
        username="bench", display_name="bench", role=Role.COORDINATOR,
        agency=Agency.objects.get(code="fukushi-soumu-ka"),
    )  # fmt: skip
    log(f"{args.leg}: migrated in {time.perf_counter() - started:.0f} s; writing ten years")
    written = demo.generate_history(
        first_year=FIRST_YEAR, years=YEARS, consultations_per_year=args.per_year,
        actor=coordinator, seed=args.seed,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"{args.leg}: {Consultation.objects.count():,} consultations in "
        f"{time.perf_counter() - started:.0f} s; timing")  # fmt: skip

    focal = periods.fiscal_year(FIRST_YEAR + YEARS - 1)
    years = [*focal.previous(YEARS - 1), focal]
    view = selectors.view_of(coordinator)
    results = {"figures": timed(lambda: selectors.lines(view, years), args.runs)}
    try:
        from yorisoi.evaluation import report as evaluation_report
        from yorisoi.reports import report_pdf, report_xlsx
    except ImportError:
        evaluation_report = None
    if evaluation_report is not None:
        results["report"] = timed(
            lambda: evaluation_report.build(coordinator, focal, YEARS), args.runs
        )
        built = evaluation_report.build(coordinator, focal, YEARS)
        results["xlsx"] = timed(lambda: report_xlsx(built), max(1, args.runs // 2))
        results["pdf"] = timed(lambda: report_pdf(built), max(1, args.runs // 2))
    print(json.dumps({
        "setup": args.leg,
        "cores": cores,
        "load": os.getloadavg()[0],
        "written": written,
        "results": results,
    }))  # fmt: skip
    return 0


def report(results: list[dict], args) -> None:
    import django

    print()
    print(f"yearly report: FY{FIRST_YEAR}–FY{FIRST_YEAR + YEARS - 1}, "
          f"{args.per_year:,} consultations a year, {args.runs} runs each")  # fmt: skip
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · Django {django.get_version()}")  # fmt: skip
    print(f"target: the report (build) in < {TARGET_S:.0f} s on 2 cores.")
    for r in results:
        print()
        written = ", ".join(f"{k} {v:,}" for k, v in r["written"].items())
        print(f"  {r['setup']} (cores {r['cores']}, load {r['load']:.1f}): {written}")
        for kind, t in r["results"].items():
            flag = "  ← over target" if kind == "report" and t["median"] >= TARGET_S else ""
            print(f"    {kind:<8} median {t['median']:6.2f} s   max {t['max']:6.2f} s{flag}")


if __name__ == "__main__":
    sys.exit(main())
