"""Micro-caching of public pages for visitors who are not logged in.

The activity and opportunity lists are what most visitors open, and rendering them costs far
more than serving them. A visitor without an account and without pending messages sees the
same page as every other such visitor, so the rendered page is kept for a short time
(PUBLIC_PAGE_CACHE_SECONDS, keyed on the path, the language and the normalised query string).

Every change to what these pages show calls `public_pages_changed()` when it commits (a
sign-up takes a place; a save or delete of what the pages show, initiatives/apps.py), which
gives the pages a new version: every page stored under an older one is rendered again on its
next visit, in every process.

A hit costs one round trip to the shared cache and no unpickling of a response:

- each process keeps the pages it served last in memory (`PUBLIC_PAGE_LOCAL_ENTRIES`), as
  bytes and headers with the version they were rendered under; a hit there only asks the
  shared cache for the current version (a few bytes);
- a page this process does not hold is fetched together with the version (`get_many`, one
  round trip), and kept.

With Redis, a hit usually costs no round trip at all: each process keeps a thread subscribed
to a channel on which `public_pages_changed()` announces every new version, and while that
subscription is live (checked every second) the process knows the current version without
asking. When it is not (Redis down, the thread reconnecting), hits ask as above. A change made
in this process is known here at once; other processes learn it from the channel, which
arrives before the person who made the change can load the next page.

The version is a random token, not a counter: when the shared cache loses it (Redis restarted
or flushed) a new one is made, and no page rendered before matches it any more (a process
with a live subscription notices within a second, when it reads the version again).

No stampede after a change: when a page's version is old, one process (the one that claims
the render in the shared cache, for RENDER_CLAIM_SECONDS at most) renders it again, and
meanwhile the others go on serving the page they hold, which is at most the cache time old.
Without a render in progress, a change shows on the very next visit.

Logged-in people get the same lists with their own header: the part of a list page below the
header is a fragment (`cached_fragment`) kept per process under the same version, so a logged-in
list costs a render of the header only, and shows an edit as soon as visitors see it.

A person's own page (the volunteer's page) is kept the same way, below their header, per person
(`person_fragment`): under their own version, which every change to what it shows replaces
(`person_changed`, when the change commits), and the public pages' version (the titles and
names it shows), in their language, on this date. Their version lives on their row in the
database (`User.page_version`), not in the cache: it comes with the user's own query at no
cost, a change made in a worker or during a Redis outage cannot be lost, and every process
sees it at once with or without Redis. Its forms' CSRF tokens are put in per request.
"""

import hashlib
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from functools import cache as once
from functools import partial, wraps
from threading import Lock
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

VERSION_KEY = "public-pages:version"
CHANNEL_KEY = "public-pages:changed"
logger = logging.getLogger("mpact.cache")


RENDER_CLAIM_SECONDS = 10


def public_pages_changed() -> None:
    """Every public page shows the change on its next visit (after the commit that made it)."""
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    versions.changed(version)


def current_version() -> str | None:
    """The version public pages are rendered under now: without a round trip while this
    process's subscription is live, else read (and made when missing) from the cache."""
    return versions.known() or _current_version()


class _Versions:
    """The current version as this process knows it from the channel, per Redis server.

    `known()` answers the version while this process's subscription is live, else None (ask
    the cache). A thread per process and server keeps the subscription: it subscribes, then
    reads the version (so no change between the two is missed), and on every message reads
    it again (the last write wins, whatever order the messages come in). It also reads it
    every second, which is how it notices a Redis that stopped answering or was flushed; a
    failure makes the version unknown until it is subscribed again."""

    PING_SECONDS = 1.0

    def __init__(self):
        self.lock = threading.Lock()
        self.states = {}  # (pid, servers) -> {"version": str | None, "live": bool}

    @staticmethod
    def _backend():
        from mpact.cache_backends import FailSoftRedisCache

        backend = caches["default"]
        return backend if isinstance(backend, FailSoftRedisCache) else None

    def _state(self, backend):
        key = (os.getpid(), backend._servers_key())
        state = self.states.get(key)
        if state is None:
            with self.lock:
                state = self.states.get(key)
                if state is None:
                    state = self.states[key] = {"version": None, "live": False}
                    thread = threading.Thread(
                        target=self._listen,
                        args=(backend, state),
                        name="public-pages-versions",
                        daemon=True,
                    )
                    thread.start()
        return state

    def known(self) -> str | None:
        backend = self._backend()
        if backend is None or not backend._available():
            return None
        state = self._state(backend)
        return state["version"] if state["live"] else None

    def resync(self) -> None:
        """Read the version again now, not at the next second (after the cache was cleared)."""
        backend = self._backend()
        if backend is None:
            return
        state = self.states.get((os.getpid(), backend._servers_key()))
        if state is not None and state["live"]:
            _refresh(state, backend)

    def changed(self, version: str) -> None:
        """This process changed the version: known here at once, announced to the others."""
        backend = self._backend()
        if backend is None:
            return
        state = self._state(backend)
        if state["live"]:
            state["version"] = version
        backend._call(
            "publish",
            lambda: None,
            lambda: backend._cache.get_client(write=True).publish(
                backend.make_key(CHANNEL_KEY), version
            ),
        )

    def _listen(self, backend, state):
        wait = 0.5
        channel = backend.make_key(CHANNEL_KEY)
        while True:
            pubsub = None
            try:
                client = backend._cache.get_client(write=True)
                pubsub = client.pubsub()
                pubsub.subscribe(channel)
                confirmed = pubsub.get_message(timeout=2.0)
                if not confirmed or confirmed["type"] != "subscribe":
                    raise ConnectionError("no confirmation of the subscription")
                _refresh(state, backend)
                wait = 0.5
                pinged = time.monotonic()
                while state["live"]:
                    message = pubsub.get_message(timeout=self.PING_SECONDS)
                    announced = message is not None and message["type"] == "message"
                    # Also every second: how a flushed Redis (no message) is noticed.
                    if announced or time.monotonic() - pinged >= self.PING_SECONDS:
                        _refresh(state, backend)
                        pinged = time.monotonic()
            except Exception as exc:  # noqa: BLE001  (any failure: not live, try again)
                logger.debug("public page versions: %s", exc)
            finally:
                state["live"] = False
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except Exception:  # noqa: BLE001
                        pass
            time.sleep(wait)
            wait = min(wait * 2, 5.0)


def _refresh(state, backend) -> None:
    """A process's known version read again from Redis; not live when Redis cannot say."""
    state["version"] = _current_version(backend)
    state["live"] = state["version"] is not None


versions = _Versions()


class _Local:
    """The pages this process served last: key -> (version, expires at, page), at most
    `PUBLIC_PAGE_LOCAL_ENTRIES`, the least recently used dropped first. Thread-safe."""

    def __init__(self):
        self.pages = OrderedDict()
        self.lock = Lock()

    def get(self, key):
        with self.lock:
            entry = self.pages.get(key)
            if entry is None:
                return None
            if entry[1] <= time.time():
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return entry

    def put(self, key, entry):
        limit = settings.PUBLIC_PAGE_LOCAL_ENTRIES
        if limit <= 0:
            return
        with self.lock:
            self.pages[key] = entry
            self.pages.move_to_end(key)
            while len(self.pages) > limit:
                self.pages.popitem(last=False)

    def clear(self):
        with self.lock:
            self.pages.clear()


local_pages = _Local()
local_fragments = _Local()


def cached_fragment(key: str, render) -> str:
    """A piece of a page that is the same for everyone asking with the same `key` (which
    names the language and whatever else it depends on but the data), rendered once per
    process per version of the public pages and kept for PUBLIC_PAGE_CACHE_SECONDS at most, as
    the pages are: a list below its header (the same for logged-in people as for visitors),
    and the list's filter form (a fifth of a list's render by itself). With the page cache
    off, always rendered."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if not seconds:
        return render()
    version = current_version()
    held = local_fragments.get(key)
    if held is not None and held[0] == version:
        return held[2]
    html = render()
    if version is not None:
        local_fragments.put(key, (version, time.time() + seconds, html))
    return html


def request_key(request, kind: str = "public-page") -> str:
    """A key for what a GET request shows: its path, its normalised query and the language."""
    query = urlencode(
        sorted((key, value) for key in request.GET for value in request.GET.getlist(key))
    )
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()[:32]
    return f"{kind}:{get_language()}:{digest}"


def _current_version(backend=cache) -> str | None:
    """The version, made when the shared cache has none (None when it cannot keep one)."""
    version = backend.get(VERSION_KEY)
    if version is None:
        backend.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = backend.get(VERSION_KEY)
    return version


def _response(page) -> HttpResponse:
    status, headers, content = page
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


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
        key = request_key(request)
        held = stale = local_pages.get(key)
        version = versions.known()
        if version is not None:  # no round trip for the version
            if held is not None and held[0] == version:
                return _response(held[2])
            stored = cache.get(key)
            if stored is not None and stored[0] == version:
                local_pages.put(key, stored)
                return _response(stored[2])
            stale = stale or stored
        elif held is not None:
            version = cache.get(VERSION_KEY)
            if version is not None and held[0] == version:
                return _response(held[2])
        else:
            found = cache.get_many([VERSION_KEY, key])
            version, stored = found.get(VERSION_KEY), found.get(key)
            if version is not None and stored is not None and stored[0] == version:
                local_pages.put(key, stored)
                return _response(stored[2])
            stale = stored
        if version is None:
            version = _current_version()
        claim = f"{key}:rendering:{version}"
        # An older page while another process renders this version: no stampede.
        if (
            stale is not None
            and version is not None
            and not cache.add(claim, 1, RENDER_CLAIM_SECONDS)
        ):
            return _response(stale[2])
        kept = False
        try:
            response = view(request, *args, **kwargs)
            # Only shareable responses: a page that set a cookie (a CSRF token, a session) is
            # someone's own.
            if (
                version is not None
                and response.status_code == 200
                and not response.cookies
                and not response.streaming
            ):
                page = (response.status_code, list(response.items()), response.content)
                entry = (version, time.time() + seconds, page)
                cache.set(key, entry, seconds)
                local_pages.put(key, entry)
                kept = True
        finally:
            if stale is not None and not kept:
                cache.delete(claim)  # not rendered after all: the next visit tries again
        return response

    return wrapped


# --- A person's own page ------------------------------------------------------------------------

# What a kept page holds where a form's CSRF token goes: the request's own is put in on the way
# out (a token belongs to a browser, and changes when the person logs in again).
CSRF_PLACEHOLDER = "kept-page-csrf-token"
PERSON_BATCH = 500  # ids or addresses per UPDATE (SQLite limits the parameters of one query)

local_person_pages = _Local()


def person_changed(*, users=(), emails=(), using=None) -> None:
    """What these people's own page shows changed: each gets a new page version when the
    transaction commits (at once outside one), so the next visit renders the page again.

    `users`: user ids, or a queryset of them (`.values("user_id")`), read when the change
    commits, so it must still find the people then; `emails`: addresses, for what is found
    by e-mail address (sign-ups, also a guest's). Call it after the write: outside a
    transaction the new version is written at once, and a page rendered between a new version
    and the change would be kept under it.

    A save or delete of what the page shows calls it through signals (`person_pages_follow`,
    in each app's apps.py); an update() or bulk_create, which sends none, calls it itself.
    Failing to write the version is logged, never raised: the change is committed by then."""
    if isinstance(users, int):
        users = [users]
    if isinstance(emails, str):
        emails = [emails]
    if not isinstance(users, QuerySet):
        users = sorted({pk for pk in users if pk is not None})
    emails = sorted({email for email in emails if email})
    if isinstance(users, QuerySet) or users or emails:
        transaction.on_commit(partial(_person_bump, users, emails, using), using=using)


def _person_bump(users, emails, using) -> None:
    people = get_user_model()._default_manager.db_manager(using)
    version = uuid.uuid4()
    try:
        with transaction.atomic(using=using):
            if isinstance(users, QuerySet):
                people.filter(pk__in=users).update(page_version=version)
            else:
                for start in range(0, len(users), PERSON_BATCH):
                    people.filter(pk__in=users[start : start + PERSON_BATCH]).update(
                        page_version=version
                    )
            for start in range(0, len(emails), PERSON_BATCH):
                people.filter(email__in=emails[start : start + PERSON_BATCH]).update(
                    page_version=version
                )
    except DatabaseError:
        # Committed already: the page may show the old state until it expires (at most
        # PUBLIC_PAGE_CACHE_SECONDS), never an error for the change.
        logger.exception("A person's page version could not be changed")


def person_pages_follow(model, people, *, owner=None) -> None:
    """Every save and delete of `model` (the admin's, a form's, a service's) changes the own
    page of the people `people(instance)` names: a dict of person_changed's arguments. `owner`
    names the field that says whose the row is (a foreign key to users or profiles, an e-mail
    field): a row saved whole that moves to someone else changes the page it leaves too."""
    label = model._meta.label

    def changed(sender, instance, using=None, **kwargs):
        person_changed(using=using, **people(instance))

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"person_save_{label}")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"person_delete_{label}")
    if owner is None:
        return
    attname = model._meta.get_field(owner).attname

    def leaving(sender, instance, using=None, update_fields=None, **kwargs):
        if instance._state.adding or instance.pk is None:
            return
        if update_fields is not None and not {owner, attname} & set(update_fields):
            return
        before = (
            model._default_manager.db_manager(using)
            .filter(pk=instance.pk)
            .values_list(attname, flat=True)
            .first()
        )
        if before is not None and before != getattr(instance, attname):
            previous = model(**{attname: before})
            person_changed(using=using, **people(previous))

    pre_save.connect(leaving, sender=model, weak=False, dispatch_uid=f"person_owner_{label}")


def _csrf_input(token: str) -> str:
    """What {% csrf_token %} writes for this token (Django's own node, so the same HTML)."""
    return CsrfTokenNode().render(Context({"csrf_token": token}))


@once
def _csrf_placeholder_input() -> str:
    return _csrf_input(CSRF_PLACEHOLDER)


def person_fragment(request, name: str, render) -> str:
    """The part of a person's own page below the header (`name` tells pages apart), kept per
    person and process and in the shared cache for PUBLIC_PAGE_CACHE_SECONDS at most, as the
    public pages are, under the person's page version (person_changed), the public pages'
    version, the language and the date (a pause ends on a date). `render(csrf_token)` renders
    it with `csrf_token` in its template's context, for the forms' {% csrf_token %}: a
    placeholder, for which the request's own token is put in here, kept or not. Without the
    page cache, or without a public version (Redis down), always rendered."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    public = current_version() if seconds else None
    if public is None:
        html = render(CSRF_PLACEHOLDER)
    else:
        user = request.user
        parts = [
            name,
            user.pk,
            user.page_version,
            user.email,
            get_language(),
            public,
            timezone.localdate().isoformat(),
        ]
        digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:40]
        key = f"person-page:{digest}"
        held = local_person_pages.get(key)
        if held is not None:
            html = held[2]
        else:
            stored = cache.get(key)
            if stored is not None and stored[0] > time.time():
                expires, html = stored
            else:
                html = render(CSRF_PLACEHOLDER)
                expires = time.time() + seconds
                cache.set(key, (expires, html), seconds)
            local_person_pages.put(key, (public, expires, html))
    placeholder = _csrf_placeholder_input()
    if placeholder in html:
        html = html.replace(placeholder, _csrf_input(get_token(request)))
    return mark_safe(html)  # a template rendered it (autoescaped); the tokens are Django's
