"""Checking a file row by row before anything is written (the dry run), with the product's own
rules: the people services' normalisation (normalised_value), the models' validators
(full_clean), the intake's rules (intake.services.intake_errors) and the policy (R6:
access.may_import_for). Every problem is named by row (the file's own line or Excel row),
column and a Japanese message, and never quotes the cell (a job keeps no personal data).

The result is a Plan (plan.py): what each row becomes; existing.py adds what already exists
under its external ids (ExternalRef), which fields a corrected file changes, and the likely
duplicates (名寄せ), listed and never merged.
"""

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from yorisoi import access, bulk
from yorisoi.directory.models import Agency, IssueCategory
from yorisoi.intake.models import Channel, Consultation, ConsulterType, Outcome, Urgency
from yorisoi.intake.services import intake_errors
from yorisoi.people import wareki
from yorisoi.people.models import Person, Relationship, Sex
from yorisoi.people.services import normalised_value
from yorisoi.reports.sheets import FORMULA_STARTS as QUOTED

from . import existing
from .plan import FIELD_COLUMN, PERSON_KEYS, Plan, Problems, Row, repeats
from .plan import forget_values as forget_fingerprints
from .reading import Sheet
from .template import ALIASES, COLUMNS, HEADERS

# A cell that a spreadsheet would run as a formula (CSV injection, OWASP): refused, not quoted.
FORMULA_START = ("=", "+", "-", "@")
# The outcomes an import may set: the others need a referral or the coordinator (screens).
IMPORTABLE_OUTCOMES = ("", Outcome.RESOLVED, Outcome.CONTINUED)
DATE_FORMAT_ERROR = _lazy(
    "日付は「2024-04-01」「令和6年4月1日」「R6.4.1」のように入力してください。"
)
# A consultation's fields that a row's cells give (its agencies are checked apart, _agency).
FILE_FIELDS = ("received_at", "channel", "consulter_type", "summary", "urgency", "outcome",
               "next_action_on")  # fmt: skip


@functools.cache
def _model_fields(model) -> dict:
    return {f.name: f for f in model._meta.fields}


# A field's clean depends on the value alone: asked once per repeated value (plan.repeats; an
# error is not kept: it is raised again, in the language of the moment).
@functools.lru_cache(maxsize=8192)
def _clean_repeated(model, name, kind, value):
    return _model_fields(model)[name].clean(value, None)


def field_errors(model, values: dict, *, also=None) -> dict:
    """What full_clean would say of a row's `values` (field name → value), asked of those
    fields only: each field's own clean (type, choices, blank, length, validators), as
    Model.clean_fields asks it, then `also(cleaned)`, the model's own clean(). Not the table's
    unique checks and constraints, which Django asks the database for one query each (a new
    record's key is a fresh UUID, and the consultation is built open, with its subject and an
    allowed outcome, so its constraints hold by construction; the database still enforces
    them all when the file is written). No instance is built: at 100,000 rows building and
    cleaning a Person and a Consultation a row was most of the check's time
    (bench/import_100k.py). {field name: [messages]}, empty when the row is clean."""
    fields = _model_fields(model)
    errors, cleaned = {}, {}
    for name, value in values.items():
        model_field = fields[name]
        if model_field.blank and value in model_field.empty_values:
            cleaned[name] = value
            continue
        try:
            if repeats(value):
                cleaned[name] = _clean_repeated(model, name, type(value), value)
            else:
                cleaned[name] = model_field.clean(value, None)
        except ValidationError as exc:
            errors[name] = exc.messages
    if also is not None and not errors:
        try:
            also(SimpleNamespace(**cleaned))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return errors


_HALF_WIDTH_KANA = re.compile("[\uff61-\uff9f]")
_ISSUE_SPLIT = re.compile(r"[;；、,，\s]+")


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


@functools.lru_cache(maxsize=4096)
def _choice(value: str, choices, language) -> str | None:
    """A choice by its code (counter) or its Japanese label (窓口), as read in `language`;
    None if neither."""
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


def header_columns(sheet: Sheet, problems: Problems) -> dict[int, str]:
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


@dataclass(frozen=True)
class _Context:
    """What every row of a check is read against, looked up once for the file."""

    actor: object
    agencies: dict  # code → Agency (active)
    issues: dict  # code → IssueCategory (active)
    today: dt.date = field(default_factory=timezone.localdate)
    language: str = field(default_factory=get_language)


def _context(actor, agencies=None, issues=None) -> _Context:
    if agencies is None:
        agencies = {a.code: a for a in Agency.objects.filter(active=True)}
    if issues is None:
        issues = {i.code: i for i in IssueCategory.objects.filter(active=True)}
    return _Context(actor, agencies, issues)


def check(sheet: Sheet, *, actor, progress=None) -> Plan:
    problems = Problems()
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
    context = _context(actor)
    rows = []
    # The sheet's rows are read as they are checked (reading.Sheet), so that a large file is
    # not held twice (as cells and as checked rows): a sheet is checked once.
    with bulk.long_lived() as keep:
        for n, (number, cells) in enumerate(sheet.rows, start=1):
            rows.append(_check_row(number, cells, columns, width, problems, context))
            if n % 1000 == 0:
                keep()  # the rows checked so far stay to the end
                if progress:
                    progress(n)
    plan = Plan(rows=rows)
    _across_rows(plan, problems)
    existing.against_existing(plan, problems, actor)
    existing.likely_duplicates(plan, actor)
    plan.problems = sorted(problems.items, key=_in_reading_order)
    forget_values()
    return plan


def forget_values():
    """Nothing of a file stays in the process's caches once it is checked or written."""
    _clean_repeated.cache_clear()
    _choice.cache_clear()
    forget_fingerprints()


_COLUMN_ORDER = {c.header: n for n, c in enumerate(COLUMNS)}


def _in_reading_order(problem):
    """Row by row; in a row the errors first, then left to right as the template's columns."""
    return problem["row"], problem["level"] != "error", _COLUMN_ORDER.get(problem["column"], -1)


def _check_row(number, cells, columns, width, problems, context) -> Row:
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
    _person(row, raw, text, problems, context)
    _consultation(row, raw, text, problems, context)
    row.ok = len([p for p in problems.items[before:] if p["level"] == "error"]) == 0
    return row


def row_as_checked(cells, *, actor, agencies, issues) -> Row:
    """One row in the template's column order, read as check reads it: what importing it
    would say (the export's fingerprints, exporting.py)."""
    columns = {index: column.key for index, column in enumerate(COLUMNS)}
    context = _context(actor, agencies, issues)
    return _check_row(0, cells, columns, len(COLUMNS), Problems(), context)


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


def _person(row, raw, text, problems, context):
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
        fields["sex"] = _choice(text["sex"], Sex, context.language) or ""
        if not fields["sex"]:
            problems.add(number, "sex", _("性別は次のどれかです: %(allowed)s") % {"allowed": _allowed(Sex)})  # fmt: skip
    given = {key: fields[key] for key in PERSON_KEYS}  # a date that could not be read: None
    # Person.clean (a birth date in the future) asked of the cleaned values, as full_clean does
    problems.validation(number, field_errors(Person, given, also=Person.clean))
    row.person = fields
    row.household_ref = text["household_ref"]
    if text["relationship"]:
        row.relationship = _choice(text["relationship"], Relationship, context.language) or ""
        if not row.relationship:
            problems.add(
                number,
                "relationship",
                _("続柄は次のどれかです: %(allowed)s") % {"allowed": _allowed(Relationship)},
            )
    elif row.household_ref:
        problems.add(number, "relationship", _("世帯の外部IDがあるときは続柄を入力してください。"))


def _agency(row, text, key, problems, context):
    actor, code = context.actor, text[key]
    if not code:
        return actor.agency_id
    agency = context.agencies.get(code)
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


def _consultation(row, raw, text, problems, context):
    number = row.number
    row.consultation_ref = text["consultation_ref"]
    if not row.consultation_ref:
        problems.add(number, "consultation_ref", _("相談の外部IDを入力してください。"))
    _agency(row, text, "receiving_agency", problems, context)
    _agency(row, text, "responsible_agency", problems, context)
    fields = {}
    for key, choices, required in (
        ("channel", Channel, True),
        ("consulter_type", ConsulterType, True),
        ("urgency", Urgency, False),
    ):
        fields[key] = (_choice(text[key], choices, context.language) or "") if text[key] else ""
        if text[key] and not fields[key]:
            problems.add(number, key, _("次のどれかです: %(allowed)s") % {"allowed": _allowed(choices)})  # fmt: skip
        elif required and not text[key]:
            problems.add(number, key, _("入力してください。"))
    fields["urgency"] = fields["urgency"] or Urgency.NORMAL
    outcome = _choice(text["outcome"], Outcome, context.language) if text["outcome"] else ""
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
    unknown = [c for c in codes if c not in context.issues]
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
    given = {key: fields[key] for key in FILE_FIELDS}
    # Not decided yet: due today (consultation_create); a row without a date said so above.
    given["next_action_on"] = given["next_action_on"] or context.today
    given["received_at"] = given["received_at"] or timezone.now()
    problems.validation(number, field_errors(Consultation, given))
    # Ten keys at most: a dict of eleven takes twice the memory (40MB at 100,000 rows); the
    # person's and household's ids are the row's own (existing.consultation_values).
    row.consultation = fields


# --- across rows --------------------------------------------------------------------------


def _across_rows(plan: Plan, problems: Problems):
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
                if not differ:
                    row.person = first.person  # the same values: held once (memory)
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
