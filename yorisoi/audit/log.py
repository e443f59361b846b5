"""The one call that writes the audit trail (R6: every read of personal data and every export).

    from yorisoi.audit.log import record
    record("person.viewed", actor=request.user, target=person, basis="own_agency", request=request)

Payloads carry ids and counts only, never names, addresses or search terms. Each event is
chained to the one before (chain.py: tamper-evident, checked by `manage.py audit_verify`).
"""

import json
from collections.abc import Iterable

from django.db import transaction

from yorisoi.http.client_ip import client_ip

from . import chain

# The legal bases are the policy's vocabulary (access.bases); the trail records them.
from .models import AuditEvent

MAX_IDS = 200


def _client_ip(request):
    return None if request is None else client_ip(request)


def _channel(request):
    if request is None:
        return "cli"
    return "api" if request.path.startswith("/api/") else "web"


def record(
    action: str,
    *,
    actor,
    target=None,
    target_type: str = "",
    target_id: str = "",
    basis: str = "",
    request=None,
    ids: Iterable | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one audit event. `target` is a model instance; `ids` lists records read at once."""
    if target is not None:
        target_type = target._meta.model_name
        target_id = str(target.pk)
    event = _event(
        action,
        actor=actor,
        target_type=target_type,
        target_id=target_id,
        basis=basis,
        request=request,
        ids=ids,
        data=data,
    )
    return _append([event])[0]


def record_reads(action: str, *, actor, bases: dict, request=None, data: dict | None = None):
    """Audit a list, queue or search: `bases` maps each record shown to the basis on which the
    policy let the user read it (access.<kind>_bases). One event per basis, so that a
    disclosure request (開示請求) finds every read of a record under its own legal basis;
    one event with no ids when nothing was shown (the list was still opened). The events of
    one call are appended with one lock and one insert (a read writes once, issue 16)."""
    by_basis: dict[str, list] = {}
    for pk, basis in bases.items():
        by_basis.setdefault(basis, []).append(pk)
    if not by_basis:
        by_basis = {"": []}
    return _append(
        [
            _event(action, actor=actor, request=request, ids=ids, basis=basis, data=data)
            for basis, ids in sorted(by_basis.items())
        ]
    )


def record_ids(
    action: str, *, actor, ids: list, target=None, basis: str = "", request=None, data=None
) -> list[AuditEvent]:
    """Audit one step that wrote many records at once (an import, issue 15): one event per
    MAX_IDS of `ids`, so that every record written is named in the trail (a disclosure request
    finds it by its id), appended with one lock and one insert. `data` (ids and counts only)
    goes on each event; `target` is what the step belongs to (the import job)."""
    ids = [str(i) for i in ids]
    target_type, target_id = (
        ("", "") if target is None else (target._meta.model_name, str(target.pk))
    )
    return _append(
        [
            _event(action, actor=actor, target_type=target_type, target_id=target_id,
                   basis=basis, request=request, ids=ids[start : start + MAX_IDS], data=data)
            for start in range(0, len(ids), MAX_IDS)
        ]
    ) if ids else []  # fmt: skip


def _event(action, *, actor, target_type="", target_id="", basis, request, ids, data):
    payload = dict(data or {})
    if ids is not None:
        id_list = [str(i) for i in ids]
        payload["ids"] = id_list[:MAX_IDS]
        payload["count"] = len(id_list)
    user = actor if getattr(actor, "is_authenticated", False) else None
    ip_field = AuditEvent._meta.get_field("ip_address")
    return AuditEvent(
        actor=user,
        actor_agency_id=getattr(user, "agency_id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        basis=basis,
        channel=_channel(request),
        ip_address=ip_field.get_prep_value(_client_ip(request)),
        # Hashed as the database will give it back (JSON keys as strings, tuples as lists).
        data=json.loads(json.dumps(payload)),
    )


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Chain the events after the head, in order, and insert them at once.

    The append is serialised: the lock lasts until the caller's transaction commits. No
    savepoint: an event belongs to its caller's transaction and rolls back with it."""
    with transaction.atomic(savepoint=False):
        seq, previous = chain.append_lock()
        for event in events:
            seq += 1
            event.seq = seq
            event.hash = previous = chain.event_hash(previous, vars(event))
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events)
    return events
