"""Dutch in one register (issue 13): the site says "je", never "u", and "inloggen" for logging
in ("aanmelden" is signing up for an activity).

allauth's and Django's Dutch catalogues say "u"/"uw", "a.u.b." and "aanmelden"/"afmelden" in
places, and Django 5.2's admin has strings its Dutch catalogue lacks (the help of the
filter_horizontal widget, SelectFilter2.js). locale_overrides/nl/ holds the site's Dutch for
those strings, first in LOCALE_PATHS. These tests read the account pages and e-mails a person
meets in Dutch, the admin's JavaScript catalogue, and keep the overrides honest: each one still
a string of the library, compiled, and not hiding one of the project's own translations.
"""

import gettext
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import allauth
import django
import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from mpact.factories import TEST_PASSWORD, UserFactory
from tests.test_translations import (
    _Texts,
    expected_catalog,
    parse_po,
    placeholders,
    po_header,
    po_messages,
)

pytestmark = pytest.mark.django_db

OVERRIDES = Path(settings.BASE_DIR) / "locale_overrides" / "nl" / "LC_MESSAGES"
DOMAINS = ["django", "djangojs"]
ALLAUTH_DIR = Path(allauth.__file__).parent
DJANGO_DIR = Path(django.__file__).parent

# "u", "uw", "uzelf" as words, and "a.u.b." / "alstublieft" (the polite "please"). \b keeps
# words that merely contain a u ("uur", "nu", "uit", "jouw") out.
FORMAL = re.compile(r"\b(?:u|uw|uzelf|alstublieft)\b", re.IGNORECASE)
# Any form of aanmelden/afmelden ("Aanmelden", "aangemeld", "afgemeld", "Meld je dan aan"):
# on the account pages none of them can mean signing up for an activity, so each one would be
# logging in or out in the wrong words.
SIGN_IN_AS_AANMELDEN = re.compile(r"\b(?:aan|af)(?:ge)?meld\w*|\bmeld\b", re.IGNORECASE)
NEW_PASSWORD = "nieuw-en-sterk-2027"


def dutch(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def read(html: str) -> list[str]:
    """What a person reads or hears: text outside script and style, and the attributes that are
    shown or read out (aria-label, placeholder, title, alt); never URLs or other attributes."""
    parser = _Texts("nl")
    parser.feed(html)
    return parser.texts


def main_part(html: str) -> str:
    start = html.index("<main")
    return html[start : html.index("</main>", start)]


def register_problems(html: str) -> list[str]:
    """Texts on the page in the wrong register: formal "u", or aanmelden for logging in."""
    problems = [f"formal: {t!r}" for t in read(html) if FORMAL.search(t)]
    main = read(main_part(html))
    problems += [f"aanmelden: {t!r}" for t in main if SIGN_IN_AS_AANMELDEN.search(t)]
    return problems


def assert_plain_dutch(response, *expected: str) -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert not register_problems(html), register_problems(html)
    texts = " ".join(read(html))
    for text in expected:
        assert text in texts, text
    return html


@pytest.fixture
def person(db):
    return UserFactory(email="rosa@example.org", name="Rosa Bewoner")


@pytest.fixture
def person_client(client, person):
    client.force_login(person)
    return dutch(client)


# --- (1) The account pages in Dutch ----------------------------------------------------------


def test_login_page_says_inloggen(client):
    html = assert_plain_dutch(
        dutch(client).get(reverse("account_login")),
        "Heb je nog geen account?",
        "Maak dan eerst een account aan",
        "Wachtwoord vergeten?",
    )
    assert re.search(r"<h1[^>]*>\s*Inloggen\s*</h1>", html)
    assert re.search(r"<button[^>]*type=\"submit\"[^>]*>\s*Inloggen\s*</button>", html)
    assert re.search(r"<title>\s*Inloggen\s*· M-Pact</title>", html)


def test_failed_login_says_why_in_plain_dutch(client, person):
    assert_plain_dutch(
        dutch(client).post(reverse("account_login"), {"login": person.email, "password": "x"}),
        "Het door jou opgegeven e-mailadres en/of wachtwoord is niet correct.",
    )


def test_signup_page_uses_the_sites_words_and_je(client):
    html = assert_plain_dutch(
        dutch(client).get(reverse("account_signup")),
        "Heb je al een account?",
        "Log dan in",
        "Je wachtwoord moet minstens 8 tekens lang zijn.",
        "Je wachtwoord mag niet te veel lijken op je andere persoonlijke gegevens.",
    )
    assert re.search(r"<h1[^>]*>\s*Account aanmaken\s*</h1>", html)


def test_signup_errors_are_dutch(client):
    response = dutch(client).post(
        reverse("account_signup"),
        {"email": "nieuw@example.org", "password1": "kort", "password2": "kort"},
    )
    html = assert_plain_dutch(response, "Dit wachtwoord is te kort. Het moet minstens 8 tekens")
    assert "This password is too short" not in html


@pytest.mark.parametrize(
    "name, expected",
    [
        ("account_reset_password", "Lukt het niet om een nieuw wachtwoord in te stellen?"),
        ("account_reset_password_done", "We hebben je een e-mail gestuurd."),
        ("account_email_verification_sent", "Klik op de link in die e-mail"),
    ],
)
def test_pages_without_an_account(client, name, expected):
    assert_plain_dutch(dutch(client).get(reverse(name)), expected)


def test_password_reset_from_the_e_mails_key(client, person):
    url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(person),
            "key": default_token_generator.make_token(person),
        },
    )
    response = dutch(client).get(url, follow=True)  # allauth moves the key into the session
    assert_plain_dutch(response, "Wachtwoord wijzigen", "Je wachtwoord moet minstens")
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert_plain_dutch(response, "Je wachtwoord is gewijzigd.")


def test_e_mail_confirmation_page(client, person):
    address = EmailAddress.objects.create(user=person, email="rosa-thuis@example.org")
    key = EmailConfirmationHMAC(address).key
    html = assert_plain_dutch(dutch(client).get(reverse("account_confirm_email", args=[key])))
    assert "rosa-thuis@example.org" in html


def test_logout_confirmation_and_message(person_client):
    html = assert_plain_dutch(
        person_client.get(reverse("account_logout")), "Weet je zeker dat je wilt uitloggen?"
    )
    assert re.search(r"<h1[^>]*>\s*Uitloggen\s*</h1>", html)
    response = person_client.post(reverse("account_logout"), follow=True)
    assert_plain_dutch(response, "Je bent uitgelogd.")


def test_login_message(client, person):
    response = dutch(client).post(
        reverse("account_login"), {"login": person.email, "password": TEST_PASSWORD}, follow=True
    )
    assert_plain_dutch(response, "Je bent nu ingelogd als")


def test_password_change_for_a_logged_in_person(person_client):
    assert_plain_dutch(
        person_client.get(reverse("account_change_password")),
        "Huidig wachtwoord",
        "Je wachtwoord mag geen veelgebruikt wachtwoord zijn.",
    )
    response = person_client.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert_plain_dutch(response, "Je wachtwoord is gewijzigd.")


def test_e_mail_addresses_page(person_client):
    assert_plain_dutch(person_client.get(reverse("account_email")), "jouw account")
    response = person_client.post(
        reverse("account_email"),
        {"action_add": "", "email": "rosa-werk@example.org"},
        follow=True,
    )
    assert_plain_dutch(response, "We hebben een e-mail gestuurd naar rosa-werk@example.org")


def test_the_register_check_itself():
    """The check finds the formal and the wrong words, and leaves ordinary Dutch alone."""
    page = "<html><body><main>{}</main><footer>{}</footer></body></html>"
    for wrong in ["Weet u het zeker?", "Uw wachtwoord", "Neem a.u.b. contact op", "Aanmelden"]:
        assert register_problems(page.format(f"<p>{wrong}</p>", "")), wrong
    assert register_problems(page.format('<input placeholder="Vul uw naam in">', ""))
    fine = (
        "<p>Je bent uitgelogd. Over een uur, nu of uit; jouw account.</p>"
        '<a href="/u/uw/?u=1" data-x="u">Inloggen</a><script>var u = "uw";</script>'
    )
    assert not register_problems(page.format(fine, "<a>Organisatie aanmelden</a>"))


# --- (2) The account e-mails in Dutch --------------------------------------------------------


def assert_je(message):
    for text in (message.subject, message.body):
        assert not FORMAL.search(text), text
    assert re.search(r"\b[Jj]e\b", message.body), message.body


def test_password_reset_e_mail_says_je(client, person):
    dutch(client).post(reverse("account_reset_password"), {"email": person.email})
    (message,) = mail.outbox
    assert message.subject == "[M-Pact] Nieuw wachtwoord"
    assert_je(message)
    assert "/accounts/password/reset/key/" in message.body


def test_password_reset_e_mail_for_an_unknown_address_says_je(client):
    dutch(client).post(reverse("account_reset_password"), {"email": "niemand@example.org"})
    (message,) = mail.outbox
    assert_je(message)
    assert "Je krijgt deze e-mail omdat jij of iemand anders" in message.body


def test_confirmation_e_mail_says_je(client):
    dutch(client).post(
        reverse("account_signup"),
        {"email": "nieuw@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    (message,) = mail.outbox
    assert message.subject == "[M-Pact] Bevestig je e-mailadres"
    assert_je(message)
    assert "/accounts/confirm-email/" in message.body


def test_account_exists_e_mail_says_je(client, person):
    dutch(client).post(
        reverse("account_signup"),
        {"email": person.email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    (message,) = mail.outbox
    assert_je(message)


# --- (3) Every override is a string of the library, and only that ---------------------------


def entries(domain):
    return po_messages(parse_po(OVERRIDES / f"{domain}.po"))


def upstream_sources(domain):
    """The libraries' English catalogues: the complete list of their msgids."""
    paths = [ALLAUTH_DIR / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"]
    paths += sorted(DJANGO_DIR.glob(f"**/locale/en/LC_MESSAGES/{domain}.po"))
    return [path for path in paths if path.exists()]


def upstream_dutch(domain):
    """The libraries' own Dutch, as Django would load it without the overrides."""
    catalogue = {}
    for source in upstream_sources(domain):
        mo = source.parent.parent.parent / "nl" / "LC_MESSAGES" / f"{domain}.mo"
        if mo.exists():
            with mo.open("rb") as handle:
                catalogue.update(gettext.GNUTranslations(handle)._catalog)
    return catalogue


def key(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_override_is_a_string_of_allauth_or_django(domain):
    known = {key(e) for source in upstream_sources(domain) for e in po_messages(parse_po(source))}
    assert len(known) > 50
    gone = [e for e in entries(domain) if key(e) not in known]
    assert not gone, (
        f"locale_overrides/nl/LC_MESSAGES/{domain}.po overrides strings allauth and Django no "
        f"longer have (renamed upstream?); find the new msgid or drop the entry: {gone}"
    )


@pytest.mark.parametrize("domain", DOMAINS)
def test_overrides_differ_from_the_libraries_dutch(domain):
    upstream = upstream_dutch(domain)
    same = [
        e
        for e in entries(domain)
        if e.msgid_plural is None and upstream.get(e.msgid) == e.msgstr[0]
    ]
    assert not same, f"upstream now says the same, the override can go: {same}"


def test_overrides_do_not_hide_the_projects_own_translations():
    project = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    own = {key(e) for e in po_messages(parse_po(project))}
    both = [e for e in entries("django") if key(e) in own]
    assert not both, f"in locale/nl too (the override would win): {both}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_overrides_are_complete_and_sound(domain):
    header = po_header(parse_po(OVERRIDES / f"{domain}.po"))
    assert header["Language"] == "nl"
    assert header["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    tag = re.compile(r"</?[a-zA-Z][^>]*>")
    for entry in entries(domain):
        assert "fuzzy" not in entry.flags, entry
        source = entry.msgid if entry.msgid_plural is None else entry.msgid_plural
        forms = [0] if entry.msgid_plural is None else [0, 1]
        for index in forms:
            text = entry.msgstr.get(index, "")
            assert text.strip(), entry
            assert placeholders(text) == placeholders(source), entry
            assert sorted(tag.findall(text)) == sorted(tag.findall(entry.msgid)), entry
            assert not FORMAL.search(text), entry
            assert not SIGN_IN_AS_AANMELDEN.search(text), entry


def test_django_uses_the_overrides():
    """locale_overrides/ wins over allauth's and Django's own Dutch (LOCALE_PATHS order)."""
    with translation.override("nl"):
        for entry in entries("django"):
            if entry.msgid_plural is None:
                assert translation.gettext(entry.msgid) == entry.msgstr[0], entry
            else:
                for n, index in ((1, 0), (2, 1)):
                    got = translation.ngettext(entry.msgid, entry.msgid_plural, n)
                    assert got == entry.msgstr[index], entry
    assert settings.LOCALE_PATHS[0] == Path(settings.BASE_DIR) / "locale_overrides"


# --- (4) The committed .mo files are compiled from the .po ----------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
def test_mo_matches_the_po(domain):
    mo = OVERRIDES / f"{domain}.mo"
    assert mo.exists(), f"{mo} is missing: msgfmt --check -o {mo} {mo.with_suffix('.po')}"
    with mo.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    expected = expected_catalog(parse_po(OVERRIDES / f"{domain}.po"))
    expected.pop("", None)
    compiled.pop("", None)
    assert compiled == expected, (
        f"{mo.name} is out of date with {domain}.po, run in {OVERRIDES}: "
        f"msgfmt --check -o {domain}.mo {domain}.po"
    )


@pytest.mark.parametrize("domain", DOMAINS)
def test_po_is_accepted_by_msgfmt_where_installed(domain):
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        pytest.skip("gettext (msgfmt) is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "-o", os.devnull, str(OVERRIDES / f"{domain}.po")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


# --- (5) The admin's selector widget in Dutch ------------------------------------------------

SELECT_FILTER = DJANGO_DIR / "contrib" / "admin" / "static" / "admin" / "js" / "SelectFilter2.js"
CHOOSE_HELP = 'Choose %s by selecting them and then select the "Choose" arrow button.'


def js_catalogue(response) -> dict:
    assert response.status_code == 200
    script = response.content.decode()
    marker = "const newcatalog = "
    if marker not in script:  # a language without any translation (English)
        return {}
    catalogue, _end = json.JSONDecoder().raw_decode(script, script.index(marker) + len(marker))
    return catalogue


def widget_strings() -> list[str]:
    """The strings SelectFilter2.js (filter_horizontal, filter_vertical) translates."""
    source = SELECT_FILTER.read_text(encoding="utf-8")
    found = re.findall(r"\bn?gettext\(\s*(['\"])((?:\\.|(?!\1).)*)\1", source)
    return sorted({re.sub(r"\\(.)", r"\1", text) for _quote, text in found})


def test_admin_widget_help_is_dutch(client, db):
    coordinator = UserFactory(email="cora@example.org", name="Cora", coordinator=True)
    client.force_login(coordinator)
    dutch(client)
    page = client.get(reverse("admin:volunteers_volunteerprofile_add")).content.decode()
    assert 'lang="nl"' in page
    assert f'<script src="{reverse("admin:jsi18n")}">' in page and "SelectFilter2.js" in page

    catalogue = js_catalogue(client.get(reverse("admin:jsi18n")))
    assert catalogue.get(CHOOSE_HELP) == (
        "Kies %s door ze te selecteren en daarna op de pijl ‘Kiezen’ te klikken."
    )
    strings = widget_strings()
    assert CHOOSE_HELP in strings and "Available %s" in strings and len(strings) >= 12
    untranslated = [s for s in strings if not catalogue.get(s)]
    assert not untranslated, f"English in the admin's selector widget: {untranslated}"
    assert not [s for s in strings if FORMAL.search(str(catalogue[s]))]


def test_admin_widget_stays_english_in_english(client, db):
    client.force_login(UserFactory(email="cora@example.org", name="Cora", coordinator=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert CHOOSE_HELP not in js_catalogue(client.get(reverse("admin:jsi18n")))
