"""Community building (地域づくり): counts only, never a person."""

from django.db.models import QuerySet

from yorisoi.accounts.models import Role

from .roles import active_user, acts_for, is_coordinator, reads_people

# --- community building ---------------------------------------------------------------------
#
# 地域づくり (plan Ⅱ(4)) holds counts only, never a person: every caseworker records
# activities and trainings for the sites their agency runs (kept simple: any site), the
# recording agency corrects its own entries and the coordinating division (福祉総務課) corrects
# anything; analysts read everything. 民生委員 and administrators: refused by route, none here.


def reads_community(user) -> bool:
    return active_user(user) and (reads_people(user) or user.role == Role.ANALYST)


def can_record_community(user) -> bool:
    return reads_people(user)


def can_correct_community(user, entry) -> bool:
    """An activity or training: the agency that recorded it, or the coordinator."""
    return is_coordinator(user) or acts_for(user, entry.agency_id)


def visible_community_sites(user) -> QuerySet:
    from yorisoi.community.models import Site

    return Site.objects.all() if reads_community(user) else Site.objects.none()


def visible_community_activities(user) -> QuerySet:
    from yorisoi.community.models import Activity

    return Activity.objects.all() if reads_community(user) else Activity.objects.none()


def visible_community_trainings(user) -> QuerySet:
    from yorisoi.community.models import Training

    return Training.objects.all() if reads_community(user) else Training.objects.none()
