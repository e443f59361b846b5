"""Importing a file (issue 15): check first, write never partially.

    job = import_check(actor=user, file_name="相談.csv", content=b"…")   # the dry run
    job = import_commit(actor=user, job=job)                            # only if job is clean

import_check reads and checks the whole file (checking.check) and keeps the result on an
ImportJob, writing no record. import_commit checks the kept file again (the city's records may
have changed meanwhile) and writes it in one transaction, through the people and intake
services (so each record is normalised, validated and audited as on the screens), or writes
nothing and keeps the problems. R6: records are written in the name of the agency the user acts
for (checking refuses rows naming another). Every check and commit is audited with the file's
hash, its rows and the agency, never a value of the file.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
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
from yorisoi.people.models import Household, Person

from . import checking, reading
from .models import ExternalRef, ImportJob, ImportStatus, RecordKind

BASIS = "own_agency"


def _require_importer(actor):
    if not access.can_import(actor):
        raise RuleViolation(_("この役割ではファイルを取り込めません。"), code="forbidden")


def _keep(job: ImportJob, plan: checking.Plan):
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
    current = ImportJob.objects.select_for_update().get(pk=job.pk)
    if current.status != status:
        raise RuleViolation(
            _("この取り込みは「%(status)s」です。もう一度ファイルを確認してください。")
            % {"status": current.get_status_display()},
            code="not_checked",
        )
    return current


def run_commit(job: ImportJob, *, actor, request=None, status=ImportStatus.CHECKED):
    """Write the job (in the request, or in the task for a large file, from COMMITTING)."""
    try:
        with transaction.atomic():
            current = _checked(job, status=status)
            plan = checking.check(
                reading.read(bytes(current.content), current.file_name), actor=actor
            )
            _keep(current, plan)
            if plan.errors:
                raise _Refused(current)
            _write(plan, actor=actor, job=current, request=request)
            current.status = ImportStatus.COMMITTED
            current.content = b""
            current.progress = current.rows
            current.finished_at = timezone.now()
            current.save()
            _audit("import.committed", current, actor, request, counts=current.counts)
            return current
    except _Refused as refused:
        failed = refused.job
    except (_RowError, ValidationError, RuleViolation) as exc:
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


class _RowError(Exception):
    def __init__(self, row, exc):
        self.row, self.exc = row, exc


def _write_problems(exc) -> list[dict]:
    row, inner = (exc.row, exc.exc) if isinstance(exc, _RowError) else (0, exc)
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


def _ref_save(refs, *, actor, job, kind, external_id, record_id, values):
    ref = refs.get(external_id)
    if ref is None:
        ref = ExternalRef(agency_id=actor.agency_id, kind=kind, external_id=external_id)
        refs[external_id] = ref
    ref.record_id = record_id
    ref.fingerprints = checking.fingerprints(values)
    ref.job = job
    ref.updated_at = timezone.now()
    ref.save()


def _write(plan: checking.Plan, *, actor, job, request):
    person_refs = plan.refs[RecordKind.PERSON]
    household_refs = plan.refs[RecordKind.HOUSEHOLD]
    consultation_refs = plan.refs[RecordKind.CONSULTATION]
    people_by_ref, households_by_ref, created = {}, {}, []
    for row in plan.rows:
        try:
            person = _write_person(row, people_by_ref, person_refs, created, actor, job, request)
            household = _write_household(
                row, person, households_by_ref, household_refs, actor, job, request
            )
            _write_consultation(row, person, household, consultation_refs, actor, job, request)
        except (ValidationError, RuleViolation) as exc:
            raise _RowError(row.number, exc) from exc
    _flag_hidden_matches(created, actor=actor, request=request)


def _write_person(row, people_by_ref, refs, created, actor, job, request) -> Person:
    if row.person_ref in people_by_ref:
        return people_by_ref[row.person_ref]
    values = checking.person_values(row)
    ref = refs.get(row.person_ref)
    if ref is None:
        person = people.person_create(actor=actor, request=request, **values)
        created.append(person)
    else:
        person = Person.objects.get(pk=ref.record_id)
        names = checking.changed_fields(ref, values)
        changed = {k: v for k, v in values.items() if k in names}
        if changed:
            person = people.person_update(
                actor=actor, person=person, version=person.version, request=request, **changed
            )
    if ref is None or checking.changed_fields(ref, values):
        _ref_save(refs, actor=actor, job=job, kind=RecordKind.PERSON,
                  external_id=row.person_ref, record_id=person.pk, values=values)  # fmt: skip
    people_by_ref[row.person_ref] = person
    return person


def _write_household(row, person, households_by_ref, refs, actor, job, request):
    if not row.household_ref:
        return None
    household = households_by_ref.get(row.household_ref)
    if household is None:
        ref = refs.get(row.household_ref)
        if ref is None:
            household = people.household_create(
                actor=actor,
                request=request,
                members=[people.NewMember(relationship=row.relationship, person=person)],
            )
            _ref_save(refs, actor=actor, job=job, kind=RecordKind.HOUSEHOLD,
                      external_id=row.household_ref, record_id=household.pk, values={})  # fmt: skip
            households_by_ref[row.household_ref] = household
            return household
        household = Household.objects.get(pk=ref.record_id)
        households_by_ref[row.household_ref] = household
    if not household.memberships.filter(person=person).exists():
        people.household_member_add(
            actor=actor,
            household=household,
            member=people.NewMember(relationship=row.relationship, person=person),
            request=request,
        )
    return household


def _write_consultation(row, person, household, refs, actor, job, request):
    values = checking.consultation_values(row)
    c = row.consultation
    ref = refs.get(row.consultation_ref)
    if ref is None:
        consultation = intake.consultation_create(
            actor=actor,
            request=request,
            at_the_door=True,
            issues=c["issues"],
            main_issue=c["main_issue"] or None,
            next_action_on=c["next_action_on"],
            resolved=c["outcome"] == Outcome.RESOLVED,
            person=person,
            household=household,
            received_at=c["received_at"],
            channel=c["channel"],
            consulter_type=c["consulter_type"],
            summary=c["summary"],
            urgency=c["urgency"],
        )
        if c["outcome"] == Outcome.CONTINUED:
            intake.consultation_continue(
                actor=actor, consultation=consultation, version=consultation.version,
                request=request,
            )  # fmt: skip
    else:
        changed = checking.changed_fields(ref, values)
        if not changed:
            return
        consultation = consultation_update_from_import(
            actor=actor, pk=ref.record_id, row=row, person=person, household=household,
            changed=changed, request=request,
        )  # fmt: skip
    _ref_save(refs, actor=actor, job=job, kind=RecordKind.CONSULTATION,
              external_id=row.consultation_ref, record_id=consultation.pk, values=values)  # fmt: skip


# intake.services has no "edit a consultation" service yet; this is the small one an import
# needs (issue 15), kept here until intake grows its own: the changed fields of one row, locked,
# versioned, validated and audited in the caller's transaction. An outcome is only ever added
# (R1: checking refuses changing one), through intake's own outcome services.
CONSULTATION_EDITABLE = ("received_at", "channel", "consulter_type", "summary", "urgency",
                         "next_action_on")  # fmt: skip


def consultation_update_from_import(*, actor, pk, row, person, household, changed, request):
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
        current.person = person
        fields.append("person")
    if "household_ref" in changed:
        current.household = household
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
    for person in created[: checking.MATCH_LIMIT]:
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
