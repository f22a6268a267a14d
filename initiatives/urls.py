from django.urls import path

from initiatives import manage_views, support_views, talk_views, views

app_name = "initiatives"

urlpatterns = [
    path("activiteiten/", views.activity_list, name="activity_list"),
    path("activiteiten/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("bijeenkomsten/<int:pk>/aanmelden/", views.session_signup, name="session_signup"),
    path("bijeenkomsten/<int:pk>/agenda.ics", views.session_calendar, name="session_calendar"),
    path("aanmeldingen/<str:token>/", views.signup_status, name="signup_status"),
    path("aanmeldingen/<str:token>/annuleren/", views.signup_cancel, name="signup_cancel"),
    path("mijn-aanmeldingen/", views.my_signups, name="my_signups"),
    path("vacatures/", views.opportunity_list, name="opportunity_list"),
    path("vacatures/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("organisaties/aanmelden/", views.organisation_register, name="organisation_register"),
    path("organisaties/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("uitnodigingen/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Residents' initiatives and organisations' offers (issue 15); an initiative's own page,
    # the proposer's list and an organisation's offers are matching's (they show pairings).
    path("initiatieven/", support_views.initiative_list, name="initiative_list"),
    path("initiatieven/nieuw/", support_views.initiative_create, name="initiative_create"),
    path(
        "initiatieven/<int:pk>/wijzigen/", support_views.initiative_edit, name="initiative_edit"
    ),
    path(
        "initiatieven/<int:pk>/intrekken/",
        support_views.initiative_withdraw,
        name="initiative_withdraw",
    ),
    path(
        "initiatieven/<int:pk>/berichten/nieuw/",
        support_views.initiative_message,
        name="initiative_message",
    ),
    path("aanbod/", support_views.offer_list, name="offer_list"),
    path("aanbod/<int:pk>/", support_views.offer_detail, name="offer_detail"),
    # An organisation's own pages
    path("beheer/<slug:slug>/", manage_views.dashboard, name="manage_dashboard"),
    path(
        "beheer/<slug:slug>/vacatures/nieuw/",
        manage_views.opportunity_form,
        name="manage_opportunity_create",
    ),
    path(
        "beheer/<slug:slug>/vacatures/<int:pk>/",
        manage_views.opportunity_form,
        name="manage_opportunity_edit",
    ),
    path(
        "beheer/<slug:slug>/vacatures/<int:pk>/kopieren/",
        manage_views.opportunity_duplicate,
        name="manage_opportunity_duplicate",
    ),
    path(
        "beheer/<slug:slug>/vacatures/<int:pk>/status/",
        manage_views.opportunity_status,
        name="manage_opportunity_status",
    ),
    path("beheer/<slug:slug>/reacties/", manage_views.responses, name="manage_responses"),
    path(
        "beheer/<slug:slug>/reacties/<int:pk>/",
        manage_views.response_decide,
        name="manage_response_decide",
    ),
    path("beheer/<slug:slug>/uren/", manage_views.hours, name="manage_hours"),
    path(
        "beheer/<slug:slug>/uren/<int:pk>/", manage_views.hours_decide, name="manage_hours_decide"
    ),
    path("beheer/<slug:slug>/leden/", manage_views.members, name="manage_members"),
    path(
        "beheer/<slug:slug>/leden/<int:pk>/verwijderen/",
        manage_views.member_remove,
        name="manage_member_remove",
    ),
    path(
        "beheer/<slug:slug>/activiteiten/nieuw/",
        manage_views.activity_form,
        name="manage_activity_create",
    ),
    path(
        "beheer/<slug:slug>/activiteiten/<int:pk>/",
        manage_views.activity_form,
        name="manage_activity_edit",
    ),
    path(
        "beheer/<slug:slug>/activiteiten/<int:activity_pk>/bijeenkomsten/nieuw/",
        manage_views.session_form,
        name="manage_session_create",
    ),
    path(
        "beheer/<slug:slug>/activiteiten/<int:activity_pk>/bijeenkomsten/<int:pk>/",
        manage_views.session_form,
        name="manage_session_edit",
    ),
    path(
        "beheer/<slug:slug>/aanbod/nieuw/",
        support_views.manage_offer_form,
        name="manage_offer_create",
    ),
    path(
        "beheer/<slug:slug>/aanbod/<int:pk>/",
        support_views.manage_offer_form,
        name="manage_offer_edit",
    ),
    path(
        "beheer/<slug:slug>/aanbod/<int:pk>/status/",
        support_views.manage_offer_status,
        name="manage_offer_status",
    ),
    # Talk sessions (issue 14): a series, the attendance register, the figures
    path(
        "beheer/<slug:slug>/activiteiten/<int:pk>/reeksen/nieuw/",
        talk_views.series_form,
        name="manage_series_create",
    ),
    path(
        "beheer/<slug:slug>/activiteiten/<int:activity_pk>/bijeenkomsten/<int:pk>/aanwezigheid/",
        talk_views.attendance,
        name="manage_attendance",
    ),
    path(
        "beheer/<slug:slug>/activiteiten/<int:pk>/cijfers/",
        talk_views.figures,
        name="manage_figures",
    ),
]
