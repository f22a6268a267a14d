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


def test_logged_in_people_get_a_fresh_page(client, resident):
    SessionFactory()
    client.force_login(resident)
    client.get(LIST)
    response = client.get(LIST)
    assert response.context is not None  # rendered, not from the cache


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


@pytest.mark.parametrize(
    "query",
    [{}, {"kind": "walk"}, {"q": "wandel", "date_from": "2026-06-10", "date_to": "2026-06-01"}],
)
def test_the_filter_form_kept_in_memory_is_the_form_rendered(client, resident, settings, query):
    """Logged in (no page cache): the filter form comes from this process's memory, and the
    page is the same as with every part rendered; an invalid filter keeps its message."""
    import re

    from mpact.cache import local_fragments

    def page(url):  # the log-out form's CSRF token is masked anew on every response
        html = client.get(url, query).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    SessionFactory()
    client.force_login(resident)
    for url in [LIST, reverse("initiatives:opportunity_list")]:
        settings.PUBLIC_PAGE_CACHE_SECONDS = 0
        rendered = page(url)
        settings.PUBLIC_PAGE_CACHE_SECONDS = 60
        local_fragments.clear()
        first = page(url)
        assert len(local_fragments.pages) == 1
        kept = page(url)
        assert rendered == first == kept
        if "date_to" in query and url == LIST:
            assert "form-error" in kept  # the end before the start, said next to the field
