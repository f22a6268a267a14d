from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Help requests and matching")

    def ready(self):
        # Pair offers with initiatives as soon as either is approved or posted.
        from matching import support  # noqa: F401
