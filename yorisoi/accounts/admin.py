from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from yorisoi.audit.log import record
from yorisoi.http.admin_site import AdminRoleOnly

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

    # R6: a role, agency or password change can open people's records to someone, so each one
    # goes to the append-only audit trail too (field names only, never values).
    def log_addition(self, request, obj, message):
        record(
            "user.created",
            actor=request.user,
            target=obj,
            request=request,
            data={"role": obj.role, "agency": obj.agency.code if obj.agency else None},
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        fields = sorted(
            {
                f
                for entry in message or []
                if isinstance(entry, dict)
                for f in entry.get("changed", {}).get("fields", [])
            }
        )
        record(
            "user.changed",
            actor=request.user,
            target=obj,
            request=request,
            data={
                "fields": fields,
                "role": obj.role,
                "agency": obj.agency.code if obj.agency else None,
            },
        )
        return super().log_change(request, obj, message)


@admin.register(ApiToken)
class ApiTokenAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    # A revoked token stays revoked: revoking is done by its owner or with the action below.
    readonly_fields = ["user", "name", "hint", "created_at", "last_used_at", "revoked_at"]
    fields = ["user", "name", "hint", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.action(description="選択したトークンを失効させる")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()
            record("api_token.revoked", actor=request.user, target=token, request=request)

    def has_add_permission(self, request, *args):
        return False  # tokens are issued by their owner, who sees the raw value once
