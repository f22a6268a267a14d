"""A volunteer's own page (/vrijwilliger/) is kept per person below their header, and every
change to what it shows shows on the next visit (issue 12; mpact/cache.py person_fragment).

A repeat visit costs the session and the user (whose row carries the page's version) and the
header; the part below the header is the same HTML a render gives. Each kind of change is made
here the way the site, an organisation, a coordinator in the admin or the matching run really
makes it, and the next visit must show it. Another person never gets this person's page; each
language is kept apart; the forms carry the request's own CSRF token; without Redis the page
is rendered for every visit, and a copy kept before an outage never comes back after it.
"""

import re
import shutil
import signal
import socket
import subprocess
import time
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import signing
from django.core.cache import caches
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from initiatives import services
from initiatives.models import HoursEntry, Response, SignUp
from matching import runs
from matching.digests import opportunity_digests_send
from matching.models import HelpRequest, MatchSuggestion
from matching.suggestions import opportunity_suggestions_settle, suggestions_expire
from mpact import cache_backends
from mpact.cache import CSRF_PLACEHOLDER, local_person_pages, person_changed
from mpact.factories import (
    HelpRequestFactory,
    HoursEntryFactory,
    LanguageFactory,
    MatchSuggestionFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OpportunityFactory,
    OpportunitySuggestionFactory,
    OrganisationFactory,
    ParticipantFactory,
    ResponseFactory,
    SessionFactory,
    SignUpFactory,
    SkillFactory,
    UserFactory,
    VolunteerProfileFactory,
)
from mpact.notifications.models import Notification
from mpact.users.models import User
from volunteers.models import VolunteerLanguage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on", "no_broker")]

PAGE = reverse("volunteer_dashboard")
CONTENT = "volunteers/dashboard_content.html"


@pytest.fixture
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def no_broker():
    """Notifications are rows; handing them to a worker is not what these tests are about."""
    with (
        mock.patch("mpact.notifications.tasks.notification_enqueue"),
        mock.patch("mpact.notifications.tasks.text_enqueue"),
    ):
        yield


@pytest.fixture
def town():
    return NeighbourhoodFactory(
        name="Binnenstad", latitude=Decimal("52.22"), longitude=Decimal("6.89")
    )


@pytest.fixture
def volunteer(town):
    """Ahmad: a volunteer who speaks Dutch, in the centre of town (so the run finds him)."""
    user = UserFactory(email="ahmad@example.org", name="Ahmad")
    profile = VolunteerProfileFactory(
        user=user, display_name="Ahmad", neighbourhood=town, buddy_capacity=1
    )
    VolunteerLanguage.objects.create(profile=profile, language=LanguageFactory(), level="native")
    return user


# --- Helpers ----------------------------------------------------------------------------------


def visit(client, person=None, language=None):
    if person is not None:
        client.force_login(person)
    if language is not None:
        client.cookies["django_language"] = language
    response = client.get(PAGE)
    assert response.status_code == 200
    assert CSRF_PLACEHOLDER not in response.content.decode()
    return response


def rendered(response) -> bool:
    """Whether the part below the header was rendered for this visit (not the kept copy)."""
    return CONTENT in [template.name for template in response.templates]


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def below_header(response) -> str:
    """The page below its header (its <main>), without the CSRF tokens (masked per response)
    and the messages (the request's own, like the header)."""
    html = response.content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    return _without_tokens(re.sub(r'<div class="messages".*?</div>', "", main, flags=re.S))


def kept(client, person, language="en"):
    """The person's page, rendered and then kept: returns what it shows."""
    first = visit(client, person, language)
    again = visit(client)
    assert not rendered(again), "a repeat visit rendered the page again"
    assert below_header(again) == below_header(first)
    return below_header(first)


def version_of(person):
    """The person's page version (their sign-ups also change the public pages, which renders
    the page again by itself: this shows their own version changed too)."""
    return User.objects.values_list("page_version", flat=True).get(pk=person.pk)


def after(client, person, language="en"):
    """The person's next visit after a change: rendered anew. Returns what it shows."""
    response = visit(client, person, language)
    assert rendered(response), "the change did not give the person's page a new version"
    return below_header(response)


class _Forms(HTMLParser):
    """A page's forms, each as a browser sends it: its inputs' values, checked boxes and
    radios, selected options (else a select's first), textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "data": {}, "firsts": {}}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        data, name = self._form["data"], a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            data.setdefault(name, []).append(
                a.get("value", "on" if kind in {"checkbox", "radio"} else "")
            )
        elif tag == "select" and name:
            self._select = name
            data.setdefault(name, [])
        elif tag == "option" and self._select is not None:
            self._form["firsts"].setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            data[name] = [""]

    def handle_data(self, text):
        if self._textarea is not None and self._form is not None:
            self._form["data"][self._textarea][-1] += text

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._form["data"][self._select] and "multiple" not in self.get_starttag_text():
                first = self._form["firsts"].get(self._select)
                if first is not None:
                    self._form["data"][self._select].append(first)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            values = self._form["data"][self._textarea]
            values[-1] = values[-1].removeprefix("\n")
            self._textarea = None


def form_on(client, url, **changes) -> dict:
    """The biggest form on the page at `url` as a browser would send it, with `changes`."""
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Forms()
    parser.feed(response.content.decode())
    form = max(parser.forms, key=lambda found: len(found["data"]))
    data = {
        name: values if len(values) != 1 else values[0] for name, values in form["data"].items()
    }
    data.update(changes)
    return data


def post_form(client, url, **changes):
    response = client.post(url, form_on(client, url, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


# --- Kept, and the same HTML ------------------------------------------------------------------


def test_a_repeat_visit_costs_the_session_and_the_user_only(
    client, volunteer, django_assert_num_queries
):
    OpportunitySuggestionFactory(volunteer=volunteer.volunteer_profile)
    MatchSuggestionFactory(volunteer=volunteer.volunteer_profile, approved=True)
    SignUpFactory(email=volunteer.email)
    HoursEntryFactory(volunteer=volunteer)
    client.force_login(volunteer)
    with django_assert_num_queries(8):  # session, user; memberships, responses, sign-ups,
        first = visit(client)  # hours, hours per month, both kinds of suggestion
    assert rendered(first)
    with django_assert_num_queries(2):  # the session, the user with their page's version
        again = visit(client)
    assert not rendered(again)
    assert below_header(again) == below_header(first)
    # The forms: log out (the header), yes or no to the match, not for me.
    assert again.content.decode().count('name="csrfmiddlewaretoken"') == 3


def test_the_page_is_the_same_from_the_cache_as_rendered(client, settings):
    """On the demo data, with every part of the page filled: rendered for every visit (the
    cache off), and kept (cold and warm), the HTML is the same in Dutch, English and Arabic,
    and below the header it is markup, not escaped text."""
    from django.core.management import call_command

    call_command("seed_demo", activities=30, opportunities=25, volunteers=10, verbosity=0)
    person = User.objects.get(email="vrijwilliger@example.org")
    profile = person.volunteer_profile
    OpportunitySuggestionFactory(volunteer=profile)
    MatchSuggestionFactory(volunteer=profile, approved=True)
    MatchSuggestionFactory(volunteer=profile, status=MatchSuggestion.Status.ACCEPTED)
    SignUpFactory(email=person.email)
    HoursEntryFactory(volunteer=person)
    ResponseFactory(volunteer=person)
    MembershipFactory(user=person)
    profile.paused_until = timezone.localdate() + timedelta(days=3)
    profile.save()
    client.force_login(person)
    for language in ["nl", "en", "ar"]:
        settings.PUBLIC_PAGE_CACHE_SECONDS = 0
        plain = visit(client, language=language)
        assert rendered(plain)
        html = plain.content.decode()
        assert '<form method="post" action="/vrijwilliger/voorstellen/' in html
        assert "&lt;form" not in html
        settings.PUBLIC_PAGE_CACHE_SECONDS = 60
        cold, warm = visit(client), visit(client)
        assert rendered(cold) and not rendered(warm)
        for response in (cold, warm):
            assert _without_tokens(response.content.decode()) == _without_tokens(html), language


def test_without_the_page_cache_it_is_rendered_every_time(client, volunteer, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    assert rendered(visit(client, volunteer))
    assert rendered(visit(client))


# --- Only the person's own, in their language, today --------------------------------------------


def test_another_person_never_gets_this_persons_page(client, volunteer, town):
    other = UserFactory(email="bea@example.org")
    VolunteerProfileFactory(user=other, display_name="Bea", neighbourhood=town)
    OpportunitySuggestionFactory(
        volunteer=volunteer.volunteer_profile, opportunity=OpportunityFactory(title="Kookmaatje")
    )
    OpportunitySuggestionFactory(
        volunteer=other.volunteer_profile, opportunity=OpportunityFactory(title="Voorleesmaatje")
    )
    SignUpFactory(email=volunteer.email, session__activity__title="Taalcafé")
    SignUpFactory(email=other.email, session__activity__title="Wandelclub")
    ahmad = kept(client, volunteer)
    assert rendered(visit(client, other))  # Bea's own, not the page kept for Ahmad
    bea = kept(client, other)
    assert "Hello Ahmad." in ahmad and "Kookmaatje" in ahmad and "Taalcafé" in ahmad
    assert "Hello Bea." in bea and "Voorleesmaatje" in bea and "Wandelclub" in bea
    for theirs in ["Ahmad", "Kookmaatje", "Taalcafé"]:
        assert theirs not in bea
    assert not rendered(visit(client, volunteer))  # each kept apart
    assert "Kookmaatje" in below_header(visit(client, volunteer))


def test_each_language_is_kept_apart(client, volunteer):
    """Switched with the header's language buttons: each language its own page."""
    dutch = kept(client, volunteer, "nl")
    switched = client.post(reverse("set_language"), {"language": "en", "next": PAGE}, follow=True)
    assert switched.redirect_chain[-1][0] == PAGE and rendered(switched)
    english = below_header(switched)
    assert not rendered(visit(client))
    assert "Mijn vrijwilligerspagina" in dutch and "My volunteer page" not in dutch
    assert "My volunteer page" in english and "Mijn vrijwilligerspagina" not in english
    back = client.post(reverse("set_language"), {"language": "nl", "next": PAGE}, follow=True)
    assert not rendered(back) and below_header(back) == dutch  # kept, in Dutch
    assert 'lang="nl"' in back.content.decode()
    arabic = visit(client, language="ar")
    assert rendered(arabic) and 'dir="rtl"' in arabic.content.decode()


def test_a_pause_ends_on_its_date_without_a_change(client, volunteer, monkeypatch):
    profile = volunteer.volunteer_profile
    profile.paused_until = timezone.localdate()
    profile.save()
    assert "Your profile is paused until" in kept(client, volunteer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert "Your profile is paused until" not in after(client, volunteer)


def test_the_header_is_the_requests_own(client, volunteer):
    """The unread count and messages are in the header, rendered for every visit."""
    kept(client, volunteer)
    Notification.objects.create(
        user=volunteer, email=volunteer.email, kind="signup_confirmed", subject="x"
    )
    response = visit(client)
    assert not rendered(response)
    assert (
        '<span class="badge">1<span class="visually-hidden"> unread</span>'
        in response.content.decode()
    )


# --- The forms' CSRF tokens ---------------------------------------------------------------------


def test_the_forms_carry_the_requests_own_token(volunteer, django_capture_on_commit_callbacks):
    """The token kept with the page is a placeholder: each visit, from any browser of the
    person, gets a valid token of its own, and 'not for me' works from a kept page."""
    first_choice = OpportunitySuggestionFactory(volunteer=volunteer.volunteer_profile, score=900)
    second_choice = OpportunitySuggestionFactory(volunteer=volunteer.volunteer_profile, score=800)
    laptop, phone = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (laptop, phone):
        browser.cookies["django_language"] = "en"
        browser.force_login(volunteer)
    assert rendered(visit(laptop))
    page = visit(phone)  # the laptop's render, kept
    assert not rendered(page)

    def not_for_me(browser, page, suggestion):
        action = reverse("matching:opportunity_suggestion_decline", args=[suggestion.pk])
        html = page.content.decode()
        form = html[html.index(f'action="{action}"') :]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        return browser.post(action, {"csrfmiddlewaretoken": token})

    with django_capture_on_commit_callbacks(execute=True):
        assert not_for_me(phone, page, first_choice).status_code == 302
    again = visit(phone)
    assert rendered(again)  # the change
    assert "We will not suggest this one to you again." in again.content.decode()
    kept_page = visit(laptop)
    assert not rendered(kept_page)
    with django_capture_on_commit_callbacks(execute=True):
        assert not_for_me(laptop, kept_page, second_choice).status_code == 302
    first_choice.refresh_from_db()
    second_choice.refresh_from_db()
    assert first_choice.status == second_choice.status == MatchSuggestion.Status.DECLINED
    # A forged post, without the token, is refused as before.
    assert phone.post(reverse("account_logout")).status_code == 403


def test_a_message_shows_above_a_kept_page(client, volunteer, django_capture_on_commit_callbacks):
    suggestion = OpportunitySuggestionFactory(volunteer=volunteer.volunteer_profile)
    decline = reverse("matching:opportunity_suggestion_decline", args=[suggestion.pk])
    kept(client, volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decline)
    assert rendered(visit(client))
    client.post(decline)  # again: nothing changes, the page says why
    response = visit(client)
    assert not rendered(response)
    assert "This suggestion is already" in response.content.decode()


# --- The profile --------------------------------------------------------------------------------


def test_the_profile_edited_on_the_site(client, volunteer, django_capture_on_commit_callbacks):
    kept(client, volunteer)
    pause = timezone.localdate() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        post_form(
            client,
            reverse("volunteers:profile_edit"),
            display_name="Ahmad B.",
            paused_until=pause.isoformat(),
            privacy_consent="on",
        )
    shown = after(client, volunteer)
    assert "Hello Ahmad B." in shown and "Your profile is paused until" in shown


def test_the_profile_edited_in_the_admin(
    client, volunteer, coordinator, django_capture_on_commit_callbacks
):
    """A coordinator changes the name, the skills and a language's level (the inline and the
    many-to-many relation saved with the form)."""
    profile = volunteer.volunteer_profile
    cooking = SkillFactory(slug="koken")  # before: a new skill changes the public pages
    kept(client, volunteer)
    client.force_login(coordinator)
    url = reverse("admin:volunteers_volunteerprofile_change", args=[profile.pk])
    with django_capture_on_commit_callbacks(execute=True):
        post_form(
            client,
            url,
            display_name="Ahmad Bakr",
            skills=[str(cooking.pk)],
            **{"languages-0-level": "C1"},
        )
    profile.refresh_from_db()
    assert list(profile.skills.all()) == [cooking]
    assert profile.languages.get().level == "C1"
    assert "Hello Ahmad Bakr." in after(client, volunteer)


@pytest.mark.parametrize(
    "change",
    ["language added", "language removed", "skill added", "skill removed", "availability"],
)
def test_each_part_of_the_profile_gives_a_new_version(
    client, volunteer, change, django_capture_on_commit_callbacks
):
    """Languages, skills and availability are not on the page today; a change of them still
    renders it again (the rule is: the profile and what hangs on it)."""
    profile = volunteer.volunteer_profile
    skill = SkillFactory()
    profile.skills.add(skill)
    # Made before the page is kept (a language or neighbourhood changes the public pages).
    arabic, someone, baking = LanguageFactory(code="ar"), VolunteerProfileFactory(), SkillFactory()
    kept(client, volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "language added":
            VolunteerLanguage.objects.create(profile=profile, language=arabic, level="native")
        elif change == "language removed":
            profile.languages.get().delete()
        elif change == "skill added":
            baking.volunteerprofile_set.add(someone, profile)  # from the skill's side
        elif change == "skill removed":
            profile.skills.remove(skill)
        else:
            profile.availability = 7
            profile.save(update_fields=["availability"])
    after(client, volunteer)


def test_the_weekly_email_switched_off_from_its_link(
    client, volunteer, django_capture_on_commit_callbacks
):
    from matching.digests import opportunity_email_off_url

    kept(client, volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(opportunity_email_off_url(volunteer)).status_code == 200  # update()
    after(client, volunteer)


# --- Responses ----------------------------------------------------------------------------------


def test_a_response_and_the_organisations_answer(
    client, volunteer, org_admin, organisation, django_capture_on_commit_callbacks
):
    opportunity = OpportunityFactory(organisation=organisation, title="Taalmaatje")
    assert "Taalmaatje" not in kept(client, volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        post_form(client, opportunity.get_absolute_url(), message="Ik help graag.")
    assert "Taalmaatje" in after(client, volunteer)
    kept(client, volunteer)
    response = Response.objects.get()
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("initiatives:manage_response_decide", args=[organisation.slug, response.pk]),
            {"decision": "accept", "reply": "Welkom bij de groep!"},
        )
    shown = after(client, volunteer)
    assert "Welkom bij de groep!" in shown and "Accepted" in shown


# --- Sign-ups, found by e-mail address ----------------------------------------------------------


def test_a_sign_up_on_the_site_and_its_cancellation(
    client, volunteer, django_capture_on_commit_callbacks
):
    session = SessionFactory(activity__title="Taalcafé Noord")
    assert "Taalcafé Noord" not in kept(client, volunteer)
    version = version_of(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        post_form(client, reverse("initiatives:session_signup", args=[session.pk]))
    assert version_of(volunteer) != version
    assert "Taalcafé Noord" in after(client, volunteer)
    kept(client, volunteer)
    signup = SignUp.objects.get()
    version = version_of(volunteer)
    with django_capture_on_commit_callbacks(execute=True):  # the link in the e-mail
        assert Client().post(services.signup_cancel_url(signup)).status_code == 302
    assert version_of(volunteer) != version
    assert "Taalcafé Noord" not in after(client, volunteer)


def test_a_guest_sign_up_with_the_persons_address(
    client, volunteer, django_capture_on_commit_callbacks
):
    session = SessionFactory(activity__title="Wandelclub")
    kept(client, volunteer)
    version = version_of(volunteer)
    guest = Client()
    with django_capture_on_commit_callbacks(execute=True):
        post_form(
            guest,
            reverse("initiatives:session_signup", args=[session.pk]),
            name="Ahmad",
            email=volunteer.email,
        )
    assert version_of(volunteer) != version
    assert "Wandelclub" in after(client, volunteer)


def test_a_place_from_the_waiting_list(client, volunteer, django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=1, activity__title="Kookles")
    first = services.signup_create(session=session, name="Bea", email="bea@example.org")
    services.signup_create(session=session, user=volunteer, join_waitlist=True)
    assert "(on the waiting list)" in kept(client, volunteer)
    version = version_of(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_cancel(signup=first)  # Bea's place goes to Ahmad: save(update_fields)
    assert version_of(volunteer) != version
    shown = after(client, volunteer)
    assert "Kookles" in shown and "(confirmed)" in shown


def test_a_sign_up_moved_to_another_address(client, volunteer, django_capture_on_commit_callbacks):
    """A sign-up saved whole with another e-mail address (a correction in the admin's data)
    leaves the page of the person it was on, and arrives on the other's."""
    other = UserFactory(email="bea@example.org")
    signup = SignUpFactory(email=volunteer.email, session__activity__title="Breicafé")
    assert "Breicafé" in kept(client, volunteer)
    assert "Breicafé" not in kept(client, other)
    with django_capture_on_commit_callbacks(execute=True):
        signup.email = other.email
        signup.save()
    assert "Breicafé" not in after(client, volunteer)
    assert "Breicafé" in after(client, other)


def test_a_session_deleted_in_the_admin(
    client, volunteer, coordinator, django_capture_on_commit_callbacks
):
    signup = SignUpFactory(email=volunteer.email, session__activity__title="Fietsles")
    assert "Fietsles" in kept(client, volunteer)
    client.force_login(coordinator)
    url = reverse("admin:initiatives_session_delete", args=[signup.session_id])
    version = version_of(volunteer)
    with django_capture_on_commit_callbacks(execute=True):  # its sign-ups deleted with it
        assert client.post(url, {"post": "yes"}).status_code == 302
    assert version_of(volunteer) != version
    assert "Fietsles" not in after(client, volunteer)


def test_a_new_e_mail_address_finds_its_sign_ups(
    client, volunteer, django_capture_on_commit_callbacks
):
    SignUpFactory(email="ahmad.new@example.org", session__activity__title="Zwemles")
    assert "Zwemles" not in kept(client, volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        volunteer.email = "ahmad.new@example.org"
        volunteer.save()
    assert "Zwemles" in after(client, volunteer)


def test_a_person_saved_from_an_older_copy_does_not_bring_back_the_old_page(
    client, volunteer, django_capture_on_commit_callbacks
):
    """A whole user row written from an instance loaded before a change (a form, a task)
    writes a new version, never the one it was loaded with."""
    loaded_before = User.objects.get(pk=volunteer.pk)
    opportunity = OpportunityFactory()  # before: a new opportunity changes the public pages
    assert "4.50" not in kept(client, volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        HoursEntryFactory(volunteer=volunteer, opportunity=opportunity, hours=Decimal("4.50"))
    assert "4.50" in after(client, volunteer)
    loaded_before.name = "Ahmad Bakr"
    loaded_before.save()
    assert "4.50" in after(client, volunteer)


# --- Hours ------------------------------------------------------------------------------------


def test_hours_logged_confirmed_and_rejected(
    client, volunteer, org_admin, organisation, django_capture_on_commit_callbacks
):
    opportunity = OpportunityFactory(organisation=organisation, title="Taalmaatje")
    ResponseFactory(opportunity=opportunity, volunteer=volunteer, status=Response.Status.ACCEPTED)
    assert "No hours logged yet." in kept(client, volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        post_form(
            client,
            reverse("volunteers:hours_create"),
            subject=f"o{opportunity.pk}",
            date=timezone.localdate().isoformat(),
            hours="2.5",
        )
    shown = after(client, volunteer)
    assert "2.50" in shown and "Waiting for confirmation" in shown
    kept(client, volunteer)
    entry = HoursEntry.objects.get()
    decide = reverse("initiatives:manage_hours_decide", args=[organisation.slug, entry.pk])
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):  # an update(): no signal
        client.post(decide, {"decision": "confirm"})
    entry.refresh_from_db()
    assert entry.status == HoursEntry.Status.CONFIRMED
    shown = after(client, volunteer)
    assert "Confirmed" in shown and "Waiting for confirmation" not in shown
    second = HoursEntryFactory(
        volunteer=volunteer,
        organisation=organisation,
        opportunity=opportunity,
        hours=Decimal("1.25"),
    )
    kept(client, volunteer)
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("initiatives:manage_hours_decide", args=[organisation.slug, second.pk]),
            {"decision": "reject", "reply": "Niet bij ons."},
        )
    assert "Not confirmed" in after(client, volunteer)


def test_hours_moved_to_another_volunteer_in_the_admin(
    client, volunteer, coordinator, django_capture_on_commit_callbacks
):
    other = UserFactory(email="bea@example.org")
    entry = HoursEntryFactory(volunteer=volunteer, hours=Decimal("3.75"))
    assert "3.75" in kept(client, volunteer)
    assert "3.75" not in kept(client, other)
    client.force_login(coordinator)
    url = reverse("admin:initiatives_hoursentry_change", args=[entry.pk])
    with django_capture_on_commit_callbacks(execute=True):
        post_form(client, url, volunteer=str(other.pk))
    assert "3.75" not in after(client, volunteer)
    assert "3.75" in after(client, other)


# --- Memberships and what the public pages show -------------------------------------------------


def test_an_invitation_accepted_and_a_membership_ended(
    client, volunteer, org_admin, organisation, django_capture_on_commit_callbacks
):
    from initiatives.models import Invitation, Membership

    invitation = Invitation.objects.create(
        organisation=organisation, email=volunteer.email, invited_by=org_admin
    )
    assert "Buurtgroep Noord" not in kept(client, volunteer)
    token = signing.dumps(invitation.pk, salt=services.INVITATION_SALT)
    link = reverse("initiatives:invitation_accept", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 302
    assert "Buurtgroep Noord" in after(client, volunteer)
    kept(client, volunteer)
    membership = Membership.objects.get(user=volunteer)
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("initiatives:manage_member_remove", args=[organisation.slug, membership.pk])
        )
    assert not Membership.objects.filter(user=volunteer).exists()
    assert "Buurtgroep Noord" not in after(client, volunteer)


@pytest.mark.parametrize("changed", ["organisation", "opportunity", "activity"])
def test_names_and_titles_from_the_public_pages(
    client, volunteer, coordinator, changed, django_capture_on_commit_callbacks
):
    """The page shows an organisation's name, an opportunity's and an activity's title; an
    edit of one (the organisation's through the admin) changes the public pages' version, which
    the kept page is under."""
    organisation = OrganisationFactory(name="Buurthuis Oost")
    MembershipFactory(user=volunteer, organisation=organisation)
    opportunity = OpportunityFactory(organisation=organisation, title="Voorlezen")
    OpportunitySuggestionFactory(volunteer=volunteer.volunteer_profile, opportunity=opportunity)
    session = SessionFactory(activity__organisation=organisation, activity__title="Breicafé")
    SignUpFactory(session=session, email=volunteer.email)
    kept(client, volunteer)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        if changed == "organisation":
            url = reverse("admin:initiatives_organisation_change", args=[organisation.pk])
            post_form(client, url, name="Buurthuis De Bron")
            expected = "Buurthuis De Bron"
        elif changed == "opportunity":
            opportunity.title = "Voorlezen op school"
            opportunity.save()
            expected = "Voorlezen op school"
        else:
            activity = session.activity
            activity.title = "Breicafé op dinsdag"
            activity.save()
            expected = "Breicafé op dinsdag"
    assert expected in after(client, volunteer)


# --- Matches offered, opportunities suggested ---------------------------------------------------


def test_a_match_approved_in_the_admin_then_accepted(
    client, volunteer, coordinator, django_capture_on_commit_callbacks
):
    participant = ParticipantFactory(first_name="Fatima")
    suggestion = MatchSuggestionFactory(
        volunteer=volunteer.volunteer_profile,
        help_request=HelpRequestFactory(
            participant=participant, opened=True, kind=HelpRequest.Kind.PAPERWORK
        ),
    )
    assert "Fatima" not in kept(client, volunteer)  # proposed: not for the volunteer yet
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:matching_matchsuggestion_changelist"),
            {"action": "approve", ACTION_CHECKBOX_NAME: [suggestion.pk]},
        )
    shown = after(client, volunteer)
    assert "Fatima" in shown and "Waiting for your answer" in shown
    kept(client, volunteer)
    detail = reverse("matching:suggestion_detail", args=[suggestion.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(detail, {"answer": "accept"}).status_code == 302
    shown = after(client, volunteer)
    assert "Matched" in shown and "Waiting for your answer" not in shown


def test_a_match_declined(client, volunteer, django_capture_on_commit_callbacks):
    suggestion = MatchSuggestionFactory(
        volunteer=volunteer.volunteer_profile,
        approved=True,
        help_request__participant__first_name="Fatima",
    )
    assert "Fatima" in kept(client, volunteer)
    detail = reverse("matching:suggestion_detail", args=[suggestion.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(detail, {"answer": "decline"}).status_code == 302
    assert "Fatima" not in after(client, volunteer)


def test_an_unanswered_match_expires(
    client, volunteer, django_capture_on_commit_callbacks, settings
):
    MatchSuggestionFactory(
        volunteer=volunteer.volunteer_profile,
        approved=True,
        help_request__participant__first_name="Fatima",
    )
    assert "Fatima" in kept(client, volunteer)
    later = timezone.now() + timedelta(days=settings.MATCH_ANSWER_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert suggestions_expire(now=later) == 1  # an update(), by the daily task
    assert "Fatima" not in after(client, volunteer)


def test_a_request_closed_by_a_coordinator(
    client, volunteer, coordinator, django_capture_on_commit_callbacks
):
    suggestion = MatchSuggestionFactory(
        volunteer=volunteer.volunteer_profile,
        approved=True,
        help_request__participant__first_name="Fatima",
    )
    assert "Fatima" in kept(client, volunteer)
    client.force_login(coordinator)
    url = reverse("admin:matching_helprequest_workflow", args=[suggestion.help_request_id, "close"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reason": "Opgelost via de buren"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == MatchSuggestion.Status.EXPIRED  # an update()
    assert "Fatima" not in after(client, volunteer)


@pytest.mark.parametrize("changed", ["participant", "request"])
def test_the_request_and_participant_of_an_offer(
    client, volunteer, changed, django_capture_on_commit_callbacks
):
    suggestion = MatchSuggestionFactory(
        volunteer=volunteer.volunteer_profile,
        approved=True,
        help_request__participant__first_name="Fatima",
    )
    roombeek = NeighbourhoodFactory(name="Roombeek")
    kept(client, volunteer)
    help_request = suggestion.help_request
    with django_capture_on_commit_callbacks(execute=True):  # as the admin's forms save them
        if changed == "participant":
            participant = help_request.participant
            participant.first_name = "Fatma"
            participant.save()
            expected = "Fatma"
        else:
            help_request.neighbourhood = roombeek
            help_request.save()
            expected = "Roombeek"
    assert expected in after(client, volunteer)


@pytest.mark.parametrize("how", ["added", "deleted in the admin"])
def test_a_suggestion_added_or_deleted(
    client, volunteer, coordinator, how, django_capture_on_commit_callbacks
):
    """A suggestion saved or deleted one by one (a coordinator in the admin, a data fix)."""
    request = HelpRequestFactory(opened=True, participant__first_name="Fatima")
    existing = None
    if how != "added":
        existing = MatchSuggestionFactory(
            volunteer=volunteer.volunteer_profile, help_request=request, approved=True
        )
    before = kept(client, volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "added":
            MatchSuggestionFactory(
                volunteer=volunteer.volunteer_profile, help_request=request, approved=True
            )
        else:
            client.force_login(coordinator)
            url = reverse("admin:matching_matchsuggestion_delete", args=[existing.pk])
            assert client.post(url, {"post": "yes"}).status_code == 302
    shown = after(client, volunteer)
    if how == "added":
        assert "Fatima" not in before and "Fatima" in shown
    else:
        assert "Fatima" in before and "Fatima" not in shown


def test_the_matching_run_suggests_an_opportunity(
    client, volunteer, town, django_capture_on_commit_callbacks
):
    OpportunityFactory(neighbourhood=town, title="Kookmaatje", min_dutch_level="B1")
    assert "Kookmaatje" not in kept(client, volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        runs.match_run_execute()  # bulk_create
    assert MatchSuggestion.objects.get().volunteer.user == volunteer
    assert "Kookmaatje" in after(client, volunteer)


def test_not_for_me_on_the_site(client, volunteer, django_capture_on_commit_callbacks):
    suggestion = OpportunitySuggestionFactory(
        volunteer=volunteer.volunteer_profile, opportunity__title="Kookmaatje"
    )
    assert "Kookmaatje" in kept(client, volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:opportunity_suggestion_decline", args=[suggestion.pk]))
    assert "Kookmaatje" not in after(client, volunteer)


@pytest.mark.parametrize("how", ["settled by the run", "the weekly e-mail"])
def test_a_suggested_opportunity_left_unanswered_expires(
    client, volunteer, how, settings, django_capture_on_commit_callbacks
):
    OpportunitySuggestionFactory(
        volunteer=volunteer.volunteer_profile, opportunity__title="Kookmaatje"
    )
    assert "Kookmaatje" in kept(client, volunteer)
    later = timezone.now() + timedelta(days=settings.MATCH_OPPORTUNITY_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):  # update()s
        if how == "settled by the run":
            assert opportunity_suggestions_settle(now=later) == 1
        else:
            opportunity_digests_send(now=later)
    assert "Kookmaatje" not in after(client, volunteer)


def test_the_weekly_email_marks_what_it_sent(client, volunteer, django_capture_on_commit_callbacks):
    """The weekly e-mail records what it listed (mailed_at, by update()), which the page does
    not show: the page stays as it was, and says the same."""
    OpportunitySuggestionFactory(
        volunteer=volunteer.volunteer_profile, opportunity__title="Kookmaatje"
    )
    before = kept(client, volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        assert opportunity_digests_send() == 1
    assert MatchSuggestion.objects.get().mailed_at is not None
    response = visit(client)
    assert below_header(response) == before


# --- The rule's own failure, and Redis --------------------------------------------------------


def test_a_version_that_cannot_be_written_is_logged_not_raised(
    caplog, django_capture_on_commit_callbacks
):
    failing = mock.MagicMock()
    failing._default_manager.db_manager.return_value.filter.return_value.update.side_effect = (
        DatabaseError("the database went away")
    )
    with mock.patch("mpact.cache.get_user_model", return_value=failing):
        with django_capture_on_commit_callbacks(execute=True):
            person_changed(users=[1], emails=["a@example.org"])
    assert "page version could not be changed" in caplog.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cache_at(settings, url):
    settings.CACHES = {
        "default": {
            "BACKEND": "mpact.cache_backends.FailSoftRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    backend = caches["default"]
    assert isinstance(backend, cache_backends.FailSoftRedisCache)
    cache_backends._down_until.pop(backend._servers_key(), None)
    return backend


def test_without_redis_every_visit_is_rendered_and_right(
    client, volunteer, settings, django_capture_on_commit_callbacks
):
    """Redis is not there at all: no page is kept (the public pages' version is unknown), each
    visit is rendered, and a change shows."""
    backend = _cache_at(settings, f"redis://127.0.0.1:{_free_port()}/0")
    opportunity = OpportunityFactory()
    try:
        assert rendered(visit(client, volunteer, "en"))
        assert rendered(visit(client))
        with django_capture_on_commit_callbacks(execute=True):
            HoursEntryFactory(volunteer=volunteer, opportunity=opportunity, hours=Decimal("4.50"))
        response = visit(client)
        assert rendered(response) and "4.50" in below_header(response)
        assert response.content.decode().count('name="csrfmiddlewaretoken"') == 1
    finally:
        cache_backends._down_until.pop(backend._servers_key(), None)


REDIS_SERVER = shutil.which("redis-server")


@pytest.mark.skipif(REDIS_SERVER is None, reason="needs the redis-server program")
def test_a_copy_kept_before_a_redis_outage_never_comes_back(
    client, volunteer, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The page is kept in Redis; Redis stops answering (frozen: it keeps its data); a change
    made meanwhile shows at once; when Redis answers again, the copy it kept from before is
    not served: the person's version is on their row in the database, not in Redis."""
    port = _free_port()
    server = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    backend = None
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        backend = _cache_at(settings, f"redis://127.0.0.1:{port}/0")
        opportunity = OpportunityFactory()  # before: a new one changes the public pages
        before = kept(client, volunteer)
        local_person_pages.clear()  # as another process: from Redis
        assert not rendered(visit(client))
        assert "4.50" not in before

        server.send_signal(signal.SIGSTOP)  # frozen: it answers nothing, and keeps its data
        with django_capture_on_commit_callbacks(execute=True):
            HoursEntryFactory(volunteer=volunteer, opportunity=opportunity, hours=Decimal("4.50"))
        during = visit(client)
        assert rendered(during) and "4.50" in below_header(during)

        server.send_signal(signal.SIGCONT)
        cache_backends._down_until.pop(backend._servers_key(), None)  # its 5 s pause over
        back = visit(client)
        assert "4.50" in below_header(back)
        again = visit(client)
        assert not rendered(again) and "4.50" in below_header(again)  # kept again
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(10)
        if backend is not None:
            cache_backends._down_until.pop(backend._servers_key(), None)
