"""The world the both-doors matrix asks about (issue 11): one small city in which every persona
stands in a named relation to some record. Built once for the package (conftest.py), inside a
transaction that is rolled back at the end; every cell runs in a savepoint of its own.

Every personal text starts with 扉 and three digits (扉012), so a page or an API answer can be
searched for exactly the texts of one record. All names are fictional.

Agencies (as in yorisoi.testing and leak_world.py):
  A  在宅介護支援センター 富洲原 (zaitaku-kaigo-01)  hana (staff), masaki (manager)
  C  福祉総務課 (fukushi-soumu-ka)                  ichiro (coordinator), ken (analyst), osamu (admin)
  S  委託相談支援事業所 (itaku-soudan-01)            saki
  T  地域包括支援センター 北部 (chiiki-houkatsu-01)  tomoko
  J  障害福祉課 (shougai-fukushi-ka)                 jun
  V  富洲原地区民生委員児童委員協議会                 kazuko (民生委員)

Records, by the name the matrices use:
  people / households
    solo            a person A registered; subject of A's own consultation "open" only
    mixed           a household A registered: "m1" (head) and "m2" (spouse). A consultation
                    about m1 and the household is referred to S ("pending"): S reads the
                    household and m1, never m2
  consultations (R1, R2)
    closed          received by A, continued, then closed (終結); "accepted" also has a contact
                    (支援経過記録) A recorded, with its next action
    open            received and held by A, nothing else
    pending         A → S referral, unanswered
    accepted        A → S referral, accepted (A still holds it)
    declined        A → S referral, declined: back to A and to the coordinator (R2)
    relay           received by J, transferred to A (accepted), then A → T (accepted): A took
                    it once and reads it still, though it passed it on
    moved           received by J, escalated (the coordinator holds it), then C → T transfer
                    (accepted): the coordinator, a sender after a transfer, reads it no more
  cases (多機関協働), each a CaseFile: its subjects, a consent with a scanned form (each
  consent on a date of its own), an involved agency besides the lead (S, else J), an open
  outreach track, a progress record written by A, an assessment, a meeting with minutes and an
  action item for A
    main            led by A; S involved with every subject's consent; a 重層的支援会議 for the
                    plan (hana and saki sit in it), plan v1, and held 重層的支援会議 to review it,
                    to close and to suspend the case
    noconsent       led by A; S involved; only one of the two subjects consented
    withdrawn       like main, then (after the plan) the son withdrew his consent (R4)
    pledged         for one person the coordinator registered, led by A, J involved; a 支援会議
                    where saki and kazuko pledged, and a second one where only saki sits
    unpledged       a 支援会議 where saki and kazuko are invited and have not pledged
    ended           a 支援会議 where saki and kazuko pledged, whose sharing has ended
    closed          like main, then closed at its closure meeting
  outreach targets (アウトリーチ), each visited face to face once (対話できる)
    own             held by A, visited together with S (joint visit), identified as "solo"
    case            held by C, belongs to case main
    noconsent       held by C, belongs to case noconsent
    joint_case      held by C, belongs to case noconsent, visited together with S
  participation needs (参加支援), each with a placement started two weeks ago whose first
  follow-up is due today (R8)
    own             A responsible, for "solo"
    case            C responsible, for main's father, on case main
    noconsent       C responsible, on case noconsent
    elsewhere       T responsible (named by the coordinator), on case noconsent, which T may
                    not read, for its son, whose record T may not open
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from django.test import Client
from django.utils import timezone

from yorisoi.accounts.models import ApiToken, User
from yorisoi.cases import services as cases
from yorisoi.cases.models import MeetingParticipant
from yorisoi.directory.models import Agency, MeetingKind
from yorisoi.intake import services as intake
from yorisoi.outreach import services as outreach
from yorisoi.outreach.models import OutreachCategory
from yorisoi.participation import services as participation
from yorisoi.people.services import NewMember, household_create
from yorisoi.resources.models import TaxonomyTerm
from yorisoi.testing import AGENCIES, PERSONAS, PersonFactory, resource

from .matrix import Row

SCAN = b"%PDF-1.4\n% a scanned consent form\n%%EOF\n"
BIRTH = date(1950, 4, 1)


@dataclass
class CaseFile:
    """A case and what hangs on it, so that every action has something to act on."""

    case: object
    subjects: list
    consent: object  # the first subject's, active, with a scanned form
    involvement: object  # an involved agency other than the lead (S, or J)
    track: object  # an open track (outreach)
    record: object  # a progress record written by A (hana)
    assessment: object
    meeting: object = None  # the 重層的支援会議 for the plan, or the 支援会議
    item: object = None  # an action item of that meeting, for A
    plan: object = None
    review: object = None  # a held 重層的支援会議 to review the plan
    closure: object = None  # a held 重層的支援会議 for closure
    suspension: object = None  # a held 重層的支援会議 for suspension
    other_meeting: object = None  # a second 支援会議 (pledged: saki only)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    screens: dict = field(default_factory=dict)  # persona → signed-in Client
    apis: dict = field(default_factory=dict)  # persona → Client with a bearer token
    people: dict = field(default_factory=dict)
    households: dict = field(default_factory=dict)
    consultations: dict = field(default_factory=dict)
    referrals: dict = field(default_factory=dict)
    consultation_records: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)
    needs: dict = field(default_factory=dict)
    placements: dict = field(default_factory=dict)
    follow_ups: dict = field(default_factory=dict)
    service: object = None  # a social resource each need's placement is at
    other_service: object = None  # one no need has been proposed yet
    _n: int = 0
    _days: int = 100

    def t(self, words="") -> str:
        """A personal text no other text contains: 扉 + three digits + words."""
        self._n += 1
        return f"扉{self._n:03d}{words}"

    def day(self) -> date:
        """A past date no other record of the world has (a consent's date shows on its case)."""
        self._days += 1
        return timezone.localdate() - timedelta(days=self._days)

    def agency(self, key):
        return Agency.objects.get(code=AGENCIES[key])


def fresh(obj):
    """The record as it is now (the world's copy may be older than later changes to it)."""
    return type(obj).objects.get(pk=obj.pk)


# --- people and consultations ------------------------------------------------------------------


def _person(w: World, actor, **extra):
    return PersonFactory(
        agency_id=actor.agency_id,
        created_by=actor,
        family_name=w.t("氏"),
        given_name=w.t("名"),
        family_name_kana="トビラ",
        given_name_kana="タロウ",
        address=w.t("住所"),
        notes=w.t("メモ"),
        birth_date=BIRTH,
        **extra,
    )


def _household(w: World, actor, *relationships):
    members = [
        NewMember(
            relationship,
            fields={
                "family_name": w.t("氏"),
                "given_name": w.t("名"),
                "family_name_kana": "トビラ",
                "given_name_kana": "ハナコ",
                "birth_date": BIRTH,
            },
        )
        for relationship in relationships
    ]
    household = household_create(
        actor=actor, name=w.t("世帯"), address=w.t("世帯の住所"), notes=w.t("世帯のメモ"),
        members=members,
    )  # fmt: skip
    people = [m.person for m in household.memberships.select_related("person").order_by("order")]
    return household, people


def _consultation(w: World, actor, **fields):
    return intake.consultation_create(
        actor=actor,
        channel="phone",
        consulter_type="neighbour",
        consulter_name=w.t("相談者"),
        summary=w.t("相談内容"),
        subject_note=w.t("本人の様子"),
        **fields,
    )


def _refer(w: World, actor, consultation, to_key, kind="referral"):
    return intake.referral_send(
        actor=actor,
        consultation=consultation,
        to_agency=w.agency(to_key),
        kind=kind,
        reason=w.t("つなぐ理由"),
        told_to_person=w.t("本人に伝えたこと"),
        shared_info=w.t("共有する情報"),
    )


def _people_and_consultations(w: World):
    hana, saki, tomoko, jun = (w.users[n] for n in ("hana", "saki", "tomoko", "jun"))
    w.people["solo"] = _person(w, hana)
    w.households["mixed"], (w.people["m1"], w.people["m2"]) = _household(w, hana, "head", "spouse")

    w.consultations["open"] = _consultation(w, hana, person=w.people["solo"])

    pending = _consultation(w, hana, person=w.people["m1"], household=w.households["mixed"])
    w.consultations["pending"], w.referrals["pending"] = pending, _refer(w, hana, pending, "S")

    accepted = _consultation(w, hana)
    w.consultations["accepted"] = accepted
    w.referrals["accepted"] = _refer(w, hana, accepted, "S")
    intake.referral_accept(actor=saki, referral=w.referrals["accepted"])

    declined = _consultation(w, hana)
    w.consultations["declined"] = declined
    w.referrals["declined"] = _refer(w, hana, declined, "S")
    intake.referral_decline(actor=saki, referral=w.referrals["declined"], reason=w.t("断る理由"))

    relay = _consultation(w, jun)
    w.consultations["relay"] = relay
    intake.referral_accept(actor=hana, referral=_refer(w, jun, relay, "A", kind="transfer"))
    w.referrals["relay"] = _refer(w, hana, relay, "T", kind="transfer")
    intake.referral_accept(actor=tomoko, referral=w.referrals["relay"])

    # Escalated: the coordinating division holds it without a referral, then transfers it on.
    moved = _consultation(w, jun)
    moved = intake.consultation_escalate(actor=jun, consultation=moved, version=moved.version)
    w.consultations["moved"] = moved
    w.referrals["moved"] = _refer(w, w.users["ichiro"], moved, "T", kind="transfer")
    intake.referral_accept(actor=tomoko, referral=w.referrals["moved"])

    # The consultation's life: a contact recorded on "accepted" (A holds it), and one that A
    # continued and then closed (終結).
    w.consultation_records["contact"] = cases.record_add(
        actor=hana,
        consultation=fresh(accepted),
        kind="call",
        text=w.t("経過の内容"),
        next_action=w.t("次の対応"),
        next_action_on=timezone.localdate() + timedelta(days=7),
    )
    closed = _consultation(w, hana)
    closed = intake.consultation_continue(actor=hana, consultation=closed, version=closed.version)
    w.consultations["closed"] = intake.consultation_close(
        actor=hana, consultation=closed, version=closed.version, reason="persons_wish"
    )


# --- cases -----------------------------------------------------------------------------------


def _kind(legal_type):
    return MeetingKind.objects.get(legal_type=legal_type, active=True)


def _meeting(w: World, case, legal_type, participants, **fields):
    ichiro = w.users["ichiro"]
    meeting = cases.meeting_schedule(
        actor=ichiro,
        case=case,
        kind=_kind(legal_type),
        held_at=timezone.now() - timedelta(hours=2),
        place=w.t("会場"),
        participants=participants,
        **fields,
    )
    texts = {"minutes": w.t("議事録"), "decisions": w.t("決定事項")}
    return cases.meeting_record(actor=ichiro, meeting=meeting, version=meeting.version, **texts)


def _pledge(meeting, user):
    participant = MeetingParticipant.objects.get(meeting=meeting, user=user)
    cases.meeting_pledge(actor=user, participant=participant)


def _case_file(
    w: World, key, *, household=True, consent="all", withdraw=False, involve_s=True,
    meeting="plan",
):  # fmt: skip
    """One case led by A, opened by the coordinator: for a household A registered (father and
    son, escalated by A), or for one person the coordinator registered. `consent`: "all"
    subjects or the "first" only; `meeting`: "plan" (a 重層的支援会議, which needs every
    consent) or "support" (a 支援会議)."""
    hana, ichiro, saki = w.users["hana"], w.users["ichiro"], w.users["saki"]
    today = timezone.localdate()
    if household:
        household, subjects = _household(w, hana, "head", "child")
        origin = _consultation(w, hana, person=subjects[0], household=household)
        origin = intake.consultation_escalate(
            actor=hana, consultation=origin, version=origin.version
        )
        opened = {"household": household, "origin": origin}
    else:
        subjects = [_person(w, ichiro)]
        opened = {"persons": subjects}
    case = cases.case_open(
        actor=ichiro,
        title=w.t("ケース名"),
        summary=w.t("ケースの概要"),
        lead_agency=w.agency("A"),
        lead_role=w.t("主担当の役割"),
        next_action_on=today + timedelta(days=3),
        **opened,
    )
    involvement = cases.involvement_add(
        actor=ichiro, case=case, agency=w.agency("S" if involve_s else "J"), role=w.t("役割分担"),
        contact_name=w.t("担当者"),
    )  # fmt: skip
    consents = []
    for n, person in enumerate(subjects if consent == "all" else subjects[:1]):
        scan = {"scan": SCAN, "scan_name": "同意書.pdf", "scan_type": "application/pdf"}
        given = cases.consent_record(
            actor=ichiro, case=case, person=person, method="written", given_on=w.day(),
            note=w.t("同意の補足"), **(scan if n == 0 else {}),
        )  # fmt: skip
        consents.append(given)
    record = cases.record_add(actor=hana, case=case, kind="visit", text=w.t("支援経過記録"))
    assessment = cases.assessment_save(
        actor=hana, case=case, based_on=None, household_situation=w.t("世帯の状況"),
        wishes=w.t("本人の意向"),
    )  # fmt: skip
    file = CaseFile(
        case=case, subjects=subjects, consent=consents[0], involvement=involvement,
        track=cases.track_start(actor=ichiro, case=case, program="outreach"), record=record,
        assessment=assessment,
    )  # fmt: skip
    if meeting == "plan":
        cases.support_decision_record(actor=ichiro, case=case)
        file.meeting = _meeting(
            w, case, "multilayer_meeting", [hana, saki], purpose="plan_creation"
        )
        file.plan = cases.plan_create(
            actor=ichiro, case=case, meeting=file.meeting, based_on=None,
            next_review_on=today + timedelta(days=90),
            goals=[("short", w.t("目標"))],
            actions=[(w.agency("A"), w.t("支援内容"), None)],
            note=w.t("プランの補足"),
        )  # fmt: skip
        for name, purpose in (("review", "plan_review"), ("closure", "closure"),
                              ("suspension", "suspension")):  # fmt: skip
            meeting = _meeting(w, case, "multilayer_meeting", [hana], purpose=purpose)
            setattr(file, name, meeting)
    else:
        file.meeting = _meeting(w, case, "support_meeting", [hana])
    if withdraw:  # after the plan: the son withdraws, and the case closes to S (R4)
        cases.consent_withdraw(actor=ichiro, consent=consents[-1], note=w.t("撤回の補足"))
    file.item = cases.action_item_add(
        actor=ichiro, meeting=file.meeting, description=w.t("会議で決めた対応"),
        owner_agency=w.agency("A"), due_on=today + timedelta(days=7),
    )  # fmt: skip
    w.cases[key] = file
    return file


def _support_meeting_cases(w: World):
    """支援会議 without consent (R5): saki and kazuko take part in one on each case."""
    saki, kazuko, ichiro = w.users["saki"], w.users["kazuko"], w.users["ichiro"]
    for key in ("pledged", "unpledged", "ended"):
        file = _case_file(w, key, household=False, involve_s=False, meeting="support")
        cases.meeting_participant_add(actor=ichiro, meeting=file.meeting, user=saki)
        cases.meeting_participant_add(actor=ichiro, meeting=file.meeting, user=kazuko)
        if key != "unpledged":
            _pledge(file.meeting, saki)
            _pledge(file.meeting, kazuko)
        if key == "ended":
            cases.meeting_end_sharing(actor=ichiro, meeting=file.meeting)
    pledged = w.cases["pledged"]
    pledged.other_meeting = _meeting(w, pledged.case, "support_meeting", [saki])
    _pledge(pledged.other_meeting, saki)


def _cases(w: World):
    ichiro = w.users["ichiro"]
    _case_file(w, "main")
    _case_file(w, "noconsent", consent="first", meeting="support")
    _case_file(w, "withdrawn", withdraw=True)
    _support_meeting_cases(w)
    closed = _case_file(w, "closed")
    case = type(closed.case).objects.get(pk=closed.case.pk)
    cases.case_close(actor=ichiro, case=case, version=case.version, meeting=closed.closure,
                     evaluation=w.t("終結時の評価"))  # fmt: skip


# --- outreach and participation ----------------------------------------------------------------


def _target(w: World, actor, **fields):
    return outreach.target_create(
        actor=actor,
        label=w.t("呼び方"),
        category=OutreachCategory.objects.get(code="hikikomori"),
        address=w.t("場所"),
        description=w.t("わかっていること"),
        worried_by_type="neighbour",
        worried_by_note=w.t("心配している人"),
        next_contact_on=timezone.localdate() + timedelta(days=7),
        **fields,
    )


def _outreach(w: World):
    hana, ichiro = w.users["hana"], w.users["ichiro"]

    def visited(target, actor, agencies=()):
        """Face to face: the stage rises to 対話できる (a stage move then has a way to go)."""
        outreach.contact_add(
            actor=actor, target=target, outcome="face_to_face", agencies=agencies,
            observations=w.t("訪問の様子"),
        )  # fmt: skip
        return fresh(target)

    own = visited(_target(w, hana), hana, [w.agency("S")])
    outreach.person_link(actor=hana, target=own, version=own.version, person=w.people["solo"])
    w.targets["own"] = fresh(own)
    w.targets["case"] = visited(_target(w, ichiro, case=w.cases["main"].case), ichiro)
    w.targets["noconsent"] = visited(_target(w, ichiro, case=w.cases["noconsent"].case), ichiro)
    joint = _target(w, ichiro, case=w.cases["noconsent"].case)
    w.targets["joint_case"] = visited(joint, ichiro, [w.agency("S")])


def _participation(w: World):
    hana, ichiro = w.users["hana"], w.users["ichiro"]
    # Social resources to place people in (public information: no markers).
    w.service, w.other_service = (
        resource(name, category="ibasho", where="tomisuhara", byday="WE,FR")
        for name in ("とびらの会", "まどの会")
    )
    noconsent = w.cases["noconsent"]
    for key, actor, person, case, agency in (
        ("own", hana, w.people["solo"], None, "A"),
        ("case", ichiro, w.cases["main"].subjects[0], w.cases["main"].case, "C"),
        ("noconsent", ichiro, noconsent.subjects[0], noconsent.case, "C"),
        ("elsewhere", ichiro, noconsent.subjects[1], noconsent.case, "T"),
    ):
        need = participation.need_create(
            actor=actor,
            person=person,
            case=case,
            responsible_agency=w.agency(agency),
            interests=[TaxonomyTerm.objects.get(code="ibasho")],
            interests_note=w.t("関心"),
            short_term_goal=w.t("短期の目標"),
            long_term_goal=w.t("長期の目標"),
            wishes=w.t("希望"),
        )
        placement = participation.placement_propose(
            actor=actor, need=need, service=w.service, notes=w.t("参加先のメモ")
        )
        placement = participation.placement_contact(actor=actor, placement=placement)
        placement = participation.placement_start(
            actor=actor, placement=placement, on=timezone.localdate() - timedelta(days=14)
        )
        w.needs[key], w.placements[key] = need, placement
        w.follow_ups[key] = placement.follow_ups.order_by("due_on").first()


# --- the whole world -------------------------------------------------------------------------


def _users(w: World):
    for username, (role, agency_code) in PERSONAS.items():
        agency = Agency.objects.get(code=agency_code)
        user = User(username=username, display_name=username, role=role, agency=agency)
        user.set_unusable_password()  # signed in by force_login, or by an API token
        user.full_clean()
        user.save()
        w.users[username] = user
        screen = Client()
        screen.force_login(user)
        w.screens[username] = screen
        _, raw = ApiToken.issue(user=user, name="扉の検査")
        w.apis[username] = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def build() -> World:
    w = World()
    _users(w)
    _people_and_consultations(w)
    _cases(w)
    _outreach(w)
    _participation(w)
    return w


# --- relations to a case: the rows of every matrix about a case and what hangs on it ----------


def case_id(w, file: CaseFile):
    """The key of an action on the case a row's case file holds."""
    return file.case.pk


CASE_ROWS = {
    "own_agency": Row("hana", lambda w: w.cases["main"]),
    "own_agency_closed_case": Row("hana", lambda w: w.cases["closed"]),
    "own_agency_support_meeting_case": Row("hana", lambda w: w.cases["pledged"]),
    "coordinator": Row("ichiro", lambda w: w.cases["main"]),
    "coordinator_closed_case": Row("ichiro", lambda w: w.cases["closed"]),
    "coordinator_support_meeting_case": Row("ichiro", lambda w: w.cases["pledged"]),
    "involved_with_consent": Row("saki", lambda w: w.cases["main"]),
    "involved_without_consent": Row("saki", lambda w: w.cases["noconsent"]),
    "involved_after_withdrawal": Row("saki", lambda w: w.cases["withdrawn"]),
    "meeting_with_pledge": Row("saki", lambda w: w.cases["pledged"]),
    "meeting_without_pledge": Row("saki", lambda w: w.cases["unpledged"]),
    "meeting_after_sharing_ended": Row("saki", lambda w: w.cases["ended"]),
    "volunteer_pledged": Row("kazuko", lambda w: w.cases["pledged"]),
    "volunteer_not_taking_part": Row("kazuko", lambda w: w.cases["main"]),
    "outsider": Row("tomoko", lambda w: w.cases["main"]),
    "analyst": Row("ken", lambda w: w.cases["main"]),
    "administrator": Row("osamu", lambda w: w.cases["main"]),
}


# --- relations to a participation need (and its placements, follow-ups and gaps) ------------

# The persona, and the need (by its key in World.needs) it stands in a relation to.
NEED_RELATIONS = {
    "responsible_agency": ("hana", "own"),
    "responsible_agency_case_hidden": ("tomoko", "elsewhere"),
    "coordinator": ("ichiro", "own"),
    "case_lead_agency": ("hana", "case"),
    "case_reader_with_consent": ("saki", "case"),
    "case_reader_without_consent": ("saki", "noconsent"),
    "outsider": ("tomoko", "own"),
    "volunteer": ("kazuko", "own"),
    "analyst": ("ken", "own"),
    "administrator": ("osamu", "own"),
}


def need_rows(record=lambda w, key: w.needs[key]) -> dict:
    """The rows of a matrix about needs; each row's record is `record(world, the need's key)`:
    the need itself, or what hangs on it (its placement and follow-up)."""
    return {
        name: Row(persona, partial(record, key=key))
        for name, (persona, key) in NEED_RELATIONS.items()
    }


NEED_ROWS = need_rows()
