"""Public pages come from the cache for visitors who are not logged in, and a sign-up shows
at once."""

import pytest
from django.test import override_settings
from django.urls import reverse

from initiatives import services
from mpact.factories import SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]
LIST = reverse("initiatives:activity_list")


@pytest.fixture
def page_cache_on():
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=60):
        yield


def test_second_anonymous_visit_costs_no_queries(client, django_assert_num_queries):
    session = SessionFactory()
    first = client.get(LIST, {"kind": "walk"})
    assert session.activity.title in first.content.decode()
    with django_assert_num_queries(0):
        second = client.get(LIST, {"kind": "walk"})
    assert second.content == first.content
    # Another filter is another page.
    assert client.get(LIST, {"kind": "sport"}).content != first.content


def test_the_page_has_no_personal_token(client):
    SessionFactory()
    response = client.get(LIST)
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies


def test_a_sign_up_shows_at_once(client, django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=5)
    url = session.activity.get_absolute_url()
    assert "5 / 5" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_create(session=session, name="Ana", email="ana@example.org")
    assert "4 / 5" in client.get(url).content.decode()


def test_logged_in_people_get_a_page_of_their_own(client, resident):
    SessionFactory()
    client.force_login(resident)
    client.get(LIST)
    response = client.get(LIST)
    assert response.context is not None  # rendered, not the page cache's copy
    assert "csrfmiddlewaretoken" in response.content.decode()  # their log-out form


def test_languages_are_cached_apart(client):
    SessionFactory()
    dutch = client.get(LIST).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(LIST).content.decode()
    assert 'lang="nl"' in dutch and 'lang="en"' in english


def test_a_page_with_a_message_is_not_shared(client):
    signup = services.signup_create(session=SessionFactory(), name="Ana", email="a@example.org")
    url = signup.session.activity.get_absolute_url()
    client.get(url)  # cached, without message
    response = client.post(services.signup_cancel_url(signup), follow=True)
    assert response.redirect_chain[-1][0] == url
    assert response.context is not None
    assert response.context["messages"]


def test_an_opportunity_page_is_shared_but_a_draft_never(client, django_assert_num_queries):
    from initiatives.models import Opportunity
    from mpact.factories import OpportunityFactory

    opportunity = OpportunityFactory()
    client.get(opportunity.get_absolute_url())
    with django_assert_num_queries(0):
        client.get(opportunity.get_absolute_url())
    draft = OpportunityFactory(status=Opportunity.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.fixture
def cache_calls():
    """Every call the page cache makes to the shared cache, by method name."""
    from unittest import mock

    from mpact import cache as page_cache

    calls = []
    real = page_cache.cache

    class Counting:
        def __getattr__(self, name):
            attribute = getattr(real, name)
            if not callable(attribute):
                return attribute

            def counted(*args, **kwargs):
                calls.append(name)
                return attribute(*args, **kwargs)

            return counted

    with mock.patch.object(page_cache, "cache", Counting()):
        yield calls


def _wait_until(predicate, seconds=5.0):
    import time

    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_hit_costs_at_most_one_round_trip_to_the_shared_cache(client, cache_calls):
    from mpact.cache import local_pages, versions

    SessionFactory()
    first = client.get(LIST, {"kind": "walk"}).content
    if versions._backend() is not None:  # Redis: wait for this process's subscription
        assert _wait_until(lambda: versions.known() is not None)
        client.get(LIST, {"kind": "walk"})  # stored under the version the channel gives
        cache_calls.clear()
        assert client.get(LIST, {"kind": "walk"}).content == first
        assert cache_calls == []  # the version is known from the channel, the page held here
        local_pages.clear()  # as another process, which holds no copy
        cache_calls.clear()
        assert client.get(LIST, {"kind": "walk"}).content == first
        assert cache_calls == ["get"]  # the page only
        return
    cache_calls.clear()
    assert client.get(LIST, {"kind": "walk"}).content == first  # from this process's copy
    assert cache_calls == ["get"]  # only the version
    local_pages.clear()  # as another process, which holds no copy
    cache_calls.clear()
    assert client.get(LIST, {"kind": "walk"}).content == first
    assert cache_calls == ["get_many"]  # the version and the page together


@pytest.mark.redis
def test_a_change_announced_by_another_process_arrives_through_the_channel(client):
    """Another process changes the data and the version (SET, then PUBLISH): this process,
    which holds the page and asks nobody on a hit, renders it again."""
    from django.core.cache import caches

    from initiatives.models import Session
    from mpact.cache import CHANNEL_KEY, VERSION_KEY, versions

    session = SessionFactory(capacity=5)
    url = session.activity.get_absolute_url()
    client.get(url)
    assert _wait_until(lambda: versions.known() is not None)
    assert "5 / 5" in client.get(url).content.decode()
    assert "5 / 5" in client.get(url).content.decode()  # held here
    Session.objects.filter(pk=session.pk).update(capacity=6)
    backend = caches["default"]
    backend.set(VERSION_KEY, "another-process", None)
    backend._cache.get_client(write=True).publish(backend.make_key(CHANNEL_KEY), "x")
    assert _wait_until(lambda: versions.known() == "another-process")
    assert "6 / 6" in client.get(url).content.decode()


def test_a_change_elsewhere_reaches_every_process_copy(client, django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=5)
    url = session.activity.get_absolute_url()
    assert "5 / 5" in client.get(url).content.decode()  # now held in this process too
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_create(session=session, name="Ana", email="ana@example.org")
    assert "4 / 5" in client.get(url).content.decode()


def test_a_lost_version_never_serves_an_old_page(client):
    """Redis restarted or flushed: the version is gone, and a copy a process holds from before
    must not come back (a counter would start again at the old number). With the channel, the
    process notices within a second; without it, at once."""
    from django.core.cache import cache

    from initiatives.models import Session

    session = SessionFactory(capacity=5)
    url = session.activity.get_absolute_url()
    assert "5 / 5" in client.get(url).content.decode()
    Session.objects.filter(pk=session.pk).update(capacity=7)  # no refresh asked
    assert "5 / 5" in client.get(url).content.decode()  # still the cached page
    cache.clear()
    assert _wait_until(lambda: "7 / 7" in client.get(url).content.decode(), seconds=3)


def test_each_process_holds_a_bounded_number_of_pages(client, settings):
    from mpact.cache import local_pages

    settings.PUBLIC_PAGE_LOCAL_ENTRIES = 2
    SessionFactory()
    local_pages.clear()
    for kind in ["walk", "sport", "cooking"]:
        client.get(LIST, {"kind": kind})
    assert len(local_pages.pages) == 2


@pytest.mark.redis
def test_the_redis_client_is_made_once_per_pool():
    """Django's Redis cache makes a redis.Redis per call; ours keeps one (it is thread-safe),
    which is a quarter of what a cached page's hit cost."""
    from django.core.cache import caches

    from mpact.cache_backends import FailSoftRedisCache

    cache = caches["default"]
    if not isinstance(cache, FailSoftRedisCache):
        pytest.skip("the cache is not Redis here")
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    cache.set("reuse-check", 1)
    assert cache.get("reuse-check") == 1


def _without_tokens(html: str) -> str:
    """A page without its CSRF token, which is masked anew on every response."""
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


LIST_QUERIES = [
    {},
    {"page": "2"},
    {"kind": "walk"},
    {"q": "wandel"},
    {"q": "koken", "date_from": "2026-06-10", "date_to": "2026-06-01"},  # refused: a message
    {"neighbourhood": "999999", "page": "x"},  # not a choice, not a page
]


def test_every_list_page_is_the_same_from_the_caches_as_rendered(client, resident, settings):
    """The old rendering (every part rendered for every request: the caches off) and the new
    (page, list and filter form from the caches, cold and then warm) give the same HTML, on
    the demo data, for every list page and query, in Dutch and English, for a visitor and for
    a logged-in person."""
    from django.core.cache import cache
    from django.core.management import call_command

    from mpact.cache import local_fragments, local_pages, versions

    call_command("seed_demo", activities=30, opportunities=25, volunteers=10, verbosity=0)
    compared = 0
    for url in [LIST, reverse("initiatives:opportunity_list")]:
        for query in LIST_QUERIES:
            for language in ["nl", "en"]:
                client.cookies["django_language"] = language
                for person in [None, resident]:
                    client.logout()
                    if person is not None:
                        client.force_login(person)
                    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
                    rendered = client.get(url, query)
                    assert rendered.status_code == 200
                    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
                    cache.clear()
                    local_pages.clear()
                    local_fragments.clear()
                    versions.resync()
                    cold, warm = client.get(url, query), client.get(url, query)
                    old = _without_tokens(rendered.content.decode())
                    assert _without_tokens(cold.content.decode()) == old, (url, query, language)
                    assert _without_tokens(warm.content.decode()) == old, (url, query, language)
                    compared += 1
    assert compared == 2 * len(LIST_QUERIES) * 2 * 2
    # The demo data fills more than one page, and the refused filter says why.
    assert 'rel="next"' in old or 'rel="next"' in _without_tokens(client.get(LIST).content.decode())


def test_a_logged_in_list_renders_only_its_header_again(client, resident, coordinator):
    """The list below the header is kept once for everyone; each person's header is theirs."""
    session = SessionFactory()
    client.force_login(resident)
    first = client.get(LIST, {"kind": session.activity.kind})
    assert "page" in first.context  # the list rendered
    again = client.get(LIST, {"kind": session.activity.kind})
    assert "page" not in again.context  # the list kept
    assert _without_tokens(again.content.decode()) == _without_tokens(first.content.decode())
    assert session.activity.title in again.content.decode()
    admin = reverse("admin:index")
    assert admin not in again.content.decode()
    client.force_login(coordinator)
    theirs = client.get(LIST, {"kind": session.activity.kind})
    assert "page" not in theirs.context
    assert admin in theirs.content.decode()  # their own header, the same list


@pytest.mark.parametrize("change", ["title", "session", "language", "delete", "organisation"])
def test_an_edit_anywhere_shows_at_once(
    client, resident, change, django_capture_on_commit_callbacks
):
    """An edit outside the sign-up services (the admin, an organisation's pages) changes the
    version when it commits: the next page shows it, logged in or not."""
    from mpact.factories import LanguageFactory

    session = SessionFactory()
    activity = session.activity
    activity.refresh_from_db()  # with the next session the sessions' save stored
    pages = {"visitor": None, "logged in": resident}

    def shown():
        found = {}
        for who, person in pages.items():
            client.logout()
            if person is not None:
                client.force_login(person)
            found[who] = client.get(LIST).content.decode()
        return found

    before = shown()
    with django_capture_on_commit_callbacks(execute=True):
        if change == "title":
            activity.title = "Nieuwe titel voor de wandeling"
            activity.save()
            expected = "Nieuwe titel voor de wandeling"
        elif change == "session":
            session.capacity += 7
            session.save()
            expected = f"{session.capacity - session.seats_taken} "
        elif change == "language":
            activity.languages.add(
                LanguageFactory(code="ti", name_nl="Tigrinya", name_en="Tigrinya")
            )
            expected = "Tigrinya"
        elif change == "organisation":
            activity.organisation.name = "Buurthuis De Nieuwe Naam"
            activity.organisation.save()
            expected = "Buurthuis De Nieuwe Naam"
        else:
            expected = activity.title
            activity.delete()
    for who, html in shown().items():
        if change == "delete":
            assert expected in before[who] and expected not in html, who
        else:
            assert expected not in before[who] and expected in html, who


def test_while_one_process_renders_a_changed_page_the_others_serve_theirs(
    client, rf, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """No stampede: after a change, the process that claimed the render renders the page; the
    others serve the one they hold meanwhile. With no render in progress, the change shows on
    the next visit (the tests above)."""
    from django.core.cache import cache
    from django.utils import translation

    from mpact.cache import current_version, request_key

    session = SessionFactory(capacity=5)
    url = session.activity.get_absolute_url()
    assert "5 / 5" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_create(session=session, name="Ana", email="ana@example.org")
    with translation.override("nl"):
        claim = f"{request_key(rf.get(url))}:rendering:{current_version()}"
    assert cache.add(claim, 1, 10)  # another process renders this version now
    with django_assert_num_queries(0):
        assert "5 / 5" in client.get(url).content.decode()  # the page held here, meanwhile
    cache.delete(claim)  # that process is done (or gave up)
    assert "4 / 5" in client.get(url).content.decode()


def test_a_render_that_fails_leaves_the_next_visit_to_render(
    client, rf, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache
    from django.utils import translation

    from initiatives import views
    from mpact.cache import current_version, request_key

    session = SessionFactory(capacity=5)
    url = session.activity.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_create(session=session, name="Ana", email="ana@example.org")
    real = views.render

    def failing(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views, "render", failing)
    client.raise_request_exception = False
    assert client.get(url).status_code == 500
    with translation.override("nl"):
        claim = f"{request_key(rf.get(url))}:rendering:{current_version()}"
    assert cache.add(claim, 1, 10)  # the failed render let go of its claim
    cache.delete(claim)
    monkeypatch.setattr(views, "render", real)
    assert "4 / 5" in client.get(url).content.decode()
