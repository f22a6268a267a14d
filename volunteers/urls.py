from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("vrijwilliger/profiel/", views.profile_edit, name="profile_edit"),
    path("vrijwilliger/uren/nieuw/", views.hours_create, name="hours_create"),
    path("vrijwilliger/uren.csv", views.hours_download, name="hours_download"),
    path("vrijwilligers/<int:pk>/", views.profile_public, name="profile_public"),
]
