from django.urls import path

from matching import support_views, trajectory_views, views

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
    # Trajectories (issue 14): the guide's own, the participant's through a signed link.
    path("vrijwilliger/trajecten/", trajectory_views.my_trajectories, name="my_trajectories"),
    path(
        "vrijwilliger/trajecten/<int:pk>/",
        trajectory_views.trajectory_detail,
        name="trajectory_detail",
    ),
    path(
        "vrijwilliger/trajecten/<int:pk>/gesprekken/nieuw/",
        trajectory_views.check_in_create,
        name="check_in_create",
    ),
    path(
        "vrijwilliger/trajecten/<int:pk>/verhalen/nieuw/",
        trajectory_views.guide_story_create,
        name="guide_story_create",
    ),
    path(
        "mijn-trajecten/",
        trajectory_views.my_trajectories_as_participant,
        name="my_trajectories_as_participant",
    ),
    path("trajecten/<str:token>/", trajectory_views.trajectory_status, name="trajectory_status"),
    path(
        "trajecten/<str:token>/certificaat/",
        trajectory_views.trajectory_certificate,
        name="trajectory_certificate",
    ),
    path(
        "trajecten/<str:token>/verhalen/nieuw/",
        trajectory_views.participant_story_create,
        name="participant_story_create",
    ),
    path("verhalen/", trajectory_views.story_list, name="story_list"),
    path(
        "beheer/<slug:slug>/hulpvragen/nieuw/",
        views.organisation_help_request,
        name="organisation_help_request",
    ),
    # Demand meets supply (issue 15)
    path("initiatieven/<int:pk>/", support_views.initiative_detail, name="initiative_detail"),
    path(
        "initiatieven/<int:pk>/aanbieden/", support_views.support_offer, name="support_offer"
    ),
    path("mijn-initiatieven/", support_views.my_initiatives, name="my_initiatives"),
    path("aanbod/<int:pk>/aanvragen/", support_views.support_ask, name="support_ask"),
    path("beheer/<slug:slug>/aanbod/", support_views.manage_offers, name="manage_offers"),
    path(
        "koppelingen/<int:pk>/accepteren/", support_views.support_accept, name="support_accept"
    ),
    path("koppelingen/<int:pk>/afwijzen/", support_views.support_decline, name="support_decline"),
]
