"""Meeting screens (R5): my meetings, scheduling, the meeting page and print, minutes,
participants, the 支援会議 pledge, the end of sharing, action items.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from yorisoi import access
from yorisoi.access.bases import BASIS_SUPPORT_MEETING
from yorisoi.audit.log import record, record_reads
from yorisoi.errors import RuleViolation, refuse_on_screen
from yorisoi.http.forms import seen_version

from .. import services
from ..forms_meetings import (
    ActionItemForm,
    MeetingForm,
    MinutesForm,
    ParticipantForm,
)
from ..models import (
    ActionItem,
    Meeting,
    MeetingParticipant,
    MeetingPurpose,
    MeetingStatus,
)
from .base import (
    _act,
    _meeting,
    _readable_meeting,
    _save,
    _secretariat,
    _viewed_page,
    _visible_case,
    _with_yours,
    case_url,
)

MEETINGS_PAGE_SIZE = 20


PLAN_PURPOSES = (MeetingPurpose.PLAN_CREATION, MeetingPurpose.PLAN_REVIEW)


REVIEW_PURPOSES = (MeetingPurpose.PLAN_REVIEW, MeetingPurpose.CLOSURE)


def my_meetings(request):
    """The meetings the user takes part in, upcoming first. A 支援会議 they have not pledged
    for shows no case title or number: only the way to the pledge."""
    user = request.user
    now = timezone.now()
    rows = (
        MeetingParticipant.objects.filter(user_id=user.pk)
        .select_related("meeting", "meeting__kind", "meeting__case")
        .annotate(
            past=SqlCase(
                When(meeting__held_at__gte=now, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            upcoming_at=SqlCase(When(meeting__held_at__gte=now, then=F("meeting__held_at"))),
        )
        .order_by("past", F("upcoming_at").asc(nulls_last=True), "-meeting__held_at", "pk")
    )
    page = Paginator(rows, MEETINGS_PAGE_SIZE).get_page(request.GET.get("page"))
    participants = list(page.object_list)
    readable = access.case_bases(user, {p.meeting.case_id for p in participants})
    items = []
    for p in participants:
        meeting = p.meeting
        opens_case = meeting.case_id in readable
        items.append(
            {
                "meeting": meeting,
                "participant": p,
                "case": meeting.case if opens_case else None,
                "awaits_pledge": access.awaits_pledge(p, meeting),
                "opens": opens_case or access.awaits_pledge(p, meeting),
            }
        )
    record_reads("case.listed", actor=user, request=request, bases=readable)
    return render(request, "cases/my_meetings.html", {"items": items, "page": page})


@require_http_methods(["GET", "POST"])
def meeting_create(request, case_id):
    """R5: the service refuses a 重層的支援会議 without 支援決定 or without everyone's consent;
    its message (naming who lacks consent) is shown above the form."""
    case = _visible_case(request.user, case_id)
    rights = access.case_access(request.user, case)
    _secretariat(rights)
    form = MeetingForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = _save(
            form,
            services.meeting_schedule,
            actor=request.user,
            case=case,
            kind=data["kind"],
            held_at=data["held_at"],
            place=data["place"],
            purpose=data["purpose"],
            participants=list(data["participants"]),
            request=request,
        )
        if meeting is not None:
            messages.success(request, gettext("会議を登録しました。"))
            return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    _viewed_page(request, case, page="meeting_create")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "cases/meeting_form.html",
        {"form": form, "case": case, "case_link": case_url(case)},
        status=status,
    )


def _agenda(meeting):
    names = (
        ["shared_information", "support_arrangement"]
        if meeting.kind.is_support_meeting
        else ["agenda_plan", "agenda_fitness", "agenda_evaluation", "agenda_resources",
              "unmet_needs"]
    )  # fmt: skip
    return [
        {"label": Meeting._meta.get_field(name).verbose_name, "text": getattr(meeting, name)}
        for name in names
    ]


def _detail(request, meeting, rights, participant, *, status=200, **forms):
    user = request.user
    case = meeting.case
    participants = list(meeting.participants.select_related("user", "agency"))
    items = list(meeting.action_items.select_related("owner_agency", "done_by"))
    for item in items:
        item.can_mark_done = item.done_at is None and (
            rights.meetings or (rights.record and access.acts_for(user, item.owner_agency_id))
        )
    secretariat = rights.meetings and case.is_active
    multilayer = not meeting.kind.is_support_meeting
    held = meeting.status == MeetingStatus.HELD
    has_plan = case.plans.exists()
    context = {
        "meeting": meeting,
        "case": case,
        "case_link": case_url(case),
        "rights": rights,
        "participants": participants,
        "items": items,
        "agenda": _agenda(meeting),
        "participant": participant,
        "can_pledge": access.awaits_pledge(participant, meeting),
        "can_edit": rights.meetings,
        "can_end_sharing": rights.meetings
        and meeting.kind.is_support_meeting
        and meeting.sharing_ended_at is None,
        "can_plan": secretariat and multilayer and meeting.purpose in PLAN_PURPOSES,
        "can_review": secretariat and multilayer and meeting.purpose in REVIEW_PURPOSES
        and has_plan,
        "can_close": secretariat and multilayer and held
        and meeting.purpose == MeetingPurpose.CLOSURE,
        "can_suspend": secretariat and multilayer and held
        and meeting.purpose == MeetingPurpose.SUSPENSION,
        "ends_after_minutes": secretariat and multilayer and not held
        and meeting.purpose in (MeetingPurpose.CLOSURE, MeetingPurpose.SUSPENSION),
        "participant_form": forms.get("participant_form")
        or (ParticipantForm(case=case) if rights.meetings else None),
        "action_form": forms.get("action_form") or (ActionItemForm() if rights.meetings else None),
    }  # fmt: skip
    record(
        "meeting.viewed",
        actor=user,
        target=meeting,
        basis=rights.basis,
        request=request,
        ids=[case.pk],
    )
    return render(request, "cases/meeting_detail.html", context, status=status)


def meeting_detail(request, meeting_id):
    meeting, rights, participant = _meeting(request.user, meeting_id)
    if not rights.read:
        # 社会福祉法106条の6: before the pledge only the meeting itself, never the case.
        record(
            "meeting.pledge_pending_viewed",
            actor=request.user,
            target=meeting,
            basis=BASIS_SUPPORT_MEETING,
            request=request,
        )
        return render(request, "cases/meeting_limited.html", {"meeting": meeting})
    return _detail(request, meeting, rights, participant)


def meeting_print(request, meeting_id):
    meeting, rights, _participant = _readable_meeting(request.user, meeting_id)
    participants = list(meeting.participants.select_related("user", "agency"))
    items = list(meeting.action_items.select_related("owner_agency"))
    record(
        "meeting.printed",
        actor=request.user,
        target=meeting,
        basis=rights.basis,
        request=request,
        ids=[meeting.case_id],
    )
    return render(
        request,
        "cases/meeting_print.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "participants": participants,
            "items": items,
            "agenda": _agenda(meeting),
            "printed_at": timezone.localtime(),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_minutes(request, meeting_id):
    meeting, rights, _participant = _readable_meeting(request.user, meeting_id)
    _secretariat(rights)
    form = MinutesForm(request.POST or None, meeting=meeting)
    version, changes, status = meeting.version, [], 200
    if request.method == "POST":
        status = 422
        version = seen_version(request)
        if form.is_valid():
            conflict = {}
            saved = _save(
                form, services.meeting_record, conflict=conflict, actor=request.user,
                meeting=meeting, version=version, held=form.cleaned_data["held"],
                request=request, **form.record_fields(),
            )  # fmt: skip
            if saved is not None:
                messages.success(request, gettext("議事録を保存しました。"))
                return redirect("cases:meeting_detail", meeting_id=meeting.pk)
            if conflict:
                form.add_error(None, conflict["conflict"])
                changes = _with_yours(conflict["changes"], request.POST)
                version, status = Meeting.objects.get(pk=meeting.pk).version, 409
    _viewed_page(request, meeting.case, page="meeting_minutes", target=meeting)
    return render(
        request,
        "cases/meeting_minutes.html",
        {"form": form, "meeting": meeting, "version": version, "changes": changes},
        status=status,
    )


@require_POST
def meeting_participant_add(request, meeting_id):
    meeting, rights, participant = _readable_meeting(request.user, meeting_id)
    _secretariat(rights)
    form = ParticipantForm(request.POST, case=meeting.case)
    done = gettext("参加者を追加しました。")
    return _add(
        request, meeting, rights, participant, form, services.meeting_participant_add, done,
        form_key="participant_form",
    )  # fmt: skip


def _add(request, meeting, rights, participant, form, service, done, *, form_key):
    """A participant or an action item added on the meeting page: back to it, or the page
    again with the form and its errors (422)."""
    if form.is_valid():
        saved = _save(
            form, service, actor=request.user, meeting=meeting, request=request,
            **form.cleaned_data,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, done)
            return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    return _detail(request, meeting, rights, participant, status=422, **{form_key: form})


@require_http_methods(["GET", "POST"])
def meeting_pledge(request, meeting_id):
    """社会福祉法106条の6: the participant pledges confidentiality for themselves; only then
    does the 支援会議's case open to them."""
    meeting, _rights, participant = _meeting(request.user, meeting_id)
    if participant is None:  # the meeting opens to them, the pledge is a participant's own act
        raise PermissionDenied
    if request.method == "POST":
        if not access.awaits_pledge(participant, meeting):
            messages.error(request, gettext("この会議で誓約することはありません。"))
            return redirect("cases:meeting_pledge", meeting_id=meeting.pk)
        try:
            services.meeting_pledge(actor=request.user, participant=participant, request=request)
        except RuleViolation as exc:
            messages.error(request, exc.message)
            return redirect("cases:meeting_pledge", meeting_id=meeting.pk)
        messages.success(request, gettext("守秘義務の誓約を記録しました。"))
        if access.case_access(request.user, meeting.case).read:
            try:
                return redirect(reverse("cases:case_detail", kwargs={"case_id": meeting.case_id}))
            except NoReverseMatch:
                pass
        return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    record(
        "meeting.pledge_viewed",
        actor=request.user,
        target=meeting,
        basis=BASIS_SUPPORT_MEETING,
        request=request,
    )
    return render(
        request,
        "cases/pledge.html",
        {
            "meeting": meeting,
            "participant": participant,
            "pending": access.awaits_pledge(participant, meeting),
        },
    )


@require_POST
def meeting_end_sharing(request, meeting_id):
    meeting, rights, _participant = _readable_meeting(request.user, meeting_id)
    _secretariat(rights)
    done = gettext("情報共有を終了しました。この会議の参加者は、ケースを見られなくなりました。")
    _act(request, done, services.meeting_end_sharing, actor=request.user, meeting=meeting)
    return redirect("cases:meeting_detail", meeting_id=meeting.pk)


@require_POST
def action_item_add(request, meeting_id):
    meeting, rights, participant = _readable_meeting(request.user, meeting_id)
    _secretariat(rights)
    done = gettext("会議で決めた対応を追加しました。")
    return _add(
        request, meeting, rights, participant, ActionItemForm(request.POST),
        services.action_item_add, done, form_key="action_form",
    )  # fmt: skip


@require_POST
def action_item_done(request, item_id):
    item = (
        ActionItem.objects.filter(pk=item_id, case__in=access.visible_cases(request.user))
        .select_related("case")
        .first()
    )
    if item is None:
        raise Http404
    try:
        services.action_item_done(actor=request.user, item=item, request=request)
    except RuleViolation as exc:
        refuse_on_screen(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("対応を完了にしました。"))
    return redirect("cases:meeting_detail", meeting_id=item.meeting_id)
