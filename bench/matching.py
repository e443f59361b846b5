"""Participation matching (participation.selectors.rank_resources) against 5,000 resources.

Run by hand (not part of the test suite): `.venv/bin/python bench/matching.py`.

Each database gets a throwaway copy (a SQLite file in a temporary folder; the PostgreSQL
database `yorisoi_bench_matching`, created and dropped here, when a server answers at
127.0.0.1:5432 or with --postgres), is migrated and loaded with the master data and the
shipped taxonomy. The directory is built by resources.demo.generate_resources (the same
fictional resources as the demo: categories, districts, schedules, fees, capacities and
accessibility spread over the city), then 200 participation needs with varied interests,
days, time of day, districts, barrier-free / small-place wishes and budgets are bulk-created.
After ANALYZE each need is ranked (rank_resources(need, limit=10)) and timed; the number of
SQL queries is counted for every ranking and must not vary.

The timed process is pinned to 2 CPU cores when the machine has more (os.sched_setaffinity),
to match the target "p95 < 100 ms on 2 cores"; the PostgreSQL server is not pinned.
Each database runs in its own subprocess because Django reads DATABASE_URL once, at setup.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time

from common import ROOT, add_database_options, each_database, log, pin_two_cores, run_leg

PG_DB = "yorisoi_bench_matching"
TARGET_P95_MS = 100.0
AGENCY = "itaku-soudan-01"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--needs", type=int, default=200, help="timed rankings")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    add_database_options(parser)
    args = parser.parse_args()
    if args.leg:
        return one_database(args)

    results = each_database(args, PG_DB, lambda name, url: run_subprocess(args, name, url))
    report(results, args)
    return 0


def run_subprocess(args, name: str, url: str) -> dict:
    options = ["--resources", str(args.resources), "--needs", str(args.needs)]
    options += ["--warmup", str(args.warmup), "--seed", str(args.seed)]
    return run_leg(__file__, name, url, options)


# --- one database ---------------------------------------------------------------------------


def make_needs(count: int, seed: int):
    from yorisoi.accounts.models import Role, User
    from yorisoi.directory.models import Agency, District
    from yorisoi.participation.models import ParticipationNeed, TimeOfDay
    from yorisoi.people.models import Person
    from yorisoi.resources.models import WEEKDAYS, TaxonomyTerm

    rng = random.Random(seed)
    agency = Agency.objects.get(code=AGENCY)
    user = User.objects.create(username="bench", display_name="bench", role=Role.STAFF,
                               agency=agency)  # fmt: skip
    districts = list(District.objects.filter(active=True))
    terms = list(TaxonomyTerm.objects.filter(active=True))
    people = []
    for i in range(count):
        person = Person(family_name="架空", given_name=f"{i}", agency=agency, created_by=user,
                        district=rng.choice(districts))  # fmt: skip
        person.refresh_search_keys()
        people.append(person)
    Person.objects.bulk_create(people)
    needs = []
    for person in people:
        days = sorted(rng.sample(range(7), rng.choice([0, 1, 2, 3])))
        needs.append(
            ParticipationNeed(
                person=person,
                short_term_goal="まず週1回、通える場所を見つける",
                available_days=",".join(WEEKDAYS[d] for d in days),
                days_required=bool(days) and rng.random() < 0.3,
                time_of_day=rng.choice(TimeOfDay.values),
                district=person.district,
                same_area_only=rng.random() < 0.2,
                needs_barrier_free=rng.random() < 0.25,
                prefers_small=rng.random() < 0.4,
                max_cost_per_month=rng.choice([None, None, 0, 500, 1000, 3000]),
                responsible_agency=agency,
                created_by=user,
            )
        )
    ParticipationNeed.objects.bulk_create(needs)
    through = ParticipationNeed.interests.through
    through.objects.bulk_create(
        through(participationneed_id=n.pk, taxonomyterm_id=t.pk)
        for n in needs
        for t in rng.sample(terms, rng.choice([0, 1, 1, 2, 3]))
    )
    return list(ParticipationNeed.objects.filter(pk__in=[n.pk for n in needs]).order_by("pk"))


def stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return {"n": len(ordered), "median": statistics.median(ordered), "p95": p95,
            "max": ordered[-1]}  # fmt: skip


def one_database(args) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yorisoi.settings")
    cores = pin_two_cores()
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yorisoi.directory import loader
    from yorisoi.participation.selectors import rank_resources
    from yorisoi.resources import demo, taxonomy
    from yorisoi.resources.models import Service

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    loader.load()
    taxonomy.load()
    log(f"{args.leg}: migrated in {time.perf_counter() - started:.0f} s; building resources")
    demo.generate_resources(args.resources, seed=args.seed)
    needs = make_needs(args.needs + args.warmup, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"{args.leg}: {Service.objects.count():,} resources, {len(needs)} needs in "
        f"{time.perf_counter() - started:.0f} s; timing")  # fmt: skip

    for need in needs[: args.warmup]:
        rank_resources(need)
    wall, cpu, query_counts, found = [], [], set(), 0
    for need in needs[args.warmup :]:
        with CaptureQueriesContext(connection) as queries:
            pass
        t0, c0 = time.perf_counter(), time.process_time()
        ranked = rank_resources(need)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        found += len(ranked)
    for need in needs[args.warmup : args.warmup + 20]:
        with CaptureQueriesContext(connection) as queries:
            rank_resources(need)
        query_counts.add(len(queries))
    with connection.cursor() as cursor:
        version = (
            connection.vendor
            + " "
            + ".".join(
                map(
                    str,
                    connection.Database.version_info
                    if hasattr(connection.Database, "version_info")
                    else (),
                )
            )
        )
        del cursor
    print(json.dumps({
        "setup": args.leg,
        "version": version if connection.vendor != "postgresql"
        else f"PostgreSQL {connection.pg_version // 10000}",
        "resources": Service.objects.count(),
        "cores": cores,
        "load": os.getloadavg()[0],
        "timing": stats(wall),
        "cpu": stats(cpu),
        "queries": sorted(query_counts),
        "avg_found": found / max(1, len(wall)),
    }))  # fmt: skip
    return 0


def report(results: list[dict], args) -> None:
    import django

    cores = os.cpu_count()
    print()
    print(f"matching: participation.selectors.rank_resources(need, limit=10), "
          f"{args.resources:,} resources, {args.needs} needs")  # fmt: skip
    print(f"machine: {platform.machine()}, {cores} cores · Python {platform.python_version()} · "
          f"Django {django.get_version()}")  # fmt: skip
    print(f"target: p95 < {TARGET_P95_MS:.0f} ms on 2 cores; queries per ranking constant.")
    print()
    print(f"  {'database':<12} {'cores':>5} {'queries':>8} {'median':>9} {'p95':>9} {'max':>9} "
          f"{'cpu p95':>9} {'load':>5}")  # fmt: skip
    for r in results:
        t, c = r["timing"], r["cpu"]
        flag = "" if t["p95"] < TARGET_P95_MS else "  ← over target"
        queries = "/".join(map(str, r["queries"]))
        print(f"  {r['setup']:<12} {r['cores']:>5} {queries:>8} {t['median']:>6.1f} ms "
              f"{t['p95']:>6.1f} ms {t['max']:>6.1f} ms {c['p95']:>6.1f} ms "
              f"{r['load']:>5.1f}{flag}")  # fmt: skip
    print()
    print(
        "cores = CPU cores the timed process was pinned to; load = 1-minute load average at "
        "the end (other work on the machine makes the figures noisy)."
    )


if __name__ == "__main__":
    sys.exit(main())
