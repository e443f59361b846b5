"""The world of the list-leak walk (issue 11): records of every kind spread over eight agencies,
every personal text in them carrying a marker that names the record.

A marker is "漏" and three digits (漏042) at the start of a text, or "モレ" and two katakana
(モレカキ) as a フリガナ, so that one regular expression finds every one of them in any page or
API answer, and none is part of another. Each marker knows its record's kind and the pages
("homes") where someone allowed to read that record reads that text: the person's page for a
name, the consultation's page for a summary or a referral's decline reason, the meeting's page
for its minutes, and so on. The walk (test_lists_never_leak.py) asks those homes whether the
user who was shown the marker may read it there.

Agencies (fictional people throughout):
  A  在宅介護支援センター 富洲原 (zaitaku-kaigo-01)  hana (staff), masaki (manager)
  C  福祉総務課 (fukushi-soumu-ka)                  ichiro (coordinator), ken (analyst), osamu (admin)
  S  委託相談支援事業所 (itaku-soudan-01)            saki
  T  地域包括支援センター 北部 (chiiki-houkatsu-01)  tomoko
  J  障害福祉課 (shougai-fukushi-ka)                 jun
  V  富洲原地区民生委員児童委員協議会                 kazuko, mitsuko (民生委員)
  X  在宅介護支援センター (zaitaku-kaigo-02)          goro   — no persona works here
  Y  地域包括支援センター (chiiki-houkatsu-02)        yumi   — nor here
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from yorisoi.accounts.models import Role
from yorisoi.cases import services as cases
from yorisoi.cases.models import ConsentScope, MeetingParticipant
from yorisoi.community import loader as community_loader
from yorisoi.community import services as community
from yorisoi.community.models import ActivityKind, CommunityProgram, Site
from yorisoi.directory.models import Agency, District, MeetingKind
from yorisoi.evaluation import periods
from yorisoi.evaluation.models import ReportRun
from yorisoi.imports.services import import_check
from yorisoi.intake import services as intake
from yorisoi.intake import tasks as intake_tasks
from yorisoi.intake.models import Referral
from yorisoi.outreach import categories
from yorisoi.outreach import services as outreach
from yorisoi.outreach.models import OutreachCategory
from yorisoi.participation import services as participation
from yorisoi.participation import tasks as participation_tasks
from yorisoi.people.identity import services as identity
from yorisoi.people.identity.models import MatchCandidate
from yorisoi.people.services import NewMember, household_create
from yorisoi.resources.models import HsdsRecord, TaxonomyTerm
from yorisoi.testing import AGENCIES, PersonFactory, make_user, resource
from yorisoi.work.refresh import rebuild_all

_KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
MARKER_RE = re.compile(rf"漏\d{{3}}|モレ[{_KANA}]{{2}}")

# Everyone is born on one of these days, so that search-before-create (a family name and a
# birth date) finds them all with a few questions.
BIRTH_DATES = (date(1950, 4, 1), date(1972, 8, 15), date(1988, 1, 30), date(2001, 11, 3))


@dataclass
class Mark:
    marker: str
    kind: str  # the record's kind, as the failure message names it
    field: str
    record: str = ""  # which record, in words
    pk: object = None  # its id (LeakWorld.notes says what the record is there for)
    # Where a reader of the record reads this text: ("screen" | "api", url), or, for a record
    # no page shows, ("policy", access.<function>, pk).
    homes: tuple = ()


@dataclass
class LeakWorld:
    marks: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    # Record ids by kind, for the routes that take one (the walk fills their parameters).
    ids: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)  # id → what the record is there for, in words
    _n: int = 0

    # --- markers ---------------------------------------------------------------------------

    def _new(self, kind, field_name, marker):
        self.marks[marker] = Mark(marker=marker, kind=kind, field=field_name)
        return marker

    def t(self, kind, field_name, rest="") -> str:
        """A personal text: its marker, then some words (so it reads like a record)."""
        self._n += 1
        return self._new(kind, field_name, f"漏{self._n:03d}") + rest

    def texts(self, kind, **fields) -> dict:
        """Personal texts by field name, each given as its label or (its label, some words)."""
        return {
            name: self.t(kind, *(label if isinstance(label, tuple) else (label,)))
            for name, label in fields.items()
        }

    def born(self) -> date:
        return BIRTH_DATES[self._n % len(BIRTH_DATES)]

    def kana(self, kind, field_name) -> str:
        self._n += 1
        n = self._n
        return self._new(kind, field_name, f"モレ{_KANA[n // len(_KANA)]}{_KANA[n % len(_KANA)]}")

    def at(self, record: str, homes, *texts, pk=None):
        """The markers in `texts` belong to `record` and are read on `homes` (among others)."""
        for text in texts:
            for marker in MARKER_RE.findall(text or ""):
                mark = self.marks[marker]
                mark.record = mark.record or record
                mark.pk = mark.pk or pk
                mark.homes = (*mark.homes, *(h for h in homes if h not in mark.homes))

    def note(self, obj, words):
        self.notes[obj.pk] = words
        return obj

    def describe(self, mark) -> str:
        note = self.notes.get(mark.pk)
        return f"{mark.record}（{note}）" if note else mark.record

    def keep(self, kind, obj):
        self.ids.setdefault(kind, []).append(obj.pk)
        return obj


def _agency(key):
    return Agency.objects.get(code=AGENCIES[key])


def _screen(name, *args):
    return ("screen", reverse(name, args=args))


def _api(path):
    return ("api", f"/api/v1/{path}")


def _homes(name, pk, api_path):
    """A record's page on the screen and its answer in the API."""
    return [_screen(name, pk), _api(api_path)]


def _names(w: LeakWorld) -> dict:
    """A person's names and birth date, as registered (each name a marker)."""
    return {
        "family_name": w.t("本人", "氏"),
        "given_name": w.t("本人", "名"),
        "family_name_kana": w.kana("本人", "氏（フリガナ）"),
        "given_name_kana": w.kana("本人", "名（フリガナ）"),
        "birth_date": w.born(),
    }


def _registered(w: LeakWorld, actor, **fields):
    person = PersonFactory(agency_id=actor.agency_id, created_by=actor, **_names(w), **fields)
    _person_homes(w, person)
    return person


def _person(w: LeakWorld, actor, **extra):
    address = w.t("本人", "住所", " 富州原町1-2")
    notes = w.t("本人", "メモ", " 昼間は家にいる")
    return w.keep("person", _registered(w, actor, address=address, notes=notes, **extra))


def _person_homes(w, person):
    w.at(
        f"本人 {person.family_name}",
        _homes("people:person_detail", person.pk, f"people/{person.pk}"),
        person.family_name,
        person.given_name,
        person.family_name_kana,
        person.given_name_kana,
        person.address,
        person.notes,
        pk=person.pk,
    )


def _household(w: LeakWorld, actor, *relationships):
    texts = w.texts(
        "世帯", name="世帯名", address=("住所", " 富州原町3-4"), notes=("メモ", " 二人暮らし")
    )
    household = household_create(
        actor=actor, members=[NewMember(r, fields=_names(w)) for r in relationships], **texts
    )
    w.at(
        f"世帯 {household.name}",
        _homes("people:household_detail", household.pk, f"households/{household.pk}"),
        *texts.values(),
        pk=household.pk,
    )
    w.keep("household", household)
    people = [m.person for m in household.memberships.select_related("person").order_by("order")]
    for person in people:
        _person_homes(w, person)
        w.keep("person", person)
    return household, people


def _consultation(w: LeakWorld, actor, **fields):
    values = {
        "channel": "phone",
        "consulter_type": "neighbour",
        "consulter_name": w.t("相談", "相談者の氏名"),
        "summary": w.t("相談", "相談内容", " 最近ようすが心配"),
        "subject_note": w.t("相談", "本人についてわかっていること", " 夜も明かりがついている"),
    }
    values.update(fields)
    consultation = intake.consultation_create(actor=actor, **values)
    _consultation_homes(w, consultation)
    return w.keep("consultation", consultation)


def _consultation_homes(w, consultation):
    w.at(
        f"相談 {consultation.summary[:4]}",
        _homes("intake:consultation_detail", consultation.pk, f"consultations/{consultation.pk}"),
        consultation.consulter_name,
        consultation.summary,
        consultation.subject_note,
        consultation.outcome_note,
        pk=consultation.pk,
    )


def _refer(w: LeakWorld, actor, consultation, to_key, kind="referral"):
    texts = w.texts(
        "つなぎ",
        reason=("つなぐ理由", " 障害福祉サービスの相談"),
        told_to_person=("本人に伝えたこと", " 先方から連絡が来ます"),
        shared_info=("共有する情報", " 世帯構成"),
    )
    referral = intake.referral_send(
        actor=actor, consultation=consultation, to_agency=_agency(to_key), kind=kind, **texts
    )
    w.at(
        f"つなぎ（相談 {consultation.summary[:4]}）",
        _homes("intake:consultation_detail", consultation.pk, f"consultations/{consultation.pk}"),
        *texts.values(),
        pk=referral.pk,
    )
    return referral


def _decline(w: LeakWorld, actor, referral):
    reason = w.t("つなぎ", "受け入れできない理由", " 対象年齢ではない")
    intake.referral_decline(actor=actor, referral=referral, reason=reason)
    w.at(
        f"つなぎ（相談 {referral.consultation.summary[:4]}）",
        _homes(
            "intake:consultation_detail",
            referral.consultation_id,
            f"consultations/{referral.consultation_id}",
        ),
        reason,
        pk=referral.pk,
    )


def _overdue(referral):
    # R2: sent a month ago and still unanswered, far past the limit of office days.
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - timedelta(days=30))


def _case_homes(w, case):
    w.at(
        f"ケース {case.title}",
        _homes("cases:case_detail", case.pk, f"cases/{case.pk}"),
        case.title,
        case.summary,
    )


def _open_case(w: LeakWorld, ichiro, **fields):
    case = cases.case_open(
        actor=ichiro,
        title=w.t("ケース", "ケース名"),
        summary=w.t("ケース", "ケースの概要", " 世帯全体の支援が必要"),
        next_action_on=timezone.localdate() - timedelta(days=1),
        **fields,
    )
    _case_homes(w, case)
    # The case's page names its subjects and household: who reads the case reads them there.
    homes = _homes("cases:case_detail", case.pk, f"cases/{case.pk}")
    for subject in case.subjects.select_related("person"):
        p = subject.person
        w.at("", homes, p.family_name, p.given_name, p.family_name_kana, p.given_name_kana)
    if case.household is not None:
        w.at("", homes, case.household.name)
    return w.keep("case", case)


def _record(w: LeakWorld, actor, case):
    entry = cases.record_add(
        actor=actor, case=case, kind="visit", text=w.t("支援経過記録", "内容", " 自宅を訪問した")
    )
    w.keep("record", entry)
    w.at(
        f"支援経過記録（ケース {case.title}）",
        _homes("cases:timeline", case.pk, f"cases/{case.pk}/timeline"),
        entry.text,
    )
    return entry


def _involve(w: LeakWorld, ichiro, case, key):
    texts = w.texts("関係機関", role=("役割分担", " 見守りを担う"), contact_name="担当者")
    involvement = cases.involvement_add(actor=ichiro, case=case, agency=_agency(key), **texts)
    w.at(
        f"関係機関（ケース {case.title}）",
        _homes("cases:case_detail", case.pk, f"cases/{case.pk}"),
        *texts.values(),
    )
    return w.keep("involvement", involvement)


def _meeting(w: LeakWorld, ichiro, case, legal_type, participants, owner=None, **fields):
    meeting = cases.meeting_schedule(
        actor=ichiro,
        case=case,
        kind=MeetingKind.objects.get(legal_type=legal_type, active=True),
        held_at=timezone.now() - timedelta(hours=2),
        participants=participants,
        **fields,
    )
    texts = w.texts(
        "会議",
        shared_information=("共有した情報", " 近所の方の話"),
        support_arrangement=("支援の方針・役割分担", " 同行訪問を重ねる"),
        minutes=("議事録", " 民生委員から普段の様子"),
        decisions=("決定事項", " 週1回訪問する"),
        unmet_needs=("不足している社会資源", " 夕方の居場所"),
    )
    meeting = cases.meeting_record(actor=ichiro, meeting=meeting, version=meeting.version, **texts)
    w.at(
        f"会議（ケース {case.title}）",
        _homes("cases:meeting_detail", meeting.pk, f"cases/meetings/{meeting.pk}"),
        *texts.values(),
    )
    item = cases.action_item_add(
        actor=ichiro,
        meeting=meeting,
        description=w.t("会議で決めた対応", "内容", " 配食サービスの調整"),
        owner_agency=owner or case.lead_agency,
        owner_name=w.t("会議で決めた対応", "担当者"),
        due_on=timezone.localdate() - timedelta(days=1),
    )
    w.at(
        f"会議で決めた対応（ケース {case.title}）",
        _homes("cases:meeting_detail", meeting.pk, f"cases/meetings/{meeting.pk}"),
        item.description,
        item.owner_name,
    )
    return w.keep("meeting", meeting)


def _pledge(meeting, user):
    participant = MeetingParticipant.objects.get(meeting=meeting, user=user)
    cases.meeting_pledge(actor=user, participant=participant)


def _target(w: LeakWorld, actor, **fields):
    if not OutreachCategory.objects.exists():
        categories.load()
    texts = w.texts(
        "アウトリーチ対象",
        label=("呼び方", " 2階の方"),
        address=("住所・場所", " アパート2階"),
        description=("わかっていること", " 何年も外で見かけない"),
        worried_by_note=("心配している人について", " 隣の住民"),
    )
    values = {
        "category": OutreachCategory.objects.get(code="hikikomori"),
        "worried_by_type": "neighbour",
        "next_contact_on": timezone.localdate() + timedelta(days=7),
        **texts,
        **fields,
    }
    target = outreach.target_create(actor=actor, **values)
    w.at(
        f"アウトリーチ対象 {target.label[:4]}",
        _homes("outreach:target_detail", target.pk, f"outreach/targets/{target.pk}"),
        *texts.values(),
        pk=target.pk,
    )
    return w.keep("target", target)


def _contact(w: LeakWorld, actor, target, agencies=()):
    contact = outreach.contact_add(
        actor=actor,
        target=target,
        outcome="note_left",
        agencies=agencies,
        observations=w.t("訪問の記録", "様子・気づいたこと", " 郵便受けがいっぱい"),
    )
    w.at(
        f"訪問の記録（アウトリーチ対象 {target.label[:4]}）",
        _homes("outreach:target_detail", target.pk, f"outreach/targets/{target.pk}/contacts"),
        contact.observations,
    )
    return contact


def _need(w: LeakWorld, actor, person, **fields):
    texts = w.texts(
        "参加支援のニーズ",
        interests_note=("関心・好きなこと", " 絵を描くこと"),
        short_term_goal=("短期の目標", " 週1回通う"),
        long_term_goal=("長期の目標", " いずれは働きたい"),
        wishes=("希望・不安なこと", " 人が多いと疲れる"),
    )
    need = participation.need_create(
        actor=actor,
        person=person,
        interests=[TaxonomyTerm.objects.get(code="ibasho")],
        **texts,
        **fields,
    )
    w.at(
        f"参加支援のニーズ {need.short_term_goal[:4]}",
        _homes("participation:need_detail", need.pk, f"participation/needs/{need.pk}"),
        *texts.values(),
        pk=need.pk,
    )
    return w.keep("need", need)


def _placement_with_follow_up_due(w: LeakWorld, actor, need, service):
    placement = participation.placement_propose(
        actor=actor, need=need, service=service, notes=w.t("参加先", "メモ", " 見学は午前中")
    )
    placement = participation.placement_contact(actor=actor, placement=placement)
    # Started two weeks ago: the first follow-up (R8, 2 weeks) is due today.
    participation.placement_start(
        actor=actor, placement=placement, on=timezone.localdate() - timedelta(days=14)
    )
    w.at(
        f"参加先（ニーズ {need.short_term_goal[:4]}）",
        _homes("participation:need_detail", need.pk, f"participation/needs/{need.pk}"),
        placement.notes,
    )
    return placement


def _gap(w: LeakWorld, actor, *, case=None, need=None):
    gap = participation.gap_record(
        actor=actor,
        need_text=w.t("不足している社会資源", "ニーズ", " 北部に夕方の居場所がない"),
        category=TaxonomyTerm.objects.get(code="ibasho"),
        case=case,
        need=need,
    )
    # Listed only by the API, per case; the policy says who else may know of it.
    homes = [("policy", "visible_resource_gaps", gap.pk)]
    if gap.case_id:
        homes.insert(0, _api(f"participation/cases/{gap.case_id}/gaps"))
    w.at(f"不足している社会資源 {gap.need_text[:4]}", homes, gap.need_text)
    return gap


def _match(w: LeakWorld, ichiro, a, b, *, confirm=False):
    """名寄せ: a candidate pair for the coordinator's queue (confirmed: one identity). The queue
    shows the pair's identifying fields to the coordinator (access.match_review_people), never
    their notes."""
    first, second = sorted((a, b), key=lambda p: str(p.pk))
    candidate = MatchCandidate.objects.create(
        person_a=first, person_b=second, score=0.97, weight=5.0, reasons=["氏名が一致"]
    )
    w.keep("match", candidate)
    for person in (a, b):
        w.at(
            f"本人 {person.family_name}",
            [("policy", "match_review_people", person.pk)],
            person.family_name,
            person.given_name,
            person.family_name_kana,
            person.given_name_kana,
            person.address,
            pk=person.pk,
        )
    if confirm:
        w.keep("identity", identity.match_confirm(actor=ichiro, candidate=candidate, version=1))
    return candidate


def build(p: dict) -> LeakWorld:
    """`p`: the personas by name (hana, masaki, ichiro, saki, kazuko, ken, osamu, tomoko, jun)."""
    w = LeakWorld()
    hana, ichiro, saki, kazuko = p["hana"], p["ichiro"], p["saki"], p["kazuko"]
    tomoko, jun = p["tomoko"], p["jun"]
    goro = make_user("goro", Role.STAFF, AGENCIES["X"])
    yumi = make_user("yumi", Role.STAFF, AGENCIES["Y"])
    mitsuko = make_user("mitsuko", Role.VOLUNTEER, AGENCIES["V"])
    w.users = {**p, "goro": goro, "yumi": yumi, "mitsuko": mitsuko}

    # --- people and consultations ---------------------------------------------------------
    # More people than one page of the list shows, all registered by hana's centre, so that
    # the lists are walked page by page (people: 25 a page). Not walked one by one.
    for _n in range(26):
        _registered(w, hana)

    # Hana's own consultation about a person her centre registered.
    w.note(_person(w, hana), "A が登録")
    w.note(_consultation(w, hana, person=_person(w, hana)), "A が受け付けた")

    # Between two OTHER agencies: X asks Y, and Y has not answered for a month. Only X and Y
    # may read it; the coordinator chases it in 期限を過ぎたつなぎ without reading it (R2, R6).
    between = _consultation(w, goro, person=w.note(_person(w, goro), "X が登録、X→Y の相談の本人"))
    w.note(between, "X が受け付け、Y へのつなぎが期限切れ")
    _overdue(w.note(_refer(w, goro, between, "Y"), "X→Y 回答待ち・期限切れ"))
    # X asks Y and Y declines: the coordinator reads it (the R2 queue of declines).
    declined_between = w.note(_consultation(w, goro), "X が受け付け、Y が断った")
    _decline(w, yumi, w.note(_refer(w, goro, declined_between, "Y"), "X→Y 受け入れできない"))
    # X asks Y, then saki's office, and both decline: passed around (たらいまわし, R2), in the
    # coordinator's queue; saki drops out of it.
    passed = w.note(_consultation(w, goro), "X が受け付け、Y と S が断った")
    _decline(w, yumi, w.note(_refer(w, goro, passed, "Y"), "X→Y 受け入れできない"))
    _decline(w, saki, w.note(_refer(w, goro, passed, "S"), "X→S 受け入れできない"))
    # Hana asks saki's office, overdue: hana and saki read it, the coordinator does not.
    to_saki = w.note(_consultation(w, hana), "A が受け付け、S へのつなぎが期限切れ")
    _overdue(w.note(_refer(w, hana, to_saki, "S"), "A→S 回答待ち・期限切れ"))
    # Hana transfers to jun, who declines: back to hana and to the coordinator; jun drops out.
    to_jun = w.note(_consultation(w, hana), "A が受け付け、J が移管を断った")
    _decline(w, jun, w.note(_refer(w, hana, to_jun, "J", kind="transfer"), "A→J 受け入れできない"))

    # A household X registered; X transfers a consultation about one member to hana's
    # centre. Hana may read that member and the household, not the other member (R6).
    household_x, (member_x, other_member) = _household(w, goro, "head", "spouse")
    w.note(household_x, "X が登録、一人の相談が A へ移管された世帯")
    w.note(member_x, "X が登録、A へ移管された相談の本人")
    w.note(other_member, "X が登録、同じ世帯のもう一人。どの相談の本人でもない")
    moved = w.note(_consultation(w, goro, person=member_x, household=household_x), "X→A 移管済み")
    referral = _refer(w, goro, moved, "A", kind="transfer")
    intake.referral_accept(actor=hana, referral=referral)

    # Saki's consultation transferred to tomoko's centre and accepted.
    to_tomoko = _refer(w, saki, _consultation(w, saki, person=_person(w, saki)), "T", "transfer")
    w.note(to_tomoko.consultation, "S が受け付け、T へ移管済み")
    intake.referral_accept(actor=tomoko, referral=to_tomoko)
    # Jun continues one himself (its outcome note is personal too).
    own = _consultation(w, jun, person=_person(w, jun))
    own = intake.consultation_continue(
        actor=jun,
        consultation=own,
        version=own.version,
        next_action_on=timezone.localdate() - timedelta(days=3),
        note=w.t("相談", "結果の補足", " 週1回電話する"),
    )
    _consultation_homes(w, own)
    w.note(own, "J が受け付け、継続支援")
    # Tomoko's own, quiet for a month (stalled, R3).
    quiet = w.note(_consultation(w, tomoko), "T が受け付け、動きがない")
    type(quiet).objects.filter(pk=quiet.pk).update(
        last_activity_at=timezone.now() - timedelta(days=30)
    )

    # 民生委員 reports: kazuko's to the coordinator, mitsuko's to hana's centre. Each volunteer
    # sees only her own and only its status (R6).
    for volunteer, to_agency in ((kazuko, None), (mitsuko, _agency("A"))):
        report = intake.volunteer_report_create(
            actor=volunteer,
            summary=w.t("相談", "相談内容", " 近所の方が心配"),
            subject_note=w.t("相談", "本人についてわかっていること", " 角の家"),
            to_agency=to_agency,
        )
        _consultation_homes(w, report)
        w.keep("consultation", w.note(report, f"民生委員 {volunteer.username} の報告"))

    # Escalated and not yet a case: waits in the coordinator's 多機関協働への相談.
    waiting = w.note(_consultation(w, saki), "S から多機関協働へ")
    intake.consultation_escalate(actor=saki, consultation=waiting, version=waiting.version)

    # --- collaborative cases ----------------------------------------------------------------
    # Case 1 (worked example 1): hana's household, led by hana's centre, consent naming saki's
    # office only; tomoko's centre is involved but not named, so it does not read the case.
    household_a, subjects_a = _household(w, hana, "head", "child")
    w.note(household_a, "A が登録、ケース1の世帯")
    escalated = _consultation(w, hana, person=subjects_a[0], household=household_a)
    escalated = intake.consultation_escalate(
        actor=hana, consultation=escalated, version=escalated.version
    )
    case1 = _open_case(w, ichiro, household=household_a, origin=escalated, lead_agency=_agency("A"))
    _involve(w, ichiro, case1, "S")
    _involve(w, ichiro, case1, "T")
    for person in subjects_a:
        cases.consent_record(
            actor=ichiro,
            case=case1,
            person=person,
            method="written",
            given_on=timezone.localdate(),
            scope=ConsentScope.NAMED,
            agencies=[_agency("S")],
            note=w.t("同意", "補足", " 書面で確認"),
        )
    for consent in case1.consents.all():
        w.at(
            f"同意（ケース {case1.title}）",
            _homes("cases:case_detail", case1.pk, f"cases/{case1.pk}/consents"),
            consent.note,
        )
        w.keep("consent", consent)
    _record(w, hana, case1)
    _record(w, saki, case1)
    assessment = cases.assessment_save(
        actor=hana,
        case=case1,
        based_on=None,
        household_situation=w.t("アセスメント", "世帯の状況", " 父と息子の二人暮らし"),
        wishes=w.t("アセスメント", "本人の意向", " この家で暮らしたい"),
    )
    w.at(
        f"アセスメント（ケース {case1.title}）",
        _homes("cases:assessment_detail", case1.pk, f"cases/{case1.pk}/assessments"),
        assessment.household_situation,
        assessment.wishes,
    )
    cases.support_decision_record(actor=ichiro, case=case1)
    plan_meeting = _meeting(
        w, ichiro, case1, "multilayer_meeting", [hana, saki], purpose="plan_creation"
    )
    plan = cases.plan_create(
        actor=ichiro,
        case=case1,
        meeting=plan_meeting,
        based_on=None,
        next_review_on=timezone.localdate() + timedelta(days=90),
        goals=[("short", w.t("支援プラン", "目標", " 配食を始める"))],
        actions=[(_agency("A"), w.t("支援プラン", "支援内容", " 見守り訪問"), None)],
        note=w.t("支援プラン", "補足", " 息子さんの意向も確認"),
    )
    w.at(
        f"支援プラン（ケース {case1.title}）",
        _homes("cases:plan_detail", case1.pk, f"cases/{case1.pk}/plans"),
        plan.note,
        *plan.goals.values_list("text", flat=True),
        *plan.actions.values_list("description", flat=True),
    )

    # Case 2 (worked example 2): no consent, so a 支援会議. Jun and kazuko pledged and read
    # the case; saki was invited and has not pledged; tomoko's centre is involved without
    # consent. None of the last two reads it.
    woman = _person(w, ichiro, district=District.objects.get(code="tomisuhara"))
    w.note(woman, "C が登録、ケース2（同意なし・支援会議）の本人")
    case2 = _open_case(w, ichiro, persons=[woman])
    _involve(w, ichiro, case2, "T")
    # Its action item goes to tomoko's centre, which still does not read the case.
    support_meeting = _meeting(
        w, ichiro, case2, "support_meeting", [jun, saki, kazuko], owner=_agency("T")
    )
    _pledge(support_meeting, jun)
    _pledge(support_meeting, kazuko)
    _record(w, ichiro, case2)
    w.note(_target(w, ichiro, case=case2), "C、ケース2の")
    w.note(_need(w, ichiro, woman, case=case2), "C、ケース2の")
    _gap(w, ichiro, case=case2)

    # Case 3: led by X (through the coordinator), its 支援会議's sharing has ended: jun, who
    # pledged, reads it no more.
    escalated_x = _consultation(w, goro, person=w.note(_person(w, goro), "X が登録、ケース3の本人"))
    escalated_x = intake.consultation_escalate(
        actor=goro, consultation=escalated_x, version=escalated_x.version
    )
    case3 = _open_case(w, ichiro, persons=[escalated_x.person], origin=escalated_x,
                       lead_agency=_agency("X"))  # fmt: skip
    _record(w, goro, case3)
    ended = _meeting(w, ichiro, case3, "support_meeting", [jun])
    _pledge(ended, jun)
    cases.meeting_end_sharing(actor=ichiro, meeting=ended)
    _gap(w, goro, case=case3)

    # --- outreach ---------------------------------------------------------------------------
    target_a = w.note(_target(w, hana), "A の担当")
    _contact(w, hana, target_a)
    # X's target, visited together with saki's office (saki reads it: a joint visit).
    target_joint = w.note(_target(w, goro), "X の担当、S と同行訪問")
    _contact(w, goro, target_joint, agencies=[_agency("S")])
    # X's target, identified as a person X registered: only X and the coordinator read it.
    target_x = w.note(_target(w, goro), "X の担当、本人を特定済み")
    _contact(w, goro, target_x)
    identified = w.note(_person(w, goro), "X が登録、X のアウトリーチ対象として特定された本人")
    target_x.refresh_from_db()
    outreach.person_link(actor=goro, target=target_x, version=target_x.version, person=identified)

    # --- participation support -----------------------------------------------------------------
    # One social resource to place people in (public information: no markers).
    service = resource("ひだまりの会", category="ibasho", where="tomisuhara", byday="WE,FR")
    need_a = w.note(_need(w, hana, subjects_a[1]), "A の担当")
    _placement_with_follow_up_due(w, hana, need_a, service)
    _gap(w, hana, need=need_a)
    # X's need for a person X registered: the coordinator reads the need (R6).
    need_x = w.note(_need(w, goro, w.note(_person(w, goro), "X が登録、X の参加支援の本人")),
                    "X の担当")  # fmt: skip
    _placement_with_follow_up_due(w, goro, need_x, service)

    # --- notifications --------------------------------------------------------------------------
    # The daily jobs: overdue referrals (both ends and the coordinator) and follow-ups due.
    today = timezone.localdate().isoformat()
    intake_tasks.flag_overdue_referrals.call(day=today)
    participation_tasks.remind_follow_ups.call(day=today)

    # 地域づくり holds counts, never a person: one site's activity and one training, so that
    # the pages taking their ids are walked too.
    if not Site.objects.exists():
        community_loader.load()
    site = Site.objects.get(code="kaigo-yobou-01")
    w.keep("site", site)
    day = timezone.localdate() - timedelta(days=7)
    w.keep("activity", community.activity_record(
        actor=hana, site=site, held_on=day, kind=ActivityKind.SALON, participants=12, volunteers=3
    ))  # fmt: skip
    w.keep("training", community.training_record(
        actor=hana, program=CommunityProgram.objects.get(code="kaigo-yobou"),
        name="ヘルスリーダー養成講座", held_on=day, people_trained=18,
    ))  # fmt: skip
    w.keep("service", service)
    # A term of another taxonomy an HSDS import kept (issue 17): its mapping page is walked.
    outside, _new = HsdsRecord.objects.get_or_create(
        table="taxonomy_term", record_id="5e0c1a2b-0000-4000-8000-00000000f001",
        defaults={"data": {"id": "5e0c1a2b-0000-4000-8000-00000000f001", "code": "drop-in",
                           "name": "Drop-in Center", "taxonomy": "Open Eligibility"}},
    )  # fmt: skip
    w.ids.setdefault("outside_term", []).append(outside.record_id)  # routes take the HSDS id

    # 名寄せ: one pair of registrations by A and X waiting in the coordinator's queue, and one
    # confirmed as one person. A still reads only its own registration (R6).
    w.note(_match(w, ichiro, _person(w, hana), _person(w, goro)), "A と X の登録、確認待ち")
    w.note(
        _match(w, ichiro, _person(w, hana), _person(w, goro), confirm=True),
        "A と X の登録、同一人物",
    )
    # 名寄せ brings households together: case 1's child (A) and X's other member are one
    # person. Hana reads household X (the transfer) but not that member of it; saki reads
    # household A (case 1's consent) but nothing of X: each page shows only that.
    w.note(
        _match(w, ichiro, subjects_a[1], other_member, confirm=True),
        "ケース1の世帯の子と X の世帯のもう一人、同一人物",
    )

    # Report files of the evaluation (figures only), one for each evaluator persona; made as
    # if the background task had finished (its file is figures, and slow to draw).
    for name in ("ichiro", "masaki", "ken"):
        run = ReportRun.objects.create(
            requested_by=p[name],
            fmt="xlsx",
            params={"period": periods.current_fiscal_year().key, "years": 1},
            status="done",
            filename="report.xlsx",
            content=b"",
            finished_at=timezone.now(),
        )
        w.keep("report_run", run)
    # 既存記録の取り込み: a file hana's centre checked (its pages name rows and columns only).
    w.keep(
        "import_job",
        import_check(actor=hana, file_name="台帳.csv", content="相談の外部ID\r\nC-1\r\n".encode()),
    )

    # Dates were moved behind the services' back (_overdue): the work list follows them.
    rebuild_all()
    return w
