"""The coordinators group and what it may do in the admin, kept in step after every migrate."""

from django.contrib.auth.models import Group, Permission

from mpact.users.models import COORDINATORS_GROUP

# Coordinators manage these apps' data in full; they see notifications but do not edit them.
COORDINATOR_APPS = ["core", "initiatives", "volunteers", "matching"]
COORDINATOR_VIEW_ONLY = [("notifications", "notification"), ("notifications", "textmessage")]


def coordinators_group_sync(**kwargs) -> Group:
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    permissions = list(Permission.objects.filter(content_type__app_label__in=COORDINATOR_APPS))
    for app_label, model in COORDINATOR_VIEW_ONLY:
        permissions += list(
            Permission.objects.filter(content_type__app_label=app_label, codename=f"view_{model}")
        )
    group.permissions.set(permissions)
    return group
