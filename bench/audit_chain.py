"""The audit chain (audit/chain.py): the cost of one audit write, and `audit_verify` over 100,000
events, on SQLite and PostgreSQL.

Run by hand (not part of the test suite): `.venv/bin/python bench/audit_chain.py`.

Each database gets a throwaway copy (bench/common.py: a SQLite file in a temporary folder, the
PostgreSQL database `yorisoi_bench_audit`), or `--url URL` names one empty database to use
instead. Per write: the SQL statements of one `record()` inside a transaction and on its own
(autocommit, as a view's read is recorded), and the mean time of --writes appends each in its
own transaction, beside a bare INSERT of the same row (what a write cost before the chain).
Then the trail is filled to --events with chained rows (bulk inserts, hashed here as record()
hashes them) and `manage.py audit_verify` is timed over all of them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

from common import ROOT, add_database_options, each_database, log, pin_two_cores, run_leg

PG_DB = "yorisoi_bench_audit"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--writes", type=int, default=2000, help="timed appends")
    parser.add_argument("--url", help="one empty database to use (DATABASE_URL form)")
    add_database_options(parser)
    args = parser.parse_args()
    if args.leg:
        return one_database(args)
    options = ["--events", str(args.events), "--writes", str(args.writes)]
    if args.url:
        legs = [run_leg(__file__, args.url.split(":")[0], args.url, options)]
    else:
        legs = each_database(args, PG_DB, lambda name, url: run_leg(__file__, name, url, options))
    print(f"{platform.python_version()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    for leg in legs:
        print(json.dumps(leg, ensure_ascii=False))
    return 0


def one_database(args) -> int:
    pin_two_cores()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yorisoi.settings")
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from yorisoi.audit import chain
    from yorisoi.audit.log import record
    from yorisoi.audit.migrations import _append_only as append_only
    from yorisoi.audit.models import AuditEvent

    call_command("migrate", verbosity=0)
    if AuditEvent.objects.exists():
        raise SystemExit("the audit trail of this database is not empty")
    figures = {"database": args.leg, "events": args.events}

    record("bench.warmup", actor=None)
    with CaptureQueriesContext(connection) as alone:
        record("bench.write", actor=None, ids=[1, 2, 3])
    with transaction.atomic(), CaptureQueriesContext(connection) as inside:
        record("bench.write", actor=None, ids=[1, 2, 3])
    figures["statements per write, on its own"] = [q["sql"][:40] for q in alone.captured_queries]
    figures["statements per write, in a transaction"] = len(inside.captured_queries)

    started = time.perf_counter()
    for _ in range(args.writes):
        record("bench.write", actor=None, ids=[1, 2, 3])
    figures["chained write, mean µs"] = round((time.perf_counter() - started) / args.writes * 1e6)
    seq, previous = chain.head()
    started = time.perf_counter()
    for n in range(args.writes):  # the same row, without the lock and the read of the head
        bare = AuditEvent(action="bench.bare", seq=seq + 1 + n, hash="0" * 64, data={"count": 3})
        bare.save()
    figures["bare INSERT, mean µs"] = round((time.perf_counter() - started) / args.writes * 1e6)
    with connection.schema_editor() as editor:  # the bare rows are not chained: take them out
        append_only.lift(None, editor)
        editor.execute("DELETE FROM audit_auditevent WHERE action = 'bench.bare'")
        append_only.restore(None, editor)

    log(f"{args.leg}: filling the trail to {args.events} events")
    rows, at = [], timezone.now()
    start = seq + 1
    for n in range(start, start + args.events):
        event = AuditEvent(
            seq=n,
            at=at,
            action="person.viewed",
            target_type="person",
            target_id=str(n),
            basis="own_agency",
            channel="web",
            ip_address="192.0.2.1",
            data={"ids": [str(n)], "count": 1},
        )
        previous = event.hash = chain.event_hash(previous, vars(event))
        rows.append(event)
        if len(rows) == 5000:
            AuditEvent.objects.bulk_create(rows)
            rows = []
    AuditEvent.objects.bulk_create(rows)

    started = time.perf_counter()
    verdict = chain.chain_verify()
    figures["audit_verify s"] = round(time.perf_counter() - started, 2)
    figures["verified events"] = verdict.count
    figures["broken at"] = str(verdict.broken)
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
