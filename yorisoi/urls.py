from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from yorisoi.api import api

urlpatterns = [
    path("", include("yorisoi.front.urls")),
    path("accounts/", include("yorisoi.accounts.urls")),
    path("people/", include("yorisoi.people.urls")),
    path("identity/", include("yorisoi.people.identity.urls")),
    path("consultations/", include("yorisoi.intake.urls")),
    path("cases/", include("yorisoi.cases.urls")),
    path("audit/", include("yorisoi.audit.urls")),
    path("outreach/", include("yorisoi.outreach.urls")),
    path("resources/", include("yorisoi.resources.urls")),
    path("community/", include("yorisoi.community.urls")),
    path("participation/", include("yorisoi.participation.urls")),
    path("notifications/", include("yorisoi.notifications.urls")),
    path("evaluation/", include("yorisoi.evaluation.urls")),
    path("imports/", include("yorisoi.imports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
]
