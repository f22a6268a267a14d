"""Every interface language in a real browser: Dutch, English, Arabic (right to left) and
Ukrainian (issue 13, "Reach everyone").

A visitor switches to Arabic with the header's language button (by keyboard), the layout
mirrors, and they filter the activities, open one and sign up as a guest, in Arabic. Every
public page passes axe-core (WCAG 2.1 A and AA) in every language at desktop and phone width,
and none is wider than a phone. Expected texts come from the compiled catalogues
(gettext under `translation.override`), never written out here.
"""

import re

import pytest
from django.utils import dateformat, timezone, translation
from django.utils.text import capfirst
from playwright.sync_api import expect

from mpact.factories import OpportunityFactory, SkillFactory
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    _new_context,
    context_problems,
    page_problems,
)

pytestmark = pytest.mark.browser

LANGUAGE_CODES = ["nl", "en", "ar", "uk"]
LIST_URL = "/activiteiten/"


def gettext_in(code, message):
    with translation.override(code):
        return translation.gettext(message)


def count_in(code, singular, plural, counter):
    """A {% blocktranslate count counter=… %} text as the catalogue has it for `counter`."""
    with translation.override(code):
        return translation.ngettext(singular, plural, counter) % {"counter": counter}


def language_button(page, code):
    """The header's button that switches the interface to `code`, found by its name (the
    language's own name, as the button shows it)."""
    name = capfirst(translation.get_language_info(code)["name_local"])
    return page.get_by_role("banner").get_by_role("button", name=name, exact=True)


def switch_language(page, code, *, keyboard=False):
    button = language_button(page, code)
    with page.expect_navigation():
        if keyboard:
            button.focus()
            expect(button).to_be_focused()
            page.keyboard.press("Enter")
        else:
            button.click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def fill_guest_form(page, *, name, email):
    form = page.locator("main form[method=post]")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=email]").fill(email)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def box(locator):
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not on the page"
    return found


# --- The Arabic journey ---------------------------------------------------------------------


def test_visitor_switches_to_arabic_filters_and_signs_up_as_a_guest(page, catalogue, axe):
    page.goto("/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "nl")
    expect(html).to_have_attribute("dir", "ltr")
    header = page.get_by_role("banner")
    brand, nav = header.locator(".brand"), header.get_by_role("navigation")
    switch = header.locator(".language-switch")
    assert box(brand)["x"] < box(nav)["x"] < box(switch)["x"]  # left to right

    switch_language(page, "ar", keyboard=True)

    assert page.url.endswith("/"), page.url  # the same page, in Arabic
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        gettext_in("ar", "What is happening in your neighbourhood?")
    )
    # Mirrored: the brand sits at the right, the language buttons at the left.
    viewport = page.viewport_size["width"]
    brand_box, nav_box, switch_box = box(brand), box(nav), box(switch)
    assert brand_box["x"] > nav_box["x"] > switch_box["x"], (brand_box, nav_box, switch_box)
    assert brand_box["x"] + brand_box["width"] > viewport / 2 > switch_box["x"]
    # The Dutch button now switches back, and says so in Dutch.
    expect(language_button(page, "nl")).to_have_attribute("lang", "nl")
    axe(page)

    header.get_by_role("link", name=gettext_in("ar", "Activities"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(gettext_in("ar", "Activities"))
    # The filters are the first column: at the right, the results at their left.
    filters = page.locator("form.filters")
    results = page.locator("section[aria-labelledby=results-title]")
    assert box(filters)["x"] > box(results)["x"]
    # The skip link shows in the window's top right corner, where the keyboard starts.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    skip_box = box(skip)
    assert viewport / 2 < skip_box["x"] and skip_box["x"] + skip_box["width"] <= viewport + 1
    assert 0 <= skip_box["y"] < 100
    axe(page)

    filters.locator("select[name=kind]").select_option("cooking")
    filters.locator("select[name=neighbourhood]").select_option(str(catalogue.noord.pk))
    with page.expect_navigation():
        filters.locator("button[type=submit]").click()
    assert "kind=cooking" in page.url, page.url
    expect(html).to_have_attribute("dir", "rtl")
    # Two: Arabic's dual, one of its six plural forms.
    expect(page.locator("#results-title")).to_have_text(
        count_in("ar", "%(counter)s activity found", "%(counter)s activities found", 2)
    )
    titles = sorted(t.strip() for t in page.locator(".cards li h2 a").all_inner_texts())
    assert titles == sorted([catalogue.cooking_noord.title, catalogue.baking_noord.title])
    axe(page)

    page.get_by_role("link", name=catalogue.cooking_noord.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(catalogue.cooking_noord.title)
    # The organisation's Dutch text keeps its own direction (its full stop at its end), and the
    # way back points right, where back is in a right-to-left page (the arrow is no part of the
    # link's name).
    expect(page.locator("main .description")).to_have_css("direction", "ltr")
    back = page.get_by_role("link", name=gettext_in("ar", "All activities"), exact=True)
    expect(back.locator(".arrow")).to_have_text("→")
    axe(page)

    session = catalogue.sessions["cooking_noord"][0]
    page.locator(f'a[href="/bijeenkomsten/{session.pk}/aanmelden/"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(gettext_in("ar", "Sign up"))
    # An e-mail address is typed left to right, starting at the right next to its label.
    email = page.locator("input[name=email]")
    expect(email).to_have_css("direction", "ltr")
    expect(email).to_have_css("text-align", "right")
    axe(page)

    fill_guest_form(page, name="فاطمة العمراني", email="fatima@example.org")

    assert re.search(r"/aanmeldingen/[^/]+/$", page.url), page.url
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text(gettext_in("ar", "You are signed up"))
    expect(page.locator("main")).to_contain_text("فاطمة العمراني")
    expect(page.get_by_role("link", name=gettext_in("ar", "Cancel my sign-up"))).to_be_visible()
    axe(page)


# --- Every public page, every language, desktop and phone -----------------------------------


@pytest.fixture
def public_pages(catalogue):
    """(name, path, expected status) of every public page a visitor can reach."""
    opportunity = OpportunityFactory(
        title="Taalmaatje voor een nieuwe buurtbewoner",
        organisation=catalogue.cooking_noord.organisation,
        neighbourhood=catalogue.noord,
        languages=[catalogue.languages.nl, catalogue.languages.ar],
        skills=[SkillFactory(slug="taalmaatje", name_nl="Taalmaatje", name_en="Language buddy")],
        min_dutch_level="A2",
        needs_vog=True,
    )
    session = catalogue.sessions["cooking_noord"][0]
    return [
        ("home", "/", 200),
        ("activity list", LIST_URL, 200),
        ("filtered list", f"{LIST_URL}?kind=cooking&neighbourhood={catalogue.noord.pk}", 200),
        ("activity", catalogue.cooking_noord.get_absolute_url(), 200),
        ("guest sign-up", f"/bijeenkomsten/{session.pk}/aanmelden/", 200),
        ("opportunity list", "/vacatures/", 200),
        ("opportunity", opportunity.get_absolute_url(), 200),
        ("help request", "/hulpvragen/nieuw/", 200),
        ("login", "/accounts/login/", 200),
        ("signup", "/accounts/signup/", 200),
        ("404", "/bestaat-niet/", 404),
        ("privacy", "/privacy/", 200),
    ]


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_every_public_page_is_accessible_and_fits_a_phone(browser, live_server, public_pages, code):
    problems = []
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        phone = size is PHONE
        options = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True} if phone else {}
        context = _new_context(browser, live_server, viewport=size, **options)
        context.set_default_timeout(10_000)
        try:
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            page.goto("/")
            if code != "nl":
                switch_language(page, code)
            for name, path, status in public_pages:
                where = f"{code} {size_name} {name} ({path})"
                response = page.goto(path)
                if response.status != status:
                    problems.append(f"{where}: HTTP {response.status}, not {status}")
                lang, direction = page.evaluate(
                    "() => [document.documentElement.lang, document.documentElement.dir]"
                )
                expected_direction = "rtl" if translation.get_language_info(code)["bidi"] else "ltr"
                if (lang, direction) != (code, expected_direction):
                    problems.append(f"{where}: <html lang={lang} dir={direction}>")
                problems += page_problems(page, where, phone=phone)
            problems += context_problems(context, f"{code} {size_name}", errors)
        finally:
            context.close()
    assert not problems, "\n".join(problems)


# --- Ukrainian ------------------------------------------------------------------------------


def test_visitor_switches_to_ukrainian_on_a_phone(phone_page, catalogue):
    page = phone_page
    heading = gettext_in("uk", "Activities")
    assert heading != "Activities", "the Ukrainian catalogue has no translation of 'Activities'"
    page.goto(LIST_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(gettext_in("nl", "Activities"))

    switch_language(page, "uk")

    assert page.url.endswith(LIST_URL), page.url
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator(".cards li")).to_have_count(catalogue.activity_count)
    # Dates as Ukrainian writes them: the month in the genitive ("3 грудня", not "3 Грудень").
    starts_at = timezone.localtime(catalogue.sessions["cooking_noord"][0].starts_at)
    with translation.override("uk"):
        day_month = dateformat.format(starts_at, "j E")
        assert day_month != dateformat.format(starts_at, "j F")
    card = page.locator(
        ".cards li", has=page.get_by_role("link", name=catalogue.cooking_noord.title)
    )
    expect(card.locator("time")).to_contain_text(day_month)
