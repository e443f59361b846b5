"""Backup and restore (issue 13, item 7) on whichever engine the suite runs on.

A restore goes into a database of its own, created empty by the `empty_database` fixture: a
second SQLite file, or a fresh PostgreSQL database beside the test database. A backup reads
committed data only (pg_dump is another process; SQLite's backup waits for the test's write
lock), so the tests that back up are transactional: few of them, each flush costs seconds.
"""

import json
import os
import shutil
import stat
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections, transaction

from yorisoi.audit.models import AuditEvent
from yorisoi.cases.models import Consent
from yorisoi.cases.services import consent_record
from yorisoi.cases.tests.world import open_case
from yorisoi.operations.backup import BackupError, backup_create, backup_restore
from yorisoi.people.models import Person
from yorisoi.testing import PersonFactory

# A tiny PNG stands for the scan of a signed consent form (fictional, like everything here).
SCAN = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def empty_database(transactional_db, tmp_path):
    """The alias of a new, empty database of the suite's engine, dropped afterwards."""
    default = connections["default"]
    alias = "restored"
    if default.vendor == "postgresql":
        name = f"{default.settings_dict['NAME']}_restored_{os.getpid()}"
        with default._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "restored.sqlite3")
    # Registered as a connection, not in settings.DATABASES: Django's test case then treats it
    # as created by the test (allowed) rather than as another database it would have to flush.
    restored = default.__class__({**default.settings_dict, "NAME": name}, alias)
    connections[alias] = restored
    yield alias
    restored.close()
    del connections[alias]
    if default.vendor == "postgresql":
        with default._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def world(master, hana, ichiro, settings, tmp_path):
    """People, a household's case with a scanned consent form, and one uploaded file."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    PersonFactory.create_batch(30, agency=hana.agency)
    case = open_case(hana, ichiro)
    father = case.subjects.order_by("pk").first().person
    consent_record(actor=ichiro, case=case, person=father, method="written",
                   given_on=date(2025, 4, 1), scan=SCAN, scan_name="同意書.png",
                   scan_type="image/png")  # fmt: skip
    default_storage.save("reports/2025/monthly.pdf", ContentFile(b"%PDF-1.7 fictional report"))
    return case


def every_row(alias) -> dict:
    """Each table's rows in a stable order; compared whole, value by value."""
    connection = connections[alias]
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            tables[table] = sorted((tuple(bytes(v) if isinstance(v, memoryview) else v
                                          for v in row) for row in cursor.fetchall()),
                                   key=repr)  # fmt: skip
    return tables


def every_file(root) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.django_db(transaction=True)
def test_backup_is_private_and_restores_every_row_and_file_into_an_empty_database(
    world, empty_database, settings, tmp_path
):
    before = every_row("default")
    files_before = every_file(tmp_path / "media")
    assert before["cases_consent"] and before["people_person"] and files_before

    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    assert not (tmp_path / "backup.partial").exists()
    for path in [backup, *backup.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["engine"] == connections["default"].vendor
    assert manifest["tables"] == {table: len(rows) for table, rows in before.items()}
    assert manifest["migrations"]["people"].startswith("0")
    assert set(manifest["files"]) == {
        p.relative_to(backup).as_posix()
        for p in backup.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }

    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    summary = backup_restore(directory=backup, using=empty_database)

    assert every_row(empty_database) == before
    assert every_file(tmp_path / "restored-media") == files_before
    assert summary.migrations_applied == 0
    # Then `migrate` (nothing left to do) and the app works on the restored database: the
    # ORM reads it, the scan is intact, and the audit trail is append-only there too.
    call_command("migrate", database=empty_database, verbosity=0)
    assert Person.objects.using(empty_database).count() == Person.objects.count()
    assert Consent.objects.using(empty_database).get().scan == SCAN
    with pytest.raises(DatabaseError), transaction.atomic(using=empty_database):
        with connections[empty_database].cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
    # One audit event each (written to the default database), counts only.
    events = list(
        AuditEvent.objects.filter(action__startswith="operations.")
        .order_by("id")
        .values_list("action", "actor", "data")
    )
    assert [(action, actor) for action, actor, _ in events] == [
        ("operations.backup", None),
        ("operations.restore", None),
    ]
    assert set(events[0][2]) == {"engine", "tables", "rows", "files", "bytes"}
    assert "同意書" not in json.dumps([data for *_, data in events], ensure_ascii=False)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    world, hana, empty_database, settings, tmp_path
):
    before = every_row("default")
    backup_create(directory=tmp_path / "backup")
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    backup_restore(directory=tmp_path / "backup", using=empty_database)
    someone_new = PersonFactory.build(agency=hana.agency)  # entered on the restored database
    someone_new.refresh_search_keys()
    someone_new.save(using=empty_database)

    with pytest.raises(BackupError, match="空ではありません"):
        backup_restore(directory=tmp_path / "backup", using=empty_database)
    with pytest.raises(CommandError, match="空ではありません"):  # the test's own database
        call_command("restore", str(tmp_path / "backup"))

    backup_restore(directory=tmp_path / "backup", using=empty_database, force=True)
    assert every_row(empty_database) == before  # the person entered since is gone


def _copy(backup, name):
    copy = backup.with_name(name)
    shutil.copytree(backup, copy)
    return copy


def _flip_one_byte(path):
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01
    path.write_bytes(bytes(content))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup_or_one_from_newer_code(world, empty_database, tmp_path):
    backup = tmp_path / "backup"
    backup_create(directory=backup)
    damaged_database = _copy(backup, "damaged-database")
    _flip_one_byte(next(damaged_database.glob("database.*")))
    damaged_file = _copy(backup, "damaged-file")
    _flip_one_byte(damaged_file / "media/reports/2025/monthly.pdf")
    smuggled = _copy(backup, "smuggled")
    (smuggled / "media/extra.txt").write_text("not in the manifest")
    newer = _copy(backup, "newer")
    manifest = json.loads((newer / "manifest.json").read_text())
    manifest["migrations"]["people"] = "9999_from_the_future"
    (newer / "manifest.json").write_text(json.dumps(manifest))

    for directory, reason in [
        (damaged_database, "ハッシュが合いません"),
        (damaged_file, "ハッシュが合いません"),
        (smuggled, "マニフェストと合いません"),
        (newer, r"新しいマイグレーション.*people\.9999_from_the_future"),
    ]:
        with pytest.raises(CommandError, match=reason):
            call_command("restore", str(directory))  # manage.py exits with 1
        with pytest.raises(BackupError, match=reason):
            backup_restore(directory=directory, using=empty_database)
    assert connections[empty_database].introspection.table_names() == []
    assert not AuditEvent.objects.filter(action="operations.restore").exists()


def test_backup_never_overwrites_a_backup_or_one_being_written(tmp_path):
    (tmp_path / "done").mkdir()
    (tmp_path / "running.partial").mkdir()

    with pytest.raises(CommandError, match="既にあります"):
        call_command("backup", str(tmp_path / "done"))
    with pytest.raises(CommandError, match="書きかけ"):
        call_command("backup", str(tmp_path / "running"))
