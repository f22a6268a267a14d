from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from mpact import views

# The admin logs in through allauth, so its login is rate limited like every other one.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "M-Pact"
admin.site.site_title = "M-Pact"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("privacy/", views.privacy, name="privacy"),
    path("meldingen/", views.notification_list, name="notifications"),
    path("meldingen/gelezen/", views.notifications_read, name="notifications_read"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("initiatives.urls")),
    path("", include("volunteers.urls")),
    # Uploaded activity images. Small deployments let Django serve them; behind a proxy that
    # serves MEDIA_ROOT itself, this route is simply never reached.
    re_path(r"^media/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT}, name="media"),
]
