from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "mpact.users"
    label = "users"
    verbose_name = _("Accounts")

    def ready(self):
        from mpact.users.roles import coordinators_group_sync

        # post_migrate is sent once per app, after auth has created that app's permissions: no
        # sender, so the group ends up with the permissions of every app. Idempotent.
        post_migrate.connect(coordinators_group_sync, dispatch_uid="coordinators_group_sync")
