"""Screens for people and households. Thin: parse, call a selector or service, render.

Names and search terms never go into URLs (they would end up in logs and browser history):
searches are POSTed, and people and households are addressed by UUID only.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from yorisoi import access
from yorisoi.audit.log import record, record_reads
from yorisoi.errors import RuleViolation
from yorisoi.http.errors import one_or_404
from yorisoi.http.forms import add_errors, seen_version
from yorisoi.http.paging import page_number, window_of

from . import selectors, services
from .forms import (
    ExistingMemberForm,
    HouseholdForm,
    NewMemberForm,
    NewMemberFormSet,
    PersonForm,
    PersonSearchForm,
)
from .models import Household, Person
from .picker import MAX_MATCHES, picker_matches

PAGE_SIZE = 25


def _visible_person(user, person_id):
    person = one_or_404(access.visible_people(user).select_related("district"), pk=person_id)
    return person


def _visible_household(user, household_id):
    try:
        return selectors.household_detail(user=user, household_id=household_id)
    except Household.DoesNotExist as exc:
        raise Http404 from exc


def _likely_matches(request, data) -> selectors.LikelyMatches:
    """Search before create across all agencies. The people the user may see are offered (a
    read, audited); of the others the user is told only access.HIDDEN_MATCH_MESSAGE."""
    matches = selectors.person_likely_matches(
        user=request.user,
        **{
            k: data.get(k) or ""
            for k in (
                "family_name",
                "given_name",
                "family_name_kana",
                "given_name_kana",
                "address",
                "phone",
            )
        },
        birth_date=data.get("birth_date"),
    )
    if matches.visible:
        record_reads(
            "person.matches_shown", actor=request.user, request=request, bases=matches.bases
        )
    return matches


def _match_context(matches) -> dict:
    """What a screen may show of the matches: the visible people, and whether to say that
    others exist (the same words for one or many, access.HIDDEN_MATCH_MESSAGE)."""
    return {
        "matches": matches.visible,
        "hidden_match_message": access.HIDDEN_MATCH_MESSAGE if matches.others_exist else "",
    }


@require_http_methods(["GET", "POST"])
def person_list(request):
    form = PersonSearchForm(request.POST or None)
    query, birth_date, page_number = "", None, 1
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data["q"]
        birth_date = form.cleaned_data["birth_date"]
        page_number = form.cleaned_data["page"] or 1
    people = selectors.person_search(user=request.user, query=query, birth_date=birth_date)
    # Not counted (issue 16): the total is known on the last page only (http.paging.window_of).
    page = window_of(people, number=page_number, size=PAGE_SIZE)
    record_reads(
        "person.searched" if (query or birth_date) else "person.listed",
        actor=request.user,
        request=request,
        bases=access.person_bases(request.user, [p.pk for p in page.object_list]),
    )
    template = "people/_person_results.html" if request.htmx else "people/person_list.html"
    return render(
        request, template, {"form": form, "page": page, "searched": bool(query or birth_date)}
    )


@require_http_methods(["GET", "POST"])
def person_create(request):
    form = PersonForm(request.POST or None)
    matches = selectors.NO_MATCHES
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = _likely_matches(request, data)
        # Search before create: likely matches the user may see must be seen and dismissed
        # before saving; those they may not see go to the coordinator when this one is saved.
        if not matches.visible or request.POST.get("confirm_new"):
            try:
                with transaction.atomic():
                    person = services.person_create(actor=request.user, request=request, **data)
                    services.flag_hidden_matches(
                        actor=request.user, found=[(person, matches)], request=request
                    )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    gettext("%(name)s さんを登録しました。") % {"name": person.full_name},
                )
                if matches.others_exist:
                    messages.info(request, access.HIDDEN_MATCH_MESSAGE)
                return redirect("people:person_detail", person_id=person.pk)
    status = 422 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "people/person_form.html",
        {"form": form, "creating": True, **_match_context(matches)},
        status=status,
    )


@require_POST
def person_matches(request):
    """htmx: the likely-existing people for what has been typed so far."""
    form = PersonForm(request.POST)
    form.is_valid()  # partial input is fine; use whatever cleaned
    matches = _likely_matches(request, form.cleaned_data)
    return render(request, "people/_matches.html", _match_context(matches))


@require_POST
def picker(request):
    """htmx: the people or households matching what was typed into a picker (people.picker),
    of those the user may see; POSTed, so what is typed never enters a URL, and audited."""
    kind = request.POST.get("kind")
    name = request.POST.get("field", "")
    if kind not in ("person", "household") or not name.isidentifier():
        return HttpResponseBadRequest()
    query = request.POST.get(f"{name}__q", "")[:100]
    return render(
        request,
        "people/_picker_results.html",
        {
            "name": name,
            "multiple": bool(request.POST.get("multiple")),
            "matches": picker_matches(request, kind=kind, query=query),
            "searched": bool(query.strip()),
            "limit": MAX_MATCHES,
        },
    )


def person_detail(request, person_id):
    """The person's whole story as far as R6 allows (issue 14): what the user may open of
    their consultations, referrals, cases, outreach and participation support, each row a
    read audited with its basis, and the next steps the policy lets the user take."""
    user = request.user
    person = _visible_person(user, person_id)
    basis = access.person_basis(user, person)
    households = list(selectors.person_households(user=user, person=person))
    story = selectors.person_story(user=user, person=person)
    linked, identity = selectors.linked_registrations(user=user, person=person)
    record(
        "person.viewed",
        actor=user,
        target=person,
        basis=basis,
        request=request,
        data={
            "household_ids": [str(h.pk) for h in households],
            "linked_ids": [str(p.pk) for p in linked],
        },
    )
    for section in story.sections:
        if section.rows:
            action = section.action
            data = {"person": str(person.pk)}
            record_reads(action, actor=user, request=request, bases=section.bases, data=data)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "households": households,
            "story": story,
            "linked": linked,
            "identity": identity,
            "can_edit": access.can_edit_person(user, person),
            # The next steps, each only where the policy allows it (issue 14).
            "can_take_consultation": access.route_allows(user, "intake:consultation_create"),
            "can_open_case": access.can_open_case(user)
            and access.route_allows(user, "cases:case_open"),
            # 開示請求: who saw or changed this person's records (audit.views.trail)
            "can_see_trail": access.route_allows(user, "audit:trail"),
        },
    )


@require_http_methods(["GET", "POST"])
def person_edit(request, person_id):
    person = _visible_person(request.user, person_id)
    if not access.can_edit_person(request.user, person):
        raise Http404
    form = PersonForm(request.POST or None, instance=Person.objects.get(pk=person.pk))
    if request.method == "GET":
        record(
            "person.viewed",
            actor=request.user,
            target=person,
            basis=access.person_basis(request.user, person),
            request=request,
        )
    if request.method == "POST" and form.is_valid():
        try:
            version = seen_version(request)
            services.person_update(
                actor=request.user,
                person=person,
                version=version,
                request=request,
                **form.cleaned_data,
            )
        except (ValidationError, RuleViolation) as exc:
            if isinstance(exc, RuleViolation):
                form.add_error(None, exc.message)
            else:
                add_errors(form, exc)
        else:
            messages.success(request, gettext("変更を保存しました。"))
            return redirect("people:person_detail", person_id=person.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "people/person_form.html",
        # After a refused save keep the version the editor saw, so saving again cannot
        # overwrite the other person's change (R7); reloading the page shows the latest.
        {
            "form": form,
            "person": person,
            "version": seen_version(request) if request.method == "POST" else person.version,
        },
        status=status,
    )


# --- households ----------------------------------------------------------------------------


def household_list(request):
    user = request.user
    # Not counted (issue 16), as the person list: the total on the last page only.
    number = page_number(request)
    page = window_of(selectors.household_list(user=user), number=number, size=PAGE_SIZE)
    members = selectors.attach_members(user=user, households=page.object_list)
    bases = access.household_bases(user, [h.pk for h in page.object_list])
    record_reads("household.listed", actor=user, request=request, bases=bases)
    if members:
        record_reads("person.listed", actor=user, request=request, bases=members)
    return render(request, "people/household_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def household_create(request):
    """A household and its members in one form; "add a member" fetches a row through htmx."""
    if request.method == "GET" and request.htmx and "row" in request.GET:
        row = request.GET["row"]
        index = int(row) if row.isascii() and row.isdigit() else -1
        if not 0 <= index < 20:
            raise Http404
        row = NewMemberFormSet().empty_form
        row.prefix = f"members-{index}"
        return render(request, "people/_member_row.html", {"row": row, "number": index + 1})
    form = HouseholdForm(request.POST or None)
    formset = NewMemberFormSet(
        request.POST or None,
        prefix="members",
        initial=None if request.POST else [{"relationship": "head"}],
    )
    matches_found = False
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        filled = [row for row in formset if row.cleaned_data]  # blank extra rows are skipped
        members = [
            services.NewMember(
                relationship=row.cleaned_data["relationship"],
                fields={k: v for k, v in row.cleaned_data.items() if k != "relationship"},
            )
            for row in filled
        ]
        # Search before create, row by row: an existing person is added from the household page.
        for row in formset:
            row.matches = _likely_matches(request, row.cleaned_data)
            row.hidden_match_message = _match_context(row.matches)["hidden_match_message"]
            matches_found |= bool(row.matches)
        if matches_found and not request.POST.get("confirm_new"):
            return render(
                request,
                "people/household_form.html",
                {"form": form, "formset": formset, "matches_found": True},
            )
        try:
            with transaction.atomic():
                household = services.household_create(
                    actor=request.user, request=request, members=members, **form.cleaned_data
                )
                new_people = [m.person for m in household.memberships.order_by("order")]
                hidden = services.flag_hidden_matches(
                    actor=request.user,
                    found=[(p, row.matches) for p, row in zip(new_people, filled, strict=True)],
                    request=request,
                )
        except services.MemberErrors as exc:
            for n, err in exc.by_row.items():
                add_errors(filled[n - 1], err)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            count = len(members)
            message = ngettext(
                "世帯を登録しました（世帯員 %(count)d 人）。",
                "世帯を登録しました（世帯員 %(count)d 人）。",
                count,
            )
            messages.success(request, message % {"count": count})
            if hidden:
                messages.info(request, access.HIDDEN_MATCH_MESSAGE)
            return redirect("people:household_detail", household_id=household.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "people/household_form.html", {"form": form, "formset": formset}, status=status
    )


def household_detail(request, household_id):
    return _household_page(request, _visible_household(request.user, household_id))


def _household_page(request, household, *, member_form=None, matches=None, status=200):
    """The household page (audited as read): its members, the households 名寄せ brings
    together and every agency's involvement, as far as the user may see them (R6)."""
    user = request.user
    members = selectors.attach_members(user=user, households=[household])
    whole = selectors.household_whole(user=user, household=household)
    services.household_viewed(
        actor=user, household=household, members=members, whole=whole, request=request
    )
    return render(
        request,
        "people/household_detail.html",
        {
            "household": household,
            "members": household.member_views,
            "member_rows": [(m, None) for m in household.member_views],
            "whole": whole,
            "can_edit": access.can_edit_household(user, household),
            "member_form": member_form or NewMemberForm(prefix="new"),
            **_match_context(matches or selectors.NO_MATCHES),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def household_edit(request, household_id):
    household = _visible_household(request.user, household_id)
    if not access.can_edit_household(request.user, household):
        raise Http404
    version = seen_version(request) if request.method == "POST" else household.version
    if request.method == "GET":
        record(
            "household.viewed",
            actor=request.user,
            target=household,
            basis=access.household_basis(request.user, household),
            request=request,
        )
    form = HouseholdForm(request.POST or None, instance=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                actor=request.user,
                household=household,
                version=seen_version(request),
                request=request,
                **form.cleaned_data,
            )
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, gettext("世帯の変更を保存しました。"))
            return redirect("people:household_detail", household_id=household.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "people/household_edit.html",
        {"form": form, "household": household, "version": version},
        status=status,
    )


@require_POST
def household_member_add(request, household_id):
    """Add an existing person (chosen from search) or a new person to a household. A new
    person is searched for across agencies first, as on the person form."""
    household = _visible_household(request.user, household_id)
    if not access.can_edit_household(request.user, household):
        raise Http404
    existing = ExistingMemberForm(request.POST) if request.POST.get("person") else None
    new = None if existing else NewMemberForm(request.POST, prefix="new")
    form = existing or new
    if form.is_valid():
        data = dict(form.cleaned_data)
        relationship = data.pop("relationship")
        matches = selectors.NO_MATCHES
        if existing:
            person = one_or_404(access.visible_people(request.user), pk=data["person"])
            member = services.NewMember(relationship=relationship, person=person)
        else:
            member = services.NewMember(relationship=relationship, fields=data)
            matches = _likely_matches(request, data)
            if matches.visible and not request.POST.get("confirm_new"):
                return _household_page(request, household, member_form=new, matches=matches)
        try:
            with transaction.atomic():
                added = services.household_member_add(
                    actor=request.user, household=household, member=member, request=request
                )
                hidden = services.flag_hidden_matches(
                    actor=request.user, found=[(added.person, matches)], request=request
                )
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        except RuleViolation as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("世帯員を追加しました。"))
            if hidden:
                messages.info(request, access.HIDDEN_MATCH_MESSAGE)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errors:
                messages.error(request, f"{label}: {e}" if label else e)
    return redirect("people:household_detail", household_id=household.pk)
