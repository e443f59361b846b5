from django.urls import path

from . import views

app_name = "identity"
urlpatterns = [
    path("matches/", views.match_list, name="match_list"),
    path("matches/<uuid:match_id>/", views.match_detail, name="match_detail"),
    path("matches/<uuid:match_id>/confirm/", views.match_confirm, name="match_confirm"),
    path("matches/<uuid:match_id>/distinct/", views.match_reject, name="match_reject"),
    path("<uuid:identity_id>/", views.identity_detail, name="identity_detail"),
    path(
        "<uuid:identity_id>/unlink/<uuid:person_id>/",
        views.identity_unlink,
        name="identity_unlink",
    ),
]
