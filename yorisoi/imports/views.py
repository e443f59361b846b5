"""The 取り込み screens: upload a file (the dry run), look at its problems row by row, commit a
clean one, download the template, export the agency's records in it. Thin: the services decide, the policy (access) says who."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from yorisoi import access
from yorisoi.errors import RuleViolation, refuse_on_screen
from yorisoi.http.forms import form_status

from . import exporting, selectors, services, template_files
from .forms import ExportForm, ImportUploadForm
from .models import ImportStatus, RecordKind

# The screen shows this many problems; all of them are in the JSON (API) and the job.
SHOWN_PROBLEMS = 500


@require_http_methods(["GET", "POST"])
def upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_check(
                actor=request.user, file_name=upload.name, content=upload.read(), request=request
            )
        except RuleViolation as exc:
            refuse_on_screen(exc)
            form.add_error(None, exc.message)
        else:
            return redirect("imports:job_detail", job_id=job.pk)
    return render(
        request,
        "imports/upload.html",
        {"form": form, "jobs": selectors.recent_import_jobs(user=request.user)},
        status=form_status(request),
    )


def job_detail(request, job_id):
    job = selectors.import_job(user=request.user, job_id=job_id)
    running = job.status in (ImportStatus.CHECKING, ImportStatus.COMMITTING)
    if request.headers.get("HX-Request"):
        # The page polls a running job; once it is done, the whole page is shown again.
        if running:
            return render(request, "imports/_progress.html", {"job": job, "running": running})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    kinds = dict(RecordKind.choices)
    counts = [(kinds[kind], job.counts[kind]) for kind in RecordKind.values if kind in job.counts]
    return render(
        request,
        "imports/job_detail.html",
        {
            "job": job,
            "counts": counts,
            "problems": job.problems[:SHOWN_PROBLEMS],
            "more_problems": max(0, len(job.problems) - SHOWN_PROBLEMS),
            "changes": [{**c, "kind": kinds[c["kind"]]} for c in job.changes[:SHOWN_PROBLEMS]],
            "matches": job.matches[:SHOWN_PROBLEMS],
            "can_commit": job.status == ImportStatus.CHECKED,
            "running": running,
            "same_file": services.same_file_committed(job),
            "hidden_message": access.HIDDEN_MATCH_MESSAGE,
        },
    )


@require_POST
def job_commit(request, job_id):
    job = selectors.import_job(user=request.user, job_id=job_id)
    try:
        job = services.import_commit(actor=request.user, job=job, request=request)
    except RuleViolation as exc:
        refuse_on_screen(exc)
        messages.error(request, exc.message)
    else:
        if job.status == ImportStatus.COMMITTED:
            messages.success(request, gettext("取り込みました。"))
        elif job.status == ImportStatus.COMMITTING:
            messages.info(
                request, gettext("登録を始めました。終わるまでこの画面でお待ちください。")
            )
        else:
            messages.error(
                request, gettext("登録の直前の確認で問題が見つかったため、何も登録していません。")
            )
    return redirect("imports:job_detail", job_id=job.pk)


def template_download(request, fmt):
    if fmt == "xlsx":
        body = template_files.template_xlsx(agency=request.user.agency)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        body, kind = template_files.template_csv(), "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="yorisoi-import-template.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
def export(request):
    """書き出し: the form, and on POST the file (a temporary file streamed to the response)."""
    form = ExportForm(request.POST or None, agencies=access.exportable_agencies(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = exporting.records_export(
                actor=request.user,
                agency=data["agency"],
                file_format=data["file_format"],
                encoding=data["encoding"] or "utf-8",
                received_from=data["received_from"],
                received_to=data["received_to"],
                request=request,
            )
        except RuleViolation as exc:
            refuse_on_screen(exc)
            form.add_error(None, exc.message)
        else:
            if result.note:
                messages.warning(request, result.note)
            return exporting.file_response(result)
    return render(request, "imports/export.html", {"form": form}, status=form_status(request))
