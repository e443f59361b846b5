"""The plan's two worked examples as demo cases for `make run` (load_demo). Fictional people.

Example 1 runs from the neighbour's call at the home-care support centre to plan v1 with the
four agencies' roles. Example 2 stops at a 支援会議 without consent: the 委託相談支援事業所 has
pledged, the 民生委員 has not yet (log in as `minsei` to see the pledge page first).
Everything goes through the services, as a user would do it, so the demo obeys R1–R7.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from yorisoi.accounts.models import User
from yorisoi.directory.models import Agency, Domain, LegalMeetingType, MeetingKind
from yorisoi.intake import services as intake
from yorisoi.people.demo import DEMO_MARK
from yorisoi.people.services import NewMember, household_create, person_create

from . import services
from .models import Case, MeetingParticipant

EXAMPLE_1 = "【デモ】高齢の父と障害のある息子の世帯"
EXAMPLE_2 = "【デモ】ひきこもり状態が続く50代の女性"

ROLES_1 = {
    "chiiki-houkatsu-01": "父: 認知症初期集中支援チームへのつなぎ、要介護認定の申請と介護サービスの調整",
    "zaitaku-kaigo-01": "父: 配食サービスの手配と見守り、自宅での生活を続ける支援",
    "itaku-soudan-01": "息子: グループホームの見学と入居の検討、就労継続支援B型事業所への通所継続",
    "shougai-fukushi-ka": "息子: 障害福祉サービス（共同生活援助）の支給決定",
}


def cases_exist() -> bool:
    return Case.objects.filter(title__in=[EXAMPLE_1, EXAMPLE_2]).exists()


def _user(username):
    return User.objects.get(username=username)


def _agency(code):
    return Agency.objects.get(code=code)


def _kind(legal_type):
    return MeetingKind.objects.filter(legal_type=legal_type, active=True).first()


@transaction.atomic
def load_worked_examples() -> int:
    """Create both examples once (needs the demo accounts); returns how many were created."""
    if cases_exist():
        return 0
    example_1()
    example_2()
    return 2


def example_1():
    homecare, coordinator = _user("homecare"), _user("coordinator")
    today = timezone.localdate()
    household = household_create(
        actor=homecare,
        name="山口家",
        address="三重県四日市市富州原町1-2-3",
        notes=DEMO_MARK,
        members=[
            NewMember("head", fields={
                "family_name": "山口", "given_name": "茂", "family_name_kana": "ヤマグチ",
                "given_name_kana": "シゲル", "birth_date": date(1951, 6, 3), "sex": "male",
                "notes": DEMO_MARK}),
            NewMember("child", fields={
                "family_name": "山口", "given_name": "健太", "family_name_kana": "ヤマグチ",
                "given_name_kana": "ケンタ", "birth_date": date(1984, 11, 20), "sex": "male",
                "notes": DEMO_MARK}),
        ],
    )  # fmt: skip
    father = household.memberships.order_by("order").first().person
    consultation = intake.consultation_create(
        actor=homecare,
        channel="from_neighbour",
        consulter_type="neighbour",
        summary=(
            "隣に住む方から電話。高齢の男性が同じことを何度も尋ねるようになった。昨年奥さんが"
            "亡くなり、障害のある息子さんと二人暮らし。二人とも痩せてきて、食事がとれていない"
            "ようだ。"
        ),
        household=household,
        person=father,
        urgency="high",
        issues=["dementia", "intellectual-disability", "no-food"],
        main_issue="dementia",
    )
    consultation = intake.consultation_escalate(
        actor=homecare,
        consultation=consultation,
        version=consultation.version,
        note="介護と障害の両方の支援が必要なため、多機関協働へ。",
    )
    case = services.case_open(
        actor=coordinator,
        title=EXAMPLE_1,
        household=household,
        origin=consultation,
        summary=consultation.summary,
        next_action_on=today,  # due today: first in the case list and the work list
    )
    for code, role in ROLES_1.items():
        services.involvement_add(actor=coordinator, case=case, agency=_agency(code), role=role)
    for subject in case.subjects.select_related("person"):
        services.consent_record(
            actor=coordinator,
            case=case,
            person=subject.person,
            method="written",
            given_on=today - timedelta(days=2),
            note="自宅訪問時に同意書に署名をいただいた。",
        )
    services.assessment_save(
        actor=coordinator,
        case=case,
        based_on=None,
        household_situation="父（70代）と息子（40代）の二人暮らし。母は昨年死亡。",
        strengths="息子は就労継続支援B型事業所に休まず通っている。近所の見守りがある。",
        risks="二人とも低栄養。父の認知症状が進むと在宅生活が難しくなる。",
        wishes="父「この家で息子と暮らしたい」。息子「仕事は続けたい」。",
        issues=[
            (_domain("elderly"), "父に認知症の初期症状。介護認定は未申請。"),
            (_domain("disability"), "息子に知的障害。父の介護を担うのは難しい。"),
        ],
    )
    services.support_decision_record(actor=coordinator, case=case)
    meeting = services.meeting_schedule(
        actor=coordinator,
        case=case,
        kind=_kind(LegalMeetingType.MULTILAYER_MEETING),
        held_at=timezone.now() - timedelta(hours=2),
        place="四日市市役所 福祉総務課 会議室",
        purpose="plan_creation",
        participants=[_user(u) for u in ("houkatsu", "homecare", "disability", "shougai")],
    )
    services.meeting_record(
        actor=coordinator,
        meeting=meeting,
        version=meeting.version,
        agenda_plan="父と息子それぞれの支援内容と役割分担を共有した。",
        agenda_fitness="本人たちの意向（在宅・就労継続）に沿っていることを確認した。",
        agenda_resources="配食サービスは週3回のみ。毎日の食事を支える資源が不足。",
        unmet_needs="毎日の配食・見守りを兼ねたサービス",
        decisions="父は在宅で介護サービスを利用、息子はグループホームを検討。",
    )
    services.plan_create(
        actor=coordinator,
        case=case,
        meeting=meeting,
        based_on=None,
        next_review_on=today + timedelta(days=90),
        goals=[
            ("short", "父が要介護認定を受け、配食サービスが始まる"),
            ("short", "息子が就労継続支援B型事業所に通い続ける"),
            ("long", "父は自宅で、息子はグループホームで、安心して暮らす"),
        ],
        actions=[
            (_agency(code), role, today + timedelta(days=30)) for code, role in ROLES_1.items()
        ],
        person_agreed=True,
    )


def example_2():
    coordinator = _user("coordinator")
    person = person_create(
        actor=coordinator,
        family_name="森",
        given_name="静香",
        family_name_kana="モリ",
        given_name_kana="シズカ",
        birth_date=date(1973, 2, 14),
        sex="female",
        address="三重県四日市市中部2-3-4",
        notes=DEMO_MARK,
    )
    consultation = intake.consultation_create(
        actor=coordinator,
        channel="from_neighbour",
        consulter_type="neighbour",
        summary=(
            "近所の方から電話。一人暮らしの女性が何年も外に出ていない様子。ごみが庭にたまり、"
            "近所ともめている。働いていないようで、通院しているかもわからない。"
        ),
        person=person,
        issues=["hikikomori", "suspected-mental-illness"],
        main_issue="hikikomori",
    )
    consultation = intake.consultation_escalate(
        actor=coordinator, consultation=consultation, version=consultation.version
    )
    case = services.case_open(
        actor=coordinator,
        title=EXAMPLE_2,
        persons=[person],
        origin=consultation,
        summary=consultation.summary,
        next_action_on=timezone.localdate(),  # due today, like example 1
    )
    meeting = services.meeting_schedule(
        actor=coordinator,
        case=case,
        kind=_kind(LegalMeetingType.SUPPORT_MEETING),
        held_at=timezone.now() + timedelta(days=1),
        place="四日市市役所 福祉総務課 会議室",
        participants=[_user(u) for u in ("disability", "seikatsu", "minsei")],
    )
    services.meeting_pledge(
        actor=_user("disability"),
        participant=MeetingParticipant.objects.get(meeting=meeting, user=_user("disability")),
    )


def _domain(code):

    return Domain.objects.get(code=code)
