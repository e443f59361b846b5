"""Screens of the social-resource directory (社会資源): search, detail, the resource form,
HSDS import and export, and the mapping of outside terms to the city's categories.

Thin: parse, call a selector or a service, render. Who may open what is access.ROUTES; who may
change the directory is access.can_manage_resources. The text search is POSTed (it may hold a
person's need in their own words); category, district and day filters are plain GET links.
"""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from yorisoi import access
from yorisoi.errors import ConcurrentEditError, RuleViolation
from yorisoi.http.forms import form_status, run_service, seen_version
from yorisoi.http.paging import page_number

from . import hsds, selectors, services
from .forms import (
    CapacityForm,
    HsdsImportForm,
    OutsideTermMappingForm,
    ResourceFilterForm,
    ResourceTextForm,
    ServiceForm,
)
from .models import PERSON_UNIT_ID, ServiceStatus

PAGE_SIZE = 25


def _service(user, service_id):
    service = selectors.detail(user=user, service_id=service_id)
    if service is None:
        raise Http404
    return service


@require_http_methods(["GET", "POST"])
def service_list(request):
    filters = ResourceFilterForm(request.GET or None)
    text_form = ResourceTextForm(request.POST or None)
    f = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    text, page_number = "", request.GET.get("page") or 1
    if request.method == "POST" and text_form.is_valid():
        text = text_form.cleaned_data["q"]
        page_number = text_form.cleaned_data["page"] or 1
    district = f.get("district")
    query = selectors.ResourceQuery(
        category=f.get("category"),
        district_id=district.pk if district else None,
        day=f.get("day") or "",
        at=f.get("at"),
        text=text,
        include_inactive=bool(f.get("inactive")),
    )
    page = Paginator(selectors.search(user=request.user, query=query), PAGE_SIZE).get_page(
        page_number
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "resources/service_list.html",
        {
            "filters": filters,
            "form": text_form,
            "page": page,
            "services": list(page.object_list),
            "searched": bool(text),
            "query_string": params.urlencode(),
            "can_manage": access.can_manage_resources(request.user),
        },
    )


def service_detail(request, service_id):
    service = _service(request.user, service_id)
    return render(
        request,
        "resources/service_detail.html",
        {
            "service": service,
            "can_manage": access.can_manage_resources(request.user),
            "inactive": service.status != ServiceStatus.ACTIVE,
        },
    )


def _organization(request, form):
    org = form.cleaned_data.get("organization")
    if org is None:
        org = services.organization_create(
            actor=request.user, name=form.cleaned_data["new_organization"], request=request
        )
    return org


def _save(request, form, save, **kwargs):
    """service_create or service_update with what the form says; None if refused (the form
    says why)."""
    return run_service(
        form,
        lambda: save(
            actor=request.user,
            organization=_organization(request, form),
            fields=form.service_fields(),
            location=form.location(),
            schedules=form.schedules(),
            terms=form.cleaned_data["categories"],
            request=request,
            **kwargs,
        ),
    )


@require_http_methods(["GET", "POST"])
def service_create(request):
    form = ServiceForm(request.POST or None, initial={"status": ServiceStatus.ACTIVE})
    if request.method == "POST" and form.is_valid():
        service = _save(request, form, services.service_create)
        if service is not None:
            messages.success(request, gettext("社会資源を登録しました。"))
            return redirect("resources:service_detail", service_id=service.pk)
    return render(
        request, "resources/service_form.html", {"form": form}, status=form_status(request)
    )


@require_http_methods(["GET", "POST"])
def service_edit(request, service_id):
    service = _service(request.user, service_id)
    edit_schedule = len(service.schedules.all()) <= 1
    version = service.version
    form = ServiceForm(
        request.POST or None,
        initial=ServiceForm.initial_for(service),
        edit_schedule=edit_schedule,
    )
    conflict = False
    if request.method == "POST":
        version = seen_version(request)
        if form.is_valid():
            try:
                updated = _save(
                    request, form, services.service_update, service=service, version=version
                )
            except ConcurrentEditError as exc:
                conflict, updated = True, None
                form.add_error(None, exc.message)
            if updated is not None:
                messages.success(request, gettext("社会資源を更新しました。"))
                return redirect("resources:service_detail", service_id=updated.pk)
    status = 409 if conflict else form_status(request)
    return render(
        request,
        "resources/service_form.html",
        {"form": form, "service": service, "version": version, "conflict": conflict},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def capacity_update(request, service_id):
    """The vacancies (空き) of a resource, in people, reported by those who keep it."""
    service = _service(request.user, service_id)
    current = next((c for c in service.capacities.all() if c.unit_id == PERSON_UNIT_ID), None)
    version = current.version if current else 0
    initial = (
        {"available": current.available, "maximum": current.maximum,
         "description": current.description}
        if current else {}
    )  # fmt: skip
    form = CapacityForm(request.POST or None, initial=initial)
    conflict = False
    if request.method == "POST":
        version = seen_version(request)
        if form.is_valid():
            try:
                saved = run_service(
                    form,
                    lambda: services.capacity_update(
                        actor=request.user, service=service, version=version,
                        request=request, **form.cleaned_data,
                    ),
                )  # fmt: skip
            except ConcurrentEditError as exc:
                conflict, saved = True, None
                form.add_error(None, exc.message)
            if saved is not None:
                messages.success(request, gettext("空き状況を更新しました。"))
                return redirect("resources:service_detail", service_id=service.pk)
    return render(
        request,
        "resources/capacity_form.html",
        {"form": form, "service": service, "current": current, "version": version},
        status=409 if conflict else form_status(request),
    )


@require_POST
def service_deactivate(request, service_id):
    service = _service(request.user, service_id)
    try:
        services.service_deactivate(
            actor=request.user, service=service, version=seen_version(request), request=request
        )
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("社会資源を休止・終了にしました。"))
    return redirect("resources:service_detail", service_id=service.pk)


@require_http_methods(["GET", "POST"])
def hsds_import(request):
    form = HsdsImportForm(request.POST or None, request.FILES or None)
    problems, outcome = [], None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.hsds_import(
                actor=request.user, data=form.cleaned_data["file"], request=request
            )
        except hsds.HsdsProblems as exc:
            problems = exc.problems
        except RuleViolation as exc:
            form.add_error(None, exc.message)
    status = 422 if request.method == "POST" and outcome is None else 200
    return render(
        request,
        "resources/hsds_import.html",
        {"form": form, "problems": problems, "outcome": outcome},
        status=status,
    )


def hsds_export(request):
    data = services.hsds_export(actor=request.user, request=request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    name = f"hsds-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def hsds_datapackage(request):
    data = services.hsds_export(actor=request.user, request=request)
    response = HttpResponse(hsds.datapackage(data), content_type="application/zip")
    name = f"hsds-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def outside_term_list(request):
    """The terms of other taxonomies an HSDS import kept, with the city's category each is
    mapped to (issue 17 part 3)."""
    page = Paginator(selectors.outside_terms(user=request.user), PAGE_SIZE).get_page(
        page_number(request)
    )
    return render(
        request,
        "resources/outside_term_list.html",
        {"page": page, "terms": selectors.described(page.object_list)},
    )


@require_http_methods(["GET", "POST"])
def outside_term_map(request, term_id):
    record = selectors.outside_term(user=request.user, term_id=term_id)
    if record is None:
        raise Http404
    (term,) = selectors.described([record])
    version = term.version
    form = OutsideTermMappingForm(
        request.POST or None, initial={"mapped_to": term.mapped_to.pk if term.mapped_to else None}
    )
    conflict = False
    if request.method == "POST":
        version = seen_version(request)
        if form.is_valid():
            try:
                saved = run_service(
                    form,
                    lambda: services.outside_term_map(
                        actor=request.user, term=record, version=version, request=request,
                        mapped_to=form.cleaned_data["mapped_to"],
                    ),
                )  # fmt: skip
            except ConcurrentEditError as exc:
                conflict, saved = True, None
                form.add_error(None, exc.message)
            if saved is not None:
                messages.success(request, gettext("分類の対応づけを保存しました。"))
                return redirect("resources:outside_term_list")
    return render(
        request,
        "resources/outside_term_form.html",
        {"form": form, "term": term, "version": version},
        status=409 if conflict else form_status(request),
    )
