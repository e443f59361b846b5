"""今日やること (the home page, front:home, and GET /api/v1/today) with 5,000 open items for one
agency: p50 and p95, SQLite and PostgreSQL, beside a bare view behind the same middleware.

Run by hand: `.venv/bin/python bench/today.py` (`--no-postgres` for SQLite only).

The world is bench/my_queue.py's (the same 5,000 items of the home-care centre in the states
the services produce, ~20,000 rows of other agencies, and the coordinator's declines and
overdue referrals between other agencies), bulk-created, then the work-item table is built
with `rebuild_work_items` (timed). Timed, interleaved so all see the same load: the page and
the API for the centre's staff member and for the coordinator, and a bare view (bench/
today_view.py). Printed: p50/p95 per door, the ratio of each p95 to the bare view's, and the
queries per request at 10 items and at 5,000 (they must be equal).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

from common import ROOT, add_database_options, each_database, log, run_leg

PG_DB = "yorisoi_bench_today"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--noise", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per door")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--profile", action="store_true", help="print each query of one request per door, timed"
    )
    add_database_options(parser)
    args = parser.parse_args()
    if args.leg:
        return one_database(args)
    options = ["--items", str(args.items), "--noise", str(args.noise)]
    options += ["--requests", str(args.requests), "--warmup", str(args.warmup)]
    options += ["--profile"] if args.profile else []
    legs = each_database(args, PG_DB, lambda name, url: run_leg(__file__, name, url, options))
    for leg in legs:
        print(f"\n== {leg['database']} ({leg['items']} items of the centre; table "
              f"{leg['work_items']} rows, rebuilt in {leg['rebuild_s']:.1f} s)")  # fmt: skip
        print(f"   queries per request at 10 items: {leg['queries_small']}")
        print(f"   queries per request at {leg['items']}: {leg['queries']}")
        bare = leg["timings"]["bare"]["p95"]
        for door, t in leg["timings"].items():
            ratio = "" if door == "bare" else f"  p95 ×{t['p95'] / bare:.1f} of bare"
            print(f"   {door:22s} p50 {t['p50']:7.1f} ms  p95 {t['p95']:7.1f} ms{ratio}")
    return 0


def one_database(args) -> int:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yorisoi.settings")
    # As the tests and `make run` do: force_login has no second factor (its check costs one
    # query either way).
    os.environ.setdefault("YORISOI_MFA", "optional")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from my_queue import CENTRE, CENTRE_MIX, COORDINATING, SMALL_MIX, World, execute, scaled
    from today_view import BARE_VIEW_NAME

    from yorisoi.access import routes
    from yorisoi.accounts.models import ApiToken, Role, User
    from yorisoi.directory import loader
    from yorisoi.directory.models import Agency
    from yorisoi.work.refresh import rebuild_all

    call_command("migrate", verbosity=0)
    loader.load()
    agencies = {a.code: a for a in Agency.objects.order_by("code")}
    users = []
    for code, agency in agencies.items():
        role = Role.COORDINATOR if code == COORDINATING else Role.STAFF
        user = User(username=f"bench-{code}", display_name=code, role=role, agency=agency)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    users = {u.agency.code: u for u in User.objects.select_related("agency")}
    world = World(agencies, users, seed=1)
    world.people(households=5, noise_households=5, seed=21)
    world.centre_items(SMALL_MIX)
    world.escalation()
    rebuild_all()

    routes.ROUTES[BARE_VIEW_NAME] = routes.CASEWORK
    doors = {}
    for who, code in (("staff", CENTRE), ("coordinator", COORDINATING)):
        user = users[code]
        page = Client()
        page.force_login(user)
        _, raw = ApiToken.issue(user=user, name="bench")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        doors[f"{who} page"] = (page, "/")
        doors[f"{who} API"] = (api, "/api/v1/today")
    bare_client = Client()
    bare_client.force_login(users[CENTRE])

    def queries():
        counts = {}
        with override_settings(ROOT_URLCONF="today_view"):
            for name, (client, url) in doors.items():
                client.get(url)
                with CaptureQueriesContext(connection) as captured:
                    if client.get(url).status_code != 200:
                        raise SystemExit(f"{url} refused: {client.get(url).status_code}")
                counts[name] = len(captured)
        return counts

    small = queries()
    world.people(households=max(200, args.items // 6), noise_households=args.noise // 10)
    world.centre_items(scaled(CENTRE_MIX, args.items - sum(SMALL_MIX.values())))
    world.noise(args.noise)
    started = time.perf_counter()
    work_items = rebuild_all()
    rebuild_s = time.perf_counter() - started
    execute(connection, "ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    full = queries()
    log(f"[{args.leg}] {work_items} work items; queries {full}")
    if args.profile:
        profile(doors)

    walls: dict[str, list] = {name: [] for name in [*doors, "bare"]}
    with override_settings(ROOT_URLCONF="today_view"):
        bare_url = "/bench/bare"
        targets = [*doors.items(), ("bare", (bare_client, bare_url))]
        for _ in range(args.warmup):
            for _name, (client, url) in targets:
                client.get(url)
        for _ in range(args.requests):
            for name, (client, url) in targets:
                t = time.perf_counter()
                response = client.get(url)
                walls[name].append((time.perf_counter() - t) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
    timings = {
        name: {"p50": statistics.median(w), "p95": sorted(w)[round(0.95 * (len(w) - 1))]}
        for name, w in walls.items()
    }
    print(json.dumps({
        "database": args.leg, "items": args.items, "work_items": work_items,
        "rebuild_s": rebuild_s, "queries_small": small, "queries": full, "timings": timings,
    }))  # fmt: skip
    return 0


def profile(doors) -> None:
    """Each query of one request per door, slowest first, to stderr (`--profile`)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    with override_settings(ROOT_URLCONF="today_view"):
        for name, (client, url) in doors.items():
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            log(f"-- {name}")
            slowest = sorted(captured, key=lambda q: -float(q["time"]))
            for q in slowest[:6]:
                log(f"   {float(q['time']) * 1000:7.1f} ms  {q['sql'][:400]}")
            python_profile(client, url)
            if connection.vendor == "postgresql" and slowest[0]["sql"].startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN ANALYZE {slowest[0]['sql']}")
                    log("\n".join(f"   | {line}" for (line,) in cursor.fetchall()))


def python_profile(client, url, requests=10) -> None:
    """Where the Python time of `requests` requests goes: the 20 costliest functions by their
    cumulative time, to stderr."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    log(out.getvalue())


if __name__ == "__main__":
    sys.exit(main())
