from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from mpact import views
from mpact.health import views as health_views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("health/ready/", health_views.ready, name="health_ready"),
    path("privacy/", views.privacy, name="privacy"),
    path("csp-report/", views.csp_report, name="csp_report"),
    path("meldingen/", views.notification_list, name="notifications"),
    path("vrijwilliger/", views.volunteer_dashboard, name="volunteer_dashboard"),
    path("meldingen/gelezen/", views.notifications_read, name="notifications_read"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("initiatives.urls")),
    path("", include("volunteers.urls")),
    path("", include("matching.urls")),
    # Uploaded activity images. Small deployments let Django serve them; behind a proxy that
    # serves MEDIA_ROOT itself, this route is simply never reached.
    re_path(r"^media/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT}, name="media"),
]
