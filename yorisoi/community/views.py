"""Screens for community building (地域づくり, plan Ⅱ(4)): the programs overview with the
fiscal year's figures, a site's activities, the trainings, and the forms to record and correct.

Counts only, so reads are not audited (no personal data); writes are, in the services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from yorisoi import access
from yorisoi.errors import ConcurrentEditError
from yorisoi.http.errors import one_or_404
from yorisoi.http.forms import form_status, run_service, seen_version

from . import selectors, services
from .forms import ActivityCorrectForm, ActivityForm, FilterForm, TrainingCorrectForm, TrainingForm
from .models import CommunityProgram

PAGE_SIZE = 25


def _filters(request):
    """Program, area and fiscal year from the query string; bad values fall back to none."""
    years = selectors.fiscal_years_with_data(request.user)
    form = FilterForm(request.GET or None, years=years)
    program = area = None
    year = selectors.current_fiscal_year()
    if form.is_bound and form.is_valid():
        program, area = form.cleaned_data["program"], form.cleaned_data["area"]
        year = form.cleaned_data["year"] or year
    elif not form.is_bound:
        form = FilterForm(initial={"year": year}, years=years)
    return form, program, area, year


def _query(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _correct(form, call) -> tuple[object | None, dict]:
    """Save a correction made on the version the editor saw (R7): the corrected entry, or None
    and, when someone else saved first, what they changed to show beside the form."""
    try:
        return run_service(form, call), {}
    except ConcurrentEditError as exc:
        return None, {"conflict": exc.message, "changes": exc.changes}


@require_GET
def overview(request):
    user = request.user
    form, program, area, year = _filters(request)
    figures = selectors.program_figures(user, year=year, area=area, program=program)
    sites = selectors.sites_with_figures(user, year=year, program=program, area=area)
    page = Paginator(sites, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = {
        key: sum(getattr(f, key) for f in figures)
        for key in ("sites", "activities", "participants", "volunteers", "trainings")
    }
    totals["people_trained"] = sum(f.people_trained for f in figures)
    return render(
        request,
        "community/overview.html",
        {
            "form": form,
            "year": year,
            "figures": figures,
            "totals": totals,
            "page": page,
            "query": _query(request),
            "can_record": access.can_record_community(user),
        },
    )


@require_GET
def site_detail(request, site_id):
    user = request.user
    site = one_or_404(
        access.visible_community_sites(user).select_related("program", "area", "district"),
        pk=site_id,
    )
    form, _program, _area, year = _filters(request)
    rows = selectors.site_activities(user, site, year=year)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/site_detail.html",
        {
            "site": site,
            "form": form,
            "year": year,
            "page": page,
            "query": _query(request),
            "can_record": access.can_record_community(user) and site.active,
            "correctable": {
                a.pk for a in page.object_list if access.can_correct_community(user, a)
            },
        },
    )


@require_http_methods(["GET", "POST"])
def activity_create(request, site_id):
    user = request.user
    site = one_or_404(access.visible_community_sites(user).filter(active=True), pk=site_id)
    if not access.can_record_community(user):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        recorded = run_service(
            form,
            lambda: services.activity_record(
                actor=user, site=site, request=request, **form.cleaned_data
            ),
        )
        if recorded is not None:
            messages.success(request, gettext("活動を記録しました。"))
            return redirect("community:site_detail", site_id=site.pk)
    return render(
        request,
        "community/activity_form.html",
        {"site": site, "form": form, "editing": False},
        status=form_status(request),
    )


@require_http_methods(["GET", "POST"])
def activity_edit(request, activity_id):
    """A correction or a 取り消し; the earlier figures stay in the history (R7)."""
    user = request.user
    activity = one_or_404(
        access.visible_community_activities(user).select_related("site"), pk=activity_id
    )
    if not access.can_correct_community(user, activity):
        raise PermissionDenied
    initial = model_to_dict(activity, fields=ActivityCorrectForm.base_fields)
    form = ActivityCorrectForm(request.POST or None, initial=initial)
    extra = {}
    if request.method == "POST" and form.is_valid():
        corrected, extra = _correct(
            form,
            lambda: services.activity_correct(
                actor=user, activity=activity, version=seen_version(request), request=request,
                **form.cleaned_data,
            ),
        )  # fmt: skip
        if corrected is not None:
            messages.success(
                request, gettext("活動の記録を訂正しました。以前の内容は履歴に残ります。")
            )
            return redirect("community:site_detail", site_id=activity.site_id)
    return render(
        request,
        "community/activity_form.html",
        {
            "site": activity.site,
            "form": form,
            "editing": True,
            "entry": activity,
            "version": activity.version,
            **extra,
        },
        status=form_status(request),
    )


@require_GET
def training_list(request):
    user = request.user
    form, program, _area, year = _filters(request)
    rows = selectors.trainings(user, year=year, program=program)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/training_list.html",
        {
            "form": form,
            "year": year,
            "page": page,
            "query": _query(request),
            "can_record": access.can_record_community(user),
            "correctable": {
                t.pk for t in page.object_list if access.can_correct_community(user, t)
            },
        },
    )


def _training_names():
    names = []
    for program in CommunityProgram.objects.filter(active=True):
        names += [n for n in program.training_names if n not in names]
    return names


@require_http_methods(["GET", "POST"])
def training_create(request):
    user = request.user
    if not access.can_record_community(user):
        raise PermissionDenied
    initial = {"held_on": timezone.localdate()}
    program_id = request.GET.get("program", "")
    if program_id.isdigit():
        initial["program"] = int(program_id)
    form = TrainingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        recorded = run_service(
            form, lambda: services.training_record(actor=user, request=request, **form.cleaned_data)
        )
        if recorded is not None:
            messages.success(request, gettext("養成講座を記録しました。"))
            return redirect("community:training_list")
    return render(
        request,
        "community/training_form.html",
        {"form": form, "editing": False, "training_names": _training_names()},
        status=form_status(request),
    )


@require_http_methods(["GET", "POST"])
def training_edit(request, training_id):
    user = request.user
    training = one_or_404(
        access.visible_community_trainings(user).select_related("program"), pk=training_id
    )
    if not access.can_correct_community(user, training):
        raise PermissionDenied
    initial = model_to_dict(training, fields=TrainingCorrectForm.base_fields)
    form = TrainingCorrectForm(request.POST or None, initial=initial)
    extra = {}
    if request.method == "POST" and form.is_valid():
        corrected, extra = _correct(
            form,
            lambda: services.training_correct(
                actor=user, training=training, version=seen_version(request), request=request,
                **form.cleaned_data,
            ),
        )  # fmt: skip
        if corrected is not None:
            messages.success(
                request, gettext("養成講座の記録を訂正しました。以前の内容は履歴に残ります。")
            )
            return redirect("community:training_list")
    return render(
        request,
        "community/training_form.html",
        {
            "form": form,
            "editing": True,
            "entry": training,
            "version": training.version,
            "training_names": _training_names(),
            **extra,
        },
        status=form_status(request),
    )
