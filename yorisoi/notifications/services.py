"""Who hears about what (R2, R3, R8). Called from intake.services and cases.services inside
their transactions, and from the daily jobs. A notification names a kind and ids; what it
points to opens only to those who may read it (access.py)."""

from django.utils import timezone

from yorisoi import access

from .models import Kind, Notification


def _notify(users, *, kind, consultation=None, referral=None, meeting=None, follow_up=None):
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            consultation=consultation,
            referral=referral,
            meeting=meeting,
            follow_up=follow_up,
        )
        for user in users
    )


def referral_sent(referral):
    _notify(
        access.caseworkers_of(referral.to_agency_id),
        kind=Kind.REFERRAL_RECEIVED,
        consultation=referral.consultation,
        referral=referral,
    )


def referral_declined(referral):
    """R2: the sender and the coordinator hear at once."""
    users = {
        u.pk: u for u in [*access.caseworkers_of(referral.from_agency_id), *access.coordinators()]
    }
    _notify(
        users.values(),
        kind=Kind.REFERRAL_DECLINED,
        consultation=referral.consultation,
        referral=referral,
    )


def consultation_escalated(consultation):
    _notify(
        access.caseworkers_of(consultation.responsible_agency_id),
        kind=Kind.ESCALATION_RECEIVED,
        consultation=consultation,
    )


def meeting_invited(meeting, users):
    """Participants with an account hear of the meeting (民生委員 find it under 参加する会議)."""
    _notify(
        [u for u in users if access.reads_people(u)],
        kind=Kind.MEETING_INVITED,
        meeting=meeting,
    )


def action_item_assigned(item):
    """R3: the owning agency's caseworkers hear of a meeting's action item."""
    _notify(
        access.caseworkers_of(item.owner_agency_id),
        kind=Kind.ACTION_ITEM_ASSIGNED,
        meeting=item.meeting,
    )


def referral_overdue(referral) -> int:
    """Both ends and the coordinator; at most once each (database constraint)."""
    users = {
        u.pk: u
        for u in [
            *access.caseworkers_of(referral.to_agency_id),
            *access.caseworkers_of(referral.from_agency_id),
            *access.coordinators(),
        ]
    }
    already = set(
        Notification.objects.filter(kind=Kind.REFERRAL_OVERDUE, referral=referral).values_list(
            "recipient_id", flat=True
        )
    )
    fresh = [u for pk, u in users.items() if pk not in already]
    _notify(
        fresh, kind=Kind.REFERRAL_OVERDUE, consultation=referral.consultation, referral=referral
    )
    return len(fresh)


def follow_up_due(follow_up) -> int:
    """R8: a follow-up due today is announced to the caseworkers of the need's responsible
    agency; at most once each (database constraint), so the daily job may run again. The notice
    links to the need, which opens only to those who may read it (access.participation_basis)."""
    if not follow_up.is_open:  # done, or cancelled at settle / end
        return 0
    already = set(
        Notification.objects.filter(kind=Kind.FOLLOW_UP_DUE, follow_up=follow_up).values_list(
            "recipient_id", flat=True
        )
    )
    agency_id = follow_up.placement.need.responsible_agency_id
    fresh = [u for u in access.caseworkers_of(agency_id) if u.pk not in already]
    _notify(fresh, kind=Kind.FOLLOW_UP_DUE, follow_up=follow_up)
    return len(fresh)


def mark_read(*, user, notification_ids) -> int:
    return Notification.objects.filter(
        recipient=user, pk__in=notification_ids, read_at__isnull=True
    ).update(read_at=timezone.now())
