from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate


def site_follows_settings(sender, using="default", **kwargs):
    """The Sites framework's site is this one: its domain from SITE_URL and the name M-Pact,
    which account e-mails greet people with (allauth's "Hallo van …"), set on every migrate."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(settings.SITE_URL).netloc or "localhost", "name": "M-Pact"},
    )


class MpactConfig(AppConfig):
    name = "mpact"
    verbose_name = "M-Pact"

    def ready(self):
        from mpact import checks  # noqa: F401 - registers the start-up checks

        post_migrate.connect(site_follows_settings, sender=self, dispatch_uid="mpact_site")


class MpactAdminConfig(AdminConfig):
    default_site = "mpact.admin.MpactAdminSite"
