from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom of the apps: reference data every feature app uses (neighbourhoods,
    languages and levels, skills, the week). It imports no feature app."""

    name = "mpact.core"
    label = "core"
    verbose_name = _("Reference data")
