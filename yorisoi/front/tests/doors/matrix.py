"""How a cell of the both-doors matrix is asked (issue 11): the same action, by the same user,
on the same record, once on the screen and once through the API, each from the same state.

A module declares its cells as a table, relation rows × actions, each cell the outcome both
doors must give:

    ok     allowed: the screen answers 2xx/3xx (its form page 200), the API 2xx; a write changed
           what it says it changes, a read shows the same personal fields on both doors
    403    refused: a basis to read, not the right to do this; 403 on both doors, nothing changed
    404    hidden: the record does not exist for the user; 404 on both doors, and the very body
           an id that exists nowhere gets
    role   the route is closed to the user's role (access.ROUTES): 403 on both doors, for any id
    409    the right, but the record's state says no (R1–R8): 409 in the API, a message or a form
           error on the screen (302 or 422), nothing changed
    -      not asked: no valid request exists (the record lacks what the action needs)

A row names the persona and the record (by the world's key) it stands in a relation to.
"""

import html
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse

OK, REFUSED, HIDDEN, ROLE, CONFLICT, SKIP = "ok", "403", "404", "role", "409", "-"
OUTCOMES = {OK: "allowed", REFUSED: "refused", HIDDEN: "hidden", ROLE: "role", CONFLICT: "conflict"}
API = "/api/v1"


def table(text: str) -> dict:
    """{(row, action): outcome} from a whitespace table: a header of actions, then one line per
    row, its name first. Lines starting with # are comments."""
    lines = [line.split() for line in text.strip().splitlines()]
    lines = [line for line in lines if line and not line[0].startswith("#")]
    header, rows = lines[0], lines[1:]
    cells = {}
    for row in rows:
        name, outcomes = row[0], row[1:]
        assert len(outcomes) == len(header), f"{name}: {len(outcomes)} cells for {header}"
        for action, outcome in zip(header, outcomes, strict=True):
            assert outcome in (*OUTCOMES, SKIP), f"{name} × {action}: {outcome}?"
            cells[(name, action)] = outcome
    return cells


def cells_of(cells: dict) -> list:
    """The cells to ask, as pytest parameters named row-action."""
    import pytest

    return [
        pytest.param(row, action, outcome, id=f"{row}-{action}")
        for (row, action), outcome in cells.items()
        if outcome != SKIP
    ]


@dataclass(frozen=True)
class Row:
    persona: str
    record: Callable  # (world) → the record, or a bundle of records (world.CaseFile)


@dataclass
class Target:
    """What a door acts on: the row's record and the id that goes into the URL (the record's
    own, or one that exists nowhere)."""

    w: Any
    user: Any
    rec: Any
    id: Any


@dataclass(frozen=True)
class Screen:
    name: str  # the URL name; its one argument is the action's id
    post: Callable | None = None  # (Target) → form data; None: a page to read
    page: bool = True  # GET the form page before posting it
    query: str = ""


@dataclass(frozen=True)
class Api:
    method: str
    path: str  # under /api/v1, "{}" is the id
    body: Callable | None = None  # (Target) → JSON body


@dataclass(frozen=True)
class Action:
    key: Callable  # (world, record) → the id both doors act on (None: a list, no id)
    screen: Screen
    api: Api
    state: Callable | None = None  # writes: (Target) → what the action changes
    # reads: (Target) → {field: the personal text a reader sees, or (on screen, in the API)}
    fields: Callable | None = None
    missing: Callable = uuid.uuid4  # an id of the same kind that exists nowhere


def own_id(w, rec):
    """The usual key: the record's own id."""
    return rec.pk


def read(screen: str, api: str, fields: Callable, key: Callable = own_id) -> Action:
    """Reading a record: its page on the screen, a GET in the API, and the fields to look for."""
    return Action(key=key, screen=Screen(screen), api=Api("get", api), fields=fields)


# --- one door ------------------------------------------------------------------------------


def _screen(client, action: Action, t: Target) -> list:
    door = action.screen
    url = reverse(door.name, args=[] if t.id is None else [t.id]) + door.query
    responses = []
    if door.post is None or door.page:
        responses.append(client.get(url))
    if door.post is not None:
        responses.append(client.post(url, door.post(t)))
    return responses


def _api(client, action: Action, t: Target) -> list:
    door = action.api
    path = API + door.path.format(t.id)
    if door.method == "get":
        return [client.get(path)]
    body = json.dumps(door.body(t) if door.body else {}, default=str)
    return [getattr(client, door.method)(path, body, content_type="application/json")]


DOORS = {"screen": _screen, "api": _api}


def _body(response, pk) -> bytes:
    """The answer without its CSRF token and without the id asked for (a UUID; a numbered id
    is not looked for, it could be part of anything)."""
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
    return body.replace(str(pk).encode(), b"<id>") if isinstance(pk, uuid.UUID) else body


_MISSING = {}  # (persona, action, door) → the bodies an id that exists nowhere gets


def _missing(w, persona, action: Action, door: str, rec):
    key = (persona, id(action), door)
    if key not in _MISSING:
        t = Target(w, w.users[persona], rec, action.missing())
        with transaction.atomic():
            responses = DOORS[door](_client(w, persona, door), action, t)
            transaction.set_rollback(True)
        _MISSING[key] = [(r.status_code, _body(r, t.id)) for r in responses]
    return _MISSING[key]


def _client(w, persona, door):
    return w.screens[persona] if door == "screen" else w.apis[persona]


def text_of(response) -> str:
    """What a reader sees in an answer: the page's text, or the JSON as written (the API escapes
    Japanese unless asked not to)."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return html.unescape(response.content.decode(errors="replace"))


@dataclass
class Seen:
    outcome: str  # allowed / refused / hidden / role, or what happened instead
    shown: frozenset = frozenset()  # reads: the fields whose text the answer holds


def ask(w, row: Row, action: Action, door: str) -> Seen:
    """Do the action through one door, from the world as it is, and undo it afterwards."""
    rec = row.record(w)
    t = Target(w, w.users[row.persona], rec, action.key(w, rec))
    with transaction.atomic():
        before = action.state(t) if action.state else None
        responses = DOORS[door](_client(w, row.persona, door), action, t)
        after = action.state(t) if action.state else None
        transaction.set_rollback(True)
    codes = [r.status_code for r in responses]
    changed = before != after
    if all(c == 404 for c in codes):
        missing = _missing(w, row.persona, action, door, rec)
        same = [(r.status_code, _body(r, t.id)) for r in responses] == missing
        return Seen("hidden" if same and not changed else "404, unlike a missing id's answer")
    if all(c == 403 for c in codes):
        if changed:
            return Seen("403, yet changed")
        missing = _missing(w, row.persona, action, door, rec)
        return Seen("role" if all(c == 403 for c, _ in missing) else "refused")
    final = codes[-1]
    if action.fields is not None:
        if codes == [200]:
            page = text_of(responses[0])
            texts = {k: _as_shown(v, door) for k, v in action.fields(t).items()}
            shown = frozenset(k for k, text in texts.items() if text in page)
            return Seen("allowed", shown)
        return Seen(f"read answered {codes}")
    ok = final in (200, 201, 302) if door == "screen" else 200 <= final < 300
    pages_ok = all(c == 200 for c in codes[:-1])
    if ok and pages_ok and (changed or action.state is None):
        return Seen("allowed")
    said_no = final in (302, 409, 422) if door == "screen" else final == 409
    if said_no and pages_ok and not changed and action.state is not None:
        return Seen("conflict")
    said = _said(responses[-1])
    return Seen(f"{codes}, {'changed' if changed else 'nothing changed'}{said}")


def _as_shown(value, door) -> str:
    """A field is one text on both doors, or (what the screen shows, what the API gives): a
    person's name on a page, their id in the API."""
    return value if isinstance(value, str) else value[0 if door == "screen" else 1]


def _said(response) -> str:
    """What an unexpected answer says: the API's code and message, the form's errors."""
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        return f": {body.get('code')} {body.get('message')} {body.get('errors') or ''}"
    page = response.content.decode(errors="replace")
    errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>\s*(?:<li>)?([^<]+)', page)
    return f": {errors}" if errors else ""


def check(w, row: Row, action: Action, expected: str):
    """Both doors give the expected outcome; a read shows the same fields on both."""
    seen = {door: ask(w, row, action, door) for door in DOORS}
    outcomes = {door: s.outcome for door, s in seen.items()}
    wanted = {door: OUTCOMES[expected] for door in DOORS}
    assert outcomes == wanted, f"expected {wanted}, got {outcomes}"
    if expected == OK and action.fields is not None:
        screen, api = seen["screen"].shown, seen["api"].shown
        only_screen, only_api = sorted(screen - api), sorted(api - screen)
        assert (only_screen, only_api) == ([], []), "fields only on the screen / in the API"
        rec = row.record(w)
        t = Target(w, w.users[row.persona], rec, action.key(w, rec))
        if t.id is not None and action.fields(t):  # (a list need not hold the record)
            assert screen, "a read that shows none of the record's fields"
