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
