"""The audit trail is tamper-evident (R6): each event carries a hash chained to the one before.

    hash(n) = SHA-256( hash(n-1) + "\\n" + canonical JSON of event n's stored fields )

with hash(0) = 64 zeros and `seq` numbering the events 1, 2, 3 … in the order they were
appended. Changing a stored field, deleting an event or reordering events breaks the chain at
that event; someone who rewrites the whole chain after it is caught by the anchors: once a day
the head (its seq and hash) is appended to a file outside the database (anchor_write), and
chain_verify checks each anchor against the chain. `manage.py audit_verify` runs the check.

Appends are serialised (append_lock), so that two transactions never fork the chain or take
the same seq (which is unique besides): on PostgreSQL by a transaction-level advisory lock,
taken and followed by the read of the head in one call (migration 0006, audit_chain_head());
SQLite runs one writing transaction at a time anyway (settings: transaction_mode IMMEDIATE).
Either way the lock lasts until the audited transaction commits, and an append costs one
query besides its INSERT.
"""

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

from .models import AuditEvent

GENESIS = "0" * 64
# The fields a hash covers: every stored field except the id (the database numbers rows when
# they are inserted, after the hash is computed) and the hash itself.
CHAINED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_agency_id",
    "action",
    "target_type",
    "target_id",
    "basis",
    "channel",
    "ip_address",
    "data",
)
ANCHOR_FILE = "audit-anchors.jsonl"


def event_hash(previous: str, fields: dict) -> str:
    """The chain hash of one event, from the previous hash and the event's CHAINED_FIELDS."""
    canonical = {name: fields[name] for name in CHAINED_FIELDS}
    at = canonical["at"]
    canonical["at"] = at.astimezone(UTC).isoformat(timespec="microseconds")
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{previous}\n{text}".encode()).hexdigest()


def append_lock(using: str = "default") -> tuple[int, str]:
    """Lock the chain for this transaction and return its head (seq, hash).

    Call inside transaction.atomic(): the lock lasts until the transaction ends, so the next
    append reads this one's hash only once it is committed."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq, hash FROM audit_chain_head()")
            return cursor.fetchone() or (0, GENESIS)
    return head(using)


def head(using: str = "default") -> tuple[int, str]:
    last = AuditEvent.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
    return last or (0, GENESIS)


# Verification ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first place where the stored trail disagrees with its chain or its anchors."""

    kind: str  # "changed", "missing", "reordered", "anchor"
    seq: int | None
    event_id: int | None
    detail: str

    def __str__(self):
        where = f"seq={self.seq} id={self.event_id}" if self.event_id else f"seq={self.seq}"
        return f"{self.kind}: {where}: {self.detail}"


@dataclass(frozen=True)
class Verdict:
    count: int
    head_hash: str
    anchors_checked: int
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def chain_verify(
    *,
    anchors: list[dict] | None = None,
    progress: Callable[[int], None] | None = None,
    every: int = 100_000,
    using: str = "default",
) -> Verdict:
    """Recompute the chain from the first event (streamed, constant memory) and check each
    anchor on the way. Stops at the first break."""
    by_count = {}
    for anchor in anchors or []:
        by_count.setdefault(anchor["count"], []).append(anchor)
    previous, expected, last_id, checked = GENESIS, 1, 0, 0
    for anchor in by_count.pop(0, []):  # anchored while the trail was still empty
        checked += 1
        if anchor["hash"] != GENESIS:
            return Verdict(0, GENESIS, checked, _anchor_break(anchor, 0, None, "a different hash"))
    rows = (
        AuditEvent.objects.using(using)
        .order_by("seq")
        .values("id", "hash", *CHAINED_FIELDS)
        .iterator(chunk_size=5000)
    )

    def verdict(broken=None):
        return Verdict(expected - 1, previous, checked, broken)

    for row in rows:
        seq, event_id = row["seq"], row["id"]
        if seq != expected:
            missing = f"{expected}" if seq == expected + 1 else f"{expected}–{seq - 1}"
            return verdict(Break("missing", seq, event_id, f"events seq {missing} are missing"))
        if event_id < last_id:
            return verdict(Break("reordered", seq, event_id, f"stored after event id={last_id}"))
        if event_hash(previous, row) != row["hash"]:
            return verdict(
                Break("changed", seq, event_id, "its stored fields do not match its hash")
            )
        previous, expected, last_id = row["hash"], expected + 1, event_id
        for anchor in by_count.pop(seq, []):
            checked += 1
            if anchor["hash"] != previous:
                return verdict(_anchor_break(anchor, seq, event_id, "a different hash"))
        if progress and seq % every == 0:
            progress(seq)
    for count in sorted(by_count):
        anchor = by_count[count][0]
        return verdict(_anchor_break(anchor, None, None, f"{count} events; the chain has fewer"))
    return verdict()


def _anchor_break(anchor, seq, event_id, what):
    return Break(
        "anchor",
        seq,
        event_id,
        f"the anchor of {anchor['day']} recorded {what} (history was rewritten)",
    )


# Anchors --------------------------------------------------------------------------------------


def anchor_dir() -> Path:
    return Path(settings.YORISOI_AUDIT_ANCHOR_DIR)


def anchors_read(directory: Path | None = None) -> Iterator[dict]:
    """Every anchor written so far, oldest first. A line that is not an anchor raises
    ValueError naming it: the file is evidence too."""
    path = (directory or anchor_dir()) / ANCHOR_FILE
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                anchor = json.loads(line)
                anchor = {
                    "day": str(anchor["day"]),
                    "count": int(anchor["count"]),
                    "hash": str(anchor["hash"]),
                }
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path}:{number}: not an anchor ({error})") from error
            yield anchor


def anchor_write(*, day: date | None = None, directory: Path | None = None) -> dict | None:
    """Append today's head (count and hash) to the anchor file, one JSON line a day, readable
    by its owner only. None when today already has its anchor."""
    directory = directory or anchor_dir()
    day = day or timezone.localdate()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if any(anchor["day"] == day.isoformat() for anchor in anchors_read(directory)):
        return None
    count, head_hash = head()
    anchor = {
        "day": day.isoformat(),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "count": count,
        "hash": head_hash,
    }
    descriptor = os.open(
        directory / ANCHOR_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode=0o600
    )
    with os.fdopen(descriptor, "a", encoding="utf-8") as file:
        file.write(json.dumps(anchor, sort_keys=True) + "\n")
        file.flush()
        os.fsync(file.fileno())
    return anchor
