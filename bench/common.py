"""What every benchmark here shares: the throwaway databases (a SQLite file in a temporary
folder; a PostgreSQL database created and dropped when a server answers at 127.0.0.1:5432 as
`postgres` with trust auth), one subprocess per database (Django reads DATABASE_URL once, at
setup), progress on stderr, and pinning the timed process to 2 cores."""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"


def add_database_options(parser) -> None:
    pg = parser.add_mutually_exclusive_group()
    pg.add_argument("--postgres", action="store_true", help="require the PostgreSQL leg")
    pg.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--pg-database",
        help="the PostgreSQL database to create and drop (default: the bench's own name)",
    )
    parser.add_argument("--leg", help=argparse.SUPPRESS)  # internal: run one database


def each_database(args, pg_db: str, run: Callable[[str, str], object]) -> list:
    """run(name, DATABASE_URL) for SQLite, then PostgreSQL if it answers (or --postgres)."""
    pg_db = getattr(args, "pg_database", None) or pg_db
    with tempfile.TemporaryDirectory(prefix=f"yorisoi-{pg_db}-") as tmp:
        legs = [("SQLite", f"sqlite:///{tmp}/bench.sqlite3")]
        if args.postgres or (not args.no_postgres and pg_answers()):
            legs.append(("PostgreSQL", f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{pg_db}"))
        results = []
        for name, url in legs:
            if name == "PostgreSQL":
                pg_admin(f"DROP DATABASE IF EXISTS {pg_db}", f"CREATE DATABASE {pg_db}")
            try:
                results.append(run(name, url))
            finally:
                if name == "PostgreSQL":
                    pg_admin(f"DROP DATABASE IF EXISTS {pg_db}")
    return results


def run_leg(script: str, name: str, url: str, options: list[str]):
    """Run `script --leg name options…` against `url`; the leg writes progress to stderr
    (shown as it goes) and its figures as JSON on stdout."""
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "yorisoi.settings", "DATABASE_URL": url}
    command = [sys.executable, script, "--leg", name, *options]
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, check=True)  # noqa: S603
    return json.loads(done.stdout)


def pg_answers() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


def pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    ) as conn:
        for sql in statements:
            conn.execute(sql)


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def pin_two_cores() -> int:
    """Pin this process to 2 CPU cores when the machine has more (targets say "on 2 cores")."""
    if not hasattr(os, "sched_setaffinity"):
        return os.cpu_count() or 0
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) > 2:
        os.sched_setaffinity(0, cores[:2])
    return len(os.sched_getaffinity(0))
