from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("cases/<uuid:case_id>/", views.case_log, name="case_log"),
    path("", views.trail, name="trail"),
    path(
        "people/<uuid:person_id>/disclosure.pdf",
        views.disclosure_report,
        {"fmt": "pdf"},
        name="disclosure_pdf",
    ),
    path(
        "people/<uuid:person_id>/disclosure.xlsx",
        views.disclosure_report,
        {"fmt": "xlsx"},
        name="disclosure_xlsx",
    ),
]
