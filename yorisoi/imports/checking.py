"""Checking a file row by row before anything is written (the dry run), with the product's own
rules: the people services' normalisation (normalised_value), the models' validators
(full_clean), the intake's rules (intake.services.intake_errors) and the policy (R6:
access.may_import_for). Every problem is named by row (the file's own line or Excel row),
column and a Japanese message, and never quotes the cell (a job keeps no personal data).

The result is a Plan: what each row becomes, what already exists under its external ids
(ExternalRef) and which fields a corrected file changes, and the likely duplicates (名寄せ),
listed and never merged.
"""

import datetime as dt
import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from yorisoi import access
from yorisoi.directory.models import Agency, IssueCategory
from yorisoi.intake.models import Channel, Consultation, ConsulterType, Outcome, Urgency
from yorisoi.intake.services import intake_errors
from yorisoi.people import selectors as people_selectors
from yorisoi.people import wareki
from yorisoi.people.models import Household, HouseholdMember, Person, Relationship, Sex
from yorisoi.people.names import normalize_for_search
from yorisoi.people.services import normalised_value
from yorisoi.reports.sheets import FORMULA_STARTS as QUOTED

from .models import ExternalRef, RecordKind
from .reading import Sheet
from .template import ALIASES, BY_KEY, COLUMNS, HEADERS

# A cell that a spreadsheet would run as a formula (CSV injection, OWASP): refused, not quoted.
FORMULA_START = ("=", "+", "-", "@")
# Search before create runs for this many new people of a file; the rest are said unchecked.
MATCH_LIMIT = 300
# The outcomes an import may set: the others need a referral or the coordinator (screens).
IMPORTABLE_OUTCOMES = ("", Outcome.RESOLVED, Outcome.CONTINUED)

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
DATE_FORMAT_ERROR = _lazy(
    "日付は「2024-04-01」「令和6年4月1日」「R6.4.1」のように入力してください。"
)
# A row's fields are checked by the models' own validators; not the table's unique checks and
# constraints, which Django asks the database for one query each (five a row, most of a
# 100,000-row check, bench/import_100k.py). A new record's key is a fresh UUID, and the
# consultation is built here open, with its subject and an allowed outcome, so its constraints
# hold by construction; the database still enforces them all when the file is written.
ROW_ONLY = {"validate_unique": False, "validate_constraints": False}
# A consultation's fields that a row's cells give (its agencies are checked apart, _agency).
FILE_FIELDS = ("received_at", "channel", "consulter_type", "summary", "urgency", "outcome",
               "next_action_on", "subject_note")  # fmt: skip


@functools.cache
def _all_but(model, names) -> list[str]:
    """full_clean's exclude for a row: every field of `model` but `names`, the ones the file
    gave. The rest (keys, versions, agencies, times) the import sets itself, valid by
    construction; validating them would be most of the check's time at 100,000 rows."""
    return [f.name for f in model._meta.fields if f.name not in names]


_HALF_WIDTH_KANA = re.compile("[\uff61-\uff9f]")
_ISSUE_SPLIT = re.compile(r"[;；、,，\s]+")


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
    return hashlib.sha256(_ENCODE(value).encode()).hexdigest()[:16]


def fingerprints(values: dict) -> dict:
    return {key: fingerprint(value) for key, value in values.items()}


class _Problems:
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

    def validation(self, row, exc: ValidationError):
        """The model's own errors, for cells the import has not already said something of."""
        for name, messages in exc.message_dict.items():
            key = FIELD_COLUMN.get(name, name if name in BY_KEY else "")
            for message in messages:
                self.add(row, key, message)


# --- cells --------------------------------------------------------------------------------


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value).strip()


def date_of(value) -> dt.date:
    """A date as a file carries it: 西暦 or 和暦 text in full- or half-width digits, an Excel
    date cell, or an Excel date stored as its serial number. WarekiError says what is wrong."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        if 1 <= value < 2958466:  # 1900-01-01 … 9999-12-31
            converted = from_excel(value)
            return converted.date() if isinstance(converted, dt.datetime) else converted
        raise wareki.WarekiError(wareki.FORMAT_ERROR)
    return wareki.parse_date(str(value))


def _choice(value: str, choices) -> str | None:
    """A choice by its code (counter) or its Japanese label (窓口); None if neither."""
    return _choice_in(value, choices, get_language())


@functools.lru_cache(maxsize=4096)
def _choice_in(value: str, choices, language) -> str | None:
    # A file repeats a few values 100,000 times: each is looked up once (per language, as
    # the labels are read in it).
    folded = unicodedata.normalize("NFKC", value).strip()
    for code, label in choices.choices:
        # The label as the screen says it, or as the template (and an export) writes it.
        with translation.override(settings.LANGUAGE_CODE):
            template_label = str(label)
        labels = {str(label), template_label}
        if folded == code or folded in {unicodedata.normalize("NFKC", x) for x in labels}:
            return code
    return None


def _allowed(choices, only=None) -> str:
    return "・".join(str(label) for code, label in choices.choices if only is None or code in only)


def _split_name(text: str) -> tuple[str, str]:
    parts = text.replace("\u3000", " ").split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""


# --- the header -------------------------------------------------------------------------------


def header_columns(sheet: Sheet, problems: _Problems) -> dict[int, str]:
    """Cell index → column key. Unknown, repeated and missing headers are problems of row 1."""
    found = {}
    seen = set()
    for index, cell in enumerate(sheet.header):
        name = text_of(cell)
        if not name:
            continue
        name = ALIASES.get(name, name)
        column = HEADERS.get(name)
        if column is None:
            problems.add(1, name, _("この項目は取り込みの様式にありません。"))
        elif column.key in seen:
            problems.add(1, name, _("同じ項目が2回あります。"))
        else:
            found[index] = column.key
            seen.add(column.key)
    for column in COLUMNS:
        if column.key not in seen:
            problems.add(1, column.header, _("この項目の列がありません。"))
    return found


# --- the whole check --------------------------------------------------------------------------


def check(sheet: Sheet, *, actor, progress=None) -> Plan:
    problems = _Problems()
    for row, column, ref in sheet.notes:
        problems.add(
            row,
            column,
            _("結合されたセルがあります（%(ref)s）。結合を解除して、各セルに値を入れてください。")
            % {"ref": ref},
        )
    columns = header_columns(sheet, problems)
    if problems.items:
        return Plan(rows=[], problems=problems.items)
    width = len(sheet.header)
    agencies = {a.code: a for a in Agency.objects.filter(active=True)}
    issues = {i.code: i for i in IssueCategory.objects.filter(active=True)}
    rows = []
    # The sheet's cells are let go as their row is checked, so that a large file is not held
    # twice (as cells and as checked rows): a sheet is checked once.
    cells_of = sheet.rows
    for n in range(len(cells_of)):
        (number, cells), cells_of[n] = cells_of[n], None
        rows.append(_check_row(number, cells, columns, width, problems, actor, agencies, issues))
        if progress and (n + 1) % 1000 == 0:
            progress(n + 1)
    plan = Plan(rows=rows)
    _across_rows(plan, problems)
    _against_existing(plan, problems, actor)
    _likely_duplicates(plan, actor)
    plan.problems = sorted(problems.items, key=_in_reading_order)
    return plan


_COLUMN_ORDER = {c.header: n for n, c in enumerate(COLUMNS)}


def _in_reading_order(problem):
    """Row by row; in a row the errors first, then left to right as the template's columns."""
    return problem["row"], problem["level"] != "error", _COLUMN_ORDER.get(problem["column"], -1)


def _check_row(number, cells, columns, width, problems, actor, agencies, issues) -> Row:
    before = len(problems.items)
    row = Row(number)
    extra = [c for c in cells[width:] if text_of(c)]
    if len(cells) < width or extra:
        problems.add(
            number,
            _("列の数"),
            _("列の数が見出しと違います（見出しは%(header)s列、この行は%(row)s列）。")
            % {"header": width, "row": len(cells) if len(cells) < width else width + len(extra)},
        )
        row.ok = False
        return row
    raw = {key: cells[index] for index, key in columns.items()}
    for key, value in raw.items():
        if isinstance(value, str) and value.lstrip().startswith(FORMULA_START):
            problems.add(
                number,
                key,
                _("「=」「+」「-」「@」で始まる値は数式として扱われるため取り込めません。"),
            )
            raw[key] = None  # refused: the rest of the row is checked without it
    for key, value in raw.items():
        # A cell an export quoted so that Excel shows it as text (reports.sheets.neutralise):
        # the quote is not part of the value.
        if isinstance(value, str) and value.startswith("'") and value[1:].startswith(QUOTED):
            raw[key] = value[1:]
    text = {key: text_of(value) for key, value in raw.items()}
    _person(row, raw, text, problems)
    _consultation(row, raw, text, problems, actor, agencies, issues)
    row.ok = len([p for p in problems.items[before:] if p["level"] == "error"]) == 0
    return row


def row_as_checked(cells, *, actor, agencies, issues) -> Row:
    """One row in the template's column order, read as check reads it: what importing it
    would say (the export's fingerprints, exporting.py)."""
    columns = {index: column.key for index, column in enumerate(COLUMNS)}
    return _check_row(0, cells, columns, len(COLUMNS), _Problems(), actor, agencies, issues)


def _date(row, raw, key, problems):
    value = raw.get(key)
    if value is None or text_of(value) == "":
        return None
    try:
        return date_of(value)
    except wareki.WarekiError as exc:
        message = str(exc)
        if key != "birth_date" and message == str(wareki.FORMAT_ERROR):
            message = DATE_FORMAT_ERROR
        problems.add(row.number, key, message)
        return None


def _person(row, raw, text, problems):
    number = row.number
    row.person_ref = text["person_ref"]
    if not row.person_ref:
        problems.add(number, "person_ref", _("本人の外部IDを入力してください。"))
    family, given = _split_name(text["name"])
    family_kana, given_kana = _split_name(text["kana"])
    if not family:
        problems.add(number, "name", _("本人の氏名を入力してください（本人のない相談は取り込めません）。"))  # fmt: skip
    for key in ("name", "kana"):
        if _HALF_WIDTH_KANA.search(text[key]):
            problems.add(number, key, _("半角カナを全角カナにして登録します。"), level="warning")
    fields = {
        "family_name": family,
        "given_name": given,
        "family_name_kana": family_kana,
        "given_name_kana": given_kana,
        "address": text["address"],
        "phone": text["phone"],
    }
    fields = {key: normalised_value(key, value) for key, value in fields.items()}
    fields["birth_date"] = _date(row, raw, "birth_date", problems)
    fields["sex"] = ""
    if text["sex"]:
        fields["sex"] = _choice(text["sex"], Sex) or ""
        if not fields["sex"]:
            problems.add(number, "sex", _("性別は次のどれかです: %(allowed)s") % {"allowed": _allowed(Sex)})  # fmt: skip
    person = Person(**fields)
    exclude = _all_but(Person, PERSON_KEYS)
    if fields["birth_date"] is None and text["birth_date"]:
        exclude = [*exclude, "birth_date"]
    try:
        person.full_clean(exclude=exclude, **ROW_ONLY)
    except ValidationError as exc:
        problems.validation(number, exc)
    row.person = fields
    row.household_ref = text["household_ref"]
    if text["relationship"]:
        row.relationship = _choice(text["relationship"], Relationship) or ""
        if not row.relationship:
            problems.add(
                number,
                "relationship",
                _("続柄は次のどれかです: %(allowed)s") % {"allowed": _allowed(Relationship)},
            )
    elif row.household_ref:
        problems.add(number, "relationship", _("世帯の外部IDがあるときは続柄を入力してください。"))


def _agency(row, text, key, problems, actor, agencies):
    code = text[key]
    if not code:
        return actor.agency_id
    agency = agencies.get(code)
    if agency is None:
        problems.add(row.number, key, _("この機関コードは機関の一覧にありません。"))
        return None
    if not access.may_import_for(actor, agency.pk):
        problems.add(
            row.number,
            key,
            _("ほかの機関の相談は取り込めません（%(code)s）。その機関の職員が取り込みます。")
            % {"code": code},
        )
        return None
    return agency.pk


def _consultation(row, raw, text, problems, actor, agencies, issues):
    number = row.number
    row.consultation_ref = text["consultation_ref"]
    if not row.consultation_ref:
        problems.add(number, "consultation_ref", _("相談の外部IDを入力してください。"))
    _agency(row, text, "receiving_agency", problems, actor, agencies)
    _agency(row, text, "responsible_agency", problems, actor, agencies)
    fields = {}
    for key, choices, required in (
        ("channel", Channel, True),
        ("consulter_type", ConsulterType, True),
        ("urgency", Urgency, False),
    ):
        fields[key] = (_choice(text[key], choices) or "") if text[key] else ""
        if text[key] and not fields[key]:
            problems.add(number, key, _("次のどれかです: %(allowed)s") % {"allowed": _allowed(choices)})  # fmt: skip
        elif required and not text[key]:
            problems.add(number, key, _("入力してください。"))
    fields["urgency"] = fields["urgency"] or Urgency.NORMAL
    outcome = _choice(text["outcome"], Outcome) if text["outcome"] else ""
    if outcome is None or outcome not in IMPORTABLE_OUTCOMES:
        problems.add(
            number,
            "outcome",
            _(
                "受付の結果は空欄か、次のどれかです: %(allowed)s（つなぎと多機関協働は画面から記録します）"
            )
            % {"allowed": _allowed(Outcome, IMPORTABLE_OUTCOMES)},
        )
        outcome = ""
    fields["outcome"] = outcome
    fields["summary"] = unicodedata.normalize("NFC", text["summary"])
    received_on = _date(row, raw, "received_on", problems)
    if received_on is None and not text["received_on"]:
        problems.add(number, "received_on", _("受付日を入力してください。"))
    fields["received_at"] = (
        timezone.make_aware(dt.datetime.combine(received_on, dt.time())) if received_on else None
    )
    next_action_on = _date(row, raw, "next_action_on", problems)
    codes, main = [], None
    for code in _ISSUE_SPLIT.split(unicodedata.normalize("NFKC", text["issues"])):
        if code.startswith("◎"):
            code = code[1:]
            main = main or code
        if code:
            codes.append(code)
    codes = list(dict.fromkeys(codes))
    if text["main_issue"]:
        main = unicodedata.normalize("NFKC", text["main_issue"]).lstrip("◎")
    if main is None and len(codes) == 1:
        main = codes[0]
    if main and main not in codes:
        codes.insert(0, main)
    unknown = [c for c in codes if c not in issues]
    if unknown:
        problems.add(
            number,
            "issues" if any(c != main for c in unknown) else "main_issue",
            _("課題分類にないコードがあります: %(codes)s") % {"codes": "、".join(unknown)},
        )
    fields.update(issues=codes, main_issue=main or "")
    resolved = outcome == Outcome.RESOLVED
    fields["next_action_on"] = None if resolved else next_action_on
    errors = intake_errors(
        issues=codes,
        main_issue=main,
        received_at=fields["received_at"],
        next_action_on=fields["next_action_on"],
        resolved=resolved,
    )
    for name, messages in errors.items():
        for message in messages:
            problems.add(number, FIELD_COLUMN[name], message.message)
    consultation = Consultation(
        **{k: v for k, v in fields.items() if k not in ("issues", "main_issue", "next_action_on")},
        receiving_agency_id=actor.agency_id,
        responsible_agency_id=actor.agency_id,
        next_action_on=fields["next_action_on"] or timezone.localdate(),
        subject_note="-",  # the person is there (checked above); the constraint needs one
    )
    if fields["received_at"] is None:
        consultation.received_at = timezone.now()
    try:
        consultation.full_clean(exclude=_all_but(Consultation, FILE_FIELDS), **ROW_ONLY)
    except ValidationError as exc:
        problems.validation(number, exc)
    fields["person_ref"] = row.person_ref
    fields["household_ref"] = row.household_ref
    row.consultation = fields


# --- across rows --------------------------------------------------------------------------


def _across_rows(plan: Plan, problems: _Problems):
    """Each external id once per consultation; one person the same on every row; one head
    per household; a person in a household once."""
    consultations, people, households = {}, {}, {}
    for row in plan.rows:
        if not row.consultation_ref:
            continue
        if row.consultation_ref in consultations:
            problems.add(
                row.number,
                "consultation_ref",
                _("同じ相談の外部IDが%(row)s行目にもあります。") % {"row": consultations[row.consultation_ref]},
            )  # fmt: skip
            row.ok = False
        else:
            consultations[row.consultation_ref] = row.number
        if row.person_ref and row.person:
            first = people.setdefault(row.person_ref, row)
            if first is not row:
                differ = sorted(
                    {
                        FIELD_COLUMN[k]
                        for k in PERSON_KEYS
                        if first.person.get(k) != row.person.get(k)
                    }
                )
                for key in differ:
                    problems.add(
                        row.number,
                        key,
                        _("同じ本人の外部IDの%(row)s行目と内容が違います。")
                        % {"row": first.number},
                    )
                if (
                    first.household_ref != row.household_ref
                    or first.relationship != row.relationship
                ):
                    problems.add(
                        row.number,
                        "household_ref",
                        _("同じ本人の外部IDの%(row)s行目と世帯・続柄が違います。")
                        % {"row": first.number},
                    )
        if row.household_ref and row.person_ref:
            members = households.setdefault(row.household_ref, {})
            members.setdefault(row.person_ref, row)
    for members in households.values():
        heads = [r for r in members.values() if r.relationship == Relationship.HEAD]
        for extra in heads[1:]:
            problems.add(
                extra.number,
                "relationship",
                _("世帯主は1世帯に1人です（%(row)s行目も世帯主です）。") % {"row": heads[0].number},
            )


# --- against what exists ------------------------------------------------------------------


def _load_refs(agency_id, kind, ids) -> dict:
    ids = list(ids)
    found = {}
    for start in range(0, len(ids), 500):
        for ref in ExternalRef.objects.filter(
            agency_id=agency_id, kind=kind, external_id__in=ids[start : start + 500]
        ):
            found[ref.external_id] = ref
    return found


def changed_fields(ref, values: dict) -> list[str]:
    old = ref.fingerprints
    return [key for key, value in values.items() if old.get(key) != fingerprint(value)]


# A person's ref also fingerprints their household and 続柄 as last imported, under a key of
# its own: not a field of the person (person_values), but what makes a corrected 続柄 a change.
MEMBERSHIP = "membership"


def membership_value(row: Row) -> list:
    return [row.household_ref, row.relationship]


def membership_said_before(ref, row: Row) -> bool:
    """Whether the file says the person's household and 続柄 as when their ref was last written.
    False for a ref written before the key existed (or none): then what the database holds
    decides, so an earlier import's file is not "changed" for lack of the key."""
    return ref is not None and ref.fingerprints.get(MEMBERSHIP) == fingerprint(
        membership_value(row)
    )


def person_ref_values(row: Row) -> dict:
    """What a person's ref fingerprints: their fields and their membership."""
    return {**person_values(row), MEMBERSHIP: membership_value(row)}


def consultation_values(row: Row) -> dict:
    return {key: row.consultation.get(key) for key in CONSULTATION_KEYS}


def person_values(row: Row) -> dict:
    return {key: row.person.get(key) for key in PERSON_KEYS}


def _against_existing(plan: Plan, problems: _Problems, actor):
    """Idempotency: rows whose external ids exist are updates of only the fields that changed
    since the last import of that id; an outcome once recorded is not changed (R1)."""
    agency_id = actor.agency_id
    persons = _load_refs(agency_id, RecordKind.PERSON, {r.person_ref for r in plan.rows if r.person_ref})  # fmt: skip
    households = _load_refs(agency_id, RecordKind.HOUSEHOLD, {r.household_ref for r in plan.rows if r.household_ref})  # fmt: skip
    consultations = _load_refs(agency_id, RecordKind.CONSULTATION, {r.consultation_ref for r in plan.rows if r.consultation_ref})  # fmt: skip
    plan.refs = {
        RecordKind.PERSON: persons,
        RecordKind.HOUSEHOLD: households,
        RecordKind.CONSULTATION: consultations,
    }
    counts = {kind: {"created": 0, "updated": 0, "unchanged": 0} for kind in RecordKind.values}
    existing = {
        pk: (outcome, holder)
        for pk, outcome, holder in Consultation.objects.filter(
            pk__in=[ref.record_id for ref in consultations.values()]
        ).values_list("pk", "outcome", "responsible_agency_id")
    }
    members = _member_changes(plan, problems, actor)
    seen_people, seen_households = set(), set()
    for row in plan.rows:
        if row.person_ref and row.person_ref not in seen_people:
            seen_people.add(row.person_ref)
            ref = persons.get(row.person_ref)
            if ref is None:
                counts[RecordKind.PERSON]["created"] += 1
            elif changed := changed_fields(ref, person_values(row)):
                counts[RecordKind.PERSON]["updated"] += 1
                plan.changes.append(
                    {"row": row.number, "kind": RecordKind.PERSON,
                     "columns": sorted({BY_KEY[FIELD_COLUMN[k]].header for k in changed})}
                )  # fmt: skip
            else:
                counts[RecordKind.PERSON]["unchanged"] += 1
            if row.number in members.columns:
                plan.changes.append(
                    {"row": row.number, "kind": RecordKind.HOUSEHOLD,
                     "columns": members.columns[row.number]}
                )  # fmt: skip
        if row.household_ref and row.household_ref not in seen_households:
            seen_households.add(row.household_ref)
            ref = households.get(row.household_ref)
            key = (
                "created" if ref is None
                else "updated" if ref.record_id in members.households
                else "unchanged"
            )  # fmt: skip
            counts[RecordKind.HOUSEHOLD][key] += 1
        if not row.consultation_ref:
            continue
        ref = consultations.get(row.consultation_ref)
        if ref is None:
            counts[RecordKind.CONSULTATION]["created"] += 1
            continue
        changed = changed_fields(ref, consultation_values(row))
        before, holder = existing.get(ref.record_id, ("", agency_id))
        if changed and not access.may_import_for(actor, holder):
            # R6: handed to another agency (a transfer, an escalation) since it was imported.
            problems.add(
                row.number,
                "consultation_ref",
                _("この相談はいまはほかの機関が担当しているため、取り込みでは変えられません。"),
            )
            row.ok = False
        if "outcome" in changed and before and before != row.consultation["outcome"]:
            problems.add(
                row.number,
                "outcome",
                _(
                    "この相談の受付の結果はすでに「%(outcome)s」と記録されています。取り込みでは変えられません。"
                )
                % {"outcome": Outcome(before).label},
            )
            row.ok = False
        if changed:
            counts[RecordKind.CONSULTATION]["updated"] += 1
            plan.changes.append(
                {"row": row.number, "kind": RecordKind.CONSULTATION,
                 "columns": sorted({BY_KEY[FIELD_COLUMN.get(k, k)].header for k in changed})}
            )  # fmt: skip
        else:
            counts[RecordKind.CONSULTATION]["unchanged"] += 1
    plan.counts = counts


@dataclass
class _MemberChanges:
    columns: dict  # row number → the headers of what the row changes in its household
    households: set  # the households (pk) that exist and change


def _member_changes(plan: Plan, problems: _Problems, actor) -> _MemberChanges:
    """What the file changes in households that exist, as household_member_add and a member's
    edit would: a person new to the household is added; a member's 続柄 is changed when the
    file says another one than the database holds and than the file said last time
    (membership_said_before: an edit on the screen since is left alone while the file still
    says what it said). Each person once (_across_rows: the same household and 続柄 on every
    row). Refused per row, as the services refuse: another agency's household
    (access.can_edit_household, R6/R7) and a second head (世帯主) in the household once the
    whole file is applied. Two queries for the file, 500 households at a time."""
    persons, households = plan.refs[RecordKind.PERSON], plan.refs[RecordKind.HOUSEHOLD]
    found = _MemberChanges(columns={}, households=set())
    known = sorted({ref.record_id for ref in households.values()}, key=str)
    if not known:
        return found
    members, editable = {}, {}
    for start in range(0, len(known), 500):
        ids = known[start : start + 500]
        for household_id, person_id, relationship in HouseholdMember.objects.filter(
            household_id__in=ids
        ).values_list("household_id", "person_id", "relationship"):
            members.setdefault(household_id, {})[person_id] = relationship
        for household in Household.objects.filter(pk__in=ids).only("pk", "agency_id"):
            editable[household.pk] = access.can_edit_household(actor, household)
    joined = [BY_KEY["household_ref"].header, BY_KEY["relationship"].header]
    heads, seen = {}, set()
    for row in plan.rows:
        ref = households.get(row.household_ref)
        if ref is None or not row.relationship or row.person_ref in seen:
            continue
        seen.add(row.person_ref)
        person = persons.get(row.person_ref)
        # A person the file creates is nobody's member yet: keyed by the file's id meanwhile.
        person_key = person.record_id if person else ("new", row.person_ref)
        current = members.setdefault(ref.record_id, {})
        before = current.get(person_key)
        if before is None:
            columns = joined
        elif before != row.relationship and not membership_said_before(person, row):
            columns = [BY_KEY["relationship"].header]
        else:
            continue
        if not editable.get(ref.record_id):
            problems.add(row.number, "household_ref", _("この世帯の記録は変更できません。"))
            row.ok = False
            continue
        current[person_key] = row.relationship
        found.columns[row.number] = columns
        found.households.add(ref.record_id)
        if row.relationship == Relationship.HEAD:
            heads.setdefault(ref.record_id, []).append(row)
    for household_id, rows in heads.items():
        if list(members[household_id].values()).count(Relationship.HEAD) > 1:
            for row in rows:
                problems.add(row.number, "relationship", _("世帯主は1人だけにしてください。"))
                row.ok = False
    return found


# --- 名寄せ: likely duplicates, listed and never merged -----------------------------------------


def _likely_duplicates(plan: Plan, actor):
    persons = plan.refs.get(RecordKind.PERSON, {})
    new_people = {}
    for row in plan.rows:
        if row.ok and row.person_ref and row.person_ref not in persons:
            new_people.setdefault(row.person_ref, row)
    # Within the file: the same name (or reading) and birth date under two external ids.
    keys = {}
    for row in new_people.values():
        p = row.person
        if p.get("birth_date") is None:
            continue
        for key in (
            ("name", normalize_for_search(p["family_name"] + p["given_name"])),
            ("kana", normalize_for_search(p["family_name_kana"] + p["given_name_kana"])),
        ):
            if not key[1]:
                continue
            other = keys.setdefault((*key, p["birth_date"]), row)
            if other is not row:
                plan.matches.append({"row": row.number, "other_row": other.number})
                break
    # Against the people already registered: search before create, as the screens do.
    rows = list(new_people.values())
    plan.unchecked_matches = max(0, len(rows) - MATCH_LIMIT)
    for row in rows[:MATCH_LIMIT]:
        p = row.person
        found = people_selectors.person_likely_matches(
            user=actor,
            family_name=p["family_name"],
            given_name=p["given_name"],
            family_name_kana=p["family_name_kana"],
            given_name_kana=p["given_name_kana"],
            birth_date=p["birth_date"],
            address=p["address"],
            phone=p["phone"],
            limit=3,
        )
        for person in found.visible:
            plan.matches.append({"row": row.number, "person_id": str(person.pk)})
        if found.others_exist:
            plan.matches.append({"row": row.number, "hidden": True})
