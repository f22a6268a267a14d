from django.urls import path

from initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("activiteiten/", views.activity_list, name="activity_list"),
    path("activiteiten/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("sessies/<int:pk>/aanmelden/", views.session_signup, name="session_signup"),
    path("sessies/<int:pk>/agenda.ics", views.session_calendar, name="session_calendar"),
    path("aanmelding/<str:token>/", views.signup_status, name="signup_status"),
    path("aanmelding/<str:token>/annuleren/", views.signup_cancel, name="signup_cancel"),
    path("mijn-aanmeldingen/", views.my_signups, name="my_signups"),
]
