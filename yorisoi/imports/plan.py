"""What checking a file makes (issue 15): the Plan, its Rows, the problems said of its cells, and
the fingerprints that make an import idempotent. checking.py makes a plan from a sheet,
existing.py compares it with what the database holds, writing.py writes it."""

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field

from .template import BY_KEY

# Search before create runs for this many new people of a file; the rest are said unchecked.
MATCH_LIMIT = 300

PERSON_KEYS = ("family_name", "given_name", "family_name_kana", "given_name_kana",
               "birth_date", "sex", "address", "phone")  # fmt: skip
CONSULTATION_KEYS = ("received_at", "channel", "consulter_type", "summary", "urgency",
                     "issues", "main_issue", "outcome", "next_action_on", "person_ref",
                     "household_ref")  # fmt: skip
# The model field a problem is about → the column it came from.
FIELD_COLUMN = {
    "family_name": "name", "given_name": "name", "family_name_kana": "kana",
    "given_name_kana": "kana", "birth_date": "birth_date", "sex": "sex", "address": "address",
    "phone": "phone", "received_at": "received_on", "channel": "channel",
    "consulter_type": "consulter_type", "summary": "summary", "urgency": "urgency",
    "issues": "issues", "main_issue": "main_issue", "outcome": "outcome",
    "next_action_on": "next_action_on", "subject_note": "name",
}  # fmt: skip


@dataclass(slots=True)  # 100,000 of them in a large file's plan
class Row:
    number: int
    consultation_ref: str = ""
    person_ref: str = ""
    household_ref: str = ""
    relationship: str = ""
    person: dict = field(default_factory=dict)
    consultation: dict = field(default_factory=dict)
    ok: bool = True


@dataclass
class Plan:
    rows: list
    problems: list = field(default_factory=list)
    matches: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    # ExternalRef by (kind, external id), of the agency, for the refs in the file.
    refs: dict = field(default_factory=dict)
    unchecked_matches: int = 0

    @property
    def errors(self):
        return [p for p in self.problems if p["level"] == "error"]

    @property
    def warnings(self):
        return [p for p in self.problems if p["level"] == "warning"]


# json.dumps(value, ensure_ascii=False, sort_keys=True, default=str), made once: the same text
# (and so the same fingerprints as the refs already stored) without a new encoder each call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode


def fingerprint(value) -> str:
    """A field's value as last imported, hashed: enough to tell it changed, not what it was."""
    if repeats(value):
        return _repeated(type(value), value)
    return _fingerprint(value)


def _fingerprint(value) -> str:
    return hashlib.sha256(_json(value).encode()).hexdigest()[:16]


_TEXT = json.encoder.encode_basestring  # what _ENCODE writes for a str (ensure_ascii=False)


def _json(value) -> str:
    """_ENCODE(value), with the values a row holds (text, a time, a list of codes) written
    directly: _ENCODE makes a new C encoder for anything but a str, most of a fingerprint's
    cost at 100,000 rows. The text is the same (plan tests), so are the fingerprints."""
    kind = type(value)
    if kind is str:
        return _TEXT(value)
    if kind is dt.datetime or kind is dt.date:
        return _TEXT(str(value))  # default=str
    if kind is list and all(type(item) is str for item in value):
        return "[" + ", ".join(_TEXT(item) for item in value) + "]"
    return _ENCODE(value)


# A file says the same short values (a channel, an outcome, a date) thousands of times: what
# depends on the value alone (its fingerprint, a field's clean) is worked out once for each.
# Cached by type too, as True == 1 but encodes otherwise.
_REPEATED = frozenset({str, int, bool, type(None), dt.date, dt.datetime})


def repeats(value) -> bool:
    """A value worth caching: short and hashable."""
    return type(value) in _REPEATED and (type(value) is not str or len(value) <= 32)


@functools.lru_cache(maxsize=4096)
def _repeated(kind, value) -> str:
    return _fingerprint(value)


def forget_values():
    """Empty the caches of a file's values (a short name is as short as a channel): nothing
    of a file stays in the process once it is checked or written."""
    _repeated.cache_clear()


def fingerprints(values: dict) -> dict:
    return {key: fingerprint(value) for key, value in values.items()}


class Problems:
    """One clear error a cell: the first said of a cell is the one kept (a formula refused is
    not also "missing")."""

    def __init__(self):
        self.items = []
        self._cells = set()

    def add(self, row, column_key, message, level="error"):
        column = BY_KEY[column_key].header if column_key in BY_KEY else column_key
        if level == "error":
            if (row, column) in self._cells:
                return
            self._cells.add((row, column))
        self.items.append({"row": row, "column": column, "message": str(message), "level": level})

    def validation(self, row, errors: dict):
        """The model's own errors ({field name: [messages]}, checking.field_errors), for cells
        the import has not already said something of."""
        for name, messages in errors.items():
            key = FIELD_COLUMN.get(name, name if name in BY_KEY else "")
            for message in messages:
                self.add(row, key, message)
