"""The authentication backends: Django's and allauth's, loading a request's user together with
the count of their unread notifications, which the header shows on every page (one query
instead of two on every page a logged-in person opens; mpact/context_processors.py reads it).

It also loads what settings.USER_LOADED_WITH names (one-to-one rows the pages read, joined
into the same query: the volunteer profile).

A session remembers the backend it was made with, so these replace the two in
AUTHENTICATION_BACKENDS rather than sit beside them.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.db.models import Count, Q

UNREAD = "unread_notification_count"


class _UnreadCountOnLoad:
    def get_user(self, user_id):
        users = (
            get_user_model()
            ._default_manager.select_related(*settings.USER_LOADED_WITH)
            .annotate(
                **{UNREAD: Count("notifications", filter=Q(notifications__read_at__isnull=True))}
            )
        )
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_UnreadCountOnLoad, backends.ModelBackend):
    pass


class AuthenticationBackend(_UnreadCountOnLoad, AllauthBackend):
    pass
