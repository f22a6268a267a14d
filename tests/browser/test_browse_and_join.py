"""A visitor browses the activities, filters them and joins a session, in a real browser.

Also checks every page on the way with axe-core (WCAG 2.1 A and AA), the list on a phone, and
the skip link. Elements are found by role, name, id or href; where text is checked, both the
English source and the Dutch translation are accepted, as the site speaks Dutch by default.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from initiatives import services
from initiatives.models import SignUp
from mpact.factories import SignUpFactory
from mpact.notifications.models import Notification

pytestmark = pytest.mark.browser

LIST_URL = "/activiteiten/"

SIGNED_UP = re.compile(r"signed up|aangemeld|ingeschreven", re.I)
WAITING_LIST = re.compile(r"waiting list|wachtlijst", re.I)
FULL = re.compile(r"\bfull\b|\bvol\b", re.I)


def count_text(number):
    """The result count heading for `number` results, in English or Dutch."""
    return re.compile(rf"^\s*{number}\s+(activit(y|ies)|activiteit(en)?)\b", re.I)


def signup_href(session):
    return f"/bijeenkomsten/{session.pk}/aanmelden/"


def filter_form(page):
    return page.locator("form:has(select[name=kind])")


def open_list_with_filters(page, *, kind="", neighbourhood=None, q=""):
    """Use the filter form the way a visitor does: choose, type, press the button."""
    page.goto(LIST_URL)
    form = filter_form(page)
    if kind:
        form.locator("select[name=kind]").select_option(kind)
    if neighbourhood is not None:
        form.locator("select[name=neighbourhood]").select_option(str(neighbourhood.pk))
    if q:
        form.locator("input[name=q]").fill(q)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def result_titles(page):
    return [title.strip() for title in page.locator(".cards li h2 a").all_inner_texts()]


def fill_guest_form(page, *, name, email):
    form = page.locator("main form[method=post]")
    form.get_by_label(re.compile(r"name|naam", re.I)).fill(name)
    form.get_by_label(re.compile(r"e-?mail", re.I)).fill(email)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


# --- The journey ----------------------------------------------------------------------------


def test_visitor_filters_opens_an_activity_and_signs_up_as_a_guest(page, catalogue, axe):
    page.goto(LIST_URL)
    expect(page.locator("#results-title")).to_have_text(count_text(catalogue.activity_count))
    assert catalogue.cooking_zuid.title in result_titles(page)

    open_list_with_filters(page, kind="cooking", neighbourhood=catalogue.noord, q="koken")

    assert "kind=cooking" in page.url and f"neighbourhood={catalogue.noord.pk}" in page.url
    form = filter_form(page)  # the form keeps what was chosen
    expect(form.locator("select[name=kind]")).to_have_value("cooking")
    expect(form.locator("select[name=neighbourhood]")).to_have_value(str(catalogue.noord.pk))
    expect(form.locator("input[name=q]")).to_have_value("koken")
    expect(page.locator("#results-title")).to_have_text(count_text(1))
    titles = result_titles(page)
    assert titles == [catalogue.cooking_noord.title]
    assert catalogue.cooking_zuid.title not in titles  # other neighbourhood
    assert catalogue.baking_noord.title not in titles  # does not match the search
    assert catalogue.walk_noord.title not in titles  # other kind

    page.get_by_role("link", name=catalogue.cooking_noord.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(catalogue.cooking_noord.title)
    assert page.url.endswith(catalogue.cooking_noord.get_absolute_url())

    session = catalogue.sessions["cooking_noord"][0]
    sign_up = page.locator(f'a[href="{signup_href(session)}"]')
    expect(sign_up).to_be_visible()
    sign_up.click()
    expect(page.locator("input[name=name]")).to_be_visible()

    fill_guest_form(page, name="Fatima El Amrani", email="Fatima@Example.org")

    assert re.search(r"/aanmeldingen/[^/]+/$", page.url), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(SIGNED_UP)
    expect(page.locator("main")).to_contain_text("Fatima El Amrani")
    expect(page.locator("main")).to_contain_text("fatima@example.org")
    expect(page.get_by_role("link", name=catalogue.cooking_noord.title)).to_be_visible()

    signup = SignUp.objects.get()
    assert (signup.session_id, signup.email, signup.name, signup.status, signup.user) == (
        session.pk,
        "fatima@example.org",
        "Fatima El Amrani",
        SignUp.Status.CONFIRMED,
        None,
    )
    session.refresh_from_db()
    assert session.seats_taken == 1
    notification = Notification.objects.get()
    assert (notification.email, notification.kind) == ("fatima@example.org", "signup_confirmed")
    assert notification.sent_at is not None  # delivered once the sign-up committed
    assert [message.to for message in mail.outbox] == [["fatima@example.org"]]


def test_full_session_offers_the_waiting_list_and_a_guest_joins_it(page, catalogue):
    session = catalogue.sessions["football"][0]
    SignUpFactory.create_batch(session.capacity, session=session)
    session.refresh_from_db()
    assert session.is_full

    page.goto(LIST_URL)
    card = page.locator(".cards li", has=page.get_by_role("link", name=catalogue.football.title))
    expect(card.locator(".places-full")).to_have_text(FULL)

    card.get_by_role("link", name=catalogue.football.title).click()
    row = page.locator("tr", has=page.locator(f'a[href="{signup_href(session)}"]'))
    expect(row.locator(".places-full")).to_have_text(FULL)
    join = row.locator(f'a[href="{signup_href(session)}"]')
    expect(join).to_have_text(WAITING_LIST)
    join.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(WAITING_LIST)
    fill_guest_form(page, name="Bram de Wit", email="bram@example.org")

    assert re.search(r"/aanmeldingen/[^/]+/$", page.url), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(WAITING_LIST)
    signup = SignUp.objects.get(email="bram@example.org")
    assert signup.status == SignUp.Status.WAITLISTED
    session.refresh_from_db()
    assert session.seats_taken == session.capacity
    notification = Notification.objects.get(email="bram@example.org")
    assert notification.kind == "signup_waitlisted"
    assert [message.to for message in mail.outbox] == [["bram@example.org"]]


def test_malformed_email_shows_an_error_and_keeps_the_name(page, catalogue, axe):
    session = catalogue.sessions["language_cafe"][0]
    page.goto(signup_href(session))

    fill_guest_form(page, name="Anouk Jansen", email="anouk@@example")

    assert page.url.endswith(signup_href(session))
    error = page.locator("#id_email_error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator("input[name=name]")).to_have_value("Anouk Jansen")
    email = page.locator("input[name=email]")
    expect(email).to_have_value("anouk@@example")
    expect(email).to_have_attribute("aria-invalid", "true")
    # A screen reader announces the error with the field (aria-describedby names its id).
    expect(email).to_have_accessible_description(re.compile(re.escape(error.inner_text())))
    assert not SignUp.objects.exists()
    assert not Notification.objects.exists()
    axe(page)


# --- Accessibility (axe-core, WCAG 2.1 A and AA) ---------------------------------------------


def test_home_page_is_accessible(page, catalogue, axe):
    page.goto("/")
    expect(page.locator(".cards li").first).to_be_visible()
    axe(page)


def test_activity_list_is_accessible(page, catalogue, axe):
    page.goto(LIST_URL)
    expect(page.locator("#results-title")).to_have_text(count_text(catalogue.activity_count))
    axe(page)


def test_filtered_activity_list_is_accessible(page, catalogue, axe):
    open_list_with_filters(page, kind="cooking", neighbourhood=catalogue.noord)
    expect(page.locator("#results-title")).to_have_text(count_text(2))
    axe(page)


def test_activity_list_without_results_is_accessible(page, catalogue, axe):
    open_list_with_filters(page, kind="sport", neighbourhood=catalogue.noord)
    expect(page.locator("#results-title")).to_have_text(count_text(0))
    expect(page.locator(".cards")).to_have_count(0)
    axe(page)


def test_activity_list_with_invalid_filters_is_accessible(page, catalogue, axe):
    page.goto(f"{LIST_URL}?date_from=2030-05-10&date_to=2030-05-01")
    expect(page.locator("#id_date_to_error")).to_be_visible()
    expect(page.locator("#id_date_to")).to_have_accessible_description(
        re.compile(re.escape(page.locator("#id_date_to_error").inner_text()))
    )
    axe(page)


def test_activity_page_is_accessible(page, catalogue, axe):
    session = catalogue.sessions["football"][0]
    SignUpFactory.create_batch(session.capacity, session=session)  # a full row too
    page.goto(catalogue.football.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(catalogue.football.title)
    axe(page)
    page.goto(catalogue.cooking_noord.get_absolute_url())
    expect(page.locator("table tbody tr")).to_have_count(2)
    axe(page)


def test_guest_signup_form_is_accessible(page, catalogue, axe):
    page.goto(signup_href(catalogue.sessions["walk_noord"][0]))
    expect(page.locator("input[name=email]")).to_be_visible()
    axe(page)


def test_guest_signup_form_with_errors_is_accessible(page, catalogue, axe):
    page.goto(signup_href(catalogue.sessions["walk_noord"][0]))
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()  # nothing filled in
    for name in ("name", "email"):
        error = page.locator(f"#id_{name}_error")
        expect(error).to_be_visible()
        expect(page.locator(f"#id_{name}")).to_have_accessible_description(
            re.compile(re.escape(error.inner_text()))
        )
    axe(page)


@pytest.mark.parametrize("status", [SignUp.Status.CONFIRMED, SignUp.Status.WAITLISTED])
def test_signup_status_page_is_accessible(page, catalogue, axe, status):
    signup = SignUpFactory(
        session=catalogue.sessions["cooking_zuid"][0], name="Sanne Visser", status=status
    )
    page.goto(services.signup_status_url(signup))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        SIGNED_UP if status == SignUp.Status.CONFIRMED else WAITING_LIST
    )
    axe(page)


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_account_pages_are_accessible(page, live_server, axe, path):
    page.goto(path)
    expect(page.locator("input[type=password]").first).to_be_visible()
    axe(page)


# --- Phone ----------------------------------------------------------------------------------


def test_activity_list_fits_a_phone_screen(phone_page, catalogue, axe, shots_dir):
    page = phone_page
    page.goto(LIST_URL)
    expect(page.locator(".cards li").first).to_be_visible()
    page.screenshot(path=str(shots_dir / "activity-list-phone.png"), full_page=True)
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= inner_width, (
        f"the page scrolls sideways on a phone: {scroll_width}px wide in a {inner_width}px window"
    )
    axe(page)


# --- Keyboard -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", LIST_URL])
def test_first_tab_reaches_the_skip_link_which_shows_and_works(page, catalogue, path):
    page.goto(path)
    skip = page.locator("a.skip-link")
    expect(skip).to_have_attribute("href", "#main")

    def on_screen():
        box = skip.bounding_box()
        viewport = page.viewport_size
        return (
            box is not None
            and box["width"] > 0
            and box["height"] > 0
            and box["x"] >= 0
            and box["y"] >= 0
            and box["x"] + box["width"] <= viewport["width"]
            and box["y"] + box["height"] <= viewport["height"]
        )

    assert not on_screen(), "the skip link should stay out of sight until it has focus"
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    assert on_screen(), "the focused skip link should be visible"
    expect(skip).not_to_have_text(re.compile(r"^\s*$"))

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
