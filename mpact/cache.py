"""Micro-caching of public pages for visitors who are not logged in.

The activity and opportunity lists are what most visitors open, and rendering them costs far
more than serving them. A visitor without an account and without pending messages sees the
same page as every other such visitor, so the rendered page is kept for a short time
(PUBLIC_PAGE_CACHE_SECONDS, keyed on the language and the normalised query string).

Writes that change what these pages show right away (a sign-up takes a place) call
`public_pages_changed()`, which moves every key to a new version; other edits (a coordinator
editing an activity) show within the cache time.
"""

import hashlib
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.utils.translation import get_language

VERSION_KEY = "public-pages:version"


def public_pages_changed() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates the old keys
        cache.set(VERSION_KEY, 1, None)


def _page_key(request) -> str:
    version = cache.get(VERSION_KEY) or 0
    query = urlencode(
        sorted((key, value) for key in request.GET for value in request.GET.getlist(key))
    )
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()[:32]
    return f"public-page:{version}:{get_language()}:{digest}"


def cache_public_page(view):
    """Serve a GET view from the cache to anonymous visitors without pending messages."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if (
            not seconds
            or request.method != "GET"
            or request.user.is_authenticated
            or len(get_messages(request))
        ):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        # Only shareable responses: a page that set a cookie (a CSRF token, a session) is
        # someone's own.
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, response, seconds)
        return response

    return wrapped
