from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("hulp-vragen/", views.help_request_create, name="help_request_create"),
    path("hulpvraag/<str:token>/", views.help_request_status, name="help_request_status"),
    path("mijn-hulpvragen/", views.my_help_requests, name="my_help_requests"),
    path("voorstel/<str:token>/", views.suggestion_answer, name="suggestion_answer"),
    path(
        "beheer/<slug:slug>/ondersteuning/",
        views.organisation_help_request,
        name="organisation_help_request",
    ),
]
