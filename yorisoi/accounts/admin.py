import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from yorisoi.audit.log import record
from yorisoi.errors import RuleViolation
from yorisoi.http.admin_site import AdminRoleOnly

from . import mfa, services
from .grants import (
    GRANT_FIELDS,
    grant_decide,
    grant_of,
    grant_request,
    may_reset_credential,
    needs_second_administrator,
)
from .models import ApiToken, RoleGrant, User

admin.site.unregister(Group)
# Nobody sees or sets another user's second factor: an administrator can only reset it (issue 13).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


_TAKEOVER = (
    "%(user)s: 一時パスワードの発行と2要素認証のリセットを、同じ管理者が両方行うことはできません"
    "（本人になりすませるため）。もう一方は別の管理者に依頼してください。"
)


def one_time_password() -> str:
    """What an administrator hands a user (in person or by phone) to sign in once: the user
    must replace it at that sign-in (User.must_change_password)."""
    return "-".join(secrets.token_hex(3) for _ in range(4))


class UserCreationForm(forms.ModelForm):
    """A new user gets a one-time password, never one the administrator chose."""

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "agency"]


@admin.register(User)
class UserAdmin(AdminRoleOnly, BaseUserAdmin):
    list_display = ["username", "display_name", "role", "agency", "is_active", "last_login"]
    list_filter = ["role", "is_active", "agency__kind"]
    search_fields = ["username", "display_name"]
    autocomplete_fields = ["agency"]
    fieldsets = [
        (None, {"fields": ["username"]}),
        ("所属と役割", {"fields": ["display_name", "role", "agency", "email"]}),
        ("状態", {"fields": ["is_active", "must_change_password", "last_login", "date_joined"]}),
    ]
    add_form = UserCreationForm
    add_fieldsets = [
        (None, {"fields": ["username"]}),
        ("所属と役割", {"fields": ["display_name", "role", "agency"]}),
    ]
    readonly_fields = ["must_change_password", "last_login", "date_joined"]
    actions = ["issue_one_time_passwords", "reset_second_factors"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            # Separation of duties: nobody grants themself a role, an agency or a comeback.
            fields += ["role", "agency", "is_active"]
        return fields

    def user_change_password(self, request, id, form_url=""):
        # An administrator never sets a password (issue 13): see issue_one_time_passwords.
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        # Separation of duties: a role, agency or comeback that opens records waits for a second
        # administrator (accounts.grants); the user keeps what they had (a new user: inactive).
        obj._before = None
        if change:
            obj._before = grant_of(User.objects.values(*GRANT_FIELDS).get(pk=obj.pk))
        obj._asked = grant_of(obj)
        if not needs_second_administrator(before=obj._before, after=obj._asked):
            obj._asked = None
        elif obj._before is None:
            obj.is_active = False
        else:
            before = obj._before
            obj.role, obj.agency_id, obj.is_active = (
                before["role"],
                before["agency"],
                before["is_active"],
            )
        # Only the admin role enters this site; the flag mirrors the role for Django's checks.
        obj.is_staff = obj.role == "admin" and obj.is_active
        if not change:
            obj._one_time_password = one_time_password()
            obj.set_password(obj._one_time_password)
            obj.must_change_password = True
        super().save_model(request, obj, form, change)
        if obj._asked:
            grant_request(
                user=obj,
                role=obj._asked["role"],
                agency_id=obj._asked["agency"],
                actor=request.user,
                request=request,
            )
            messages.warning(
                request,
                "役割・所属・有効化は、別の管理者が「役割の付与」で承認してから反映されます。",
            )

    def response_add(self, request, obj, post_url_continue=None):
        return self._one_time_passwords_page(request, [(obj, obj._one_time_password)])

    @admin.action(description="一時パスワードを発行する（次のログインで変更が必要）")
    def issue_one_time_passwords(self, request, queryset):
        issued = []
        for user in queryset.exclude(pk=request.user.pk):
            if not may_reset_credential(
                actor=request.user, user=user, action="user.password_reset_issued"
            ):
                messages.error(request, _TAKEOVER % {"user": user})
                continue
            password = one_time_password()
            user.set_password(password)
            user.must_change_password = True
            user.save(update_fields=["password", "must_change_password"])
            record("user.password_reset_issued", actor=request.user, target=user, request=request)
            issued.append((user, password))
        if queryset.filter(pk=request.user.pk).exists():
            messages.warning(request, "自分のパスワードは「ログインの設定」から変更してください。")
        return self._one_time_passwords_page(request, issued)

    def _one_time_passwords_page(self, request, issued):
        """Shown once, never stored in a message or a log: the administrator hands them over."""
        return TemplateResponse(
            request,
            "admin/accounts/one_time_passwords.html",
            {**self.admin_site.each_context(request), "issued": issued, "title": "一時パスワード"},
        )

    @admin.action(description="2要素認証をリセットする（スマートフォンをなくしたとき）")
    def reset_second_factors(self, request, queryset):
        done = 0
        for user in queryset:
            if not may_reset_credential(actor=request.user, user=user, action="mfa.reset"):
                messages.error(request, _TAKEOVER % {"user": user})
                continue
            mfa.reset(actor=request.user, user=user, request=request)
            done += 1
        if done:
            messages.success(
                request,
                f"{done} 人の2要素認証をリセットしました。次のログインで設定し直します。",
            )

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
                # Separation of duties: what this change granted or took away, before → after
                # (a grant waiting for a second administrator is its own event).
                "before": obj._before,
                "after": grant_of(obj),
            },
        )
        return super().log_change(request, obj, message)


@admin.register(ApiToken)
class ApiTokenAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "hint",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", "revoked_at", "expires_at"]
    # A revoked token stays revoked: revoking is done by its owner or with the action below.
    fields = [
        "user",
        "name",
        "hint",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description="選択したトークンを失効させる")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            services.token_revoke(token=token, actor=request.user, request=request)

    def has_add_permission(self, request, *args):
        return False  # tokens are issued by their owner, who sees the raw value once


@admin.register(RoleGrant)
class RoleGrantAdmin(AdminRoleOnly, admin.ModelAdmin):
    """The second administrator's desk: grants asked for on the user screen, approved or
    refused here by someone other than the asker and the user (accounts.grants)."""

    list_display = ["user", "role", "agency", "requested_by", "requested_at", "status"]
    list_filter = ["status", "role"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user", "agency", "requested_by"]
    actions = ["approve", "reject"]

    def has_add_permission(self, request, *args):
        return False  # asked for by changing the user

    def has_change_permission(self, request, obj=None):
        return False  # decided by the actions below, never edited

    @admin.action(description="選択した付与を承認する")
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description="選択した付与を却下する")
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)

    def _decide(self, request, queryset, *, approve):
        done = 0
        for grant in queryset:
            try:
                grant_decide(grant=grant, actor=request.user, approve=approve, request=request)
                done += 1
            except RuleViolation as exc:
                messages.error(request, f"{grant}: {exc.message}")
        if done:
            verb = "承認" if approve else "却下"
            messages.success(request, f"{done} 件を{verb}しました。")
