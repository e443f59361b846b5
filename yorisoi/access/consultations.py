"""R6 for consultations (包括的相談支援) and referrals."""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Exists, OuterRef, Q, QuerySet

from .bases import (
    BASIS_COORDINATOR,
    BASIS_OWN_AGENCY,
    BASIS_REFERRAL,
)
from .cases import visible_cases
from .roles import acts_for, is_coordinator, is_volunteer, reads_people

# --- consultations (包括的相談支援) ------------------------------------------------------------


def visible_consultations(user) -> QuerySet:
    """Consultations `user` may read (R6).

    Their agency received it, holds it, or is asked to take it (a pending referral) or took it
    (an accepted one); a referral's sender stays involved unless responsibility was transferred
    away. The coordinator also sees every consultation with a declined referral (R2 queue).
    """
    from yorisoi.intake.models import Consultation

    if not reads_people(user):
        return Consultation.objects.none()
    return Consultation.objects.filter(reduce(operator.or_, _ways_to_see(user)))


def _ways_to_see(user) -> list[Q]:
    """The ways a consultation is visible to `user` (R6), each a condition a database answers
    from an index (issue 16): visible_consultations is their OR; visible_people and
    visible_households ask each of them about one person or household (consultations_about)."""
    from yorisoi.intake.models import Referral, ReferralKind, ReferralStatus

    agency = user.agency_id
    involved = Referral.objects.filter(
        Q(to_agency_id=agency, status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED])
        | Q(from_agency_id=agency, kind=ReferralKind.REFERRAL)
        | Q(from_agency_id=agency, status__in=[ReferralStatus.PENDING, ReferralStatus.DECLINED])
    ).values("consultation_id")
    ways = [Q(receiving_agency_id=agency), Q(responsible_agency_id=agency), Q(pk__in=involved)]
    if is_coordinator(user):
        declined = Referral.objects.filter(status=ReferralStatus.DECLINED)
        ways.append(Q(pk__in=declined.values("consultation_id")))
    return ways


def consultations_about(user, field: str) -> Q:
    """Whether `user` may read a consultation whose `field` ("person_id", "household_id") is
    the outer row's pk: the same rule as visible_consultations, for a filter on people or
    households. One EXISTS per way to see a consultation, not one EXISTS with the OR inside,
    so that PostgreSQL can answer each either per row (consultation.person_id, then the way's
    condition: a search's few candidates) or once from the way's own index (the agency's
    consultations, its referrals, the declined ones: a list page) — with the OR inside, the
    once-for-all answer is a scan of every consultation (issue 16, ~600 ms at 1M people)."""
    from yorisoi.intake.models import Consultation

    if not reads_people(user):
        return Q(pk__in=[])
    about = Consultation.objects.filter(**{field: OuterRef("pk")})
    return reduce(operator.or_, (Q(Exists(about.filter(way))) for way in _ways_to_see(user)))


def visible_referrals(user) -> QuerySet:
    """The referrals (つなぎ・移管) of the consultations `user` may read (R6): a consultation's
    page shows its whole chain of handoffs, so a list shows no more than that. Their basis is
    the consultation's (consultation_bases)."""
    from yorisoi.intake.models import Referral

    return Referral.objects.filter(consultation__in=visible_consultations(user).values("pk"))


def visible_consultation_records(user) -> QuerySet:
    """The progress records (支援経過記録) written on consultations `user` may read: a
    consultation's records are read with it, on the same basis (consultation_bases)."""
    from yorisoi.cases.models import ProgressRecord

    return ProgressRecord.objects.filter(consultation__in=visible_consultations(user).values("pk"))


def correctable_record(user, record_id):
    """The progress record `record_id` if `user` may correct it, through either door (R6, R7):
    a consultation's record when they may read the consultation, a case's when they may write
    the case's records; only the agency that wrote it corrects it (the service checks that
    again). None when they may not read it (404); RuleViolation "forbidden" when they read it
    but their agency did not write it or may not write on the case (403 on both doors)."""
    from django.utils.translation import gettext as _

    from yorisoi.cases.models import ProgressRecord
    from yorisoi.errors import RuleViolation

    from .cases import case_access

    entry = (
        ProgressRecord.objects.select_related("case", "consultation", "agency")
        .filter(pk=record_id)
        .first()
    )
    if entry is None:
        return None
    if entry.consultation_id is not None:
        if not visible_consultation_records(user).filter(pk=entry.pk).exists():
            return None
    else:
        rights = case_access(user, entry.case)
        if not rights.read:
            return None
        if not rights.record:
            raise RuleViolation(_("このケースには記録できません。"), code="forbidden")
    if not acts_for(user, entry.agency_id):
        raise RuleViolation(_("記録を訂正できるのは記録した機関だけです。"), code="forbidden")
    return entry


def cases_from_consultation(user, consultation) -> QuerySet:
    """The collaborative cases opened from `consultation` (Case.origin) that `user` may open;
    one they may not open is not mentioned at all (R6)."""
    return visible_cases(user).filter(origin_id=consultation.pk)


def consultation_origin(user, case):
    """The consultation `case` was opened from, if `user` may read it; else None (R6)."""
    if case.origin_id is None:
        return None
    return visible_consultations(user).filter(pk=case.origin_id).first()


def held_consultations(user) -> QuerySet:
    """The consultations the user's agency holds (responsible for): the own-agency part of
    visible_consultations, which queues read without the rest of the rule."""
    from yorisoi.intake.models import Consultation

    if not reads_people(user):
        return Consultation.objects.none()
    return Consultation.objects.filter(responsible_agency_id=user.agency_id)


def consultation_bases(user, consultation_ids) -> dict:
    """{consultation id: basis} for those of `consultation_ids` that `user` may read, in one
    query; an id missing from the answer is a consultation the user may not open (R6).

    Strongest first: own_agency (received or holds it), referral (sent or was sent a referral
    about it), coordinator (福祉総務課 following a declined referral, R2)."""
    from yorisoi.intake.models import Referral

    ids = set(consultation_ids)
    if not ids or not reads_people(user):
        return {}
    agency = user.agency_id
    by_referral = Referral.objects.filter(consultation=OuterRef("pk")).filter(
        Q(to_agency_id=agency) | Q(from_agency_id=agency)
    )
    rows = (
        visible_consultations(user)
        .filter(pk__in=ids)
        .annotate(by_referral=Exists(by_referral))
        .values_list("pk", "receiving_agency_id", "responsible_agency_id", "by_referral")
    )
    bases = {}
    for pk, receiving, responsible, by_referral in rows:
        if agency in (receiving, responsible):
            bases[pk] = BASIS_OWN_AGENCY
        elif by_referral:
            bases[pk] = BASIS_REFERRAL
        else:
            bases[pk] = BASIS_COORDINATOR
    return bases


def consultation_basis(user, consultation) -> str | None:
    """The basis on which `user` reads `consultation` (for the audit trail), or None."""
    return consultation_bases(user, [consultation.pk]).get(consultation.pk)


@dataclass(frozen=True)
class ReferralOutline:
    """What a list may say of a referral whose consultation the reader cannot open."""

    id: object
    from_agency: object
    to_agency: object
    kind: str
    status: str
    status_display: str
    sent_at: object
    answered_at: object


def referral_outline(user, referral) -> ReferralOutline | None:
    """The coordinating division chases overdue and declined referrals between any two agencies
    (R2), so its queue mentions them even where it may not open the consultation: by agencies,
    kind, status and dates only — never the person, the summary or the reason given (R6).
    Anyone else: nothing (a row they cannot open is not listed at all)."""
    from yorisoi.intake.models import ReferralStatus

    if not is_coordinator(user) or referral.status not in (
        ReferralStatus.PENDING,
        ReferralStatus.DECLINED,
    ):
        return None
    return ReferralOutline(
        id=referral.pk,
        from_agency=referral.from_agency,
        to_agency=referral.to_agency,
        kind=referral.kind,
        status=referral.status,
        status_display=referral.get_status_display(),
        sent_at=referral.sent_at,
        answered_at=referral.answered_at,
    )


def referral_acknowledger(user, referral) -> str | None:
    """R2: a declined referral waits in two queues, the sender's and the coordinator's, until
    each takes it off. Which of the two `user` may acknowledge: "sender", "coordinator" or
    None (then the service refuses and the screen offers no button)."""
    from yorisoi.intake.models import ReferralStatus

    if referral.status != ReferralStatus.DECLINED:
        return None
    if acts_for(user, referral.from_agency_id):
        return "sender"
    if is_coordinator(user):
        return "coordinator"
    return None


def volunteer_reports(user) -> QuerySet:
    """民生委員 see only what they reported, and only its status (R6)."""
    from yorisoi.intake.models import Consultation

    if not is_volunteer(user):
        return Consultation.objects.none()
    return Consultation.objects.filter(reported_by=user)
