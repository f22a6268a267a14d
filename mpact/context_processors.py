from django.conf import settings
from django.utils.functional import SimpleLazyObject

from mpact.users.backends import UNREAD


def site(request):
    def unread():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        loaded = getattr(user, UNREAD, None)  # with the user (mpact/users/backends.py)
        if loaded is not None:
            return loaded
        return user.notifications.filter(read_at__isnull=True).count()

    # Lazy: a page that does not show the count does not pay for the query.
    return {"SITE_URL": settings.SITE_URL, "unread_notifications": SimpleLazyObject(unread)}
