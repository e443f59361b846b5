"""The meeting, assessment and plan screens. The core is the plan's worked example 2: a
woman in her 50s, withdrawn for years, no consent yet — a 支援会議 (社会福祉法106条の6) with
the disability counselling office and the 民生委員, whose members see the case only after
their confidentiality pledge and only while the meeting's sharing lasts (R5, R6).
Worked example 1 then runs plan v1 → review → plan v2 through the forms (R5, R7)."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services
from yorisoi.cases.models import CaseStatus, GoalReview, Meeting, MeetingParticipant
from yorisoi.cases.tests.world import (
    ROLES,
    agency,
    consent_all,
    hold,
    meeting_kind,
    open_case,
    schedule,
)
from yorisoi.directory.models import Domain
from yorisoi.testing import PersonFactory, client_for

TITLE_2 = "長期のひきこもりの50代女性"
SOON = timezone.now() + timedelta(days=2)


def _url(name, **kwargs):
    return reverse(f"cases:{name}", kwargs=kwargs)


def _example_2(ichiro):
    """The coordinator opens the case on a neighbour's call; no consent can be asked yet."""
    woman = PersonFactory(agency=ichiro.agency, family_name="川端", given_name="静子")
    return services.case_open(
        actor=ichiro,
        title=TITLE_2,
        persons=[woman],
        summary="近隣との間で生活状況をめぐるトラブル。通院の有無は不明。",
        next_action_on=timezone.localdate() + timedelta(days=2),
    )


def _support_meeting(ichiro, case, *participants):
    place = "市役所 第3会議室"
    return schedule(ichiro, case, "support_meeting", SOON, place=place, participants=participants)


def _multilayer(ichiro, case, purpose):
    return schedule(
        ichiro, case, "multilayer_meeting", SOON, place="市役所 会議室", purpose=purpose
    )


def _ready_for_plans(hana, ichiro):
    """Worked example 1 up to the point where a 重層的支援会議 may decide."""
    case = open_case(hana, ichiro)
    for code, role in ROLES.items():
        services.involvement_add(actor=ichiro, case=case, agency=agency(code), role=role)
    consent_all(ichiro, case)
    services.support_decision_record(actor=ichiro, case=case)
    return case


def _formset(prefix, rows, total=None):
    data = {
        f"{prefix}-TOTAL_FORMS": str(total or len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "6",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{n}-{key}"] = value
    return data


def _plan_post(meeting, based_on, goals, actions, review_in_days=90):
    return {
        "meeting": str(meeting.pk),
        "based_on": "" if based_on is None else str(based_on),
        "next_review_on": (timezone.localdate() + timedelta(days=review_in_days)).isoformat(),
        "person_agreed": "on",
        "note": "",
        **_formset("goals", goals),
        **_formset("actions", actions),
    }


# --- worked example 2: the 支援会議 and the pledge -------------------------------------------


def test_a_support_meeting_participant_without_pledge_sees_only_the_pledge_page(ichiro, kazuko):
    case = _example_2(ichiro)
    meeting = _support_meeting(ichiro, case, kazuko)
    client = client_for(kazuko)

    page = client.get(_url("meeting_detail", meeting_id=meeting.pk))

    assert page.status_code == 200
    body = page.content.decode()
    assert "市役所 第3会議室" in body
    assert _url("meeting_pledge", meeting_id=meeting.pk) in body
    assert TITLE_2 not in body and case.number not in body and "川端" not in body


def test_before_the_pledge_every_case_page_answers_404(ichiro, kazuko):
    case = _example_2(ichiro)
    meeting = _support_meeting(ichiro, case, kazuko)
    client = client_for(kazuko)
    for url in (
        _url("meeting_print", meeting_id=meeting.pk),
        _url("case_detail", case_id=case.pk),
    ):
        assert client.get(url).status_code == 404, url


def test_a_volunteer_never_opens_the_case_file_pledge_or_not(ichiro, kazuko):
    """Assessments, plans and the progress record are the caseworkers' (access.ROUTES and
    CaseAccess.case_file): the route refuses a 民生委員 for any id, so it tells nothing."""
    case = _example_2(ichiro)
    meeting = _support_meeting(ichiro, case, kazuko)
    client = client_for(kazuko)
    client.post(_url("meeting_pledge", meeting_id=meeting.pk))
    for name in ("assessment_detail", "plan_detail", "assessment_compare", "timeline"):
        for case_id in (case.pk, uuid.uuid4()):
            assert client.get(_url(name, case_id=case_id)).status_code == 403, name


def test_my_meetings_shows_the_pledge_link_and_no_case_before_the_pledge(ichiro, kazuko):
    case = _example_2(ichiro)
    meeting = _support_meeting(ichiro, case, kazuko)

    page = client_for(kazuko).get(_url("my_meetings"))

    body = page.content.decode()
    assert page.status_code == 200
    assert _url("meeting_pledge", meeting_id=meeting.pk) in body
    assert TITLE_2 not in body and case.number not in body


def test_after_the_pledge_the_participant_reads_the_meeting_and_the_case(ichiro, kazuko):
    case = _example_2(ichiro)
    meeting = _support_meeting(ichiro, case, kazuko)
    client = client_for(kazuko)
    assert (
        "第106条の6" in client.get(_url("meeting_pledge", meeting_id=meeting.pk)).content.decode()
    )

    answer = client.post(_url("meeting_pledge", meeting_id=meeting.pk))

    assert answer.status_code == 302
    assert MeetingParticipant.objects.get(meeting=meeting, user=kazuko).pledged_at is not None
    page = client.get(_url("meeting_detail", meeting_id=meeting.pk))
    assert page.status_code == 200 and TITLE_2 in page.content.decode()
    outline = client.get(_url("case_detail", case_id=case.pk))
    assert outline.status_code == 200 and TITLE_2 in outline.content.decode()
    assert TITLE_2 in client.get(_url("my_meetings")).content.decode()


def test_the_pledged_participants_reads_are_audited_on_the_art106_6_basis(ichiro, saki):
    case = _example_2(ichiro)
    meeting = _support_meeting(ichiro, case, saki)
    client = client_for(saki)
    client.post(_url("meeting_pledge", meeting_id=meeting.pk))

    client.get(_url("meeting_detail", meeting_id=meeting.pk))
    client.get(_url("assessment_detail", case_id=case.pk))

    viewed = AuditEvent.objects.filter(actor=saki, action="meeting.viewed")
    assert list(viewed.values_list("basis", flat=True)) == ["art106_6_meeting"]
    read = AuditEvent.objects.get(actor=saki, action="case.viewed", target_id=str(case.pk))
    assert read.basis == "art106_6_meeting"


def test_ending_the_sharing_closes_the_case_to_the_participants_again(ichiro, kazuko):
    case = _example_2(ichiro)
    meeting = _support_meeting(ichiro, case, kazuko)
    client = client_for(kazuko)
    client.post(_url("meeting_pledge", meeting_id=meeting.pk))
    assert client.get(_url("meeting_detail", meeting_id=meeting.pk)).status_code == 200

    ended = client_for(ichiro).post(_url("meeting_end_sharing", meeting_id=meeting.pk))

    assert ended.status_code == 302
    for url in (
        _url("meeting_detail", meeting_id=meeting.pk),
        _url("meeting_pledge", meeting_id=meeting.pk),
        _url("case_detail", case_id=case.pk),
    ):
        assert client.get(url).status_code == 404, url


def test_someone_outside_the_meeting_gets_404_like_a_missing_id(ichiro, tomoko):
    case = _example_2(ichiro)
    meeting = _support_meeting(ichiro, case)
    client = client_for(tomoko)
    for url in (
        _url("meeting_detail", meeting_id=meeting.pk),
        _url("meeting_pledge", meeting_id=meeting.pk),
        _url("meeting_print", meeting_id=meeting.pk),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(_url("meeting_pledge", meeting_id=meeting.pk)).status_code == 404


def test_the_coordinator_schedules_a_support_meeting_through_the_form(ichiro, kazuko):
    case = _example_2(ichiro)
    client = client_for(ichiro)
    form = client.get(_url("meeting_create", case_id=case.pk))
    assert form.status_code == 200 and "第106条の6" in form.content.decode()

    answer = client.post(
        _url("meeting_create", case_id=case.pk),
        {
            "kind": meeting_kind("support_meeting").pk,
            "purpose": "",
            "held_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "held_time": "14:00",
            "place": "市役所 第3会議室",
            "participants": [kazuko.pk],
        },
    )

    meeting = Meeting.objects.get(case=case)
    assert answer.status_code == 302
    assert list(meeting.participants.values_list("user", flat=True)) == [kazuko.pk]
    assert timezone.localtime(meeting.held_at).strftime("%H:%M") == "14:00"


# --- R5: a 重層的支援会議 needs the support decision and everyone's consent -------------------


def _multilayer_post(purpose="plan_creation"):
    return {
        "kind": meeting_kind("multilayer_meeting").pk,
        "purpose": purpose,
        "held_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "held_time": "10:00",
        "place": "市役所",
    }


def test_a_multilayer_meeting_is_refused_without_the_support_decision(ichiro):
    case = _example_2(ichiro)

    answer = client_for(ichiro).post(_url("meeting_create", case_id=case.pk), _multilayer_post())

    assert answer.status_code == 422
    assert "支援決定を記録してください" in answer.content.decode()
    assert not Meeting.objects.filter(case=case).exists()


def test_a_multilayer_meeting_is_refused_without_consent_and_names_who_lacks_it(ichiro):
    case = _example_2(ichiro)
    services.support_decision_record(actor=ichiro, case=case)

    answer = client_for(ichiro).post(_url("meeting_create", case_id=case.pk), _multilayer_post())

    body = answer.content.decode()
    assert answer.status_code == 422
    assert "同意のない本人" in body and "川端" in body
    assert not Meeting.objects.filter(case=case).exists()


def test_a_multilayer_meeting_needs_a_purpose(ichiro, hana):
    case = _ready_for_plans(hana, ichiro)

    answer = client_for(ichiro).post(
        _url("meeting_create", case_id=case.pk), _multilayer_post(purpose="")
    )

    assert answer.status_code == 422
    assert "重層的支援会議の目的を選んでください" in answer.content.decode()


# --- worked example 1: plan v1, review, plan v2 through the forms ----------------------------


def test_plan_v1_review_and_plan_v2_through_the_forms(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    client = client_for(ichiro)
    creation = _multilayer(ichiro, case, "plan_creation")
    assert (
        client.get(_url("plan_create", case_id=case.pk) + f"?meeting={creation.pk}").status_code
        == 200
    )
    goals = [
        {"term": "short", "text": "父が介護認定を受け、配食サービスが始まる"},
        {"term": "long", "text": "父は自宅で、息子はグループホームで安心して暮らす"},
    ]
    actions = [
        {"agency": str(agency(code).pk), "description": role, "due_on": ""}
        for code, role in list(ROLES.items())[:2]
    ]

    v1 = client.post(
        _url("plan_create", case_id=case.pk), _plan_post(creation, None, goals, actions)
    )

    assert v1.status_code == 302
    plan = case.plans.get()
    assert plan.number == 1 and plan.goals.count() == 2 and plan.actions.count() == 2
    detail = client.get(_url("plan_detail", case_id=case.pk)).content.decode()
    assert "配食サービスが始まる" in detail

    review = _multilayer(ichiro, case, "plan_review")
    form = {
        f"rating_{g.pk}": "achieved" if g.term == "short" else "partly" for g in plan.goals.all()
    }
    reviewed = client.post(_url("goals_review", meeting_id=review.pk), form)
    assert reviewed.status_code == 302
    assert f"meeting={review.pk}" in reviewed["Location"]  # straight on to the next version
    assert GoalReview.objects.filter(meeting=review).count() == 2
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW

    prefilled = client.get(reviewed["Location"]).content.decode()
    assert "父は自宅で、息子はグループホームで安心して暮らす" in prefilled
    v2 = client.post(
        _url("plan_create", case_id=case.pk),
        _plan_post(
            review,
            1,
            [*goals[1:], {"term": "short", "text": "息子がグループホームを見学する"}],
            actions,
            180,
        ),
    )

    assert v2.status_code == 302
    assert list(case.plans.values_list("number", flat=True)) == [2, 1]  # every version kept
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPORT


def test_a_plan_at_a_closure_meeting_is_refused_with_the_message(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    closure = _multilayer(ichiro, case, "closure")

    answer = client_for(ichiro).post(
        _url("plan_create", case_id=case.pk),
        _plan_post(closure, None, [{"term": "short", "text": "目標"}], []),
    )

    assert answer.status_code == 422
    assert "この決定はできません" in answer.content.decode()
    assert not case.plans.exists()


def test_goals_review_asks_for_every_goal(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    creation = _multilayer(ichiro, case, "plan_creation")
    plan = services.plan_create(
        actor=ichiro, case=case, meeting=creation, based_on=None,
        next_review_on=timezone.localdate() + timedelta(days=30),
        goals=[("short", "一つ目"), ("long", "二つ目")],
    )  # fmt: skip
    review = _multilayer(ichiro, case, "plan_review")
    first = plan.goals.order_by("pk").first()

    answer = client_for(ichiro).post(
        _url("goals_review", meeting_id=review.pk), {f"rating_{first.pk}": "achieved"}
    )

    assert answer.status_code == 422
    assert "この目標の評価を選んでください" in answer.content.decode()
    assert not GoalReview.objects.exists()


def test_plan_compare_lists_goals_added_removed_and_changed(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    creation = _multilayer(ichiro, case, "plan_creation")
    services.plan_create(
        actor=ichiro, case=case, meeting=creation, based_on=None,
        next_review_on=timezone.localdate() + timedelta(days=30),
        goals=[("short", "配食サービスが始まる"), ("long", "自宅で暮らし続ける")],
    )  # fmt: skip
    review = _multilayer(ichiro, case, "plan_review")
    services.plan_create(
        actor=ichiro, case=case, meeting=review, based_on=1,
        next_review_on=timezone.localdate() + timedelta(days=60),
        goals=[("short", "配食サービスを週5回にする"), ("long", "自宅で暮らし続ける")],
        actions=[(agency("zaitaku-kaigo-01"), "見守り訪問", None)],
    )  # fmt: skip

    page = client_for(ichiro).get(_url("plan_compare", case_id=case.pk) + "?a=1&b=2")

    body = page.content.decode()
    assert page.status_code == 200
    assert "<del>配食サービスが始まる</del>" in body
    assert "<ins>配食サービスを週5回にする</ins>" in body
    assert "<ins>見守り訪問</ins>" in body  # an action added in v2


# --- assessments (R7) -----------------------------------------------------------------------


def _assessment_post(based_on, **fields):
    domain = Domain.objects.filter(active=True).first()
    return {
        "based_on": "" if based_on is None else str(based_on),
        "household_situation": fields.get("household_situation", "父と息子の二人暮らし"),
        "strengths": fields.get("strengths", ""),
        "risks": fields.get("risks", ""),
        "wishes": fields.get("wishes", "父と一緒にこの家で暮らしたい"),
        **_formset("issues", [{"domain": str(domain.pk), "description": "低栄養"}], total=3),
    }


def test_an_assessment_is_saved_as_a_new_version_through_the_form(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    client = client_for(ichiro)
    assert client.get(_url("assessment_edit", case_id=case.pk)).status_code == 200

    answer = client.post(_url("assessment_edit", case_id=case.pk), _assessment_post(None))

    assert answer.status_code == 302
    saved = case.assessments.get()
    assert saved.number == 1 and saved.issues.get().description == "低栄養"
    page = client.get(_url("assessment_detail", case_id=case.pk)).content.decode()
    assert "父と一緒にこの家で暮らしたい" in page


def test_an_assessment_conflict_keeps_the_typed_text_and_shows_theirs(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    client = client_for(ichiro)
    client.post(_url("assessment_edit", case_id=case.pk), _assessment_post(None))
    # Someone else saves version 2 while ichiro is still typing on top of version 1.
    services.assessment_save(
        actor=hana, case=case, based_on=1, household_situation="父が入院した（他機関の追記）"
    )

    answer = client.post(
        _url("assessment_edit", case_id=case.pk),
        _assessment_post(1, household_situation="息子が作業所を休みがち（わたしの追記）"),
    )

    body = answer.content.decode()
    assert answer.status_code == 409
    assert "息子が作業所を休みがち（わたしの追記）" in body  # what ichiro typed
    assert "父が入院した（他機関の追記）" in body  # what the other version says
    assert 'name="based_on" value="2"' in body  # saving again now builds on version 2
    assert case.assessments.count() == 2


def test_assessment_compare_marks_changed_lines_and_escapes_html(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    services.assessment_save(
        actor=ichiro, case=case, based_on=None, household_situation="父と息子\n二人とも痩せている"
    )
    services.assessment_save(
        actor=ichiro, case=case, based_on=1,
        household_situation="父と息子\n配食で体重が戻ってきた <script>x</script>",
    )  # fmt: skip

    page = client_for(ichiro).get(_url("assessment_compare", case_id=case.pk) + "?a=1&b=2")

    body = page.content.decode()
    assert page.status_code == 200
    assert "<del>二人とも痩せている</del>" in body
    assert "<ins>配食で体重が戻ってきた &lt;script&gt;x&lt;/script&gt;</ins>" in body
    assert "<script>x</script>" not in body


# --- minutes, print, action items -----------------------------------------------------------


def test_a_minutes_conflict_shows_the_other_persons_text_next_to_ours(ichiro, kazuko):
    case = _example_2(ichiro)
    meeting = _support_meeting(ichiro, case, kazuko)
    services.meeting_record(
        actor=ichiro, meeting=meeting, version=1, shared_information="民生委員: 夜に物音がする"
    )

    answer = client_for(ichiro).post(
        _url("meeting_minutes", meeting_id=meeting.pk),
        {
            "version": "1",
            "held": "on",
            "place": meeting.place,
            "shared_information": "相談支援事業所: 以前に相談歴あり",
            "support_arrangement": "",
            "minutes": "",
            "decisions": "",
        },
    )

    body = answer.content.decode()
    assert answer.status_code == 409
    assert "民生委員: 夜に物音がする" in body and "相談支援事業所: 以前に相談歴あり" in body
    meeting.refresh_from_db()
    assert meeting.shared_information == "民生委員: 夜に物音がする"  # nothing overwritten


def test_the_minutes_are_saved_and_printed_cleanly(ichiro, kazuko):
    case = _example_2(ichiro)
    meeting = _support_meeting(ichiro, case, kazuko)
    client = client_for(ichiro)
    saved = client.post(
        _url("meeting_minutes", meeting_id=meeting.pk),
        {
            "version": "1",
            "held": "on",
            "place": meeting.place,
            "shared_information": "民生委員: 夜に物音がする",
            "support_arrangement": "相談支援事業所と生活支援の担当が一緒に訪問を重ねる",
            "minutes": "",
            "decisions": "2週間ごとに同行訪問",
        },
    )
    assert saved.status_code == 302

    page = client.get(_url("meeting_print", meeting_id=meeting.pk))

    body = page.content.decode()
    assert page.status_code == 200
    assert "2週間ごとに同行訪問" in body and "第106条の6" in body
    assert 'class="minutes-print"' in body
    assert AuditEvent.objects.filter(
        action="meeting.printed", actor=ichiro, target_id=str(meeting.pk), basis="own_agency"
    ).exists()


def test_an_action_item_is_added_and_marked_done_by_its_owner(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    meeting = _multilayer(ichiro, case, "plan_creation")
    added = client_for(ichiro).post(
        _url("action_item_add", meeting_id=meeting.pk),
        {
            "description": "配食サービスの申請",
            "owner_agency": str(hana.agency.pk),
            "owner_name": "",
            "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    assert added.status_code == 302
    item = meeting.action_items.get()

    done = client_for(hana).post(_url("action_item_done", item_id=item.pk))

    assert done.status_code == 302
    item.refresh_from_db()
    assert item.done_by == hana


# --- closure and reopening ------------------------------------------------------------------


def test_closure_at_a_closure_meeting_and_reopening_through_the_forms(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    closure = hold(ichiro, _multilayer(ichiro, case, "closure"))
    client = client_for(ichiro)
    case.refresh_from_db()
    empty = client.post(
        _url("case_close", case_id=case.pk),
        {"version": case.version, "meeting": str(closure.pk), "text": " "},
    )
    assert empty.status_code == 422

    closed = client.post(
        _url("case_close", case_id=case.pk),
        {"version": case.version, "meeting": str(closure.pk), "text": "在宅生活が安定した"},
    )

    assert closed.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.end_note == "在宅生活が安定した"
    reopened = client.post(
        _url("case_reopen", case_id=case.pk),
        {
            "version": case.version,
            "reason": "父の入院で再調整",
            "next_action_on": timezone.localdate().isoformat(),
        },
    )
    assert reopened.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSMENT


def test_suspension_offers_only_suspension_meetings(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    closure = _multilayer(ichiro, case, "closure")
    case.refresh_from_db()

    answer = client_for(ichiro).post(
        _url("case_suspend", case_id=case.pk),
        {"version": case.version, "meeting": str(closure.pk), "text": "転居のため"},
    )

    assert answer.status_code == 422
    case.refresh_from_db()
    assert case.status != CaseStatus.SUSPENDED


# --- my meetings: a constant number of queries ---------------------------------------------


@pytest.mark.parametrize("pledge", [False, True])
def test_my_meetings_runs_a_constant_number_of_queries(ichiro, kazuko, pledge):
    case = _example_2(ichiro)

    def count(n):
        for _ in range(n - Meeting.objects.filter(case=case).count()):
            meeting = _support_meeting(ichiro, case, kazuko)
            if pledge:
                participant = meeting.participants.get(user=kazuko)
                services.meeting_pledge(actor=kazuko, participant=participant)
        client = client_for(kazuko)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url("my_meetings")).status_code == 200
        return len(queries)

    assert count(2) == count(20)


# --- every page opens for the secretariat; the forms are the secretariat's ------------------


def _full_case(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    creation = _multilayer(ichiro, case, "plan_creation")
    services.assessment_save(actor=ichiro, case=case, based_on=None, household_situation="a")
    services.assessment_save(actor=ichiro, case=case, based_on=1, household_situation="b")
    services.plan_create(
        actor=ichiro, case=case, meeting=creation, based_on=None,
        next_review_on=timezone.localdate() + timedelta(days=30), goals=[("short", "目標")],
        actions=[(agency("zaitaku-kaigo-01"), "見守り", None)],
    )  # fmt: skip
    review = _multilayer(ichiro, case, "plan_review")
    services.action_item_add(
        actor=ichiro, meeting=review, description="申請", owner_agency=hana.agency,
        due_on=timezone.localdate(),
    )  # fmt: skip
    return case, creation, review


def _pages(case, meeting):
    return [
        _url("my_meetings"),
        _url("meeting_create", case_id=case.pk),
        _url("meeting_detail", meeting_id=meeting.pk),
        _url("meeting_print", meeting_id=meeting.pk),
        _url("meeting_minutes", meeting_id=meeting.pk),
        _url("assessment_detail", case_id=case.pk),
        _url("assessment_detail", case_id=case.pk) + "?version=1",
        _url("assessment_edit", case_id=case.pk),
        _url("assessment_compare", case_id=case.pk),
        _url("plan_detail", case_id=case.pk),
        _url("plan_create", case_id=case.pk),
        _url("plan_create", case_id=case.pk) + f"?meeting={meeting.pk}",
        _url("plan_compare", case_id=case.pk),
        _url("goals_review", meeting_id=meeting.pk),
        _url("case_close", case_id=case.pk),
        _url("case_suspend", case_id=case.pk),
        _url("case_reopen", case_id=case.pk),
    ]


def test_every_page_opens_for_the_coordinator(hana, ichiro):
    case, _creation, review = _full_case(hana, ichiro)
    client = client_for(ichiro)
    for url in _pages(case, review):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "入力内容を確認してください" not in page.content.decode(), url  # no empty summary


def test_an_involved_agency_reads_but_the_meeting_forms_are_the_secretariats(hana, ichiro):
    case, _creation, review = _full_case(hana, ichiro)
    client = client_for(hana)  # involved, with consent: reads the case
    assert client.get(_url("meeting_detail", meeting_id=review.pk)).status_code == 200
    assert client.get(_url("plan_detail", case_id=case.pk)).status_code == 200
    for url in (
        _url("meeting_minutes", meeting_id=review.pk),
        _url("plan_create", case_id=case.pk),
        _url("goals_review", meeting_id=review.pk),
        _url("case_close", case_id=case.pk),
    ):
        assert client.get(url).status_code == 403, url


def test_an_unknown_version_answers_404(hana, ichiro):
    case, _creation, _review = _full_case(hana, ichiro)
    client = client_for(ichiro)
    assert client.get(_url("assessment_detail", case_id=case.pk) + "?version=9").status_code == 404
    assert client.get(_url("plan_compare", case_id=case.pk) + "?a=1&b=7").status_code == 404


def test_a_plan_row_error_is_listed_in_the_error_summary(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    creation = _multilayer(ichiro, case, "plan_creation")

    answer = client_for(ichiro).post(
        _url("plan_create", case_id=case.pk),
        _plan_post(creation, None, [{"term": "", "text": "期間のない目標"}], []),
    )

    body = answer.content.decode()
    assert answer.status_code == 422
    assert "1行目の期間: 期間を選んでください。" in body
    assert "期間のない目標" in body  # what was typed stays
    assert not case.plans.exists()


def test_a_multilayer_meeting_asks_no_pledge(hana, ichiro):
    case = _ready_for_plans(hana, ichiro)
    meeting = _multilayer(ichiro, case, "plan_creation")
    services.meeting_participant_add(actor=ichiro, meeting=meeting, user=hana)

    answer = client_for(hana).post(_url("meeting_pledge", meeting_id=meeting.pk))

    assert answer.status_code == 302
    assert meeting.participants.get(user=hana).pledged_at is None
