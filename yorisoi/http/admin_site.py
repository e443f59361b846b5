"""Django admin for system administrators: users and master data only.

R6: administrators manage users and master data but cannot read case content. Personal-record
models (people, households, cases …) are never registered here, and only the admin role may
enter at all — even a superuser flag does not open personal data anywhere else (access.py).
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class YorisoiAdminSite(admin.AdminSite):
    site_header = "yorisoi 管理画面"
    site_title = "yorisoi 管理"
    index_title = "利用者とマスタデータの管理"

    def has_permission(self, request):
        from yorisoi.access import can_manage_master_data

        return can_manage_master_data(request.user)


class YorisoiAdminConfig(AdminConfig):
    default_site = "yorisoi.http.admin_site.YorisoiAdminSite"


class AdminRoleOnly:
    """Model permissions follow the role, so no permission groups need setting up."""

    def _allowed(self, request):
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, *args):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        # R7: nothing is deleted; deactivate instead.
        return False
