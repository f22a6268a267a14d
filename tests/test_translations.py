"""The translations (Dutch, Arabic, Ukrainian): complete, compiled, and used by the pages and
e-mails. English is the source language.

locale/<language>/LC_MESSAGES/django.po holds the project's own strings (Django and allauth ship
their own). The compiled django.mo is committed so that a machine without gettext works; these
tests catch a .po that was edited but not compiled, entries left empty or fuzzy, placeholders
lost in translation, and (where gettext is installed) source strings that never made it into
the .po at all.
"""

import gettext
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from initiatives import services
from initiatives.models import Activity
from mpact.factories import ActivityFactory, SessionFactory
from mpact.notifications.models import Notification

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
PO_PATH = LOCALE_DIR / "nl" / "LC_MESSAGES" / "django.po"
# Every interface language but the source language has a catalogue of its own; Dutch is the
# reference the others are compared with (and the one makemessages is checked against).
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
PLURAL_FORMS = {
    "nl": "nplurals=2;plural=(n!=1);",
    "ar": "nplurals=6;plural=n==0?0:n==1?1:n==2?2:n%100>=3&&n%100<=10?3:n%100>=11&&n%100<=99?4:5;",
    "uk": "nplurals=3;plural=(n%10==1&&n%100!=11?0:n%10>=2&&n%10<=4&&(n%100<10||n%100>=20)?1:2);",
}


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"


# The command in the README / translation workflow, minus --no-location which is irrelevant here.
MAKEMESSAGES_IGNORES = [".venv", "node_modules", "tests", "bench", "staticfiles", "var"]


# --- A small PO parser (the standard library has none) --------------------------------------


class PoEntry:
    def __init__(self):
        self.flags: set[str] = set()
        self.msgctxt: str | None = None
        self.msgid: str | None = None
        self.msgid_plural: str | None = None
        self.msgstr: dict[int, str] = {}
        self.obsolete = False
        self.line = 0

    @property
    def key(self):
        """The key under which gettext.GNUTranslations stores this entry."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    def __repr__(self):
        return f"<PoEntry line {self.line}: {self.msgid!r}>"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{where}: expected a quoted string, got {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[PoEntry]:
    """Entries of a PO file, the header (msgid "") included, obsolete (#~) ones marked."""
    entries: list[PoEntry] = []
    entry = PoEntry()
    field = None  # (name, index) the last string continues

    def finish():
        nonlocal entry, field
        if entry.msgid is not None:
            entries.append(entry)
        entry, field = PoEntry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if entry.msgid is not None and field and field[0] == "msgstr":
                finish()  # a comment after msgstr starts the next entry
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        where = f"{path.name}:{number}"
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if field is None:
                raise ValueError(f"{where}: continuation line outside an entry")
            name, index = field
            text = _unquote(line, where)
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
            continue
        if entry.msgid is not None and keyword in ("msgctxt", "msgid") and field[0] == "msgstr":
            finish()  # entries not separated by a blank line
        if entry.line == 0:
            entry.line = number
        entry.obsolete = entry.obsolete or obsolete
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, _unquote(rest, where))
            field = (keyword, None)
        elif keyword == "msgstr" or match:
            index = int(match.group(1)) if match else 0
            entry.msgstr[index] = _unquote(rest, where)
            field = ("msgstr", index)
        else:
            raise ValueError(f"{where}: unknown line {raw!r}")
    finish()
    return entries


def po_header(entries) -> dict[str, str]:
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    pairs = (line.split(":", 1) for line in header.msgstr[0].splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def po_messages(entries) -> list[PoEntry]:
    return [e for e in entries if e.msgid != "" and not e.obsolete]


def expected_catalog(entries) -> dict:
    """What msgfmt puts in the .mo, in GNUTranslations' own shape (header included)."""
    catalog = {}
    for entry in entries:
        if entry.obsolete or "fuzzy" in entry.flags and entry.msgid != "":
            continue
        if entry.msgid_plural is None:
            catalog[entry.key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                catalog[(entry.key, index)] = text
    return catalog


def nplurals(entries) -> int:
    return int(re.search(r"nplurals=(\d+)", po_header(entries)["Plural-Forms"]).group(1))


@pytest.fixture(scope="module")
def entries():
    """The Dutch catalogue (the reference)."""
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run makemessages -l nl"
    return parse_po(PO_PATH)


@pytest.fixture(scope="module", params=TRANSLATED)
def catalogue(request):
    """(language, entries) for each translated interface language."""
    path = po_path(request.param)
    assert path.exists(), f"{path} is missing: run makemessages -l {request.param}"
    return request.param, parse_po(path)


# --- (a) The .po files: complete and sound --------------------------------------------------


def test_po_header_names_the_language_and_its_plural_forms(catalogue):
    language, entries = catalogue
    header = po_header(entries)
    assert header["Language"] == language
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Plural-Forms"].replace(" ", "") == PLURAL_FORMS[language]


def test_every_catalogue_has_exactly_the_dutch_strings(entries, catalogue):
    """Compares the catalogues: what Dutch has (and test (d) checks Dutch against the sources),
    every language has, and nothing else."""
    language, others = catalogue
    reference = {(e.msgctxt, e.msgid, e.msgid_plural) for e in po_messages(entries)}
    have = {(e.msgctxt, e.msgid, e.msgid_plural) for e in po_messages(others)}
    missing, extra = sorted(reference - have, key=str), sorted(have - reference, key=str)
    assert not missing and not extra, (
        f"locale/{language} differs from locale/nl: missing {missing[:10]}, extra {extra[:10]}"
    )


def test_po_has_the_projects_strings(entries):
    msgids = {e.msgid for e in po_messages(entries)}
    assert len(msgids) > 100
    assert {"Activities", "Sign up", "waiting list", "Coordination"} <= msgids


def test_no_entry_is_fuzzy(catalogue):
    fuzzy = [e for e in catalogue[1] if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries (check the translation, then drop the flag): {fuzzy}"


def test_no_translation_is_empty(catalogue):
    entries = catalogue[1]
    empty = []
    for entry in po_messages(entries):
        wanted = range(nplurals(entries)) if entry.msgid_plural is not None else range(1)
        if any(not entry.msgstr.get(index, "").strip() for index in wanted):
            empty.append(entry)
    assert not empty, f"untranslated entries: {empty}"


def test_no_obsolete_entries_linger(catalogue):
    assert not [e for e in catalogue[1] if e.obsolete]


PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[^{}]*\}")


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def test_translations_keep_every_placeholder(catalogue):
    broken = []
    for entry in po_messages(catalogue[1]):
        if entry.msgid_plural is None:
            if placeholders(entry.msgstr[0]) != placeholders(entry.msgid):
                broken.append(entry)
        else:
            # Every form keeps the number (Arabic's forms for 0, 1 and 2 too: the site's
            # sentences name it), and the plural's placeholders.
            if any(
                placeholders(text) != placeholders(entry.msgid_plural)
                for text in entry.msgstr.values()
            ):
                broken.append(entry)
    assert not broken, f"placeholders lost or changed: {broken}"


def test_html_in_translations_matches_the_source(catalogue):
    tag = re.compile(r"</?[a-zA-Z][^>]*>")
    broken = [
        e
        for e in po_messages(catalogue[1])
        if any(
            sorted(tag.findall(text)) != sorted(tag.findall(e.msgid)) for text in e.msgstr.values()
        )
    ]
    assert not broken, f"HTML tags differ from the source: {broken}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_po_is_accepted_by_msgfmt_where_installed(language):
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        pytest.skip("gettext (msgfmt) is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "-o", os.devnull, str(po_path(language))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


# --- (b) The committed .mo is compiled from this .po ----------------------------------------


def test_mo_matches_the_po(catalogue):
    language, entries = catalogue
    assert mo_path(language).exists(), f"{mo_path(language)} is missing: run compilemessages"
    with mo_path(language).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    expected = expected_catalog(entries)
    actual = dict(compiled._catalog)
    # The header's PO-Revision-Date etc. do not matter; every message must.
    expected.pop("", None)
    actual.pop("", None)
    missing = sorted(str(k) for k in expected.keys() - actual.keys())
    stale = sorted(str(k) for k in actual.keys() - expected.keys())
    differ = sorted(str(k) for k in expected.keys() & actual.keys() if expected[k] != actual[k])
    assert not (missing or stale or differ), (
        "django.mo is out of date with django.po, run: "
        f"DEBUG=true .venv/bin/python manage.py compilemessages -l {language} --ignore=.venv\n"
        f"missing from .mo: {missing[:10]}\nonly in .mo: {stale[:10]}\ndifferent: {differ[:10]}"
    )


def test_mo_plural_rule_is_dutch():
    with mo_path("nl").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.ngettext("%d sign-up marked.", "%d sign-ups marked.", 1) % 1 == (
        "1 aanmelding gemarkeerd."
    )
    assert compiled.ngettext("%d sign-up marked.", "%d sign-ups marked.", 0) % 0 == (
        "0 aanmeldingen gemarkeerd."
    )


def compiled_catalogue(language):
    with mo_path(language).open("rb") as handle:
        return gettext.GNUTranslations(handle)


def arabic_form(n: int) -> int:
    if n in (0, 1, 2):
        return n
    return 3 if 3 <= n % 100 <= 10 else 4 if 11 <= n % 100 <= 99 else 5


def ukrainian_form(n: int) -> int:
    if n % 10 == 1 and n % 100 != 11:
        return 0
    return 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2


@pytest.mark.parametrize("language, form", [("ar", arabic_form), ("uk", ukrainian_form)])
def test_mo_plural_rule_picks_the_languages_forms(language, form):
    """The compiled catalogue chooses, for each number, the form the language's grammar asks
    for (Arabic: six, for 0, 1, 2, 3-10, 11-99 and 100 and more; Ukrainian: three)."""
    entry = next(e for e in po_messages(parse_po(po_path(language))) if e.msgid_plural)
    compiled = compiled_catalogue(language)
    for n in range(0, 125):
        chosen = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
        assert chosen == entry.msgstr[form(n)], (language, n)
    assert len(set(entry.msgstr.values())) >= 3


# --- (c) Pages and e-mails in Dutch and in English ------------------------------------------


@pytest.fixture
def listed_activity(db):
    activity = ActivityFactory(title="Taalcafé De Buurt", kind=Activity.Kind.LANGUAGE_CAFE)
    SessionFactory(activity=activity, capacity=1)
    return activity


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_home_page_is_dutch_by_default(client, listed_activity):
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="nl" dir="ltr">' in html
    for text in [
        "Activiteiten",
        "Wat is er te doen in je wijk?",
        "Activiteiten zoeken",
        "Binnenkort",
        "Taalcafé",  # the kind's display name
        "nog 1 plek vrij",
        "Inloggen",
    ]:
        assert text in html, text
    assert "What is happening in your neighbourhood?" not in html


def test_home_page_in_english(client, listed_activity):
    html = in_english(client).get(reverse("home")).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    for text in [
        "Activities",
        "What is happening in your neighbourhood?",
        "Coming up",
        "Language café",
        "1 place left",
        "Log in",
    ]:
        assert text in html, text
    assert "Wat is er te doen in je wijk?" not in html


def test_activity_list_in_dutch(client, listed_activity):
    html = client.get(reverse("initiatives:activity_list")).content.decode()
    for text in [
        "<h1>Activiteiten</h1>",
        "1 activiteit gevonden",
        "Toon activiteiten",
        "Alle filters wissen",
        "Alle wijken",
        "Alleen met vrije plekken",
    ]:
        assert text in html, text


def test_activity_list_in_english(client, listed_activity):
    html = in_english(client).get(reverse("initiatives:activity_list")).content.decode()
    for text in [
        "<h1>Activities</h1>",
        "1 activity found",
        "Show activities",
        "Clear all filters",
        "All neighbourhoods",
        "Only with free places",
    ]:
        assert text in html, text


def test_empty_activity_list_uses_the_dutch_plural(client, db):
    html = client.get(reverse("initiatives:activity_list")).content.decode()
    assert "0 activiteiten gevonden" in html


def test_language_switch_turns_the_site_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert "What is happening in your neighbourhood?" in html
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert "Wat is er te doen in je wijk?" in client.get(reverse("home")).content.decode()


def test_signup_email_is_dutch(db, listed_activity):
    session = listed_activity.sessions.get()
    with translation.override("nl"):
        services.signup_create(session=session, name="Rosa", email="rosa@example.org")
    notification = Notification.objects.get()
    assert notification.subject == "Je bent aangemeld voor Taalcafé De Buurt"
    assert notification.body.startswith("Hallo Rosa,")
    assert "Je bent aangemeld voor Taalcafé De Buurt." in notification.body
    assert "Wanneer:" in notification.body and "Waar:" in notification.body
    assert "Kun je toch niet komen?" in notification.body


def test_waitlist_email_in_english(db, listed_activity):
    session = listed_activity.sessions.get()
    with translation.override("nl"):
        services.signup_create(session=session, name="Rosa", email="rosa@example.org")
    with translation.override("en"):
        services.signup_create(
            session=session, name="Sam", email="sam@example.org", join_waitlist=True
        )
    notification = Notification.objects.get(email="sam@example.org")
    assert notification.subject == "You are on the waiting list for Taalcafé De Buurt"
    assert "Hello Sam," in notification.body
    assert "so you are on the waiting list" in notification.body


# --- (d) Every marked string is in the .po (needs gettext's xgettext) -----------------------


def _copy_sources(target: Path):
    skip = set(MAKEMESSAGES_IGNORES) | {".git", "locale", "__pycache__", "media"}

    def ignore(directory, names):
        return [n for n in names if n in skip or n.endswith((".pyc", ".sqlite3", ".egg-info"))]

    for item in BASE_DIR.iterdir():
        if item.name in skip or item.name.endswith(".egg-info"):
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name, ignore=ignore, symlinks=True)
        elif item.is_file():
            shutil.copy2(item, target / item.name)


def test_every_marked_string_is_in_the_po(entries, tmp_path):
    if not (shutil.which("xgettext") and shutil.which("msguniq")):
        pytest.skip("gettext (xgettext) is not installed")
    source = tmp_path / "src"
    source.mkdir()
    _copy_sources(source)
    (source / "locale").mkdir()
    env = {
        **os.environ,
        "DEBUG": "true",
        "MPACT_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(source),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-location"]
    command += [f"--ignore={name}" for name in MAKEMESSAGES_IGNORES]
    result = subprocess.run(
        command, cwd=source, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    fresh = parse_po(source / "locale" / "nl" / "LC_MESSAGES" / "django.po")
    found = {(e.msgctxt, e.msgid, e.msgid_plural) for e in po_messages(fresh)}
    have = {(e.msgctxt, e.msgid, e.msgid_plural) for e in po_messages(entries)}
    assert len(found) > 100, "makemessages found hardly any strings: is the copy complete?"
    new = sorted(found - have, key=str)
    assert not new, (
        "strings marked for translation but missing from locale/nl/LC_MESSAGES/django.po; run "
        "makemessages -l nl (see this file's header), translate, compilemessages:\n"
        + "\n".join(repr(m) for m in new)
    )


def test_parser_reads_what_it_should(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "a %(x)s"\nmsgstr "b %(x)s"\n\n'
        'msgctxt "menu"\nmsgid ""\n"long "\n"line"\nmsgid_plural "p"\nmsgstr[0] "x\\"y"\n'
        'msgstr[1] "z"\n\n#~ msgid "old"\n#~ msgstr "oud"\n',
        encoding="utf-8",
    )
    header, fuzzy, plural, old = parse_po(po)
    assert po_header([header]) == {"Language": "nl"}
    assert fuzzy.flags == {"fuzzy", "python-format"} and fuzzy.msgstr == {0: "b %(x)s"}
    assert plural.key == "menu\x04long line" and plural.msgstr == {0: 'x"y', 1: "z"}
    assert old.obsolete and old.msgid == "old"


# --- (e) Every page in every interface language ---------------------------------------------


class _Texts(HTMLParser):
    """The text a person reads or hears on a page: text nodes outside script and style, and
    the attributes that are read out or shown (aria-label, placeholder, title, alt). Text
    marked as another language (lang="…", like the language switch's own names) is left out."""

    SPOKEN = {"aria-label", "placeholder", "title", "alt"}
    VOID = {"input", "img", "meta", "link", "br", "hr", "source", "area", "col", "wbr"}

    def __init__(self, language: str):
        super().__init__()
        self.language = language
        self.texts: list[str] = []
        self._skip = 0
        self._foreign: list[str] = []  # open elements in another language

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        foreign = tag != "html" and attrs.get("lang") not in (None, self.language)
        if self._foreign or foreign:
            if tag not in self.VOID:
                self._foreign.append(tag)
            return
        for name, value in attrs.items():
            if value and name in self.SPOKEN:
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if self._foreign and self._foreign[-1] == tag:
            self._foreign.pop()

    def handle_data(self, data):
        if not self._skip and not self._foreign and data.strip():
            self.texts.append(" ".join(data.split()))


# English source texts that are also right in a language ("Log in" is Dutch's imperative too).
SAME_IN = {"nl": {"Log in"}}


def english_leaks(html: str, entries, language: str) -> set[str]:
    """Texts on the page that are one of the project's English source strings, where the
    catalogue has a different translation: a string that was not translated on this page."""
    sources = {
        " ".join(e.msgid.split())
        for e in po_messages(entries)
        if e.msgid_plural is None
        and "%" not in e.msgid
        and "{" not in e.msgid
        and len(e.msgid) > 3
        and e.msgstr[0].strip() != e.msgid.strip()
    }
    parser = _Texts(language)
    parser.feed(html)
    return {text for text in parser.texts if text in sources} - SAME_IN.get(language, set())


@pytest.fixture
def pages_to_read(db, listed_activity, resident):
    from mpact.factories import OpportunityFactory, VolunteerProfileFactory

    opportunity = OpportunityFactory()
    VolunteerProfileFactory(user=resident)
    public = [
        reverse("home"),
        reverse("initiatives:activity_list"),
        reverse("initiatives:activity_list") + "?q=zzzz",
        reverse("initiatives:activity_detail", args=[listed_activity.pk]),
        reverse("initiatives:opportunity_list"),
        reverse("initiatives:opportunity_detail", args=[opportunity.pk]),
        reverse("matching:help_request_create"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("privacy"),
        "/bestaat-niet/",
    ]
    personal = [
        reverse("volunteer_dashboard"),
        reverse("notifications"),
        reverse("initiatives:my_signups"),
        reverse("matching:my_help_requests"),
        reverse("notification_settings"),
        reverse("initiatives:organisation_register"),
        reverse("volunteers:profile_edit"),
    ]
    return public, personal


@pytest.mark.parametrize("language", ["ar", "uk", "nl"])
def test_every_page_is_in_the_chosen_language(client, pages_to_read, resident, language):
    """Pages of every journey, for a visitor and a logged-in person, in each translated
    language: the html element says the language and its direction, and none of the project's
    English texts shows untranslated."""
    public, personal = pages_to_read
    entries = parse_po(po_path(language))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    direction = "rtl" if language == "ar" else "ltr"
    leaks = {}
    for logged_in, urls in ((False, public), (True, personal)):
        if logged_in:
            client.force_login(resident)
            resident.language = language
            resident.save(update_fields=["language"])
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 404), (url, response.status_code)
            html = response.content.decode()
            assert f'<html lang="{language}" dir="{direction}">' in html, url
            if found := english_leaks(html, entries, language):
                leaks[url] = sorted(found)
    assert not leaks, f"English on {language} pages: {leaks}"


def test_arabic_pages_are_right_to_left_and_arabic(client, listed_activity):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    html = client.get(reverse("initiatives:activity_list")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    activities = compiled_catalogue("ar").gettext("Activities")
    assert activities != "Activities" and f"<h1>{activities}</h1>" in html
    # Its own name in its own script, to switch back and to the others.
    assert 'lang="nl"' in html and "Nederlands" in html and "Українська" in html


def test_the_list_of_messages_follows_a_language_switch(client, listed_activity, resident):
    """A notification to an account is kept in every language of the site: after switching,
    the list on the site is all in the new language (the e-mail went out in the old one)."""
    session = listed_activity.sessions.get()
    resident.language = "nl"
    resident.save(update_fields=["language"])
    services.signup_create(session=session, user=resident)
    notification = Notification.objects.get()
    assert notification.language == "nl"
    assert notification.subject == "Je bent aangemeld voor Taalcafé De Buurt"
    assert set(notification.versions) == {"en", "ar", "uk"}
    client.force_login(resident)
    dutch = client.get(reverse("notifications")).content.decode()
    assert "Je bent aangemeld voor Taalcafé De Buurt" in dutch
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("notifications")).content.decode()
    assert "You are signed up for Taalcafé De Buurt" in english
    assert "Je bent aangemeld" not in english
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    arabic = client.get(reverse("notifications")).content.decode()
    subject, _body, written_in = Notification.objects.get().text_in("ar")
    assert written_in == "ar" and subject in arabic and "Taalcafé De Buurt" in subject


def test_a_message_without_a_version_is_shown_as_written_and_marked(client, resident):
    from mpact.notifications.services import notification_create

    with translation.override("nl"):
        notification_create(
            email=resident.email,
            user=resident,
            subject="Oud bericht",
            body="Geschreven in het Nederlands.",
            kind=Notification.Kind.HELP_REQUEST_NEW,
        )
    client.force_login(resident)
    html = in_english(client).get(reverse("notifications")).content.decode()
    assert '<span lang="nl" dir="auto">Oud bericht</span>' in html
