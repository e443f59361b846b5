"""The plan's worked example 1 as a small shared world for the case tests.

Father in his 70s with new dementia symptoms, son with an intellectual disability; a
neighbour tells the home-care support centre (hana), which escalates to 福祉総務課 (ichiro).
All names are fictional.
"""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yorisoi.cases import services
from yorisoi.directory.models import Agency, MeetingKind
from yorisoi.intake import services as intake
from yorisoi.people.services import NewMember, household_create

ROLES = {
    "chiiki-houkatsu-01": "父: 認知症初期集中支援チームへのつなぎ、介護認定と介護サービスの調整",
    "zaitaku-kaigo-01": "父: 配食サービスと見守り、在宅生活の継続",
    "itaku-soudan-01": "息子: グループホームの検討、就労継続支援B型事業所への通所継続",
    "shougai-fukushi-ka": "息子: 障害福祉サービスの支給決定",
}


def agency(code):
    return Agency.objects.get(code=code)


def meeting_kind(legal_type):
    return MeetingKind.objects.get(legal_type=legal_type, active=True)


def family(actor):
    household = household_create(
        actor=actor,
        name="山川家",
        address="三重県四日市市富州原町1-2-3",
        members=[
            NewMember("head", fields={"family_name": "山川", "given_name": "茂",
                      "family_name_kana": "ヤマカワ", "given_name_kana": "シゲル"}),
            NewMember("child", fields={"family_name": "山川", "given_name": "健太",
                      "family_name_kana": "ヤマカワ", "given_name_kana": "ケンタ"}),
        ],
    )  # fmt: skip
    father, son = [m.person for m in household.memberships.order_by("order")]
    return household, father, son


def escalated(hana):
    household, father, _son = family(hana)
    consultation = intake.consultation_create(
        actor=hana,
        channel="from_neighbour",
        consulter_type="neighbour",
        summary="隣の高齢男性が同じことを何度も尋ねる。息子さんと二人とも痩せてきた。",
        household=household,
        person=father,
    )
    return intake.consultation_escalate(
        actor=hana, consultation=consultation, version=consultation.version
    )


def open_case(hana, ichiro, **fields):
    """The escalated consultation becomes a case for the household, led by 福祉総務課 (unless
    `fields` name another lead agency)."""
    consultation = escalated(hana)
    return services.case_open(
        actor=ichiro,
        title="高齢の父と障害のある息子の世帯",
        household=consultation.household,
        origin=consultation,
        summary=consultation.summary,
        next_action_on=timezone.localdate() + timedelta(days=3),
        **fields,
    )


def consent_all(actor, case, **kwargs):
    for subject in case.subjects.select_related("person"):
        services.consent_record(
            actor=actor,
            case=case,
            person=subject.person,
            method="written",
            given_on=timezone.localdate(),
            **kwargs,
        )


def schedule(actor, case, legal_type, held_at=None, **fields):
    """A meeting of the kind `legal_type` scheduled on the case (tomorrow, unless `held_at` says
    when)."""
    return services.meeting_schedule(
        actor=actor,
        case=case,
        kind=meeting_kind(legal_type),
        held_at=held_at or timezone.now() + timedelta(days=1),
        **fields,
    )


def hold(actor, meeting):
    """The meeting took place: its minutes are recorded (closure and suspension need it)."""
    return services.meeting_record(actor=actor, meeting=meeting, version=meeting.version, held=True)


def close(ichiro, case, evaluation="安定"):
    """Every subject consents, support is decided, and the case closes at a held 重層的支援会議
    for closure (R5)."""
    consent_all(ichiro, case)
    services.support_decision_record(actor=ichiro, case=case)
    closure = schedule(ichiro, case, "multilayer_meeting", purpose="closure")
    hold(ichiro, closure)
    case = type(case).objects.get(pk=case.pk)
    return services.case_close(
        actor=ichiro, case=case, version=case.version, meeting=closure, evaluation=evaluation
    )


def queries_of(client, url) -> int:
    """How many queries a page costs (answering 200), its session already warm."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)
