"""Search before create across agencies (people.selectors.person_likely_matches, issue 12):
p95 latency and top-3 recall for noisy queries, for the selector and for the screen door.

Run by hand (not part of the test suite): `.venv/bin/python bench/match_search.py --people 100000`
(--no-postgres for SQLite only, --no-sqlite for PostgreSQL only; PostgreSQL at 127.0.0.1:5432 is
used when it answers). The issue's scale: `--people 1000000 --no-sqlite --keep-db`, then
`--reuse-db` to time again without loading (the kept database remembers --people and --seed).

The registrations are bench/linkage_data.py's fictional noisy records (1–3 per person, every
noise kind), so --people N loads about 1.8 N rows. For --queries people with two or more
registrations, one later (noisy) registration is held out and typed into the search as a
caseworker would; every other registration is loaded. A query is found when a registration of
the same person is among the first 3 offered. All rows belong to the searching user's agency,
so every match is visible and the ranking is read in full (the honest worst case for the time:
R6 narrows nothing, and the "usual" same-name rule runs over every row too). Each database runs
in its own subprocess (Django reads DATABASE_URL once).

Rows are made as the model makes them (Person(...) with its defaults, refresh_search_keys()),
with ids derived from the record ids so that a kept database can be timed again. PostgreSQL is
loaded with COPY, its secondary indexes dropped before and made again after (the same
definitions, read from pg_index); SQLite with bulk_create. Then VACUUM ANALYZE / ANALYZE.

Timed: (1) the selector; (2) the screen door, the htmx POST the person form sends
(people:person_matches, through django.test.Client as a signed-in staff member: every
middleware, the form's own parsing of what was typed — 和暦 included —, the audit of what was
shown, the template); (3) a bare view (bench/match_search_view.py) behind the same middleware,
POSTed the same data, interleaved with (2) so both see the same load. Printed: the door's p95
over the bare view's.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import re
import statistics
import sys
import time
import uuid

from common import (
    PG_HOST,
    PG_PORT,
    PG_USER,
    ROOT,
    add_database_options,
    log,
    pg_admin,
    pg_answers,
    run_leg,
)

PG_DB = "yorisoi_bench_match"
TARGET_P95_MS = 50.0
TARGET_RECALL = 0.99
META_TABLE = "bench_match_meta"  # in a kept PostgreSQL database: what was loaded
PERSON_LINK = re.compile(r'href="/people/([0-9a-f-]{36})/"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--keep-db", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument(
        "--reuse-db", action="store_true", help="use a kept PostgreSQL database if it matches"
    )
    parser.add_argument("--no-view", action="store_true", help="time the selector only")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the slowest search's queries"
    )
    parser.add_argument("--skip-load", action="store_true", help=argparse.SUPPRESS)  # internal
    add_database_options(parser)
    args = parser.parse_args()
    if args.leg:
        return one_database(args)
    options = ["--people", str(args.people), "--queries", str(args.queries)]
    options += ["--seed", str(args.seed)]
    options += ["--no-view"] * args.no_view + ["--explain"] * args.explain
    started = time.perf_counter()
    results = []
    for name, url, loaded in databases(args):
        results.append(run_leg(__file__, name, url, options + ["--skip-load"] * loaded))
    report(results, time.perf_counter() - started)
    return 0


def databases(args):
    """(name, DATABASE_URL, already loaded) for SQLite, then PostgreSQL if it answers."""
    import tempfile

    if not args.no_sqlite:
        with tempfile.TemporaryDirectory(prefix=f"yorisoi-{PG_DB}-") as tmp:
            yield "SQLite", f"sqlite:///{tmp}/bench.sqlite3", False
    if args.no_postgres or not (args.postgres or args.no_sqlite or pg_answers()):
        return
    url = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DB}"
    loaded = args.reuse_db and kept_database_matches(args)
    if loaded:
        log(f"[PostgreSQL] reusing the kept database {PG_DB}")
    else:
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}", f"CREATE DATABASE {PG_DB}")
    try:
        yield "PostgreSQL", url, loaded
    finally:
        if not (args.keep_db or args.reuse_db):
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")


def kept_database_matches(args) -> bool:
    import psycopg

    try:
        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=PG_DB) as conn:
            row = conn.execute(f"SELECT people, seed, queries FROM {META_TABLE}").fetchone()  # noqa: S608
    except psycopg.Error:
        return False
    return tuple(row or ()) == (args.people, args.seed, args.queries)


def record_pk(seed: int, record_id: str) -> uuid.UUID:
    """A random-looking version-4 id that the same --seed and record id give again."""
    digest = hashlib.blake2b(f"{seed}:{record_id}".encode(), digest_size=16).digest()
    return uuid.UUID(bytes=digest, version=4)


# --- one database ---------------------------------------------------------------------------


def one_database(args) -> int:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from linkage_data import generate

    from yorisoi.accounts.models import Role, User
    from yorisoi.directory import loader
    from yorisoi.directory.models import Agency
    from yorisoi.people.models import Person

    started = time.perf_counter()
    call_command("migrate", verbosity=0)  # a kept database too: others' new tables
    if not args.skip_load:
        loader.load()
    agency = Agency.objects.get(code="zaitaku-kaigo-01")
    user = User.objects.filter(username="bench").first()
    if user is None:
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
    del by_person, several
    queries = [row for row in rows if row[0] in held]
    truth_of = {record_pk(args.seed, row[0]): row[9] for row in rows if row[0] not in held}
    log(
        f"[{args.leg}] {len(rows):,} registrations generated in {time.perf_counter() - started:.0f} s"
    )

    load_seconds = None
    if not args.skip_load:
        loading = time.perf_counter()
        people = (make_person(Person, agency, args.seed, row) for row in rows if row[0] not in held)
        if connection.vendor == "postgresql":
            copy_people(connection, Person, people)
        else:
            batch = []
            for person in people:
                batch.append(person)
                if len(batch) >= 20_000:
                    Person.objects.bulk_create(batch)
                    batch = []
            Person.objects.bulk_create(batch)
        analysing = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
            if connection.vendor == "postgresql":
                cursor.execute(f"CREATE TABLE {META_TABLE} (people int, seed int, queries int)")
                cursor.execute(
                    f"INSERT INTO {META_TABLE} VALUES (%s, %s, %s)",  # noqa: S608
                    [args.people, args.seed, args.queries],
                )
        load_seconds = time.perf_counter() - loading
        log(
            f"[{args.leg}] {len(truth_of):,} registrations loaded in {load_seconds:.0f} s "
            f"(analyse {time.perf_counter() - analysing:.0f} s); load average {os.getloadavg()}"
        )
    stored = Person.objects.count()
    if stored != len(truth_of):
        raise SystemExit(f"{stored:,} people stored, {len(truth_of):,} expected")
    del rows, held
    gc.collect()
    gc.freeze()  # the millions of rows kept here are not a server's garbage to walk

    result = {
        "database": args.leg,
        "version": db_version(connection),
        "people": args.people,
        "rows": stored,
        "load_s": load_seconds,
        "n": len(queries),
    }
    result |= time_selector(connection, user, queries, truth_of, explain=args.explain)
    result["load_selector"] = os.getloadavg()
    log(f"[{args.leg}] selector timed; load average {result['load_selector']}")
    if not args.no_view:
        result |= time_view(connection, user, queries, truth_of)
        result["load_view"] = os.getloadavg()
        log(f"[{args.leg}] view timed; load average {result['load_view']}")
    print(json.dumps(result))
    return 0


def make_person(Person, agency, seed: int, row):
    from yorisoi.linkage import normalise
    from yorisoi.people import names

    def kana(text):
        return names.to_katakana(text) if text and not names.kana_error(text) else ""

    record_id, _agency, family, given, f_kana, g_kana, born, address, phone, _truth, _n = row
    person = Person(
        id=record_pk(seed, record_id),
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
    return person


def copy_people(connection, Person, people) -> None:
    """COPY into the person table with its secondary indexes dropped, then made again from
    their own definitions (the primary key stays: other tables' foreign keys need it)."""
    table = Person._meta.db_table
    fields = Person._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    started = time.perf_counter()
    raw = connection.connection  # psycopg 3
    with raw.transaction(), raw.cursor() as cursor:
        # Row by row FK checks of a bench load: the agency is one known row.
        cursor.execute("SET LOCAL session_replication_role = replica")
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for n, person in enumerate(people, 1):
                copy.write_row([getattr(person, f.attname) for f in fields])
                if n % 200_000 == 0:
                    log(f"    {n:,} rows copied, {time.perf_counter() - started:.0f} s")
    log(f"    COPY done in {time.perf_counter() - started:.0f} s; making {len(indexes)} indexes")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
    log(f"    indexes made in {time.perf_counter() - started:.0f} s")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def timings(wall: list[float]) -> dict:
    return {
        "median": statistics.median(wall),
        "p95": percentile(wall, 95),
        "max": max(wall),
    }


def time_selector(connection, user, queries, truth_of, *, explain: bool) -> dict:
    from django.test.utils import CaptureQueriesContext

    from yorisoi.linkage import normalise
    from yorisoi.people import selectors

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
    wall, found1, found3, by_noise, sql, slowest = [], 0, 0, {}, set(), (0.0, None, [])
    sql_ms = []
    for row in queries:
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            offered = search(row).visible
            ms = (time.perf_counter() - t) * 1000
        wall.append(ms)
        sql.add(len(captured))
        sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        if ms > slowest[0]:
            slowest = (ms, row, captured.captured_queries)
        truths = [truth_of.get(p.pk) for p in offered]
        hit = row[9] in truths[:3]
        found1 += row[9] in truths[:1]
        found3 += hit
        for kind in row[10].split() or ["none"]:
            counts = by_noise.setdefault(kind, [0, 0])
            counts[0] += hit
            counts[1] += 1
    if explain:
        explain_queries(connection, slowest)
    return {
        "recall1": found1 / len(queries),
        "recall3": found3 / len(queries),
        "selector": timings(wall),
        "selector_sql_p95": percentile(sql_ms, 95),
        "sql": sorted(sql),
        "by_noise": by_noise,
    }


def explain_queries(connection, slowest) -> None:
    ms, row, captured = slowest
    log(f"--- slowest search: {ms:.1f} ms, {row[2]} {row[3]} / {row[4]} {row[5]} / {row[6]}")
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    for query in captured:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "(")):
            continue
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            plan = "\n".join("    " + " ".join(map(str, r)) for r in cursor.fetchall())
        log(f"--- {float(query['time']) * 1000:.1f} ms: {sql[:600]}…\n{plan}")


def time_view(connection, user, queries, truth_of) -> dict:
    """The door and the bare view, interleaved, through the full middleware stack."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse
    from match_search_view import BARE_VIEW_NAME

    from yorisoi.access import routes

    routes.ROUTES[BARE_VIEW_NAME] = routes.CASEWORK
    with override_settings(ROOT_URLCONF="match_search_view"):
        client = signed_in_client(Client(HTTP_HX_REQUEST="true"), user)
        door, bare = reverse("people:person_matches"), reverse(BARE_VIEW_NAME)

        def post(url, row):
            _id, _agency, family, given, f_kana, g_kana, born, address, phone, _t, _n = row
            data = {
                "family_name": family,
                "given_name": given,
                "family_name_kana": f_kana,
                "given_name_kana": g_kana,
                "birth_date": born,  # as typed: the form reads 和暦 and other formats itself
                "address": address,
                "phone": phone,
            }
            response = client.post(url, data)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            return response

        for row in queries[:20]:
            post(door, row)
            post(bare, row)
        door_sql = set()
        for row in queries[:20]:
            with CaptureQueriesContext(connection) as captured:
                post(door, row)
            door_sql.add(len(captured))
        with CaptureQueriesContext(connection) as captured:
            post(bare, queries[0])
        bare_sql = len(captured)
        door_wall, bare_wall, found3 = [], [], 0
        for row in queries:
            t = time.perf_counter()
            post(bare, row)
            bare_wall.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            response = post(door, row)
            door_wall.append((time.perf_counter() - t) * 1000)
            shown = PERSON_LINK.findall(response.content.decode())
            found3 += row[9] in [truth_of.get(uuid.UUID(pk)) for pk in shown[:3]]
    return {
        "view": timings(door_wall),
        "bare": timings(bare_wall),
        "view_recall3": found3 / len(queries),
        "view_sql": sorted(door_sql),
        "bare_sql": bare_sql,
    }


def signed_in_client(client, user):
    """A session as production has it after sign-in: with YORISOI_MFA=required (the default)
    a staff member passed a second factor, so the session carries a verified device."""
    client.force_login(user)
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:  # a tree without django-otp
        return client
    if apps_installed("django_otp.plugins.otp_totp"):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def apps_installed(name: str) -> bool:
    from django.apps import apps

    return apps.is_installed(name)


def db_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


# --- the report ------------------------------------------------------------------------------


def report(results: list[dict], seconds: float) -> None:
    def loads(figures) -> str:
        return "/".join(f"{x:.2f}" for x in figures)

    print()
    print(f"match_search: target top-3 recall ≥ {TARGET_RECALL}, p95 < {TARGET_P95_MS:.0f} ms")
    for r in results:
        s = r["selector"]
        loaded = f"loaded in {r['load_s']:.0f} s" if r["load_s"] is not None else "kept database"
        print(
            f"{r['version']}: {r['rows']:,} registrations of {r['people']:,} people ({loaded}); "
            f"{r['n']} noisy queries"
        )
        flag = "" if s["p95"] < TARGET_P95_MS and r["recall3"] >= TARGET_RECALL else "  ← target"
        print(
            f"  selector: top-3 recall {r['recall3']:.4f} (top-1 {r['recall1']:.4f}); median "
            f"{s['median']:.1f} ms, p95 {s['p95']:.1f} ms, max {s['max']:.1f} ms; SQL p95 "
            f"{r['selector_sql_p95']:.1f} ms; queries per search {r['sql']}; load average "
            f"{loads(r['load_selector'])}{flag}"
        )
        if "view" in r:
            v, b = r["view"], r["bare"]
            flag = "" if v["p95"] < TARGET_P95_MS else "  ← over target"
            print(
                f"  door people:person_matches (POST, htmx, Client): top-3 recall "
                f"{r['view_recall3']:.4f}; median {v['median']:.1f} ms, p95 {v['p95']:.1f} ms, "
                f"max {v['max']:.1f} ms; queries per request {r['view_sql']}{flag}"
            )
            print(
                f"  bare view, same middleware, same run: median {b['median']:.1f} ms, p95 "
                f"{b['p95']:.1f} ms, max {b['max']:.1f} ms; queries {r['bare_sql']}"
            )
            print(
                f"  ratio door / bare: p50 {v['median'] / b['median']:.1f}×, "
                f"p95 {v['p95'] / b['p95']:.1f}×; load average {loads(r['load_view'])}"
            )
        for kind, (found, total) in sorted(r["by_noise"].items()):
            print(f"    {kind:<22} {found}/{total}")
    print(f"wall time {seconds:.0f} s; load average now {loads(os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())
