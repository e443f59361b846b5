"""The "my queue" page (front:queue) with 5,000 open items: median and p95, SQLite and PostgreSQL.

Run by hand (not part of the test suite): `.venv/bin/python bench/my_queue.py`.

Each database gets a throwaway copy (a SQLite file in a temporary folder; the PostgreSQL
database `yorisoi_bench_queue`, created and dropped here, when a server answers at
127.0.0.1:5432 or with --postgres), is migrated and loaded with the master data. Users: a staff
member of the home-care centre zaitaku-kaigo-01, the coordinator at fukushi-soumu-ka, a staff
member at itaku-soudan-01, and one staff member per other agency (the senders of referrals).

First 10 queue items are created for the centre and the number of SQL queries of one page is
counted; then the rest of the 5,000 items and ~20,000 rows of other agencies (noise) are
bulk-created (not through services, for speed, but in states the services produce), the
planner statistics are refreshed (ANALYZE / VACUUM ANALYZE) and the page is timed exactly as a
browser gets it: django.test.Client with force_login, GET reverse("front:queue"), through the
whole middleware stack, the audit record and the template. The query count must not change
with the number of items (constant queries).

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
from datetime import timedelta

from common import ROOT, add_database_options, each_database, log, run_leg

PG_DB = "yorisoi_bench_queue"
TARGET_P95_MS = 150.0
CENTRE, COORDINATING, OUTSIDER = "zaitaku-kaigo-01", "fukushi-soumu-ka", "itaku-soudan-01"

# The centre's 5,000 open items (distinct consultations or referrals in its queue).
CENTRE_MIX = {
    "new (outcome empty)": 1500,
    "continued, next action overdue": 1100,
    "continued, stalled > 14 days": 600,
    "continued, overdue and stalled": 200,
    "referral pending to the centre": 800,
    "referral pending from the centre": 600,  # a third past the office-day limit
    "referral declined from the centre, not acknowledged": 200,  # 30 declined twice
}
SMALL_MIX = {  # the first 10 items, one or two per section
    "new (outcome empty)": 2,
    "continued, next action overdue": 2,
    "continued, stalled > 14 days": 1,
    "continued, overdue and stalled": 0,
    "referral pending to the centre": 2,
    "referral pending from the centre": 2,
    "referral declined from the centre, not acknowledged": 1,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000, help="the centre's open items")
    parser.add_argument("--noise", type=int, default=20000, help="rows of other agencies")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per user")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="print the plan of every query")
    add_database_options(parser)
    args = parser.parse_args()
    if args.leg:
        return one_database(args)

    legs = each_database(args, PG_DB, lambda name, url: run_subprocess(args, name, url))
    results = [r for leg in legs for r in leg]
    report(results, args)
    return 0


def run_subprocess(args, name: str, url: str) -> list[dict]:
    options = ["--items", str(args.items), "--noise", str(args.noise)]
    options += ["--requests", str(args.requests), "--warmup", str(args.warmup)]
    options += ["--seed", str(args.seed), *["--explain"] * args.explain]
    return run_leg(__file__, name, url, options)


# --- one database ---------------------------------------------------------------------------


def one_database(args) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yorisoi.settings")
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from yorisoi.accounts.models import Role, User
    from yorisoi.directory import loader
    from yorisoi.directory.models import Agency

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    loader.load()
    agencies = {a.code: a for a in Agency.objects.order_by("code")}
    users = {}
    for code, agency in agencies.items():
        role = Role.COORDINATOR if code == COORDINATING else Role.STAFF
        user = User(username=f"bench-{code}", display_name=code, role=role, agency=agency)
        user.set_unusable_password()
        users[code] = user
    User.objects.bulk_create(users.values())
    users = {u.agency.code: u for u in User.objects.select_related("agency")}
    staff, coordinator = users[CENTRE], users[COORDINATING]
    if users[OUTSIDER].role != Role.STAFF:
        raise SystemExit("itaku-soudan-01 user is not staff")

    world = World(agencies, users, seed=args.seed)
    # Some people first, so that the small world's page runs the same queries as the full
    # one (the people of the shown consultations are fetched only when there are any).
    world.people(households=5, noise_households=5, seed=21)
    world.centre_items(SMALL_MIX)
    world.escalation()  # the coordinator's small world holds one consultation too
    small_counts = {
        "staff": count_queries(connection, staff),
        "coordinator": count_queries(connection, coordinator),
    }
    small_rows = {"staff": section_sizes(staff), "coordinator": section_sizes(coordinator)}
    small_timing = {
        "staff": time_page(staff, n=50, warmup=args.warmup),
        "coordinator": time_page(coordinator, n=50, warmup=args.warmup),
    }
    log(f"[{args.leg}] 10 items: queries {small_counts}")

    mix = scaled(CENTRE_MIX, args.items - sum(SMALL_MIX.values()))
    world.people(households=max(200, args.items // 6), noise_households=args.noise // 10)
    world.centre_items(mix)
    world.noise(args.noise)
    log(f"[{args.leg}] loaded in {time.perf_counter() - started:.0f} s")

    if connection.vendor == "sqlite":
        execute(connection, "ANALYZE")
        setup = "SQLite after ANALYZE"
    else:
        execute(connection, "VACUUM ANALYZE")
        setup = "PostgreSQL after VACUUM ANALYZE"

    from yorisoi.intake.models import Consultation, Referral

    result = {
        "setup": setup,
        "version": db_version(connection),
        "consultations": Consultation.objects.count(),
        "referrals": Referral.objects.count(),
        "users": {},
    }
    for label, user in (("staff", staff), ("coordinator", coordinator)):
        queries = count_queries(connection, user, explain=args.explain, label=f"{setup} · {label}")
        sql_ms = sql_time(connection, user)
        timing = time_page(user, n=args.requests, warmup=args.warmup)
        result["users"][label] = {
            "queries_small": small_counts[label],
            "queries_large": queries,
            "sections_small": small_rows[label],
            "sections_large": section_sizes(user),
            "small": small_timing[label],
            "timing": timing,
            "sql_ms": sql_ms,
        }
        log(f"[{args.leg}] {label}: {timing['median']:.0f} ms median, p95 {timing['p95']:.0f} ms")
    result["load"] = os.getloadavg()[0]
    print(json.dumps([result]))
    return 0


def scaled(mix: dict, total: int) -> dict:
    full = sum(mix.values())
    out = {k: round(v * total / full) for k, v in mix.items()}
    out["new (outcome empty)"] += total - sum(out.values())
    return out


class World:
    """Bulk-creates consultations and referrals in the states the services leave them in."""

    def __init__(self, agencies, users, *, seed):
        from django.utils import timezone

        self.rng = random.Random(seed)
        self.agencies = agencies
        self.users = users
        self.centre = agencies[CENTRE]
        self.coordinating = agencies[COORDINATING]
        self.others = [a for c, a in agencies.items() if c not in (CENTRE, COORDINATING)]
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.persons: dict[int, list] = {}
        self.serial = 0

    def people(self, *, households, noise_households, seed=11):
        from yorisoi.people import demo
        from yorisoi.people.models import Person

        demo.generate_population(households=households, seed=seed, agencies=[self.centre])
        demo.generate_population(households=noise_households, seed=seed + 1)
        self.persons = {}
        for agency_id, pk in Person.objects.values_list("agency_id", "pk"):
            self.persons.setdefault(agency_id, []).append(pk)

    # -- building blocks --

    def days_ago(self, lo, hi):
        return self.now - timedelta(days=self.rng.uniform(lo, hi))

    def consultation(self, agency, **fields):
        from yorisoi.intake.models import Channel, Consultation, ConsulterType, Urgency

        rng = self.rng
        self.serial += 1
        received = fields.pop("received_at", None) or self.days_ago(0, 30)
        persons = self.persons.get(agency.pk)
        person_id = rng.choice(persons) if persons and rng.random() < 0.7 else None
        values = {
            "received_at": received,
            "created_at": received,
            "receiving_agency": agency,
            "responsible_agency": agency,
            "channel": rng.choice(Channel.values),
            "consulter_type": rng.choice(ConsulterType.values),
            "person_id": person_id,
            "subject_note": "" if person_id else f"富洲原地区の高齢の方（番号 {self.serial}）",
            "summary": f"生活のことで相談。家族の介護と家計の不安がある。（{self.serial}）",
            "urgency": rng.choices(Urgency.values, [1, 3, 16])[0],
            "next_action_on": self.today + timedelta(days=rng.randint(0, 14)),
            "last_activity_at": received,
            "created_by": self.users[agency.code],
        }
        values.update(fields)
        return Consultation(**values)

    def continued(self, agency, *, overdue=False, stalled=False, **fields):
        received = self.days_ago(130, 200) if stalled else self.days_ago(15, 120)
        decided = received + timedelta(days=self.rng.uniform(0, 3))
        last = self.days_ago(15, 120) if stalled else self.days_ago(0, 13)
        next_on = (
            self.today - timedelta(days=self.rng.randint(1, 60))
            if overdue
            else self.today + timedelta(days=self.rng.randint(0, 30))
        )
        return self.consultation(
            agency,
            received_at=received,
            outcome="continued",
            outcome_at=decided,
            outcome_by=self.users[agency.code],
            outcome_note="月1回の訪問で様子を見る。",
            next_action_on=next_on,
            last_activity_at=max(last, decided),
            **fields,
        )

    def referral(self, consultation, to_agency, *, status, sent_at, kind="referral", **fields):
        from yorisoi.intake.models import Referral

        sender = consultation.responsible_agency
        values = {
            "consultation": consultation,
            "kind": kind,
            "from_agency": sender,
            "to_agency": to_agency,
            "reason": "障害福祉サービスの利用について専門の相談が必要。",
            "told_to_person": "相談支援事業所から連絡があることを伝えた。",
            "status": status,
            "sent_at": sent_at,
            "sent_by": self.users[sender.code],
        }
        if status != "pending":
            values["answered_at"] = sent_at + timedelta(hours=self.rng.uniform(1, 48))
            values["answered_by"] = self.users[to_agency.code]
        if status == "declined":
            values["decline_reason"] = "対象年齢外のため当機関では受けられない。"
        values.update(fields)
        return Referral(**values)

    def other(self, *exclude):
        return self.rng.choice([a for a in self.others if a not in exclude])

    def save(self, consultations, referrals):
        from yorisoi.intake.models import Consultation, Referral

        Consultation.objects.bulk_create(consultations, batch_size=500)
        Referral.objects.bulk_create(referrals, batch_size=500)

    # -- the centre's queue --

    def centre_items(self, mix: dict):
        z, rng = self.centre, self.rng
        cons, refs = [], []
        cons += [self.consultation(z) for _ in range(mix["new (outcome empty)"])]
        cons += [
            self.continued(z, overdue=True) for _ in range(mix["continued, next action overdue"])
        ]
        cons += [
            self.continued(z, stalled=True) for _ in range(mix["continued, stalled > 14 days"])
        ]
        cons += [
            self.continued(z, overdue=True, stalled=True)
            for _ in range(mix["continued, overdue and stalled"])
        ]
        for _ in range(mix["referral pending to the centre"]):
            sender = self.other()
            sent = self.days_ago(0, 10)
            c = self.consultation(
                sender, received_at=sent - timedelta(days=1), last_activity_at=sent
            )
            cons.append(c)
            kind = "transfer" if rng.random() < 0.3 else "referral"
            refs.append(self.referral(c, z, status="pending", sent_at=sent, kind=kind))
        n = mix["referral pending from the centre"]
        for i in range(n):
            sent = self.days_ago(7, 30) if i < n // 3 else self.days_ago(0, 1)
            c = self.consultation(z, received_at=sent - timedelta(days=1), last_activity_at=sent)
            cons.append(c)
            refs.append(self.referral(c, self.other(), status="pending", sent_at=sent))
        for i in range(mix["referral declined from the centre, not acknowledged"]):
            sent = self.days_ago(2, 20)
            c = self.consultation(z, received_at=sent - timedelta(days=1))
            cons.append(c)
            first = self.referral(c, self.other(), status="declined", sent_at=sent)
            if i < 30 * mix["referral declined from the centre, not acknowledged"] // 200:
                # declined twice: たらいまわし (pass-around) for the coordinator
                earlier = self.referral(
                    c,
                    self.other(first.to_agency),
                    status="declined",
                    sent_at=sent - timedelta(days=3),
                    sender_acknowledged_at=sent - timedelta(days=2),
                )
                refs.append(earlier)
            refs.append(first)
            c.last_activity_at = first.answered_at
        self.save(cons, refs)

    def escalation(self):
        """One consultation escalated to the coordinating division, about a known person."""
        a = self.other()
        received = self.days_ago(1, 5)
        person_id = next(pk for pks in self.persons.values() for pk in pks)
        c = self.consultation(
            a,
            received_at=received,
            responsible_agency=self.coordinating,
            outcome="escalated",
            outcome_at=received + timedelta(hours=3),
            outcome_by=self.users[a.code],
            person_id=person_id,
            subject_note="",
        )
        self.save([c], [])

    # -- other agencies --

    def noise(self, total: int):
        rng = self.rng
        shares = {"closed": 0.55, "open": 0.25, "accepted": 0.125, "pending": 0.04,
                  "declined": 0.02, "escalated": 0.015}  # fmt: skip
        n = {k: round(v * total) for k, v in shares.items()}
        cons, refs = [], []
        for _ in range(n["closed"]):
            a = self.other()
            received = self.days_ago(30, 720)
            closed = received + timedelta(days=rng.uniform(0, 60))
            cons.append(
                self.consultation(
                    a,
                    received_at=received,
                    outcome="resolved",
                    outcome_at=closed,
                    outcome_by=self.users[a.code],
                    closed_at=closed,
                    last_activity_at=closed,
                    next_action_on=closed.date(),
                )
            )
        for i in range(n["open"]):
            a = self.other()
            cons.append(self.consultation(a) if i % 3 == 0 else self.continued(
                a, overdue=i % 5 == 1, stalled=i % 7 == 2))  # fmt: skip
        for _ in range(n["accepted"]):
            c = self.continued(self.other())
            cons.append(c)
            sent = c.received_at + timedelta(hours=2)
            refs.append(self.referral(c, self.other(c.responsible_agency), status="accepted",
                                      sent_at=sent))  # fmt: skip
        for i in range(n["pending"]):
            sent = self.days_ago(7, 40) if i % 3 == 0 else self.days_ago(0, 1)
            c = self.consultation(self.other(), received_at=sent - timedelta(days=1))
            cons.append(c)
            refs.append(self.referral(c, self.other(c.responsible_agency), status="pending",
                                      sent_at=sent))  # fmt: skip
        for i in range(n["declined"]):
            sent = self.days_ago(3, 90)
            c = self.consultation(self.other(), received_at=sent - timedelta(days=1))
            cons.append(c)
            acked = sent + timedelta(days=3) if i % 4 else None  # 1 in 4 still unacknowledged
            refs.append(self.referral(c, self.other(c.responsible_agency), status="declined",
                                      sent_at=sent, sender_acknowledged_at=acked,
                                      coordinator_acknowledged_at=acked))  # fmt: skip
        f = self.coordinating
        for _ in range(n["escalated"]):
            a = self.other()
            received = self.days_ago(1, 60)
            cons.append(
                self.consultation(
                    a,
                    received_at=received,
                    responsible_agency=f,
                    outcome="escalated",
                    outcome_at=received + timedelta(hours=3),
                    outcome_by=self.users[a.code],
                    next_action_on=self.today - timedelta(days=rng.randint(0, 10)),
                )
            )
        self.save(cons, refs)


# --- measuring --------------------------------------------------------------------------------


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def get_page(client):
    from django.urls import reverse

    response = client.get(reverse("front:queue"))
    if response.status_code != 200:
        raise SystemExit(f"queue answered {response.status_code}")
    return response


def count_queries(connection, user, *, explain=False, label="") -> int:
    from django.test.utils import CaptureQueriesContext

    client = client_for(user)
    get_page(client)  # the session row exists; later pages are alike
    with CaptureQueriesContext(connection) as ctx:
        get_page(client)
    if explain:
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
        for captured in ctx.captured_queries:
            sql = captured["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                log(f"--- {label}: {captured['time']}s {sql[:70]}…")
                continue
            try:
                with connection.cursor() as cursor:
                    cursor.execute(prefix + sql)
                    plan = "\n".join("    " + " ".join(map(str, r)) for r in cursor.fetchall())
            except Exception as exc:
                plan = f"    (no plan: {exc})"
            log(f"--- {label}: {captured['time']}s {sql[:300]}…\n{plan}")
    return len(ctx.captured_queries)


def sql_time(connection, user) -> dict:
    """One instrumented request: the SQL's share of the page (median of 5)."""
    from django.test.utils import CaptureQueriesContext

    client = client_for(user)
    get_page(client)
    walls, sqls = [], []
    for _ in range(5):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = get_page(client)
            walls.append((time.perf_counter() - started) * 1000)
        sqls.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    return {
        "wall": statistics.median(walls),
        "sql": statistics.median(sqls),
        "html_kb": len(response.content) / 1024,
    }


def section_sizes(user) -> dict:
    from yorisoi.intake import queues

    return {k: qs.count() for k, qs in queues.agency_queue(user=user).sections().items()}


def time_page(user, *, n: int, warmup: int) -> dict:
    client = client_for(user)
    for _ in range(warmup):
        get_page(client)
    wall, cpu = [], []
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.thread_time()
        get_page(client)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    return {
        "n": n,
        "median": statistics.median(wall),
        "p95": percentile(wall, 95),
        "max": max(wall),
        "cpu_p95": percentile(cpu, 95),
    }


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def execute(connection, sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def db_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


# --- the report ------------------------------------------------------------------------------


def report(results: list[dict], args) -> None:
    import django

    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    versions = sorted({r["version"] for r in results})
    print()
    print(f"my_queue: GET front:queue through django.test.Client, {args.items:,} open items")
    print(
        f"machine: {platform.machine()}, {cores} cores ({usable} usable) · Python "
        f"{platform.python_version()} · Django {django.get_version()} · " + " · ".join(versions)
    )
    print(f"target: p95 < {TARGET_P95_MS:.0f} ms on 2 cores; queries per page constant.")
    for r in results:
        print()
        print(
            f"{r['setup']} — {r['consultations']:,} consultations, {r['referrals']:,} "
            f"referrals; load average {r['load']:.1f}"
        )
        print(
            f"  {'user':<12} {'items':>6} {'queries':>7} {'n':>4} {'median':>9} {'p95':>9} "
            f"{'max':>9} {'cpu p95':>9} {'SQL':>8} {'HTML':>8}"
        )
        for label, u in r["users"].items():
            s, t, q = u["small"], u["timing"], u["sql_ms"]
            print(
                f"  {label:<12} {sum(u['sections_small'].values()):>6} {u['queries_small']:>7} "
                f"{s['n']:>4} {s['median']:>6.1f} ms {s['p95']:>6.1f} ms {s['max']:>6.1f} ms "
                f"{s['cpu_p95']:>6.1f} ms"
            )
            flag = "" if t["p95"] < TARGET_P95_MS else "  ← over target"
            print(
                f"  {label:<12} {sum(u['sections_large'].values()):>6} {u['queries_large']:>7} "
                f"{t['n']:>4} {t['median']:>6.1f} ms {t['p95']:>6.1f} ms {t['max']:>6.1f} ms "
                f"{t['cpu_p95']:>6.1f} ms {q['sql']:>5.0f} ms {q['html_kb']:>5.0f} kB{flag}"
            )
            if u["queries_small"] != u["queries_large"]:
                print("  ← query count grows with the items")
            sizes = ", ".join(f"{k} {v}" for k, v in u["sections_large"].items())
            print(f"    items waiting per section: {sizes}")
    print()
    print("items = items waiting in the user's sections (one in two sections counts twice); the")
    print("overview renders at most views.QUEUE_SECTION_LIMIT of each. First line per user: the")
    print("10-item world (50 requests), second: the full one. SQL = summed query time of one")
    print("instrumented page (median of 5); HTML = size of the page.")


if __name__ == "__main__":
    sys.exit(main())
