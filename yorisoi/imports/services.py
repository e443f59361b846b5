"""Importing a file (issue 15): check first, write never partially.

    job = import_check(actor=user, file_name="相談.csv", content=b"…")   # the dry run
    job = import_commit(actor=user, job=job)                            # only if job is clean

import_check reads and checks the whole file (checking.check) and keeps the result on an
ImportJob, writing no record. import_commit checks the kept file again (the city's records may
have changed meanwhile) and writes it in one transaction, in bulk by chunks with the people and
intake services' rules (writing.py: each record normalised, held and audited as on the
screens), or writes nothing and keeps the problems. R6: records are written in the name of the agency the user acts
for (checking refuses rows naming another). Every check and commit is audited with the file's
hash, its rows and the agency, never a value of the file.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.audit.log import record
from yorisoi.concurrency import lock_version
from yorisoi.directory.models import IssueCategory
from yorisoi.errors import RuleViolation
from yorisoi.http import limits
from yorisoi.intake import services as intake
from yorisoi.intake.models import Consultation, ConsultationIssue, Outcome
from yorisoi.people import selectors as people_selectors
from yorisoi.people import services as people
from yorisoi.work import refresh as work

from . import checking, reading, writing
from .models import ImportJob, ImportStatus
from .plan import MATCH_LIMIT, Plan

BASIS = "own_agency"


def _require_importer(actor):
    if not access.can_import(actor):
        raise RuleViolation(_("この役割ではファイルを取り込めません。"), code="forbidden")


def _keep(job: ImportJob, plan: Plan):
    job.problems = plan.problems
    job.error_count = len(plan.errors)
    job.warning_count = len(plan.warnings)
    job.matches = plan.matches
    job.changes = plan.changes
    job.counts = plan.counts
    job.rows = len(plan.rows)


def _audit(action, job, actor, request, **data):
    record(
        action,
        actor=actor,
        target=job,
        basis=BASIS,
        request=request,
        data={
            "sha256": job.sha256,
            "rows": job.rows,
            "agency": job.agency.code,
            "status": job.status,
            "errors": job.error_count,
            **data,
        },
    )


# A file larger than this is checked by the background task (tasks.py), and a file of more
# rows than this is committed by it: the request answers at once with the job's page, which
# shows the progress.
BACKGROUND_BYTES = 256 * 1024
BACKGROUND_ROWS = 2000


def import_check(
    *, actor, file_name: str, content: bytes, request=None, background: bool | None = None
):
    """The dry run: every problem of the file per row and column, and what it would change.
    Writes the job (and its audit event) only. `background`: leave the check to the task
    (None: when the file is larger than BACKGROUND_BYTES)."""
    _require_importer(actor)
    job = ImportJob(
        created_by=actor,
        agency_id=actor.agency_id,
        file_name=file_name[:200],
        sha256=reading.sha256(content),
        file_format="xlsx" if content[:4] == b"PK\x03\x04" else "csv",
        content=content,
    )
    if background is None:
        background = BACKGROUND_BYTES < len(content) <= limits.MAX_IMPORT_BYTES
    if background:
        job.status = ImportStatus.CHECKING
        with transaction.atomic():
            job.full_clean(exclude=["content"])
            job.save()
            _enqueue("check_import", job)
        return job
    return run_check(job, actor=actor, request=request)


def _enqueue(name, job):
    from . import tasks  # the tasks call these services: imported when used

    transaction.on_commit(lambda: getattr(tasks, name).enqueue(str(job.pk)))


def _progress(job):
    def saved(n):
        ImportJob.objects.filter(pk=job.pk).update(progress=n)

    return saved


def run_check(job: ImportJob, *, actor, request=None) -> ImportJob:
    """Check a job's file (in the request, or in the task for a large file)."""
    content = bytes(job.content)
    try:
        sheet = reading.read(content, job.file_name)
    except reading.FileProblem as exc:
        job.problems = [{"row": 0, "column": "", "message": str(exc), "level": "error"}]
        job.error_count = 1
        job.status = ImportStatus.FAILED
    else:
        job.file_format, job.encoding = sheet.file_format, sheet.encoding
        plan = checking.check(sheet, actor=actor, progress=_progress(job) if job.pk else None)
        _keep(job, plan)
        job.status = ImportStatus.FAILED if job.error_count else ImportStatus.CHECKED
    job.progress = job.rows
    if job.status == ImportStatus.FAILED:
        job.content = b""
        job.finished_at = timezone.now()
    with transaction.atomic():
        job.full_clean(exclude=["content"])
        job.save()
        _audit("import.checked", job, actor, request)
    return job


def same_file_committed(job: ImportJob) -> ImportJob | None:
    """The last time this very file (by its hash) was committed for the same agency."""
    return (
        ImportJob.objects.filter(
            agency_id=job.agency_id, sha256=job.sha256, status=ImportStatus.COMMITTED
        )
        .exclude(pk=job.pk)
        .order_by("-finished_at")
        .first()
    )


def import_commit(
    *, actor, job: ImportJob, request=None, background: bool | None = None
) -> ImportJob:
    """Write a checked job's file, all or nothing. Raises RuleViolation if the job is not
    waiting to be committed or is another agency's; a file that no longer checks clean is
    kept as failed with its problems, and nothing is written. `background`: leave the writing
    to the task (None: when the file has more than BACKGROUND_ROWS rows)."""
    _require_importer(actor)
    if not access.may_import_for(actor, job.agency_id):
        raise RuleViolation(_("この取り込みはほかの機関のものです。"), code="forbidden")
    if background is None:
        background = job.rows > BACKGROUND_ROWS
    if background:
        with transaction.atomic():
            current = _checked(job)
            current.status = ImportStatus.COMMITTING
            current.progress = 0
            current.save(update_fields=["status", "progress"])
            _enqueue("commit_import", current)
        return current
    return run_commit(job, actor=actor, request=request)


def _checked(job, *, status=ImportStatus.CHECKED) -> ImportJob:
    """The job, if it is still in `status`; one commit of a job at a time (a second one waits,
    then finds it committed). On PostgreSQL the lock is an advisory one for the transaction,
    not the row's: a long commit saves its progress on that row meanwhile (_commit_progress).
    SQLite writes one transaction at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(job.pk)])
        current = ImportJob.objects.get(pk=job.pk)
    else:
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
    if current.status != status:
        raise RuleViolation(
            _("この取り込みは「%(status)s」です。もう一度ファイルを確認してください。")
            % {"status": current.get_status_display()},
            code="not_checked",
        )
    return current


def _lock_key(pk) -> int:
    """A bigint for pg_advisory_xact_lock, from the job's UUID, apart from other users' keys."""
    return int.from_bytes(
        hashlib.sha256(b"imports.commit:" + pk.bytes).digest()[:8], "big", signed=True
    )


def _commit_progress(job):
    """R7 keeps the whole write in one transaction, which nobody sees until it ends: the rows
    written so far are saved on the job through a connection of its own, so that the job's page
    (and GET /imports/{id}) sees a long commit move. PostgreSQL only: SQLite lets one
    transaction write at a time, the commit's, and its page shows the count when it is done.
    Returns (progress(n), close())."""
    if connection.vendor != "postgresql" or job.rows <= writing.CHUNK:
        return None, lambda: None
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    table = own.ops.quote_name(ImportJob._meta.db_table)

    def saved(n):
        with own.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET progress = %s WHERE id = %s", [n, job.pk])  # noqa: S608

    return saved, own.close


def run_commit(job: ImportJob, *, actor, request=None, status=ImportStatus.CHECKED):
    """Write the job (in the request, or in the task for a large file, from COMMITTING)."""
    progress, done = _commit_progress(job)
    try:
        return _commit(job, actor=actor, request=request, status=status, progress=progress)
    finally:
        done()


def _commit(job, *, actor, request, status, progress):
    try:
        with transaction.atomic():
            current = _checked(job, status=status)
            plan = checking.check(
                reading.read(bytes(current.content), current.file_name), actor=actor
            )
            _keep(current, plan)
            if plan.errors:
                raise _Refused(current)
            _write(plan, actor=actor, job=current, request=request, progress=progress)
            current.status = ImportStatus.COMMITTED
            current.content = b""
            current.progress = current.rows
            current.finished_at = timezone.now()
            current.save()
            _audit("import.committed", current, actor, request, counts=current.counts)
            return current
    except _Refused as refused:
        failed = refused.job
    except (writing.RowError, ValidationError, RuleViolation) as exc:
        if isinstance(exc, RuleViolation) and exc.code in ("forbidden", "not_checked"):
            raise
        failed = ImportJob.objects.get(pk=job.pk)
        failed.problems = [*failed.problems, *_write_problems(exc)]
        failed.error_count = len([p for p in failed.problems if p["level"] == "error"])
    failed.status = ImportStatus.FAILED
    failed.content = b""
    failed.finished_at = timezone.now()
    with transaction.atomic():
        failed.save()
        _audit("import.committed", failed, actor, request)
    return failed


class _Refused(Exception):
    def __init__(self, job):
        self.job = job


def _write_problems(exc) -> list[dict]:
    row, inner = (exc.row, exc.exc) if isinstance(exc, writing.RowError) else (0, exc)
    if isinstance(inner, ValidationError) and hasattr(inner, "message_dict"):
        messages = [m for ms in inner.message_dict.values() for m in ms]
    else:
        messages = [getattr(inner, "message", str(inner))]
    return [
        {"row": row, "column": "", "message": _("登録できませんでした: %(m)s") % {"m": m},
         "level": "error"}
        for m in messages
    ]  # fmt: skip


# --- writing ---------------------------------------------------------------------------------


def _write(plan: Plan, *, actor, job, request, progress=None):
    """Write a clean plan in the caller's transaction (writing.write: in bulk, by chunks, with
    the services' rules), then search before create for the new people."""

    def update_consultation(row, pk, person_id, household_id, changed):
        consultation_update_from_import(
            actor=actor, pk=pk, row=row, person_id=person_id,
            household_id=household_id, changed=changed, request=request,
        )  # fmt: skip

    created = writing.write(
        plan,
        actor=actor,
        job=job,
        request=request,
        progress=progress,
        update_consultation=update_consultation,
    )
    # checking.check searched the same people, as the same user, in this transaction: only
    # a row it found likely matches the user may not see can have any.
    hidden = {m["row"] for m in plan.matches if m.get("hidden")}
    _flag_hidden_matches(
        [person for number, person in created if number in hidden], actor=actor, request=request
    )


# intake.services has no "edit a consultation" service yet; this is the small one an import
# needs (issue 15), kept here until intake grows its own: the changed fields of one row, locked,
# versioned, validated and audited in the caller's transaction. An outcome is only ever added
# (R1: checking refuses changing one), through intake's own outcome services.
CONSULTATION_EDITABLE = ("received_at", "channel", "consulter_type", "summary", "urgency",
                         "next_action_on")  # fmt: skip


def consultation_update_from_import(*, actor, pk, row, person_id, household_id, changed, request):
    c = row.consultation
    current = lock_version(Consultation.objects, pk, version=None, message="")
    if not access.may_import_for(actor, current.responsible_agency_id):
        raise RuleViolation(_("この相談はほかの機関が担当しています。"), code="forbidden")
    fields = [k for k in changed if k in CONSULTATION_EDITABLE]
    for key in fields:
        if key == "next_action_on" and c[key] is None:
            continue
        setattr(current, key, c[key])
    if "person_ref" in changed:
        current.person_id = person_id
        fields.append("person")
    if "household_ref" in changed:
        current.household_id = household_id
        fields.append("household")
    if {"issues", "main_issue"} & set(changed):
        found = {i.code: i for i in IssueCategory.objects.filter(code__in=c["issues"])}
        current.issue_links.all().delete()
        ConsultationIssue.objects.bulk_create(
            ConsultationIssue(consultation=current, issue=found[code],
                              is_main=code == c["main_issue"])
            for code in c["issues"]
        )  # fmt: skip
        current.domain_count = len({i.domain_id for i in found.values()})
        fields.append("issues")
    current.version += 1
    current.last_activity_at = timezone.now()
    current.full_clean()
    current.save()
    work.refresh_consultation(current)  # R3: its next action and urgency in the work list
    record(
        "consultation.imported_update",
        actor=actor,
        target=current,
        basis=BASIS,
        request=request,
        data={"fields": sorted(fields)},
    )
    if "outcome" in changed and not current.outcome and c["outcome"]:
        outcome = {
            Outcome.RESOLVED: intake.consultation_resolve,
            Outcome.CONTINUED: intake.consultation_continue,
        }[c["outcome"]]
        current = outcome(actor=actor, consultation=current, version=current.version,
                          request=request)  # fmt: skip
    return current


def _flag_hidden_matches(created, *, actor, request):
    """Search before create, once the new people are saved: a likely match the importer may
    not see becomes the coordinator's review item (people.services.flag_hidden_matches)."""
    found = []
    for person in created[:MATCH_LIMIT]:
        matches = people_selectors.person_likely_matches(
            user=actor,
            family_name=person.family_name,
            given_name=person.given_name,
            family_name_kana=person.family_name_kana,
            given_name_kana=person.given_name_kana,
            birth_date=person.birth_date,
            address=person.address,
            phone=person.phone,
            limit=3,
        )
        if matches.others_exist:
            found.append((person, matches))
    if found:
        people.flag_hidden_matches(actor=actor, found=found, request=request)
