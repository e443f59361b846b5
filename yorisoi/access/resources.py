"""Social resources (社会資源): public information, no personal data."""

from django.db.models import QuerySet

from yorisoi.accounts.models import CASEWORK_ROLES, Role

from .roles import active_user

# --- social resources (社会資源) ---
#
# The directory is public information about organisations and their programmes, no personal
# data: every casework role and the analysts read it; the coordinator and agency managers
# keep it (create, edit, deactivate, HSDS import).


def reads_resources(user) -> bool:
    return active_user(user) and user.role in (*CASEWORK_ROLES, Role.ANALYST)


def can_manage_resources(user) -> bool:
    return active_user(user) and user.role in (Role.COORDINATOR, Role.MANAGER)


def visible_services(user) -> QuerySet:
    from yorisoi.resources.models import Service

    if not reads_resources(user):
        return Service.objects.none()
    return Service.objects.all()
