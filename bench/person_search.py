"""Person search over ~100,000 people: median and p95 per query kind, SQLite and PostgreSQL.

Run by hand (not part of the test suite): `make bench` or `.venv/bin/python bench/person_search.py`.

Each database gets a throwaway copy (a SQLite file in a temporary folder; the PostgreSQL
database `yorisoi_bench`, created and dropped here, when a server answers at 127.0.0.1:5432 or
with --postgres), is migrated, loaded with the master data and ~100,000 fictional people from
yorisoi.people.demo, all registered by one home-care centre. That is the honest worst case: the
access rule (R6) narrows nothing, so the search has to work over every row. One staff user of
that centre then searches as the person list does: count() plus the first page of 25.

SQLite is timed twice: as Django leaves a new database (no planner statistics) and after
ANALYZE. PostgreSQL is timed after VACUUM ANALYZE, the state autovacuum reaches by itself.

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

from common import ROOT, add_database_options, each_database, log, run_leg

PG_DB = "yorisoi_bench"
PAGE_SIZE = 25  # people.views.PAGE_SIZE
TARGET_P95_MS = 50.0
LIST_PAGE = "list (no query)"
KINDS = ("kanji full name", "kana family name", "variant kanji", LIST_PAGE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200, help="per query kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="print the plans of one query")
    add_database_options(parser)
    args = parser.parse_args()
    if args.leg:
        return one_database(args)

    legs = each_database(args, PG_DB, lambda name, url: run_subprocess(args, name, url))
    results = [r for leg in legs for r in leg]
    report(results)
    return 0


def run_subprocess(args, name: str, url: str) -> list[dict]:
    options = ["--people", str(args.people), "--queries", str(args.queries)]
    options += ["--seed", str(args.seed), *["--explain"] * args.explain]
    return run_leg(__file__, name, url, options)


# --- one database ---------------------------------------------------------------------------


def one_database(args) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from yorisoi.accounts.models import Role, User
    from yorisoi.directory import loader
    from yorisoi.directory.models import Agency
    from yorisoi.people import demo, selectors
    from yorisoi.people.models import Person

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    loader.load()
    agency = Agency.objects.get(code="zaitaku-kaigo-01")
    user = User(username="bench", role=Role.STAFF, agency=agency)
    user.set_unusable_password()
    user.save()
    people, batch = 0, 0
    while people < args.people:
        # ~2.3 people per household; batches keep memory flat and land close to the target.
        households = max(1, min(5000, round((args.people - people) / 2.3)))
        counts = demo.generate_population(
            households=households, seed=args.seed * 1000 + batch, agencies=[agency]
        )
        people += counts["people"]
        batch += 1
    log(f"[{args.leg}] {people:,} people loaded in {time.perf_counter() - started:.0f} s")

    queries = draw_queries(Person, demo.VARIANT_SPELLINGS, n=args.queries, seed=args.seed)
    common = {
        "version": db_version(connection),
        "rows": Person.objects.count(),
        "visible": Person.objects.filter(agency=agency).count(),
    }

    def measure(setup: str, search) -> dict:
        result = common | {"setup": setup, "timings": {}}
        for kind in KINDS:
            result["timings"][kind] = time_kind(search, user, queries[kind])
            if args.explain:
                explain(connection, search, user, queries[kind][0], f"{setup} · {kind}")
        result["load"] = os.getloadavg()[0]
        log(f"[{args.leg}] done: {setup}")
        return result

    results = []
    if connection.vendor == "sqlite":
        results.append(measure("SQLite, no statistics (as Django leaves it)", search_current))
        execute(connection, "ANALYZE")
        results.append(measure("SQLite after ANALYZE", search_current))
    else:
        # What autovacuum reaches on its own a minute after a bulk load.
        execute(connection, "VACUUM ANALYZE")
        results.append(measure("PostgreSQL after VACUUM ANALYZE", search_current))
    print(json.dumps(results))
    del selectors  # imported above so a broken selectors module fails before the long load
    return 0


def execute(connection, sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def time_kind(search, user, queries: list[str]) -> dict:
    for query in queries[:20]:  # warm the caches the way a running server has them
        search(user, query)
    wall, cpu, hits = [], [], []
    for query in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        count, _page = search(user, query)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        if count == 0:
            raise SystemExit(f"{query!r} found nobody, yet it was drawn from the data")
        hits.append(count)
    return {
        "n": len(wall),
        "median": statistics.median(wall),
        "p95": percentile(wall, 95),
        "max": max(wall),
        "cpu_p95": percentile(cpu, 95),
        "mean_hits": statistics.mean(hits),
        "example": queries[0] or "(none)",
    }


def search_current(user, query: str) -> tuple[int, list]:
    """One search as the person list runs it (Paginator: count, then the first page)."""
    from yorisoi.people import selectors

    people = selectors.person_search(user=user, query=query)
    return people.count(), list(people[:PAGE_SIZE])


def draw_queries(Person, variant_spellings, *, n: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    rows = list(
        Person.objects.filter(preferred_language="ja")
        .order_by("id")
        .values_list("family_name", "given_name", "family_name_kana")
    )
    rng.shuffle(rows)
    # Another spelling of the same family name: 斎藤 stored → search 齋藤, 髙橋 stored → 高橋.
    other_spelling: dict[str, list[str]] = {}
    for standard, variants in variant_spellings.items():
        other_spelling.setdefault(standard, []).extend(variants)
        for variant in variants:
            other_spelling.setdefault(variant, []).append(standard)
    variant_rows = [r for r in rows if r[0] in other_spelling]
    if len(variant_rows) < n:
        raise SystemExit(f"only {len(variant_rows)} people with a variant-able family name")
    return {
        "kanji full name": [f"{family} {given}" for family, given, _ in rows[:n]],
        "kana family name": [hiragana(kana) for _, _, kana in rows[n : 2 * n]],
        "variant kanji": [
            f"{rng.choice(other_spelling[family])} {given}" for family, given, _ in variant_rows[:n]
        ],
        LIST_PAGE: [""] * n,
    }


def hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def explain(connection, search, user, query: str, label: str) -> None:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        search(user, query)
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    for captured in ctx.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute(prefix + captured["sql"])
            plan = "\n".join("    " + " ".join(str(c) for c in row) for row in cursor.fetchall())
        log(f"--- {label} ({query!r}): {captured['sql'][:40]}…\n{plan}")


def db_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


# --- the report ------------------------------------------------------------------------------


def report(results: list[dict]) -> None:
    import django

    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    versions = sorted({r["version"] for r in results})
    print()
    print("person_search: count() + first page of 25, as the person list runs it")
    print(
        f"machine: {platform.machine()}, {cores} cores ({usable} usable) · Python "
        f"{platform.python_version()} · Django {django.get_version()} · " + " · ".join(versions)
    )
    print(f"target: p95 < {TARGET_P95_MS:.0f} ms on 2 cores. Times are wall clock; 'cpu' is")
    print("this process's CPU alone (all of SQLite's work, none of PostgreSQL's server).")
    for r in results:
        print()
        print(
            f"{r['setup']} — {r['visible']:,} of {r['rows']:,} people visible to the user; "
            f"load average {r['load']:.1f}"
        )
        print(
            f"  {'query kind':<17} {'n':>4} {'median':>9} {'p95':>9} {'max':>9} "
            f"{'cpu p95':>9} {'hits':>7}  example"
        )
        for kind, t in r["timings"].items():
            flag = "" if t["p95"] < TARGET_P95_MS else "  ← over target"
            print(
                f"  {kind:<17} {t['n']:>4} {t['median']:>6.1f} ms {t['p95']:>6.1f} ms "
                f"{t['max']:>6.1f} ms {t['cpu_p95']:>6.1f} ms {t['mean_hits']:>7.0f}  "
                f"{t['example']}{flag}"
            )


if __name__ == "__main__":
    sys.exit(main())
