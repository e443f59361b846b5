"""What a user's notifications may point to. A notification names a kind, agencies and ids;
the consultation behind it is linked only if the user may open it (access.consultation_bases,
one query for the page), so the list never offers what the consultation page would refuse —
the coordinator hears of an overdue referral between two other agencies, and chases it from
the queue, where it shows the agencies and dates only (access.referral_outline)."""

from yorisoi import access


def notifications_page(user, notifications) -> list:
    """The notifications of one page, each with `opens_consultation` set by the policy."""
    notifications = list(notifications)
    readable = access.consultation_bases(
        user, {n.consultation_id for n in notifications if n.consultation_id}
    )
    for notification in notifications:
        notification.opens_consultation = notification.consultation_id in readable
    return notifications
