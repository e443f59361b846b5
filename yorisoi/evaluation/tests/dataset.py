"""A fixed fictional city for the indicator tests: every record written straight to the
tables, at hand-picked moments around the fiscal-year boundaries (Asia/Tokyo), so that each
figure in test_indicators.py can be counted by hand from this file.

Agencies: Z = 在宅介護支援センター (zaitaku-kaigo-01, hana and her manager masaki),
I = 委託相談支援事業所 (itaku-soudan-01, saki), F = 福祉総務課 (fukushi-soumu-ka, ichiro).
FY2025 = 2025-04-01 00:00 JST … 2026-03-31 23:59:59 JST.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from yorisoi.cases.models import Case, CaseEvent, Meeting, SupportPlan
from yorisoi.community.models import Activity, CommunityProgram, Site, Training
from yorisoi.directory.models import Agency, District, IssueCategory, MeetingKind
from yorisoi.intake.models import Consultation, ConsultationIssue, Referral
from yorisoi.outreach.models import ContactAttempt, OutreachCategory, OutreachTarget, StageChange
from yorisoi.participation.models import ParticipationNeed, Placement, ResourceGap
from yorisoi.people.models import Person
from yorisoi.resources.models import taxonomy_term_id
from yorisoi.testing import resource

JST = ZoneInfo("Asia/Tokyo")


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=JST)


def agency(code):
    return Agency.objects.get(code=code)


def build(hana, saki, ichiro):
    Z, I, F = agency("zaitaku-kaigo-01"), agency("itaku-soudan-01"), agency("fukushi-soumu-ka")  # noqa: E741
    tomisuhara = District.objects.get(code="tomisuhara")
    person = Person.objects.create(
        family_name="試験", given_name="花子", family_name_kana="シケン",
        given_name_kana="ハナコ", agency=Z, district=tomisuhara,
    )  # fmt: skip

    def consult(when, receiving, channel, consulter, issues, *, responsible=None, **extra):
        c = Consultation.objects.create(
            received_at=when, created_at=when, receiving_agency=receiving,
            responsible_agency=responsible or receiving, channel=channel,
            consulter_type=consulter, summary="架空の相談", subject_note="架空の本人",
            next_action_on=when.date(),
            **extra,
        )  # fmt: skip
        found = [IssueCategory.objects.get(code=code) for code in issues]
        for issue in found:
            ConsultationIssue.objects.create(consultation=c, issue=issue)
        # As intake.services.consultation_create keeps it.
        c.domain_count = len({issue.domain_id for issue in found})
        c.save(update_fields=["domain_count"])
        return c

    # --- consultations: FY2024 c1; FY2025 c2 c3 c4 c5 c7; FY2026 c6 -------------------------
    c1 = consult(at(2025, 3, 31, 23, 59), Z, "phone", "self", ["dementia"])
    c2 = consult(at(2025, 4, 1, 0, 0), Z, "phone", "family", ["dementia", "income"])
    c3 = consult(at(2025, 6, 10), I, "counter", "self", ["health-disability"])
    c4 = consult(
        at(2025, 9, 1), Z, "from_neighbour", "neighbour",
        ["hikikomori", "suspected-mental-illness", "dementia"],
        person=person, outcome="escalated", outcome_at=at(2025, 9, 2),
    )  # fmt: skip
    c5 = consult(
        at(2026, 3, 31, 23, 59), I, "phone", "self", ["income", "public-assistance"],
        responsible=Z,
    )  # fmt: skip
    consult(at(2026, 4, 1, 0, 0), I, "phone", "self", ["income"])  # c6, FY2026
    consult(at(2025, 5, 5), Z, "counter", "self", ["care", "dementia"])  # c7: one domain

    # --- referrals -------------------------------------------------------------------------------
    def refer(c, frm, to, sent, *, status="pending", answered=None):
        return Referral.objects.create(
            consultation=c, kind="referral", from_agency=frm, to_agency=to, reason="架空",
            sent_by=hana if frm == Z else saki, sent_at=sent, status=status,
            answered_at=answered, decline_reason="定員超過" if status == "declined" else "",
        )  # fmt: skip

    refer(c2, Z, I, at(2025, 4, 1), status="accepted", answered=at(2025, 4, 3))  # r1: 2 days
    refer(c3, I, Z, at(2025, 6, 10), status="declined", answered=at(2025, 6, 20))  # r2: late
    refer(c3, I, F, at(2025, 6, 23), status="accepted", answered=at(2025, 6, 24))  # r3: 1 day
    refer(c5, I, Z, at(2026, 3, 30))  # r4: never answered, past the limit
    refer(c1, Z, I, at(2025, 3, 31), status="accepted", answered=at(2025, 4, 2))  # r5: FY2024

    # --- cases, meetings, plans, closure and suspension ------------------------------------------
    support = MeetingKind.objects.get(legal_type="support_meeting", active=True)
    multilayer = MeetingKind.objects.filter(legal_type="multilayer_meeting", active=True).first()
    case1 = Case.objects.create(
        number="T-1", title="架空のケース1", lead_agency=Z, next_action_on=date(2025, 9, 3),
        opened_at=at(2025, 9, 3), created_by=ichiro, origin=c4,
    )  # fmt: skip
    case2 = Case.objects.create(
        number="T-2", title="架空のケース2", lead_agency=I, next_action_on=date(2025, 3, 20),
        opened_at=at(2025, 3, 20), created_by=ichiro,
    )  # fmt: skip

    def meeting(case, kind, held, status="held", purpose=""):
        return Meeting.objects.create(
            case=case, kind=kind, held_at=held, status=status, purpose=purpose,
            created_by=ichiro,
        )  # fmt: skip

    meeting(case1, support, at(2025, 9, 10))
    m2 = meeting(case1, multilayer, at(2025, 10, 1), purpose="plan_creation")
    meeting(case1, multilayer, at(2025, 11, 1), status="scheduled", purpose="plan_review")
    meeting(case2, multilayer, at(2026, 4, 1, 0, 0), purpose="plan_review")  # FY2026
    for number, when in ((1, at(2025, 10, 1)), (2, at(2026, 1, 15))):
        SupportPlan.objects.create(
            case=case1, number=number, meeting=m2, next_review_on=date(2026, 4, 1),
            created_by=ichiro, created_at=when,
        )  # fmt: skip
    CaseEvent.objects.create(case=case2, kind="closed", actor=ichiro, at=at(2025, 12, 1))
    CaseEvent.objects.create(case=case1, kind="suspended", actor=ichiro, at=at(2026, 4, 2))

    # --- outreach ----------------------------------------------------------------------------------
    hikikomori = OutreachCategory.objects.order_by("order", "pk").first()

    def target(created, **extra):
        return OutreachTarget.objects.create(
            label="2階の部屋", category=hikikomori, description="夜に明かりがつく",
            worried_by_type="neighbour", responsible_agency=Z, district=tomisuhara,
            next_contact_on=created.date(), created_by=hana, created_at=created, **extra,
        )  # fmt: skip

    t1 = target(
        at(2025, 5, 1),
        status="handed_over",
        stage="connected",
        ended_at=at(2025, 7, 1),
        end_note="支援機関へ引き継ぎ",
    )
    t2 = target(at(2025, 2, 1))
    for when, method, outcome in (
        (at(2025, 5, 2), "visit", "absent"),
        (at(2025, 5, 9), "letter", "note_left"),
        (at(2025, 5, 16), "visit", "through_door"),
        (at(2025, 6, 1), "visit", "face_to_face"),
    ):
        ContactAttempt.objects.create(
            target=t1, contacted_at=when, method=method, outcome=outcome, recorded_by=hana
        )
    ContactAttempt.objects.create(
        target=t2, contacted_at=at(2025, 4, 10), method="phone", outcome="absent", recorded_by=hana
    )
    for tg, frm, to, when in (
        (t1, "not_contacted", "contacted", at(2025, 5, 16)),
        (t1, "contacted", "dialogue", at(2025, 6, 1)),
        (t2, "not_contacted", "contacted", at(2025, 3, 15)),
    ):
        StageChange.objects.create(
            target=tg, from_stage=frm, to_stage=to, changed_at=when, changed_by=hana
        )

    # --- participation ------------------------------------------------------------------------------
    need = ParticipationNeed.objects.create(
        person=person, responsible_agency=Z, created_by=hana, created_at=at(2025, 6, 5),
        district=tomisuhara,
    )  # fmt: skip
    service = resource("架空の居場所", category="ibasho", where="tomisuhara", byday="WE")
    for fields in (
        {"proposed_on": date(2025, 6, 6), "started_on": date(2025, 6, 20),
         "settled_on": date(2025, 9, 20), "status": "settled"},
        {"proposed_on": date(2025, 6, 6), "ended_on": date(2025, 6, 10), "status": "ended",
         "end_reason": "本人が見送り"},
        {"proposed_on": date(2025, 7, 1), "started_on": date(2025, 7, 10),
         "ended_on": date(2025, 8, 10), "status": "ended", "end_reason": "通えなくなった"},
    ):  # fmt: skip
        Placement.objects.create(need=need, service=service, created_by=hana, **fields)
    for when in (at(2025, 6, 5), at(2026, 4, 1, 0, 0)):
        ResourceGap.objects.create(
            need_text="夜に行ける居場所", category_id=taxonomy_term_id("ibasho"),
            district=tomisuhara, agency=Z, recorded_by=hana, recorded_at=when,
        )  # fmt: skip

    # --- community ---------------------------------------------------------------------------------
    program = CommunityProgram.objects.create(code="t-program", letter="ア", name="架空の事業")
    s1 = Site.objects.create(code="t-site-1", program=program, name="架空の拠点1")
    s2 = Site.objects.create(code="t-site-2", program=program, name="架空の拠点2")
    for site, held, people, volunteers, who, cancelled in (
        (s1, date(2025, 4, 1), 12, 3, Z, False),
        (s2, date(2026, 3, 31), 3, 1, I, False),
        (s1, date(2025, 5, 1), 20, 5, Z, True),  # cancelled: never counted
        (s1, date(2025, 3, 31), 7, 2, Z, False),  # FY2024
    ):
        Activity.objects.create(
            site=site, held_on=held, kind="salon", participants=people, volunteers=volunteers,
            agency=who, recorded_by=hana, cancelled=cancelled,
            cancel_reason="雨天中止" if cancelled else "",
        )  # fmt: skip
    Training.objects.create(
        program=program, name="ヘルスリーダー養成講座", held_on=date(2025, 10, 1),
        people_trained=8, agency=Z, recorded_by=hana,
    )  # fmt: skip
    return {"Z": Z, "I": I, "F": F, "person": person}
