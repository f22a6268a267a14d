from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    # nieuw/ before <token>/: the form to ask is not a request's signed address.
    path("hulpvragen/nieuw/", views.help_request_create, name="help_request_create"),
    path("hulpvragen/<str:token>/", views.help_request_status, name="help_request_status"),
    path("mijn-hulpvragen/", views.my_help_requests, name="my_help_requests"),
    path("voorstellen/<str:token>/", views.suggestion_answer, name="suggestion_answer"),
    path("vrijwilliger/voorstellen/<int:pk>/", views.suggestion_detail, name="suggestion_detail"),
    path(
        "vrijwilliger/voorstellen/<int:pk>/niet-voor-mij/",
        views.opportunity_suggestion_decline,
        name="opportunity_suggestion_decline",
    ),
    path(
        "vacatures-mail/uit/<str:token>/", views.opportunity_email_off, name="opportunity_email_off"
    ),
    path(
        "beheer/<slug:slug>/hulpvragen/nieuw/",
        views.organisation_help_request,
        name="organisation_help_request",
    ),
]
