"""One vocabulary for the site's addresses (rules at the top of mpact/urls.py), and the old
addresses answered with permanent redirects (mpact/redirects.py), so that links in e-mails
already sent, in stored notifications, in bookmarks and on posters keep working."""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse

from initiatives import services
from matching import services as services_matching
from matching.models import MatchSuggestion
from mpact import redirects
from volunteers.models import VolunteerProfile

# --- The old addresses -----------------------------------------------------------------------

# Shaped like a signed token (base64 and the signer's ':'), though signed by nobody.
TOKEN = "eyJwayI6MX0:1uXyZ9:AbC-dEf_123"
SLUG = "buurtgroep-noord"

# (old address, new address, the URL name that serves the new one), written out by hand
# rather than taken from mpact/redirects.py, so a wrong row there fails here.
MOVES = [
    ("/hulp-vragen/", "/hulpvragen/nieuw/", "matching:help_request_create"),
    (f"/hulpvraag/{TOKEN}/", f"/hulpvragen/{TOKEN}/", "matching:help_request_status"),
    (f"/voorstel/{TOKEN}/", f"/voorstellen/{TOKEN}/", "matching:suggestion_answer"),
    (
        "/vrijwilliger/kansen/7/niet-voor-mij/",
        "/vrijwilliger/voorstellen/7/niet-voor-mij/",
        "matching:opportunity_suggestion_decline",
    ),
    (
        f"/kansen-mail/uit/{TOKEN}/",
        f"/vacatures-mail/uit/{TOKEN}/",
        "matching:opportunity_email_off",
    ),
    (
        f"/beheer/{SLUG}/ondersteuning/",
        f"/beheer/{SLUG}/hulpvragen/nieuw/",
        "matching:organisation_help_request",
    ),
    (f"/aanmelding/{TOKEN}/", f"/aanmeldingen/{TOKEN}/", "initiatives:signup_status"),
    (
        f"/aanmelding/{TOKEN}/annuleren/",
        f"/aanmeldingen/{TOKEN}/annuleren/",
        "initiatives:signup_cancel",
    ),
    (f"/uitnodiging/{TOKEN}/", f"/uitnodigingen/{TOKEN}/", "initiatives:invitation_accept"),
    ("/sessies/7/aanmelden/", "/bijeenkomsten/7/aanmelden/", "initiatives:session_signup"),
    ("/sessies/7/agenda.ics", "/bijeenkomsten/7/agenda.ics", "initiatives:session_calendar"),
    (
        f"/beheer/{SLUG}/activiteiten/3/sessies/nieuw/",
        f"/beheer/{SLUG}/activiteiten/3/bijeenkomsten/nieuw/",
        "initiatives:manage_session_create",
    ),
    (
        f"/beheer/{SLUG}/activiteiten/3/sessies/7/",
        f"/beheer/{SLUG}/activiteiten/3/bijeenkomsten/7/",
        "initiatives:manage_session_edit",
    ),
]
MOVE_IDS = [old for old, _new, _name in MOVES]

# Kept as it came in: repeated keys, percent-encoded UTF-8, an empty value.
QUERY = "utm_source=poster&q=caf%C3%A9&q=2&leeg="


@pytest.mark.parametrize(("old", "new", "name"), MOVES, ids=MOVE_IDS)
def test_get_on_an_old_address_redirects_permanently(client, old, new, name):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new

    response = client.get(f"{old}?{QUERY}")
    assert response.status_code == 301
    assert response["Location"] == f"{new}?{QUERY}"

    response = client.head(f"{old}?{QUERY}")
    assert response.status_code == 301
    assert response["Location"] == f"{new}?{QUERY}"


@pytest.mark.parametrize(("old", "new", "name"), MOVES, ids=MOVE_IDS)
def test_post_to_an_old_address_keeps_its_method(client, old, new, name):
    """308, not 301: a browser repeats the POST (with its body) at the new address rather than
    turning it into a GET and dropping what was sent."""
    response = client.post(f"{old}?{QUERY}", {"field": "value"})
    assert response.status_code == 308
    assert response["Location"] == f"{new}?{QUERY}"


@pytest.mark.parametrize(("old", "new", "name"), MOVES, ids=MOVE_IDS)
def test_the_new_address_is_the_named_url(old, new, name):
    match = resolve(new)
    assert match.view_name == name
    assert reverse(name, kwargs=match.kwargs) == new
    # The old address reaches the redirect, never a page of its own, and has no name to link to.
    old_match = resolve(old)
    assert old_match.func is redirects.moved
    assert old_match.url_name is None
    assert old_match.kwargs.pop("new_name") == name
    assert old_match.kwargs == match.kwargs  # the same parameters, under the same names


def test_every_old_address_in_the_redirects_module_is_tested():
    tested = {resolve(old).route for old in MOVE_IDS}
    assert tested == {old for old, _name in redirects.MOVED}
    assert all(pattern.name is None for pattern in redirects.urlpatterns)


@pytest.mark.parametrize("role", ["anonymous", "resident", "org_member", "coordinator"])
def test_the_redirect_is_the_same_for_everyone(as_role, role):
    """The address it leads to decides who may see what (tests/test_urls_permissions.py)."""
    client = as_role(role)
    for old, new, _name in MOVES:
        assert (client.get(old).status_code, client.get(old)["Location"]) == (301, new), old


def test_a_post_without_a_csrf_token_is_refused_at_the_new_address_not_lost_at_the_old():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/hulp-vragen/", {"description": "Hulp bij de boodschappen"})
    assert (response.status_code, response["Location"]) == (308, "/hulpvragen/nieuw/")
    assert client.post(response["Location"], {"description": "x"}).status_code == 403


# --- Links already sent still work, end to end -----------------------------------------------


def test_an_old_help_request_status_link_shows_the_status(client, objects):
    token = services_matching.status_token(objects["help_request"])
    response = client.get(f"/hulpvraag/{token}/", follow=True)
    assert response.redirect_chain == [(f"/hulpvragen/{token}/", 301)]
    assert response.status_code == 200
    assert response.resolver_match.view_name == "matching:help_request_status"


def test_an_old_sign_up_cancel_link_opens_the_cancel_page(client, objects):
    token = services.signup_token(objects["signup"], purpose=services.CANCEL_SALT)
    response = client.get(f"/aanmelding/{token}/annuleren/?bron=mail", follow=True)
    assert response.redirect_chain == [(f"/aanmeldingen/{token}/annuleren/?bron=mail", 301)]
    assert response.status_code == 200
    assert response.resolver_match.view_name == "initiatives:signup_cancel"


def test_an_old_match_answer_link_opens_the_offer(client, objects, resident):
    client.force_login(resident)
    response = client.get(f"/voorstel/{objects['offer_token']}/", follow=True)
    assert response.status_code == 200
    assert response.resolver_match.view_name == "matching:suggestion_answer"


def test_an_old_switch_off_link_switches_the_weekly_email_off(client, objects, resident):
    token = objects["email_off_token"]
    assert VolunteerProfile.objects.get(user=resident).opportunity_email
    response = client.post(f"/kansen-mail/uit/{token}/", follow=True)
    assert response.redirect_chain == [(f"/vacatures-mail/uit/{token}/", 308)]
    assert response.status_code == 200
    assert not VolunteerProfile.objects.get(user=resident).opportunity_email


def test_not_for_me_posted_to_the_old_address_declines_the_suggestion(client, objects, resident):
    client.force_login(resident)
    suggestion = objects["opportunity_suggestion"]
    response = client.post(f"/vrijwilliger/kansen/{suggestion.pk}/niet-voor-mij/", follow=True)
    assert response.redirect_chain[0] == (
        f"/vrijwilliger/voorstellen/{suggestion.pk}/niet-voor-mij/",
        308,
    )
    assert response.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.status == MatchSuggestion.Status.DECLINED


# --- The vocabulary --------------------------------------------------------------------------

# Each a Dutch name the site gives a thing, in the plural (the rules: mpact/urls.py).
THINGS = {
    "activiteiten",  # Activity
    "bijeenkomsten",  # Session
    "aanmeldingen",  # SignUp
    "vacatures",  # Opportunity
    "organisaties",  # Organisation
    "uitnodigingen",  # Invitation
    "reacties",  # Response
    "uren",  # Hours
    "leden",  # Membership
    "hulpvragen",  # HelpRequest
    "voorstellen",  # MatchSuggestion
    "vrijwilligers",  # VolunteerProfile
    "meldingen",  # Notification
    "trajecten",  # Trajectory
    "gesprekken",  # CheckIn: a conversation between the participant and their guide
    "verhalen",  # SuccessStory
    "reeksen",  # a series of sessions, planned at once (no model of its own: Session rows)
    "initiatieven",  # Initiative (issue 15)
    "berichten",  # InitiativeMessage
    "aanbod",  # Offer: a mass noun, its plural is itself
    "koppelingen",  # SupportMatch: an offer paired with a need
}
SPACES = {"vrijwilliger", "beheer"}  # whose pages: the volunteer's own, an organisation's own
OWN_LIST = "mijn"  # mijn-<things>: a logged-in person's own list
# What someone has one of (vacatures-mail, meldingen/instellingen: how they are reached).
SINGLE = {"profiel", "mail", "agenda", "privacy", "instellingen"}
SINGLE |= {"certificaat"}  # a completed trajectory's one certificate
# A session's attendance register, an activity's figures per month (issue 14).
SINGLE |= {"aanwezigheid", "cijfers"}
ACTIONS = {
    "nieuw",
    "aanmelden",
    "annuleren",
    "kopieren",
    "verwijderen",
    "gelezen",
    "uit",
    "status",
    *("niet", "voor", "mij"),  # niet-voor-mij
    # Issue 15: the proposer changes or withdraws an initiative; either side asks for an
    # offer (aanvragen) or offers one (aanbieden), and accepts or declines a pairing.
    *("wijzigen", "intrekken", "aanvragen", "aanbieden", "accepteren", "afwijzen"),
}
WORDS = THINGS | SPACES | SINGLE | ACTIONS | {OWN_LIST}
FILE_TYPES = {"ics", "csv"}
# Addresses for machines rather than people keep their usual names.
# k/<code> is a text message's short link (as short as an address can be); sms/inbound/ is
# where the text-message provider posts replies.
MACHINE_SEGMENTS = {"health", "ready", "csp-report", "i18n", "setlang", "media", "k"}
MACHINE_SEGMENTS |= {"sms", "inbound"}
# A parameter says which one of the things just before it, or whose organisation's pages.
BEFORE_A_PARAMETER = THINGS | {"beheer"}
# The one exception (mpact/urls.py): the switch-off link of a person's weekly e-mail.
PARAMETER_AFTER_AN_ACTION = {"vacatures-mail/uit"}

OWN_URLCONFS = {"mpact.urls", "initiatives.urls", "volunteers.urls", "matching.urls"}


def _routes(resolver=None, prefix=""):
    """Every route of our own URLconfs, as written (the walk of test_urls_permissions.py)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern).removeprefix("^").removesuffix("$")
        if isinstance(pattern, URLResolver):
            if getattr(pattern.urlconf_module, "__name__", "") in OWN_URLCONFS:
                yield from _routes(pattern, route)
        else:
            yield route


def _is_parameter(segment):
    return segment.startswith("<") or "(" in segment  # <int:pk>, or a regex group


def problems(route):
    """What in one route breaks the vocabulary; empty when it keeps to it."""
    found = []
    segments = [segment for segment in route.split("/") if segment]
    for position, segment in enumerate(segments):
        if _is_parameter(segment):
            before = segments[position - 1] if position else ""
            action = "/".join(segments[max(position - 2, 0) : position])
            if before not in BEFORE_A_PARAMETER | MACHINE_SEGMENTS and (
                action not in PARAMETER_AFTER_AN_ACTION
            ):
                found.append(f"a parameter after {before!r}, which is not a thing in the plural")
            continue
        if segment in MACHINE_SEGMENTS:
            continue
        name, dot, file_type = segment.partition(".")
        if dot and file_type not in FILE_TYPES:
            found.append(f"file type {file_type!r}")
        words = name.split("-")
        found += [f"unknown word {word!r}" for word in words if word not in WORDS]
        if OWN_LIST in words and (words[0] != OWN_LIST or "-".join(words[1:]) not in THINGS):
            found.append(f"{segment!r}: an own list is mijn-<things>")
        if name in SPACES and position != 0:
            found.append(f"{segment!r} is a space of its own, only at the start")
    return found


def test_every_address_keeps_to_the_vocabulary():
    routes = list(_routes())
    assert len(routes) > 40, "found too few routes: the walk over the URLconf is broken"
    wrong = {route: found for route in routes if (found := problems(route))}
    assert not wrong, (
        "addresses outside the vocabulary (rules at the top of mpact/urls.py; a new word goes "
        f"into tests/test_url_vocabulary.py deliberately): {wrong}"
    )


def test_the_walk_sees_every_app_and_no_old_address():
    routes = set(_routes())
    assert {"hulpvragen/nieuw/", "vacatures/", "vrijwilliger/profiel/", "meldingen/"} <= routes
    assert "hulp-vragen/" not in routes  # mpact/redirects.py is not walked


@pytest.mark.parametrize(("old", "_name"), redirects.MOVED, ids=[old for old, _ in redirects.MOVED])
def test_the_vocabulary_refuses_every_old_address(old, _name):
    """The check is real: each address that moved was outside the vocabulary."""
    assert problems(old)


def test_the_vocabulary_refuses_singulars_english_and_mixed_forms():
    assert problems("hulpvraag/<str:token>/")
    assert problems("vacature/<int:pk>/")
    assert problems("opportunities/")
    assert problems("vrijwilliger/kansen/<int:pk>/")
    assert problems("activiteiten/<int:pk>/vrijwilliger/")
    assert problems("hulpvragen-mijn/")
    assert problems("aanmeldingen/annuleren/<str:token>/")
    assert problems("vrijwilliger/uren.pdf")
    assert not problems("beheer/<slug:slug>/activiteiten/<int:activity_pk>/bijeenkomsten/nieuw/")
