"""Backup and restore of a whole yorisoi: the database and the uploaded files (issue 13, item 7).

A backup is one directory:

    manifest.json      engine, Django migration state (latest per app), rows per table, and the
                       SHA-256 of every other file in the directory
    database.sqlite3   SQLite: a snapshot by SQLite's online backup API (consistent while the
                       app keeps running)
    database.dump      PostgreSQL: pg_dump's custom format (-Fc), read by pg_restore
    media/…            the files under MEDIA_ROOT, when there is one

It is written to DIR.partial and renamed to DIR when complete, so a DIR that exists is whole.
Everything in it is personal data: directories 0700, files 0600, and nothing about its
content (names, values, the database password) is printed, logged or audited; counts only.

Restore checks before it touches anything: every hash matches and no file was added, the
engine is the target's, the backup's migrations are all known to this code, and the target
database (and MEDIA_ROOT) are empty unless `force`. It then loads the backup, checks the row
counts, brings the schema up to the code with `migrate` (a backup from older code), and
writes its audit event.
"""

import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import django
import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from yorisoi.audit.log import record

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why (no personal data)."""


@dataclass(frozen=True)
class Summary:
    """What a backup holds, or what a restore loaded: for the operator's screen and the audit."""

    engine: str
    tables: int
    rows: int
    files: int
    bytes: int
    migrations_applied: int = 0

    def as_audit_data(self) -> dict:
        return {
            "engine": self.engine,
            "tables": self.tables,
            "rows": self.rows,
            "files": self.files,
            "bytes": self.bytes,
        }


# ---------------------------------------------------------------------------------------------
# Backup


def backup_create(*, directory: Path, using: str = "default") -> Summary:
    """Write a backup of database `using` and of MEDIA_ROOT to `directory` (which must not exist)."""
    directory = Path(directory).absolute()
    partial = directory.with_name(directory.name + ".partial")
    if directory.exists():
        raise BackupError(f"バックアップ先が既にあります: {directory}")
    if partial.exists():
        raise BackupError(
            f"書きかけのバックアップが残っています（別のバックアップが実行中か、中断の跡）: {partial}"
        )
    if not directory.parent.is_dir():
        raise BackupError(f"バックアップ先の親フォルダがありません: {directory.parent}")
    connection = connections[using]
    engine = _engine(connection)
    _refuse_open_transaction(connection)
    old_umask = os.umask(0o077)  # what pg_dump and sqlite write is private from the first byte
    try:
        partial.mkdir(mode=0o700)
        try:
            state = _DUMP[engine](connection, partial / DATABASE_FILE[engine])
            media = _media_root()
            if media is not None and media.is_dir():
                _copy_tree(media, partial / MEDIA)
            files = _hash_tree(partial)
            manifest = {
                "format": FORMAT,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "engine": engine,
                "django": django.get_version(),
                "migrations": state.migrations,
                "tables": state.tables,
                "media": (partial / MEDIA).is_dir(),
                "files": files,
            }
            _write_private(partial / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
            _fsync_dir(partial)
            partial.rename(directory)
            _fsync_dir(directory.parent)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    finally:
        os.umask(old_umask)
    summary = _summary(manifest, directory)
    with transaction.atomic():
        record("operations.backup", actor=None, data=summary.as_audit_data())
    return summary


@dataclass(frozen=True)
class _State:
    migrations: dict  # app label → latest applied migration name
    tables: dict  # table name → rows


def _dump_sqlite(connection, target: Path) -> _State:
    # The online backup API copies a consistent snapshot page by page while others write.
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # The live database runs in WAL mode; a backup file must stand alone (no -wal/-shm
        # beside it, nothing written when it is opened to be checked or restored).
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    os.chmod(target, 0o600)
    snapshot = _open_sqlite_read_only(target)
    try:
        return _state(snapshot.cursor(), _sqlite_tables(snapshot), quote=_quote_sqlite)
    finally:
        snapshot.close()


def _dump_postgresql(connection, target: Path) -> _State:
    # One snapshot for the counts and for pg_dump (--snapshot), so that the manifest describes
    # exactly the rows in the dump even while the app keeps writing.
    raw = psycopg.connect(**connection.get_connection_params())
    try:
        raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        raw.read_only = True
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            state = _state(cursor, _postgresql_tables(cursor), quote=_quote_postgresql)
        _run(
            [_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"],
            connection.settings_dict,
        )
        raw.rollback()
    finally:
        raw.close()
    os.chmod(target, 0o600)
    return state


_DUMP = {"sqlite": _dump_sqlite, "postgresql": _dump_postgresql}


def _state(cursor, tables: list[str], *, quote) -> _State:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - quoted identifier
        counts[table] = cursor.fetchone()[0]
    latest: dict[str, str] = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations")
        for app, name in cursor.fetchall():
            latest[app] = max(latest.get(app, name), name)
    return _State(migrations=dict(sorted(latest.items())), tables=counts)


# ---------------------------------------------------------------------------------------------
# Restore


def backup_restore(*, directory: Path, using: str = "default", force: bool = False) -> Summary:
    """Load the backup in `directory` into database `using` (empty unless `force`) and into
    MEDIA_ROOT, then migrate it up to this code."""
    directory = Path(directory).absolute()
    manifest = backup_verify(directory=directory)
    connection = connections[using]
    engine = _engine(connection)
    if manifest["engine"] != engine:
        raise BackupError(
            f"バックアップは {manifest['engine']} のもので、復元先は {engine} です。"
            "同じ種類のデータベースにしか復元できません。"
        )
    _refuse_newer_migrations(manifest["migrations"])
    _refuse_open_transaction(connection)
    if connection.introspection.table_names() and not force:
        raise BackupError(
            "復元先のデータベースが空ではありません。上書きしてよいときだけ --force を付けてください。"
        )
    media = _media_root()
    if manifest["media"]:
        if media is None:
            raise BackupError(
                "バックアップにはアップロードされたファイルがありますが、MEDIA_ROOT が未設定です。"
            )
        if media.is_dir() and any(media.iterdir()) and not force:
            raise BackupError(
                f"MEDIA_ROOT（{media}）が空ではありません。上書きしてよいときだけ --force を付けてください。"
            )

    _LOAD[engine](connection, directory / DATABASE_FILE[engine], force=force)
    if manifest["media"]:
        _replace_tree(directory / MEDIA, media)

    connection.close()  # the schema was replaced under it
    with connection.cursor() as cursor:
        found = _state(cursor, list(manifest["tables"]), quote=connection.ops.quote_name).tables
    if found != manifest["tables"]:
        differing = sorted(t for t in manifest["tables"] if found.get(t) != manifest["tables"][t])
        raise BackupError(f"復元後の件数がマニフェストと合いません: {', '.join(differing)}")

    applied = _migrate(using)
    summary = _summary(manifest, directory, migrations_applied=applied)
    with transaction.atomic():
        record(
            "operations.restore",
            actor=None,
            data={**summary.as_audit_data(), "forced": force, "migrated": applied},
        )
    return summary


def backup_verify(*, directory: Path) -> dict:
    """The manifest of the backup in `directory`, once every file has been checked against it."""
    directory = Path(directory).absolute()
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(
            f"{directory} に {MANIFEST} がありません（バックアップではないか、書きかけ）。"
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{MANIFEST} を読めません。") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"この版では読めない形式のバックアップです（format {manifest.get('format')}）。"
        )
    expected = manifest["files"]
    found = _hash_tree(directory, skip={MANIFEST})
    if found.keys() != expected.keys():
        extra = sorted(found.keys() - expected.keys())
        missing = sorted(expected.keys() - found.keys())
        raise BackupError(f"ファイルがマニフェストと合いません（余分: {extra}、欠落: {missing}）。")
    damaged = sorted(path for path, digest in expected.items() if found[path] != digest)
    if damaged:
        raise BackupError(
            f"ハッシュが合いません（壊れているか改変されています）: {', '.join(damaged)}"
        )
    return manifest


def _refuse_newer_migrations(latest: dict) -> None:
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = sorted(f"{app}.{name}" for app, name in latest.items() if (app, name) not in known)
    if unknown:
        raise BackupError(
            "バックアップはこのコードより新しいマイグレーションの状態です"
            f"（このコードにないもの: {', '.join(unknown)}）。新しい版のコードで復元してください。"
        )


def _load_sqlite(connection, source: Path, *, force: bool) -> None:
    # The backup API replaces every page of the target: tables, indexes, triggers, sequences.
    connection.close()
    connection.ensure_connection()
    backup = _open_sqlite_read_only(source)
    try:
        backup.backup(connection.connection)
    finally:
        backup.close()


def _load_postgresql(connection, source: Path, *, force: bool) -> None:
    if force:
        # Objects the dump does not hold (tables of newer migrations, trigger functions) would
        # make pg_restore fail or leave a schema migrate cannot follow: start from nothing.
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = connection.ops.quote_name(cursor.fetchone()[0])
            cursor.execute(f"DROP SCHEMA {schema} CASCADE")
            cursor.execute(f"CREATE SCHEMA {schema}")
    connection.close()
    # Owners and grants of the source cluster may not exist here; the restoring role owns all.
    _run(
        [_tool("pg_restore"), "--no-owner", "--no-acl", "--single-transaction",
         "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}", str(source)],
        connection.settings_dict,
    )  # fmt: skip


_LOAD = {"sqlite": _load_sqlite, "postgresql": _load_postgresql}


def _migrate(using: str) -> int:
    connection = connections[using]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", database=using, interactive=False, verbosity=0)
    return len(plan)


# ---------------------------------------------------------------------------------------------
# Files


def _media_root() -> Path | None:
    # Django's default MEDIA_ROOT is "" (meaning the working directory): treat it as "none".
    root = getattr(settings, "MEDIA_ROOT", "")
    return Path(root).absolute() if root else None


def _copy_tree(source: Path, target: Path) -> None:
    target.mkdir(mode=0o700)
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_symlink():
            continue  # a link could point at anything on the host; uploads are never links
        if path.is_dir():
            (target / relative).mkdir(mode=0o700)
        elif path.is_file():
            with path.open("rb") as reader:
                _write_private(target / relative, reader)


def _replace_tree(source: Path, target: Path) -> None:
    """Put a copy of `source` where `target` is, whole or not at all."""
    fresh = target.with_name(target.name + ".restoring")
    old = target.with_name(target.name + ".replaced")
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy_tree(source, fresh)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _write_private(path: Path, content) -> None:
    """Write a file only its owner can read; `content` is text or a binary file to copy."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        if isinstance(content, str):
            out.write(content.encode("utf-8"))
        else:
            shutil.copyfileobj(content, out, CHUNK)
        out.flush()
        os.fsync(out.fileno())


def _hash_tree(root: Path, *, skip: set = frozenset()) -> dict:
    hashes = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative in skip or path.is_dir():
            continue
        if path.is_symlink() or not path.is_file():
            raise BackupError(f"バックアップに通常のファイルでないものがあります: {relative}")
        digest = hashlib.sha256()
        with path.open("rb") as reader:
            while block := reader.read(CHUNK):
                digest.update(block)
        hashes[relative] = digest.hexdigest()
    return hashes


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _summary(manifest: dict, directory: Path, *, migrations_applied: int = 0) -> Summary:
    return Summary(
        engine=manifest["engine"],
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=len(manifest["files"]),
        bytes=sum((directory / name).stat().st_size for name in manifest["files"]),
        migrations_applied=migrations_applied,
    )


# ---------------------------------------------------------------------------------------------
# Engines


def _engine(connection) -> str:
    if connection.vendor not in DATABASE_FILE:
        raise BackupError(
            f"このデータベース（{connection.vendor}）のバックアップには対応していません。"
        )
    return connection.vendor


def _refuse_open_transaction(connection) -> None:
    # pg_dump would not see what this transaction wrote, and SQLite's backup API waits forever
    # for the write lock this connection itself holds.
    if connection.in_atomic_block:
        raise BackupError("トランザクションの中ではバックアップも復元もできません。")


def _open_sqlite_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def _sqlite_tables(snapshot: sqlite3.Connection) -> list[str]:
    rows = snapshot.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [name for (name,) in rows]


def _postgresql_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [name for (name,) in cursor.fetchall()]


def _quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_quote_postgresql = _quote_sqlite  # both follow the SQL standard for quoted identifiers


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} が見つかりません（PostgreSQL のクライアント postgresql-client が必要です）。"
        )
    return path


def _run(argv: list[str], settings_dict: dict) -> None:
    """Run pg_dump/pg_restore against the database of `settings_dict`. The connection, and the
    password above all, goes through the environment: argv is visible to every local user."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):  # fmt: skip
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for variable, key in (("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert")):
        if options.get(key):
            env[variable] = str(options[key])
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            f"{Path(argv[0]).name} が失敗しました（終了コード {result.returncode}）: "
            + _without_values(result.stderr)
        )


def _without_values(stderr: str) -> str:
    """The error lines of pg_dump/pg_restore with every quoted or bracketed value cut out: their
    DETAIL and CONTEXT lines, and the values in messages, can quote the rows (personal data)."""
    lines = [
        line
        for line in stderr.splitlines()
        if "error" in line.lower() and not re.search(r"\b(DETAIL|CONTEXT|LINE \d+):", line)
    ]
    text = " / ".join(lines[:3]) or "（詳細なし）"
    text = re.sub(r'"[^"]*"', '"…"', text)
    text = re.sub(r"'[^']*'", "'…'", text)
    return re.sub(r"\([^)]*\)=\([^)]*\)", "(…)=(…)", text)
