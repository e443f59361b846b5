"""Search before create across agencies (people.selectors.person_likely_matches, issue 12):
p95 latency and top-3 recall for noisy queries.

Run by hand (not part of the test suite): `.venv/bin/python bench/match_search.py --people 100000`
(add --no-postgres for SQLite only; PostgreSQL at 127.0.0.1:5432 is used when it answers).

The registrations are bench/linkage_data.py's fictional noisy records (1–3 per person, every
noise kind). For --queries people with two or more registrations, one later (noisy) registration
is held out and typed into the search as a caseworker would; every other registration is loaded.
A query is found when a registration of the same person is among the first 3 offered. All rows
belong to the searching user's agency, so every match is visible and the ranking is read in full
(the honest worst case for the time: R6 narrows nothing, and the "usual" same-name rule runs
over every row too). Each database runs in its own subprocess (Django reads DATABASE_URL once).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time

from common import ROOT, add_database_options, each_database, log, run_leg

PG_DB = "yorisoi_bench_match"
TARGET_P95_MS = 50.0
TARGET_RECALL = 0.99


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    add_database_options(parser)
    args = parser.parse_args()
    if args.leg:
        return one_database(args)
    options = ["--people", str(args.people), "--queries", str(args.queries)]
    options += ["--seed", str(args.seed)]
    results = each_database(args, PG_DB, lambda name, url: run_leg(__file__, name, url, options))
    for r in results:
        print(
            f"{r['database']}: {r['rows']:,} registrations of {r['people']:,} people; "
            f"{r['n']} noisy queries: top-3 recall {r['recall3']:.4f} (top-1 {r['recall1']:.4f},"
            f" target ≥ {TARGET_RECALL}); latency median {r['median']:.1f} ms, "
            f"p95 {r['p95']:.1f} ms (target < {TARGET_P95_MS:.0f} ms), max {r['max']:.1f} ms; "
            f"queries per search {r['sql']}"
        )
        for kind, (found, total) in sorted(r["by_noise"].items()):
            print(f"    {kind:<22} {found}/{total}")
    return 0


def one_database(args) -> int:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from linkage_data import generate

    from yorisoi.accounts.models import Role, User
    from yorisoi.directory import loader
    from yorisoi.directory.models import Agency
    from yorisoi.linkage import normalise
    from yorisoi.people import names, selectors
    from yorisoi.people.models import Person

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    loader.load()
    agency = Agency.objects.get(code="zaitaku-kaigo-01")
    user = User(username="bench", role=Role.STAFF, agency=agency)
    user.set_unusable_password()
    user.save()

    rows = list(generate(args.people, args.seed))
    by_person: dict[str, list] = {}
    for row in rows:
        by_person.setdefault(row[9], []).append(row)
    rng = random.Random(args.seed)
    several = [p for p, regs in by_person.items() if len(regs) >= 2]
    held = {rng.choice(by_person[p][1:])[0]: p for p in rng.sample(several, args.queries)}

    def kana(text):
        return names.to_katakana(text) if text and not names.kana_error(text) else ""

    batch, truth_of = [], {}
    for record_id, _agency, family, given, f_kana, g_kana, born, address, phone, truth, _n in rows:
        if record_id in held:
            continue
        person = Person(
            family_name=family[:50],
            given_name=given[:50],
            family_name_kana=kana(f_kana),
            given_name_kana=kana(g_kana),
            birth_date=normalise.birth_date(born),
            address=address,
            phone=phone[:20],
            agency=agency,
        )
        person.refresh_search_keys()
        truth_of[person.pk] = truth
        batch.append(person)
        if len(batch) >= 5000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    log(
        f"[{args.leg}] {len(truth_of):,} registrations loaded in {time.perf_counter() - started:.0f} s"
    )

    queries = [row for row in rows if row[0] in held]

    def search(row):
        _id, _agency, family, given, f_kana, g_kana, born, address, phone, _truth, _noise = row
        return selectors.person_likely_matches(
            user=user,
            family_name=family,
            given_name=given,
            family_name_kana=f_kana,
            given_name_kana=g_kana,
            birth_date=normalise.birth_date(born),
            address=address,
            phone=phone,
        )

    for row in queries[:20]:  # warm the caches the way a running server has them
        search(row)
    wall, found1, found3, by_noise, sql = [], 0, 0, {}, set()
    for row in queries:
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            offered = search(row).visible
            wall.append((time.perf_counter() - t) * 1000)
        sql.add(len(captured))
        truths = [truth_of.get(p.pk) for p in offered]
        hit = row[9] in truths[:3]
        found1 += row[9] in truths[:1]
        found3 += hit
        for kind in row[10].split() or ["none"]:
            counts = by_noise.setdefault(kind, [0, 0])
            counts[0] += hit
            counts[1] += 1
    wall.sort()
    print(
        json.dumps(
            {
                "database": args.leg,
                "people": args.people,
                "rows": len(truth_of),
                "n": len(queries),
                "recall1": found1 / len(queries),
                "recall3": found3 / len(queries),
                "median": statistics.median(wall),
                "p95": wall[int(0.95 * (len(wall) - 1))],
                "max": wall[-1],
                "sql": sorted(sql),
                "by_noise": by_noise,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
