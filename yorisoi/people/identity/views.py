"""Screens of the coordinator's duplicate review queue (名寄せの確認).

Thin: parse, call a service or selector, render. Only the coordinator opens these routes
(access.ROUTES); the records come through access.visible_match_candidates and
visible_identities, and every read is audited on the 名寄せ basis. A registration shows its
identifying fields only (access.IDENTIFYING_FIELDS), never what its agency recorded.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from yorisoi import access
from yorisoi.access.bases import BASIS_MATCH_REVIEW
from yorisoi.audit.log import record, record_reads
from yorisoi.errors import ConcurrentEditError, RuleViolation, refuse_on_screen
from yorisoi.http.forms import seen_version

from . import selectors, services
from .forms import DecisionForm, QueueFilterForm, UnlinkForm
from .models import MATCH_TRANSITIONS, Identity, MatchCandidate, MatchStatus

PAGE_SIZE = 25


def _candidate(user, match_id) -> MatchCandidate:
    try:
        return selectors.match_detail(user=user, match_id=match_id)
    except (MatchCandidate.DoesNotExist, ValidationError) as exc:
        raise Http404 from exc


def _identity(user, identity_id) -> Identity:
    try:
        return selectors.identity_detail(user=user, identity_id=identity_id)
    except (Identity.DoesNotExist, ValidationError) as exc:
        raise Http404 from exc


@require_GET
def match_list(request):
    user = request.user
    form = QueueFilterForm(request.GET or None)
    status = MatchStatus.PENDING
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"] if "status" in request.GET else status
    if not form.is_bound:
        form = QueueFilterForm(initial={"status": status})
    page = Paginator(selectors.match_list(user=user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page") or 1
    )
    candidates = list(page.object_list)
    shown = {p for c in candidates for p in (c.person_a_id, c.person_b_id)}
    record_reads(
        "identity.matches_listed",
        actor=user,
        request=request,
        bases={pk: BASIS_MATCH_REVIEW for pk in shown},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "identity/match_list.html",
        {"form": form, "page": page, "candidates": candidates, "query": query.urlencode()},
    )


def _detail_context(request, candidate, form=None, error=None):
    identities = selectors.identities_of([candidate.person_a_id, candidate.person_b_id])
    allowed = MATCH_TRANSITIONS[MatchStatus(candidate.status)]
    return {
        "candidate": candidate,
        "a": candidate.person_a,
        "b": candidate.person_b,
        "identity_a": identities.get(candidate.person_a_id),
        "identity_b": identities.get(candidate.person_b_id),
        "can_confirm": MatchStatus.CONFIRMED in allowed,
        "can_reject": MatchStatus.REJECTED in allowed,
        "form": form or DecisionForm(),
        "error": error,
    }


@require_GET
def match_detail(request, match_id):
    candidate = _candidate(request.user, match_id)
    record(
        "identity.match_viewed",
        actor=request.user,
        target=candidate,
        basis=BASIS_MATCH_REVIEW,
        request=request,
        ids=[candidate.person_a_id, candidate.person_b_id],
    )
    return render(request, "identity/match_detail.html", _detail_context(request, candidate))


def _decide(request, match_id, service, done_message):
    candidate = _candidate(request.user, match_id)
    form = DecisionForm(request.POST)
    error = None
    if form.is_valid():
        try:
            service(
                actor=request.user,
                candidate=candidate,
                version=seen_version(request),
                note=form.cleaned_data["note"],
                request=request,
            )
        except ConcurrentEditError as exc:
            error = exc.message
        except RuleViolation as exc:
            refuse_on_screen(exc)
            error = exc.message
        else:
            messages.success(request, done_message)
            return redirect("identity:match_detail", match_id=candidate.pk)
    candidate = _candidate(request.user, match_id)
    context = _detail_context(request, candidate, form=form, error=error)
    return render(request, "identity/match_detail.html", context, status=422)


@require_POST
def match_confirm(request, match_id):
    return _decide(
        request,
        match_id,
        services.match_confirm,
        gettext("同一人物として結びつけました。それぞれの登録はそのまま残ります。"),
    )


@require_POST
def match_reject(request, match_id):
    return _decide(
        request,
        match_id,
        services.match_reject,
        gettext("別人と判断しました。この組はもう候補になりません。"),
    )


def _identity_context(identity, form=None, error=None):
    return {
        "identity": identity,
        "current": list(selectors.members_of(identity, current=True)),
        "past": list(selectors.members_of(identity, current=False)),
        "decisions": list(selectors.identity_candidates(identity)),
        "form": form or UnlinkForm(),
        "error": error,
    }


@require_GET
def identity_detail(request, identity_id):
    identity = _identity(request.user, identity_id)
    context = _identity_context(identity)
    record(
        "identity.identity_viewed",
        actor=request.user,
        target=identity,
        basis=BASIS_MATCH_REVIEW,
        request=request,
        ids=[m.person_id for m in context["current"] + context["past"]],
    )
    return render(request, "identity/identity_detail.html", context)


@require_POST
def identity_unlink(request, identity_id, person_id):
    identity = _identity(request.user, identity_id)
    person = access.match_review_people(request.user).filter(pk=person_id).first()
    if person is None:
        raise Http404
    form = UnlinkForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.identity_unlink(
                actor=request.user,
                identity=identity,
                person=person,
                version=seen_version(request),
                note=form.cleaned_data["note"],
                request=request,
            )
        except RuleViolation as exc:
            refuse_on_screen(exc)
            error = exc.message
        else:
            messages.success(request, gettext("結びつけを解除しました。登録はそのまま残ります。"))
            return redirect("identity:identity_detail", identity_id=identity.pk)
    context = _identity_context(_identity(request.user, identity_id), form=form, error=error)
    return render(request, "identity/identity_detail.html", context, status=422)
