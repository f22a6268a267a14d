from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class MpactConfig(AppConfig):
    name = "mpact"
    verbose_name = "M-Pact"

    def ready(self):
        from mpact import checks  # noqa: F401 - registers the start-up checks


class MpactAdminConfig(AdminConfig):
    default_site = "mpact.admin.MpactAdminSite"
