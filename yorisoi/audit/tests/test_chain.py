"""R6: the audit trail is tamper-evident — each event is chained to the one before by a hash,
and the chain's head is anchored daily in a file outside the database (chain.py)."""

import importlib
import json
import stat
import threading
from contextlib import contextmanager
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.audit import chain
from yorisoi.audit.log import record, record_reads
from yorisoi.audit.models import AuditEvent
from yorisoi.audit.tasks import anchor_audit_chain
from yorisoi.testing import PersonFactory, client_for

_triggers = importlib.import_module("yorisoi.audit.migrations.0002_append_only_triggers")


@contextmanager
def triggers_lifted():
    """The tamperer's first step, with a superuser's rights: switch off the append-only
    triggers (0002) — PostgreSQL skips them for a session replaying as a replica, SQLite can
    only drop them — then edit rows with raw SQL. They are back afterwards, as a careful
    tamperer would leave them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            yield cursor
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            for sql in _triggers.SQLITE_DOWN:
                cursor.execute(sql)
            yield cursor
            for sql in _triggers.SQLITE_UP:
                cursor.execute(sql)


@pytest.fixture
def anchors(settings, tmp_path):
    settings.YORISOI_AUDIT_ANCHOR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def trail(hana):
    """A day of ordinary use: a person registered and read, lists opened, one raw record."""
    person = PersonFactory(agency=hana.agency)
    client = client_for(hana)
    client.get(reverse("people:person_list"))
    client.get(reverse("people:person_detail", args=[person.pk]))
    client.post(reverse("people:person_list"), {"q": "山田"})
    record("person.viewed", actor=hana, target=person, basis="own_agency", data={"n": (1, 2)})
    return list(AuditEvent.objects.order_by("seq"))


def verify(**kwargs):
    return chain.chain_verify(anchors=list(chain.anchors_read()), **kwargs)


def test_each_event_is_numbered_and_chained_to_the_one_before(trail):
    assert [e.seq for e in trail] == list(range(1, len(trail) + 1))
    previous = chain.GENESIS
    for event in trail:
        fields = AuditEvent.objects.filter(pk=event.pk).values(*chain.CHAINED_FIELDS).get()
        assert event.hash == chain.event_hash(previous, fields)
        previous = event.hash


def test_the_chain_verifies_after_normal_use(trail, anchors, capsys):
    verdict = verify()
    assert verdict.ok and verdict.count == len(trail) >= 4
    call_command("audit_verify")
    assert f"audit chain intact: {len(trail)} events" in capsys.readouterr().out


def test_a_list_read_on_three_bases_is_chained_and_inserted_at_once(hana, anchors):
    record("person.listed", actor=hana)
    bases = {"p1": "own_agency", "p2": "consent", "p3": "support_meeting", "p4": "own_agency"}
    with CaptureQueriesContext(connection) as queries:
        events = record_reads("person.listed", actor=hana, bases=bases)
    inserts = [q for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert [e.basis for e in events] == ["consent", "own_agency", "support_meeting"]
    assert [e.seq for e in events] == [2, 3, 4]
    assert events[1].data == {"ids": ["p1", "p4"], "count": 2}
    assert verify().ok


def test_an_event_appended_inside_a_rolled_back_transaction_leaves_no_gap(hana):
    record("person.listed", actor=hana)
    with pytest.raises(RuntimeError), transaction.atomic():
        record("person.listed", actor=hana)
        raise RuntimeError
    record("person.listed", actor=hana)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]
    assert verify().ok


def test_a_changed_event_is_named(trail, anchors):
    changed = trail[2]
    with triggers_lifted() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET target_id = %s WHERE id = %s", ["999", changed.pk]
        )
    broken = verify().broken
    assert (broken.kind, broken.seq, broken.event_id) == ("changed", changed.seq, changed.pk)
    with pytest.raises(CommandError, match=f"changed: seq={changed.seq} id={changed.pk}"):
        call_command("audit_verify")


def test_a_deleted_event_is_named_by_the_gap(trail, anchors):
    deleted, after = trail[1], trail[2]
    with triggers_lifted() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [deleted.pk])
    broken = verify().broken
    assert (broken.kind, broken.seq, broken.event_id) == ("missing", after.seq, after.pk)
    assert f"events seq {deleted.seq} are missing" in broken.detail
    with pytest.raises(CommandError, match="missing"):
        call_command("audit_verify")


def test_an_event_reinserted_out_of_order_is_named(trail, anchors):
    moved, next_one = trail[1], trail[2]
    with triggers_lifted() as cursor:  # deleted and inserted again: a new, later id
        cursor.execute("UPDATE audit_auditevent SET id = 999999 WHERE id = %s", [moved.pk])
    broken = verify().broken
    assert (broken.kind, broken.seq, broken.event_id) == ("reordered", next_one.seq, next_one.pk)


@pytest.mark.parametrize("after", [0, 5])
def test_an_event_inserted_around_record_is_named(trail, anchors, after):
    """INSERT is allowed (appending is what the trail is for), so no trigger need be lifted:
    a copy of an event, added at the end or past it, has no place in the chain."""
    seq = len(trail) + 1 + after
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO audit_auditevent (seq, hash, at, actor_id, actor_agency_id, action,
                   target_type, target_id, basis, channel, ip_address, data)
               SELECT %s, hash, at, actor_id, actor_agency_id, action,
                   target_type, target_id, basis, channel, ip_address, data
               FROM audit_auditevent WHERE id = %s""",
            [seq, trail[-1].pk],
        )
    forged = AuditEvent.objects.get(seq=seq)
    broken = verify().broken
    assert (broken.kind, broken.seq, broken.event_id) == (
        "changed" if after == 0 else "missing",
        seq,
        forged.pk,
    )
    with pytest.raises(CommandError, match=f"seq={seq} id={forged.pk}"):
        call_command("audit_verify")


def test_verification_without_any_anchor_says_so(trail, anchors, capsys):
    call_command("audit_verify")
    out, err = capsys.readouterr()
    assert "audit chain intact" in out
    assert "warning: no anchor" in err


def _rechain(cursor, from_seq):
    """What a careful tamperer does after editing: recompute every hash from there on."""
    previous = AuditEvent.objects.get(seq=from_seq - 1).hash if from_seq > 1 else chain.GENESIS
    for row in AuditEvent.objects.filter(seq__gte=from_seq).order_by("seq").values():
        previous = chain.event_hash(previous, row)
        cursor.execute("UPDATE audit_auditevent SET hash = %s WHERE id = %s", [previous, row["id"]])


def test_a_rewritten_history_passes_the_chain_but_not_the_anchor(trail, anchors):
    chain.anchor_write(day=date(2026, 12, 1))
    with triggers_lifted() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_id = NULL WHERE id = %s", [trail[1].pk])
        _rechain(cursor, trail[1].seq)
    assert chain.chain_verify().ok  # the chain alone cannot tell
    broken = verify().broken
    assert broken.kind == "anchor" and broken.seq == len(trail)
    assert "2026-12-01" in broken.detail
    with pytest.raises(CommandError, match="anchor"):
        call_command("audit_verify")


def test_events_deleted_from_the_end_are_caught_by_the_anchor(trail, anchors):
    chain.anchor_write(day=date(2026, 12, 1))
    with triggers_lifted() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [trail[-1].pk])
    assert chain.chain_verify().ok
    broken = verify().broken
    assert broken.kind == "anchor" and f"{len(trail)} events" in broken.detail


def test_the_anchor_is_one_json_line_a_day_readable_by_its_owner_only(trail, anchors):
    first = anchor_audit_chain.call()
    assert anchor_audit_chain.call() is None  # the same day: nothing more
    record("person.listed", actor=None)
    chain.anchor_write(day=date(2099, 1, 1))
    path = anchors / chain.ANCHOR_FILE
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0] == first and first["count"] == len(trail)
    assert first["hash"] == trail[-1].hash
    assert lines[1]["count"] == len(trail) + 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert verify().anchors_checked == 2


def test_a_damaged_anchor_file_fails_the_check(trail, anchors):
    (anchors / chain.ANCHOR_FILE).write_text("not json\n")
    with pytest.raises(CommandError, match="anchor file damaged"):
        call_command("audit_verify")


def test_verification_reports_progress(trail, anchors, capsys):
    call_command("audit_verify", every=2)
    assert "… 4 events verified" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_keep_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time anyway")
    barrier = threading.Barrier(4)
    errors = []

    def writer():
        try:
            barrier.wait()
            for _ in range(25):
                with transaction.atomic():
                    record("person.listed", actor=None)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    verdict = chain.chain_verify()
    assert verdict.ok and verdict.count == 100
