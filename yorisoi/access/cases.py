"""R6 for collaborative cases (多機関協働), their meetings and the people in them."""

from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from yorisoi.accounts.models import Role

from .bases import (
    BASIS_CONSENT,
    BASIS_COORDINATOR,
    BASIS_OWN_AGENCY,
    BASIS_SUPPORT_MEETING,
)
from .roles import active_user, is_coordinator, reads_people

# --- collaborative cases (多機関協働) ---------------------------------------------------------
#
# R6 for cases. A case is read on one of four bases, strongest first:
#   own_agency        the user's agency is the case's lead agency (主担当機関)
#   coordinator       the coordinating division (福祉総務課) sees every collaborative case
#   consent           the user's agency is involved (関係機関) *and* every subject's active
#                     consent covers it (R4); a withdrawal ends it at once
#   art106_6_meeting  the user takes part in a 支援会議 on the case and has recorded their
#                     confidentiality pledge (社会福祉法106条の6), until the meeting's sharing
#                     ends; this is the one way a 民生委員 sees a case
# Analysts and administrators never read a case.


def consented_cases(agency_id) -> QuerySet:
    """Cases whose every subject has an active consent that covers `agency_id` (R4)."""
    from yorisoi.cases.models import Case

    return Case.objects.filter(consent_covers(agency_id))


def consent_covers(agency_id) -> Q:
    """R4 as a condition on a case row: it has subjects, and none of them lacks an active
    consent that covers `agency_id`. Asked of each case it is applied to (by its subjects'
    index), not answered for every case first (issue 16: that grew with the cases of the city)."""
    from yorisoi.cases.models import CaseSubject, Consent, ConsentScope

    covering = Consent.objects.filter(
        case_id=OuterRef("case_id"), person_id=OuterRef("person_id"), withdrawn_at__isnull=True
    ).filter(Q(scope=ConsentScope.ALL_INVOLVED) | Q(agencies=agency_id))
    subjects = CaseSubject.objects.filter(case_id=OuterRef("pk"))
    return Q(Exists(subjects)) & ~Q(Exists(subjects.filter(~Exists(covering))))


def _involved_case_ids(agency_id) -> QuerySet:
    from yorisoi.cases.models import Involvement

    return Involvement.objects.filter(agency_id=agency_id, ended_on__isnull=True).values("case_id")


def _pledged_case_ids(user) -> QuerySet:
    """Cases of the 支援会議 the user takes part in with a recorded pledge, still sharing."""
    from yorisoi.cases.models import MeetingParticipant
    from yorisoi.directory.models import LegalMeetingType

    return MeetingParticipant.objects.filter(
        user_id=user.pk,
        pledged_at__isnull=False,
        meeting__kind__legal_type=LegalMeetingType.SUPPORT_MEETING,
        meeting__sharing_ended_at__isnull=True,
    ).values("meeting__case_id")


def visible_cases(user) -> QuerySet:
    """Collaborative cases `user` may read (R6); anything else is "not found"."""
    from yorisoi.cases.models import Case

    if not active_user(user):
        return Case.objects.none()
    if user.role == Role.VOLUNTEER:
        return Case.objects.filter(pk__in=_pledged_case_ids(user))
    if not reads_people(user):
        return Case.objects.none()
    if user.role == Role.COORDINATOR:
        return Case.objects.all()
    agency = user.agency_id
    rule = (
        Q(lead_agency_id=agency)
        | (Q(pk__in=_involved_case_ids(agency)) & consent_covers(agency))
        | Q(pk__in=_pledged_case_ids(user))
    )
    return Case.objects.filter(rule)


def can_open_case(user) -> bool:
    """多機関協働: only the coordinating division (福祉総務課) opens a collaborative case."""
    return is_coordinator(user)


def recordable_cases(user) -> QuerySet:
    """The cases a form offers for linking a record to (an outreach target, a participation
    need): those `user` may read and record on (CaseAccess.record: active cases, casework)."""
    from yorisoi.cases.models import ACTIVE_STATUSES

    if not reads_people(user):
        return visible_cases(None)
    return visible_cases(user).filter(status__in=ACTIVE_STATUSES)


def case_bases(user, case_ids) -> dict:
    """{case id: basis} for those of `case_ids` that `user` may read, in one query; an id
    missing from the answer is a case the user may not open. Strongest first: own_agency,
    coordinator, consent, art106_6_meeting (the one way a 民生委員 reads a case)."""
    from yorisoi.cases.models import Involvement

    ids = set(case_ids)
    if not ids or not active_user(user):
        return {}
    agency = user.agency_id
    involved = Involvement.objects.filter(
        case_id=OuterRef("pk"), agency_id=agency, ended_on__isnull=True
    )
    rows = (
        visible_cases(user)
        .filter(pk__in=ids)
        .annotate(
            by_consent=ExpressionWrapper(
                Q(Exists(involved)) & consent_covers(agency),
                output_field=BooleanField(),
            )
        )
        .values_list("pk", "lead_agency_id", "by_consent")
    )
    casework = reads_people(user)
    bases = {}
    for pk, lead_agency_id, by_consent in rows:
        if casework and lead_agency_id == agency:
            bases[pk] = BASIS_OWN_AGENCY
        elif casework and user.role == Role.COORDINATOR:
            bases[pk] = BASIS_COORDINATOR
        elif casework and by_consent:
            bases[pk] = BASIS_CONSENT
        else:  # visible_cases lets nothing else through but a pledged 支援会議
            bases[pk] = BASIS_SUPPORT_MEETING
    return bases


def case_basis(user, case) -> str | None:
    """The basis on which `user` reads `case` now (for the audit trail), or None."""
    return case_bases(user, [case.pk]).get(case.pk)


def case_if_open(user, case):
    """`case` if `user` may read it, else None. A page about something else (an outreach
    target, a participation need) names or links its case only then (R6), on the screens and
    in the API alike."""
    if case is None or case_basis(user, case) is None:
        return None
    return case


@dataclass(frozen=True)
class CaseAccess:
    """What `user` may do with one case, and on which basis. None of it without a basis."""

    basis: str | None
    edit: bool = False  # title, summary, next action, involved agencies, tracks
    record: bool = False  # add progress records, mark own action items done
    assess: bool = False  # write a new assessment version
    consent: bool = False  # record consent (on an active case)
    withdraw_consent: bool = False  # record a withdrawal: also on a closed case (R4)
    meetings: bool = False  # the secretariat: meetings, minutes, plans, closure (福祉総務課)
    # The case file beyond its outline: consents, assessments, plans, the progress record
    # (支援経過記録), the other meetings, outreach and participation, links to the people's own
    # records. Caseworkers only: a 民生委員 who pledged at a 支援会議 sees the outline (the
    # people, lead and involved agencies with their roles, tracks, next action) and their own
    # meeting — what they need to play their part, not the file (R6).
    case_file: bool = False

    @property
    def read(self) -> bool:
        return self.basis is not None

    @property
    def scans(self) -> bool:
        """The scanned consent forms: for those who steer the case or record consent."""
        return self.consent or self.basis in (BASIS_OWN_AGENCY, BASIS_COORDINATOR)


def case_access(user, case) -> CaseAccess:
    basis = case_basis(user, case)
    if basis is None:
        return CaseAccess(basis=None)
    active = case.is_active
    coordinator = is_coordinator(user)
    steering = basis in (BASIS_OWN_AGENCY, BASIS_COORDINATOR)
    casework = reads_people(user)
    return CaseAccess(
        basis=basis,
        edit=active and steering,
        record=active and casework,
        assess=active and basis in (BASIS_OWN_AGENCY, BASIS_COORDINATOR, BASIS_CONSENT),
        consent=active and steering,
        withdraw_consent=steering,
        meetings=coordinator,
        case_file=casework,
    )


# Who sits in a case meeting (R6): caseworkers and 民生委員; analysts and administrators never.
MEETING_ROLES = (Role.STAFF, Role.MANAGER, Role.COORDINATOR, Role.VOLUNTEER)


def can_take_part_in_meetings(user) -> bool:
    return active_user(user) and user.role in MEETING_ROLES


def meeting_invitees(case) -> QuerySet:
    """Who may be invited to a meeting on `case`: active caseworkers of the agencies involved
    in it, and 民生委員 (plan Ⅲ: the 支援会議 pools what each knows)."""
    from django.contrib.auth import get_user_model

    agencies = case.involvements.filter(ended_on__isnull=True).values("agency_id")
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=MEETING_ROLES)
        .filter(Q(agency_id__in=agencies) | Q(role=Role.VOLUNTEER))
    )


def meeting_participation(user, meeting):
    """The user's participant row in this meeting, or None."""
    from yorisoi.cases.models import MeetingParticipant

    if not active_user(user):
        return None
    return MeetingParticipant.objects.filter(meeting_id=meeting.pk, user_id=user.pk).first()


def awaits_pledge(participant, meeting) -> bool:
    """R5: a 支援会議 participant before their pledge, while the meeting's sharing lasts. The
    meeting exists for them (its date, place and the pledge), the case not yet (社会福祉法106条
    の6); after the pledge the case opens, after the end of sharing neither does."""
    return (
        participant is not None
        and participant.pledged_at is None
        and meeting.kind.is_support_meeting
        and meeting.sharing_ended_at is None
    )


@dataclass(frozen=True)
class MeetingAccess:
    """What `user` may see of one meeting: its case's rights, and their own participation."""

    case: CaseAccess
    participant: object | None  # cases.MeetingParticipant of the user, if they take part
    awaits_pledge: bool = False

    @property
    def found(self) -> bool:
        """The meeting exists for the user (else 404): a caseworker who reads the case file, a
        reader of the case outline who takes part in this meeting (a 民生委員 at their 支援会議),
        or a participant yet to pledge (only the pledge page and the date and place)."""
        reads = self.case.read and (self.case.case_file or self.participant is not None)
        return reads or self.awaits_pledge


def meeting_access(user, meeting) -> MeetingAccess:
    participant = meeting_participation(user, meeting)
    return MeetingAccess(
        case=case_access(user, meeting.case),
        participant=participant,
        awaits_pledge=awaits_pledge(participant, meeting),
    )


def visible_case_people(user) -> QuerySet:
    """Person ids of the subjects of the cases `user` may read."""
    from yorisoi.cases.models import CaseSubject

    return CaseSubject.objects.filter(case__in=visible_cases(user)).values("person_id")
