"""Person reads at city scale (issue 16): p50/p95 and queries per request on a generated city,
each beside a bare view behind the same middleware, measured in the same run.

Run by hand: `.venv/bin/python bench/scale.py --people 10000 --people 100000 --reuse`.

For each size a PostgreSQL database `<prefix>_<size>` (yorisoi_scale_10k, yorisoi_scale_100k,
yorisoi_scale_1m; a server at 127.0.0.1:5432, user postgres, trust auth) holds a fictional city
written by `manage.py generate_city --people N` (demo/city.py). `--reuse` keeps a database that
already holds a city (it is migrated, not regenerated); without it the database is dropped and
generated again (~2 minutes at 100k people on 2 cores). The databases are not dropped at the end.

Timed, interleaved so that every door sees the same load (django.test.Client, force_login,
the whole middleware, the audit record and the template), as a staff member of the home-care
centre zaitaku-kaigo-01 unless the door says otherwise:
- person search: a kanji full name, a family name in kana (the screen, POST /people/), and the
  same kana search through the API (POST /api/v1/people/search);
- the person list without a query (GET /people/);
- search before create (POST /people/new/matches, what the registration form asks as one
  types) and the intake form's person picker (POST /consultations/new/people);
- 今日やること (GET /) for the staff member and for the coordinator (fukushi-soumu-ka);
- a case page, a consultation page and a household page of the centre's;
- the bare view (bench/today_view.py).
Printed: p50 and p95 per door, the ratio of each to the bare view's, the SQL queries of one
request, and the load average before and after. The queries searched for rotate over 20 people
of the centre, the same in every run on the same database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from common import PG_HOST, PG_PORT, PG_USER, ROOT, log, pg_admin, run_leg

STAFF, COORDINATOR = "city-zaitaku-kaigo-01", "city-fukushi-soumu-ka"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, action="append", help="city size (repeatable)")
    parser.add_argument("--reuse", action="store_true", help="keep a database holding a city")
    parser.add_argument("--prefix", default="yorisoi_scale", help="database name prefix")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per door")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--leg", help=argparse.SUPPRESS)  # internal: time one database
    args = parser.parse_args()
    if args.leg:
        return one_database(args)
    results = []
    for people in args.people or [10_000]:
        name = f"{args.prefix}_{label(people)}"
        url = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
        prepare(name, url, people, reuse=args.reuse)
        load_before = os.getloadavg()
        options = ["--requests", str(args.requests), "--warmup", str(args.warmup)]
        leg = run_leg(__file__, name, url, options)
        leg["load"] = (load_before, os.getloadavg())
        leg["people_asked"] = people
        results.append(leg)
        report(leg)
    return 0


def label(people: int) -> str:
    return f"{people // 1_000_000}m" if people % 1_000_000 == 0 else f"{people // 1000}k"


def prepare(name: str, url: str, people: int, *, reuse: bool) -> None:
    """A database holding a generated city of `people`: kept with --reuse, else generated."""
    import psycopg

    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "yorisoi.settings"}

    def manage(*command):
        subprocess.run([sys.executable, "manage.py", *command], env=env, cwd=ROOT, check=True)  # noqa: S603

    if reuse:
        try:
            with psycopg.connect(url) as conn:
                held = conn.execute("SELECT count(*) FROM people_person").fetchone()[0]
        except psycopg.Error:
            held = 0
        if held:
            log(f"[{name}] reusing the city of {held:,} people; migrating")
            manage("migrate", "-v0")
            vacuum(url)
            return
    pg_admin(f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
    manage("migrate", "-v0")
    manage("load_master")
    started = time.perf_counter()
    manage("generate_city", "--people", str(people))
    log(f"[{name}] generated in {time.perf_counter() - started:.0f} s")
    vacuum(url)


def vacuum(url: str) -> None:
    """What autovacuum would have done by now on a live database: planner statistics, and the
    visibility map that lets PostgreSQL answer from an index alone."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def report(leg: dict) -> None:
    (b1, b5, b15), (a1, a5, a15) = leg["load"]
    print(
        f"\n== PostgreSQL {leg['database']}: {leg['people']:,} people, "
        f"{leg['consultations']:,} consultations; load average {b1:.2f} {b5:.2f} {b15:.2f} "
        f"before, {a1:.2f} {a5:.2f} {a15:.2f} after; {leg['requests']} requests per door"
    )
    bare = leg["timings"]["bare"]
    print(f"   {'door':34s} {'p50 ms':>8s} {'p95 ms':>8s} {'p50 ×bare':>10s} {'p95 ×bare':>10s}"
          f" {'queries':>8s}")  # fmt: skip
    for door, t in leg["timings"].items():
        print(
            f"   {door:34s} {t['p50']:8.1f} {t['p95']:8.1f} {t['p50'] / bare['p50']:10.1f}"
            f" {t['p95'] / bare['p95']:10.1f} {leg['queries'].get(door, ''):>8}"
        )
    sys.stdout.flush()


def one_database(args) -> int:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yorisoi.settings")
    os.environ.setdefault("YORISOI_MFA", "optional")  # force_login has no second factor
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from today_view import BARE_VIEW_NAME

    from yorisoi.access import routes
    from yorisoi.accounts.models import ApiToken, User
    from yorisoi.cases.models import Case
    from yorisoi.intake.models import Consultation
    from yorisoi.people.models import Household, Person

    staff = User.objects.get(username=STAFF)
    coordinator = User.objects.get(username=COORDINATOR)
    sample = list(
        Person.objects.filter(agency=staff.agency)
        .exclude(given_name="")
        .exclude(birth_date=None)
        .order_by("id")[:20]
    )
    case = Case.objects.filter(lead_agency=staff.agency).order_by("id").first()
    consultation = (
        Consultation.objects.filter(responsible_agency=staff.agency, person__isnull=False)
        .order_by("id")
        .first()
    )
    household = Household.objects.filter(agency=staff.agency).order_by("id").first()

    routes.ROUTES[BARE_VIEW_NAME] = routes.CASEWORK
    page, boss, bare = Client(), Client(), Client()
    page.force_login(staff)
    boss.force_login(coordinator)
    bare.force_login(staff)
    _, raw = ApiToken.issue(user=staff, name="bench-scale")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def kanji(i):
        return {"q": sample[i % len(sample)].family_name + sample[i % len(sample)].given_name}

    def kana(i):
        return {"q": sample[i % len(sample)].family_name_kana}

    def kana_api(i):
        return {"query": sample[i % len(sample)].family_name_kana}

    def before_create(i):
        p = sample[i % len(sample)]
        return {
            "family_name": p.family_name, "given_name": p.given_name,
            "family_name_kana": p.family_name_kana, "given_name_kana": p.given_name_kana,
            "birth_date": p.birth_date.isoformat(),
        }  # fmt: skip

    # door: (client, method, url, data(i) or None)
    doors = {
        "person search, kanji full name": (page, "post", "/people/", kanji),
        "person search, kana family name": (page, "post", "/people/", kana),
        "API person search, kana": (api, "json", "/api/v1/people/search", kana_api),
        "person list, no query": (page, "get", "/people/", None),
        "API person list": (api, "get", "/api/v1/people", None),
        "search before create (matches)": (page, "post", "/people/new/matches", before_create),
        "intake person picker": (page, "post", "/consultations/new/people", kana),
        "today (今日やること), staff": (page, "get", "/", None),
        "today (今日やること), coordinator": (boss, "get", "/", None),
        "case page": (page, "get", f"/cases/{case.pk}/", None),
        "consultation page": (page, "get", f"/consultations/{consultation.pk}/", None),
        "household page": (page, "get", f"/people/households/{household.pk}/", None),
        "bare": (bare, "get", "/bench/bare", None),
    }

    def ask(door, i):
        client, method, url, data = doors[door]
        if method == "get":
            response = client.get(url)
        elif method == "json":
            response = client.post(url, json.dumps(data(i)), content_type="application/json")
        else:
            response = client.post(url, data(i))
        if response.status_code != 200:
            raise SystemExit(f"{door}: {url} answered {response.status_code}")
        return response

    walls: dict[str, list] = {door: [] for door in doors}
    queries = {}
    with override_settings(ROOT_URLCONF="today_view"):
        for door in doors:
            ask(door, 0)
            with CaptureQueriesContext(connection) as captured:
                ask(door, 1)
            queries[door] = len(captured)
        for i in range(args.warmup):
            for door in doors:
                ask(door, i)
        for i in range(args.requests):
            for door in doors:
                started = time.perf_counter()
                ask(door, i)
                walls[door].append((time.perf_counter() - started) * 1000)
    timings = {
        door: {"p50": statistics.median(w), "p95": sorted(w)[round(0.95 * (len(w) - 1))]}
        for door, w in walls.items()
    }
    print(json.dumps({
        "database": args.leg, "people": Person.objects.count(),
        "consultations": Consultation.objects.count(), "requests": args.requests,
        "queries": queries, "timings": timings,
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
