from django.contrib import admin

from yorisoi.http.admin_site import AdminRoleOnly

from .models import Agency, AgencyKind, Area, District, Domain, IssueCategory, MeetingKind


@admin.register(AgencyKind)
class AgencyKindAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = [
        "name",
        "scope",
        "operations_display",
        "site_count_display",
        "coordinating",
        "active",
    ]
    list_filter = ["active", "coordinating", "domains"]
    search_fields = ["name", "code"]
    filter_horizontal = ["domains"]


@admin.register(Agency)
class AgencyAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "district", "active"]
    list_filter = ["active", "kind"]
    search_fields = ["name", "code"]
    list_select_related = ["kind", "district"]


@admin.register(District)
class DistrictAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["name", "code", "area", "active"]
    list_filter = ["area", "active"]


@admin.register(Area)
class AreaAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["name", "code", "active"]


@admin.register(Domain)
class DomainAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["name", "code", "order", "active"]


@admin.register(IssueCategory)
class IssueCategoryAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["name", "code", "domain", "national_topic", "active"]
    list_filter = ["domain", "national_topic", "active"]
    search_fields = ["name", "code"]


@admin.register(MeetingKind)
class MeetingKindAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["name", "code", "legal_type", "order", "active"]
    list_filter = ["legal_type", "active"]
