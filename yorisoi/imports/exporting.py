"""Exporting an agency's records in the import's own template (issue 15): people, households
(members with 続柄) and consultations, one row a consultation, as Excel (.xlsx) or CSV (UTF-8
with BOM, or CP932 when every character fits). Importing the file into an empty database gives
the same records (tests/test_export_round_trip.py); importing it into the same one changes
nothing.

    export = records_export(actor=user, agency=user.agency, file_format="xlsx")
    export.file  # a temporary file, at its start: hand it to a FileResponse

- R6: the rows are access.exportable_consultations — what the user may read, of the agency
  they act for. A person's household is one the user may see (access.visible_households).
- Audited: every consultation and person written to the file is named in the trail
  (audit.log.record_ids, per chunk), and the file itself by its hash, format and row count
  ("import.exported"), never a value.
- External ids: a record is named by the id it was imported under (ExternalRef) or else by its
  UUID, which the export registers as its external id for the agency, with the fingerprints the
  import's own check reads from the row (checking.row_as_checked). So a second import of the
  file finds every record and changes nothing, and a corrected file updates the same records.
- Memory and time: CHUNK consultations at a time (keyset pages on received_at and id, the
  order of the file), read as values, not model instances, in a constant number of queries a
  chunk; the file is written to a temporary file (openpyxl's write-only mode for Excel), never
  held whole. bench/export_10k.py measures it.
- Cells a spreadsheet would run as a formula get a leading quote (reports.sheets.neutralise);
  the import takes it off again.
"""

import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from yorisoi import access
from yorisoi.audit.log import record, record_ids
from yorisoi.directory.models import Agency, IssueCategory
from yorisoi.errors import RuleViolation
from yorisoi.intake.models import Channel, ConsultationIssue, ConsulterType, Outcome, Urgency
from yorisoi.people.models import HouseholdMember, Relationship, Sex
from yorisoi.reports.sheets import neutralise

from . import checking, existing, template_files
from .models import ExternalRef, RecordKind
from .plan import fingerprints
from .template import CODES_SHEET, COLUMNS, DATA_SHEET, HELP_SHEET

CHUNK = 2000
BASIS = "own_agency"  # access.exportable_consultations: the agency received or holds each row
FORMATS = ("xlsx", "csv")
ENCODINGS = ("utf-8", "cp932")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


@dataclass
class Export:
    file: object  # a binary temporary file, at its start
    file_name: str
    file_format: str
    encoding: str  # "UTF-8 (BOM)", "CP932", "" for Excel
    content_type: str
    rows: int = 0
    sha256: str = ""
    # Why a CSV asked for in CP932 is UTF-8: (row, column header) of the first character CP932
    # cannot hold, never the character.
    not_cp932: tuple | None = None

    @property
    def note(self) -> str:
        if self.not_cp932 is None:
            return ""
        row, column = self.not_cp932
        return _(
            "%(row)s行目の「%(column)s」にShift_JIS（CP932）で表せない文字（𠮷など）があるため、"
            "UTF-8（BOM付き）で書き出しました。Excelでもそのまま開けます。"
        ) % {"row": row, "column": column}


def records_export(
    *,
    actor,
    agency,
    file_format: str = "xlsx",
    encoding: str = "utf-8",
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    request=None,
) -> Export:
    """The agency's consultations received in [received_from, received_to] (either open) as a
    file of the import's template. Raises RuleViolation("forbidden") if `actor` may not export
    the agency's records."""
    if not access.exportable_agencies(actor).filter(pk=agency.pk).exists():
        raise RuleViolation(_("この機関の記録は書き出せません。"), code="forbidden")
    if file_format not in FORMATS or encoding not in ENCODINGS:
        raise ValueError(f"format {file_format!r}, encoding {encoding!r}")
    consultations = access.exportable_consultations(actor, agency.pk)
    if received_from:
        consultations = consultations.filter(received_at__gte=_start_of(received_from))
    if received_to:
        consultations = consultations.filter(
            received_at__lt=_start_of(received_to + dt.timedelta(days=1))
        )
    # The file's labels (窓口, 本人 …) are the template's: Japanese, whatever the screen's language.
    with translation.override(settings.LANGUAGE_CODE):
        writer = _Xlsx(agency) if file_format == "xlsx" else _Csv(check_cp932=encoding == "cp932")
        rows = _Rows(actor, agency, request)
        for chunk, links in _chunks(consultations):
            for cells in rows.of(chunk, links):
                writer.write(cells)
        export = writer.close()
    export.rows = rows.count
    export.file_name = "yorisoi-export-{}-{}.{}".format(
        agency.code, timezone.localdate().strftime("%Y%m%d"), file_format
    )
    export.sha256 = _sha256(export.file)
    record(
        "import.exported",
        actor=actor,
        basis=BASIS,
        request=request,
        data={
            "agency": agency.code,
            "format": file_format,
            "encoding": export.encoding,
            "rows": export.rows,
            "people": len(rows.people_seen),
            "received_from": received_from.isoformat() if received_from else "",
            "received_to": received_to.isoformat() if received_to else "",
            "sha256": export.sha256,
        },
    )
    return export


def file_response(export: Export):
    """The file as an attachment, streamed from its temporary file (screen and API alike)."""
    from django.http import FileResponse

    response = FileResponse(
        export.file,
        as_attachment=True,
        filename=export.file_name,
        content_type=export.content_type,
    )
    response["X-Export-Rows"] = str(export.rows)
    response["X-Export-Encoding"] = export.encoding
    if export.not_cp932:
        # ASCII only in a header: the row and the column's key, never the character.
        row, header = export.not_cp932
        key = next(c.key for c in COLUMNS if c.header == header)
        response["X-Export-Not-CP932"] = f"row={row}; column={key}"
    response["Cache-Control"] = "no-store"
    return response


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _sha256(file) -> str:
    import hashlib

    digest = hashlib.sha256()
    while block := file.read(1 << 20):
        digest.update(block)
    file.seek(0)
    return digest.hexdigest()


# What a row needs of a consultation and of its subject, read as values: a model instance a row
# (and one per person, agency and issue link) was most of an export's time (bench/export_10k.py).
_FIELDS = ("pk", "received_at", "channel", "consulter_type", "summary", "urgency", "outcome",
           "next_action_on", "person_id", "receiving_agency_id", "responsible_agency_id",
           "person__family_name", "person__given_name", "person__family_name_kana",
           "person__given_name_kana", "person__birth_date", "person__sex", "person__address",
           "person__phone")  # fmt: skip


def _chunks(consultations):
    """CHUNK consultations at a time in the file's order (received, then id), each page a query
    of its own after the last row of the one before (no cursor held open while the chunk's ids
    are registered and audited); with their issues (code, ◎) in one more query a chunk.
    Yields (rows, {consultation pk: [(issue id, is main)]})."""
    base = consultations.order_by("received_at", "pk").values_list(*_FIELDS, named=True)
    last = None
    while True:
        page = base
        if last is not None:
            page = page.filter(Q(received_at__gt=last[0]) | Q(received_at=last[0], pk__gt=last[1]))
        chunk = list(page[:CHUNK])
        if not chunk:
            return
        links: dict = {}
        for consultation_id, issue_id, is_main in ConsultationIssue.objects.filter(
            consultation_id__in=[c.pk for c in chunk]
        ).values_list("consultation_id", "issue_id", "is_main"):
            links.setdefault(consultation_id, []).append((issue_id, is_main))
        yield chunk, links
        last = (chunk[-1].received_at, chunk[-1].pk)
        if len(chunk) < CHUNK:
            return


@dataclass
class _Rows:
    """The template's cells for each consultation of a chunk, and the chunk's bookkeeping: the
    external ids registered and the records named in the audit trail."""

    actor: object
    agency: object
    request: object
    count: int = 0
    people_seen: set = field(default_factory=set)
    agencies: dict = field(default_factory=dict)
    issues: dict = field(default_factory=dict)
    # pk → code of every agency and issue category, retired ones too (an old row names them)
    agency_codes: dict = field(default_factory=dict)
    issue_codes: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)  # (choices, code) → the template's label

    def __post_init__(self):
        self.agencies = {a.code: a for a in Agency.objects.filter(active=True)}
        self.issues = {i.code: i for i in IssueCategory.objects.filter(active=True)}
        self.agency_codes = dict(Agency.objects.values_list("pk", "code"))
        self.issue_codes = dict(IssueCategory.objects.values_list("pk", "code"))
        # The labels in the language the export is written in (records_export: the template's)
        self.labels = {
            (choices, code): str(label)
            for choices in (Channel, ConsulterType, Outcome, Urgency, Relationship, Sex)
            for code, label in choices.choices
        }

    def of(self, chunk: list, links: dict) -> list[list]:
        people = {c.person_id for c in chunk if c.person_id}
        homes = self._households(people)
        household_ids = {h for h, _rel in homes.values()}
        refs = self._refs(
            {
                RecordKind.CONSULTATION: {c.pk for c in chunk},
                RecordKind.PERSON: people,
                RecordKind.HOUSEHOLD: household_ids,
            }
        )
        new_refs = {}

        def ref_of(kind, pk):
            found = refs.get((kind, pk))
            if found is None:
                found = str(pk)
                new_refs.setdefault((kind, pk), None)
            return found

        lines = []
        for c in chunk:
            household_id, relationship = homes.get(c.person_id, (None, ""))
            cells = self._cells(
                c,
                links.get(c.pk, ()),
                consultation_ref=ref_of(RecordKind.CONSULTATION, c.pk),
                person_ref=ref_of(RecordKind.PERSON, c.person_id) if c.person_id else "",
                household_ref=ref_of(RecordKind.HOUSEHOLD, household_id) if household_id else "",
                relationship=relationship,
            )
            lines.append(cells)
            for kind, pk in (
                (RecordKind.CONSULTATION, c.pk),
                (RecordKind.PERSON, c.person_id),
                (RecordKind.HOUSEHOLD, household_id),
            ):
                if (kind, pk) in new_refs and new_refs[(kind, pk)] is None:
                    new_refs[(kind, pk)] = cells
        self._register(new_refs)
        self.count += len(chunk)
        self.people_seen |= people
        with transaction.atomic():
            for action, ids in (
                ("consultation.exported", [c.pk for c in chunk]),
                ("person.exported", sorted(people, key=str)),
            ):
                record_ids(
                    action,
                    actor=self.actor,
                    ids=ids,
                    basis=BASIS,
                    request=self.request,
                    data={"agency": self.agency.code},
                )
        return lines

    def _households(self, people) -> dict:
        """person → (household, 続柄): the first household (oldest) the user may see that the
        person belongs to. The template has one household a person, on each of their rows.
        The policy asked of each membership of the chunk's people (EXISTS on the household),
        not `household IN (every household the user may see)`, which a database builds whole
        for each chunk (seconds at 10,000 households on SQLite)."""
        found = {}
        visible = access.visible_households(self.actor).filter(pk=OuterRef("household_id"))
        members = (
            HouseholdMember.objects.filter(person_id__in=people)
            .filter(Exists(visible))
            .order_by("household__created_at", "household_id")
            .values_list("person_id", "household_id", "relationship")
        )
        for person_id, household_id, relationship in members:
            found.setdefault(person_id, (household_id, relationship))
        return found

    def _refs(self, ids_by_kind) -> dict:
        """(kind, record id) → the external id it was imported under, for the agency; the
        smallest when a record came in under two."""
        condition = Q(pk__in=[])
        for kind, ids in ids_by_kind.items():
            if ids:
                condition |= Q(kind=kind, record_id__in=list(ids))
        found = {}
        rows = (
            ExternalRef.objects.filter(condition, agency_id=self.agency.pk)
            .order_by("external_id")
            .values_list("kind", "record_id", "external_id")
        )
        for kind, record_id, external_id in rows:
            found.setdefault((kind, record_id), external_id)
        return found

    def _register(self, new_refs):
        """A record exported under its UUID becomes known under it: a ref with the
        fingerprints of what importing its row would read."""
        if not new_refs:
            return
        now = timezone.now()
        made = []
        read = {}
        for (kind, pk), cells in new_refs.items():
            key = id(cells)
            if key not in read:
                read[key] = checking.row_as_checked(
                    _text_cells(cells), actor=self.actor, agencies=self.agencies, issues=self.issues
                )
            row = read[key]
            if kind == RecordKind.CONSULTATION:
                values = existing.consultation_values(row)
            elif kind == RecordKind.PERSON:
                values = existing.person_ref_values(row)
            else:
                values = {}
            made.append(
                ExternalRef(
                    agency_id=self.agency.pk,
                    kind=kind,
                    external_id=str(pk),
                    record_id=pk,
                    fingerprints=fingerprints(values),
                    job=None,
                    updated_at=now,
                )
            )
        ExternalRef.objects.bulk_create(made, batch_size=CHUNK, ignore_conflicts=True)

    def _label(self, choices, code) -> str:
        return self.labels[choices, code] if code else ""

    def _cells(self, c, links, *, consultation_ref, person_ref, household_ref, relationship):
        """One consultation (a row of _chunks) as the template's cells, in COLUMNS' order;
        dates as dates. Its issues: ◎ first, then by code."""
        codes = sorted((not is_main, self.issue_codes[pk]) for pk, is_main in links)
        main = next((code for not_main, code in codes if not not_main), "")
        label = self._label
        person = c.person_id is not None
        values = {
            "consultation_ref": consultation_ref,
            "person_ref": person_ref,
            "name": " ".join(n for n in (c.person__family_name, c.person__given_name) if n),
            "kana": " ".join(
                n for n in (c.person__family_name_kana, c.person__given_name_kana) if n
            ),
            "birth_date": c.person__birth_date,
            "sex": label(Sex, c.person__sex) if person else "",
            "address": c.person__address or "",
            "phone": c.person__phone or "",
            "household_ref": household_ref,
            "relationship": label(Relationship, relationship),
            "received_on": timezone.localtime(c.received_at).date(),
            "receiving_agency": self.agency_codes[c.receiving_agency_id],
            "responsible_agency": self.agency_codes[c.responsible_agency_id],
            "channel": label(Channel, c.channel),
            "consulter_type": label(ConsulterType, c.consulter_type),
            "summary": c.summary,
            "issues": ";".join(code for _not_main, code in codes),
            "main_issue": main,
            "urgency": label(Urgency, c.urgency),
            "outcome": label(Outcome, c.outcome),
            "next_action_on": c.next_action_on,
        }
        return [neutralise(values[column.key]) for column in COLUMNS]


def _text_cells(cells) -> list:
    """The cells as CSV carries them: dates in 西暦 (ISO), nothing as empty."""
    return ["" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v) for v in cells]


# --- the files ---------------------------------------------------------------------------------


class _Csv:
    """UTF-8 with BOM (Excel in Japan reads it), CRLF. Asked for CP932, the rows are still
    written as UTF-8 while each cell is tried in CP932; if all fit, the file is re-encoded at
    the end (block by block), else it stays UTF-8 and says where the first misfit is."""

    def __init__(self, *, check_cp932: bool):
        self.file = tempfile.TemporaryFile()
        self.text = io.TextIOWrapper(self.file, encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.text, lineterminator="\r\n")
        self.writer.writerow([c.header for c in COLUMNS])
        self.check_cp932 = check_cp932
        self.not_cp932 = None
        self.row = 1

    def write(self, cells):
        self.row += 1
        text = _text_cells(cells)
        if self.check_cp932 and self.not_cp932 is None:
            for column, value in zip(COLUMNS, text, strict=True):
                try:
                    value.encode("cp932")
                except UnicodeEncodeError:
                    self.not_cp932 = (self.row, column.header)
                    break
        self.writer.writerow(text)

    def close(self) -> Export:
        self.text.flush()
        self.text.detach()
        self.file.seek(0)
        encoding = "UTF-8 (BOM)"
        if self.check_cp932 and self.not_cp932 is None:
            self.file = _to_cp932(self.file)
            encoding = "CP932"
        return Export(
            file=self.file,
            file_name="",
            file_format="csv",
            encoding=encoding,
            content_type=CONTENT_TYPES["csv"]
            + ("; charset=shift_jis" if encoding == "CP932" else "; charset=utf-8"),
            not_cp932=self.not_cp932,
        )


def _to_cp932(source):
    import codecs

    target = tempfile.TemporaryFile()
    source.read(3)  # the BOM
    decoder = codecs.getincrementaldecoder("utf-8")()
    while block := source.read(1 << 20):
        target.write(decoder.decode(block).encode("cp932"))
    target.write(decoder.decode(b"", final=True).encode("cp932"))
    source.close()
    target.seek(0)
    return target


class _Xlsx:
    """The template's workbook: the data sheet (bold headers, rows streamed to disk by
    openpyxl's write-only mode), the explanation sheet and the agency's code lists."""

    def __init__(self, agency):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self.book = Workbook(write_only=True)
        self.agency = agency
        self.data = self.book.create_sheet(DATA_SHEET)
        self.data.freeze_panes = "A2"
        for index, column in enumerate(COLUMNS, start=1):
            letter = self._letter(index)
            self.data.column_dimensions[letter].width = max(12, len(column.header) * 2 + 2)
        header = []
        for column in COLUMNS:
            cell = WriteOnlyCell(self.data, value=column.header)
            cell.font = Font(bold=True)
            header.append(cell)
        self.data.append(header)
        self._cell = WriteOnlyCell

    @staticmethod
    def _letter(index):
        from openpyxl.utils import get_column_letter

        return get_column_letter(index)

    def write(self, cells):
        row = []
        for value in cells:
            if isinstance(value, dt.date):
                cell = self._cell(self.data, value=value)
                cell.number_format = "yyyy-mm-dd"
                row.append(cell)
            else:
                row.append("" if value is None else ILLEGAL_CHARACTERS_RE.sub("", value))
        self.data.append(row)

    def close(self) -> Export:
        help_sheet = self.book.create_sheet(HELP_SHEET)
        for line in template_files.help_rows():
            help_sheet.append(line)
        codes = self.book.create_sheet(CODES_SHEET)
        for line in template_files.code_rows(self.agency):
            codes.append(line)
        file = tempfile.TemporaryFile()
        self.book.save(file)
        file.seek(0)
        return Export(
            file=file,
            file_name="",
            file_format="xlsx",
            encoding="",
            content_type=CONTENT_TYPES["xlsx"],
        )
