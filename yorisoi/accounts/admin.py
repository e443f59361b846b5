from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from .admin_site import AdminRoleOnly
from .models import ApiToken, User

admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(AdminRoleOnly, BaseUserAdmin):
    list_display = ["username", "display_name", "role", "agency", "is_active", "last_login"]
    list_filter = ["role", "is_active", "agency__kind"]
    search_fields = ["username", "display_name"]
    autocomplete_fields = ["agency"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("所属と役割", {"fields": ["display_name", "role", "agency", "email"]}),
        ("状態", {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        ("所属と役割", {"fields": ["display_name", "role", "agency"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        # Only the admin role enters this site; the flag mirrors the role for Django's checks.
        obj.is_staff = obj.role == "admin"
        super().save_model(request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["user", "name", "hint", "created_at", "last_used_at"]
    fields = ["user", "name", "hint", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request, *args):
        return False  # tokens are issued by their owner, who sees the raw value once
