"""Importing a city's records (issue 15): wall time and peak memory to check and to write
100,000 consultation rows with their people, SQLite and PostgreSQL. Target: < 60 s and < 400MB.

Run by hand (not part of the test suite): `.venv/bin/python bench/import_100k.py [--rows N]`.

Each database gets a throwaway copy (see common.py), migrated and loaded with the master data.
The rows are fictional (Faker ja_JP, fixed seed): one consultation a row, a person on every
row (about 1.3 rows a person) and households of two. The file is built as UTF-8 CSV in a forked
process (so that building it does not count in the peak memory) and read with the import's own
reader (reading.read: 100,000 rows are about 37MB, within the 50MB an upload may be). Then the dry run (checking.check) and the commit (services._write: writing.py,
in bulk by chunks of 2,000 rows, one transaction) are timed apart. Peak RSS is the process's.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import io
import json
import os
import pstats
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, add_database_options, each_database, log, pin_two_cores, run_leg

PG_DB = "yorisoi_bench_import"
TARGET_SECONDS = 60.0
TARGET_MB = 400.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile", action="store_true", help="print where the check's and the write's time goes"
    )
    add_database_options(parser)
    args = parser.parse_args()
    if args.leg:
        return one_database(args)
    options = ["--rows", str(args.rows), "--seed", str(args.seed)]
    if args.profile:
        options.append("--profile")
    legs = each_database(args, PG_DB, lambda name, url: run_leg(__file__, name, url, options))
    report(legs)
    return 0


def build_csv(rows: int, seed: int, agency_code: str, issue_codes: list[str]) -> bytes:
    from faker import Faker

    from yorisoi.imports.template import COLUMNS

    fake = Faker("ja_JP")
    Faker.seed(seed)
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    person = None
    for n in range(rows):
        if person is None or rng.random() < 0.77:
            pid = f"P{n:07d}"
            household = f"H{n // 2:07d}"
            person = {
                "person_ref": pid,
                "name": f"{fake.last_name()} {fake.first_name()}",
                "kana": f"{fake.last_kana_name()} {fake.first_kana_name()}",
                "birth_date": fake.date_of_birth(minimum_age=0, maximum_age=100).isoformat(),
                "sex": rng.choice(["女性", "男性"]),
                "address": fake.address().replace("\n", " ")[:100],
                "phone": f"059-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                "household_ref": household,
                "relationship": "世帯主" if n % 2 == 0 else "配偶者",
            }
        issues = rng.sample(issue_codes, k=rng.randint(1, 3))
        values = {
            **person,
            "consultation_ref": f"C{n:07d}",
            "received_on": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "receiving_agency": agency_code,
            "responsible_agency": agency_code,
            "channel": rng.choice(["窓口", "電話", "訪問"]),
            "consulter_type": rng.choice(["本人", "家族・親族"]),
            "summary": "生活のことで相談したい。" * rng.randint(1, 4),
            "issues": ";".join(issues),
            "main_issue": issues[0],
            "urgency": "通常",
            "outcome": rng.choice(["", "相談受付で解決", "自機関で継続支援"]),
            "next_action_on": "",
        }
        writer.writerow([values.get(c.key, "") for c in COLUMNS])
    return out.getvalue().encode("utf-8")


def prepared(rows: int, seed: int):
    """The leg's database migrated, with the master data and a staff member of the home-care
    centre; and the CSV of `rows` rows for that centre. Returns (user, content)."""
    from django.core.management import call_command

    from yorisoi.accounts.models import Role, User
    from yorisoi.directory import loader
    from yorisoi.directory.models import Agency, IssueCategory

    call_command("migrate", verbosity=0)
    loader.load()
    agency = Agency.objects.get(code="zaitaku-kaigo-01")
    user = User(username="bench", role=Role.STAFF, agency=agency)
    user.set_unusable_password()
    user.save()
    codes = list(IssueCategory.objects.filter(active=True).values_list("code", flat=True))
    return user, built_apart(rows, seed, agency.code, codes)


def built_apart(rows: int, seed: int, agency_code: str, codes: list[str]) -> bytes:
    """build_csv in a forked process, read back from a file: Faker and the text being built
    would otherwise count in this process's peak memory, which an import never has (it reads
    the file's bytes, as here)."""
    with tempfile.TemporaryDirectory(prefix="yorisoi-import-bench-") as tmp:
        path = Path(tmp) / "bench.csv"
        pid = os.fork()
        if pid == 0:  # the child: no database, no cleanup, only the file
            status = 1
            try:
                path.write_bytes(build_csv(rows, seed, agency_code, codes))
                status = 0
            finally:
                os._exit(status)
        _pid, status = os.waitpid(pid, 0)
        if status != 0:
            raise SystemExit("building the CSV failed")
        return path.read_bytes()


def one_database(args) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    cores = pin_two_cores()

    from django.db import connection, transaction

    from yorisoi.imports import checking, reading, services
    from yorisoi.imports.models import ImportJob
    from yorisoi.intake.models import Consultation
    from yorisoi.people.models import Person

    user, content = prepared(args.rows, args.seed)
    agency = user.agency
    log(
        f"[{args.leg}] {args.rows:,} rows, {len(content) / 1024 / 1024:.1f}MB of CSV, peak {_peak_mb():.0f}MB"
    )

    profiler = Profile(args.profile)
    started = time.perf_counter()
    with profiler("check"):
        sheet = reading.read(content, "bench.csv")
        plan = checking.check(sheet, actor=user)
    check_s = time.perf_counter() - started
    log(
        f"[{args.leg}] checked in {check_s:.1f} s, {len(plan.errors)} errors, peak {_peak_mb():.0f}MB"
    )
    if plan.errors:
        raise SystemExit(f"the generated file has problems: {plan.errors[:5]}")

    job = ImportJob.objects.create(
        created_by=user, agency=agency, file_name="bench.csv", sha256=reading.sha256(content),
        file_format="csv", rows=len(plan.rows),
    )  # fmt: skip
    started = time.perf_counter()
    with profiler("write"), transaction.atomic():
        services._write(plan, actor=user, job=job, request=None)
    write_s = time.perf_counter() - started
    peak_mb = _peak_mb()
    log(f"[{args.leg}] written in {write_s:.1f} s, peak {peak_mb:.0f}MB")
    print(
        json.dumps(
            {
                "database": args.leg,
                "version": connection.vendor,
                "rows": args.rows,
                "people": Person.objects.count(),
                "consultations": Consultation.objects.count(),
                "check_s": round(check_s, 1),
                "write_s": round(write_s, 1),
                "peak_rss_mb": round(peak_mb),
                "cores": cores,
                "load": round(os.getloadavg()[0], 1),
            }
        )
    )
    return 0


def _peak_mb() -> float:
    """The process's peak resident memory so far (the CSV built in memory included)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Profile:
    """cProfile of a step, its 25 costliest functions (cumulative) printed to stderr."""

    def __init__(self, on: bool):
        self.on = on

    @contextlib.contextmanager
    def __call__(self, step: str):
        if not self.on:
            yield
            return
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            yield
        finally:
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(
                os.environ.get("BENCH_SORT", "cumulative")
            ).print_stats(25)
            log(f"--- profile of the {step} ---\n{out.getvalue()}")


def report(legs) -> None:
    print(f"{'database':<12}{'rows':>9}{'check s':>9}{'write s':>9}{'total s':>9}{'peak MB':>9}")
    for r in legs:
        total = r["check_s"] + r["write_s"]
        print(
            f"{r['database']:<12}{r['rows']:>9,}{r['check_s']:>9.1f}{r['write_s']:>9.1f}"
            f"{total:>9.1f}{r['peak_rss_mb']:>9}  load {r['load']}"
        )
        per_100k = total * 100_000 / r["rows"]
        print(
            f"  per 100,000 rows: {per_100k:.0f} s (target < {TARGET_SECONDS:.0f} s: "
            f"{'met' if per_100k < TARGET_SECONDS else 'NOT met'}), peak "
            f"{r['peak_rss_mb']}MB (target < {TARGET_MB:.0f}MB)"
        )


if __name__ == "__main__":
    sys.exit(main())
