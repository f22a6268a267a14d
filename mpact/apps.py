from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class MpactConfig(AppConfig):
    name = "mpact"
    verbose_name = "M-Pact"


class MpactAdminConfig(AdminConfig):
    default_site = "mpact.admin.MpactAdminSite"
