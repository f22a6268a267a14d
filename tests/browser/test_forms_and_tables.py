"""The site's forms and tables as people first meet them (issue 13): where a checkbox, its label
and its error sit, the summary of a form's errors, the profile's language rows, which status tab
is showing, the skip link past the filters on a wide screen, the date fields' focus, and tables
on a phone that scroll by keyboard (axe-core's scrollable-region-focusable, WCAG 2.1 A and AA).
"""

import re

import pytest
from playwright.sync_api import expect

from mpact.factories import LanguageFactory
from tests.browser import test_help_request_journey as help_journey
from tests.browser import test_volunteer_journey as journey
from tests.browser.test_coordinator_phone import WIDTHS, fits_the_phone
from tests.browser.test_help_request_journey import ASK_URL, ask_form
from tests.browser.test_volunteer_journey import (
    DASHBOARD_URL,
    MANAGE_URL,
    PROFILE_URL,
    log_in_quietly,
    submit,
)

# The journeys' fixtures, for the tests of this module.
neighbourhood_help = help_journey.neighbourhood_help
volunteering = journey.volunteering
volunteer = journey.volunteer
busy_volunteer = journey.busy_volunteer

pytestmark = pytest.mark.browser


def box(locator):
    found = locator.bounding_box()
    assert found, f"{locator} is not on the page"
    return found


def middle(found):
    return found["y"] + found["height"] / 2


def test_consent_checkbox_is_on_one_line_with_its_label_under_its_error(
    page, neighbourhood_help, axe
):
    page.goto(ASK_URL)
    submit(page, ask_form(page))  # nothing filled in
    checkbox = page.locator("input[name=consent]")
    label = page.locator("label[for=id_consent]")
    error = page.locator("#id_consent_error")
    expect(error).to_be_visible()
    # Checkbox and label on one line (their middles within a line of each other), the label
    # after the box; the error above both, as every other field has its error above its box.
    first_line = label.evaluate(
        "el => { const r = el.getClientRects()[0]; return {x: r.x, y: r.y, height: r.height}; }"
    )
    assert abs(middle(box(checkbox)) - middle(first_line)) < 12, (box(checkbox), first_line)
    assert first_line["x"] > box(checkbox)["x"]
    assert box(error)["y"] + box(error)["height"] <= box(checkbox)["y"] + 1
    description = page.locator("#id_description")
    assert box(page.locator("#id_description_error"))["y"] < box(description)["y"]
    expect(checkbox).to_have_accessible_description(re.compile(re.escape(error.inner_text())))
    axe(page)


def test_error_summary_links_to_each_field(page, neighbourhood_help, axe):
    page.goto(ASK_URL)
    submit(page, ask_form(page))
    summary = page.get_by_role("alert").filter(has=page.locator("#error-summary-title"))
    expect(summary).to_be_visible()
    # At the top of the form: before its first field.
    assert box(summary)["y"] < box(page.locator("#id_description"))["y"]
    # Both forms of the page in one summary: the request's fields and the contact fields.
    for name in ("description", "first_name", "consent"):
        link = summary.locator(f'a[href="#id_{name}"]')
        expect(link).to_have_count(1)
    summary.locator('a[href="#id_consent"]').click()
    expect(page.locator("#id_consent")).to_be_focused()
    expect(
        page.get_by_role("alert").filter(has=page.locator("#error-summary-title"))
    ).to_have_count(1)
    axe(page)


def test_opportunity_form_keeps_its_last_checkbox_off_the_buttons(
    page, live_server, volunteering, axe
):
    log_in_quietly(page, live_server, volunteering.admin)
    page.goto(f"{MANAGE_URL}vacatures/nieuw/")
    form = page.locator("main form[method=post]")
    last_checkbox = form.locator("input[type=checkbox]").last
    first_button = form.locator("button[type=submit]").first
    # The buttons start below the last field, not beside it.
    assert box(first_button)["y"] >= box(last_checkbox)["y"] + box(last_checkbox)["height"]
    submit(page, form)  # nothing filled in: the summary at the top names the fields
    summary = page.locator(".error-summary[role=alert]")
    expect(summary).to_be_visible()
    for name in ("title", "description", "commitment", "neighbourhood"):
        expect(summary.locator(f'a[href="#id_{name}"]')).to_have_count(1)
    assert box(summary)["y"] < box(page.locator("#id_title"))["y"]
    axe(page)


def test_profile_language_rows_line_up(page, live_server, volunteer, volunteering, axe):
    profile = volunteer.volunteer_profile
    ukrainian = LanguageFactory(code="uk", name_nl="Oekraïens", name_en="Ukrainian")
    profile.languages.create(language=ukrainian, level="B1")
    log_in_quietly(page, live_server, volunteer)
    page.goto(PROFILE_URL)
    rows = page.locator(".language-row")
    assert rows.count() >= 2
    for index in range(rows.count()):
        language = page.locator(f"#id_languages-{index}-language")
        level = page.locator(f"#id_languages-{index}-level")
        # The two boxes of a row side by side, on one line, each under its own label.
        assert abs(box(language)["y"] - box(level)["y"]) < 2, (box(language), box(level))
        assert box(level)["x"] > box(language)["x"] + box(language)["width"] - 1
        expect(language).to_have_accessible_name(re.compile(r"\w"))
        expect(level).to_have_accessible_name(re.compile(r"\w"))
    axe(page)


def test_status_tabs_show_which_is_showing(page, live_server, busy_volunteer, volunteering, axe):
    log_in_quietly(page, live_server, volunteering.admin)
    page.goto(f"{MANAGE_URL}reacties/?status=all")
    tabs = page.locator("nav ul.tabs a")
    current = page.locator('nav ul.tabs a[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("href", "?status=all")
    other = tabs.first
    style = "el => [getComputedStyle(el).borderBottomColor, getComputedStyle(el).fontWeight]"
    assert current.evaluate(style) != other.evaluate(style)
    axe(page)


def test_skip_link_past_the_filters_on_a_wide_screen(page, volunteering, axe):
    page.goto("/activiteiten/")
    skip = page.locator("a.to-results")
    expect(skip).to_have_attribute("href", "#results-title")
    # Before the first filter, out of sight until the keyboard reaches it.
    first_filter = page.locator("form.filters").locator("input, select").first
    follows = "(link, filter) => !!(link.compareDocumentPosition(filter) & 4)"  # FOLLOWING
    assert skip.evaluate(follows, first_filter.element_handle())
    skip.focus()
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.url.endswith("#results-title"), page.url
    axe(page)


def test_date_field_shows_the_keyboards_focus(page, live_server, volunteering):
    log_in_quietly(page, live_server, volunteering.admin)
    page.goto(f"{MANAGE_URL}vacatures/nieuw/")
    page.locator("#id_hours_per_week").focus()
    page.keyboard.press("Tab")
    date = page.locator("#id_starts_on")
    expect(date).to_be_focused()
    outline = date.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    # The calendar button inside it is marked too. Its style cannot be read (getComputedStyle
    # does not reach the browser's own parts), so: the browser took the site's rule for it
    # (it drops a rule whose selector it does not understand).
    selectors = page.evaluate(
        """() => [...document.styleSheets]
              .filter(sheet => (sheet.href || '').includes('/css/mpact.css'))
              .flatMap(sheet => [...sheet.cssRules].map(rule => rule.selectorText || ''))"""
    )
    assert any(
        "focus" in selector and "calendar-picker-indicator" in selector for selector in selectors
    ), [selector for selector in selectors if "date" in selector]


# --- Tables on a phone --------------------------------------------------------------------


def test_volunteer_page_tables_scroll_by_keyboard_on_a_phone(
    phone_page, live_server, busy_volunteer, axe
):
    page = phone_page
    log_in_quietly(page, live_server, busy_volunteer)
    page.goto(DASHBOARD_URL)
    regions = page.locator("main .table-wrap")
    assert regions.count() >= 2
    for index in range(regions.count()):
        region = regions.nth(index)
        expect(region).to_have_attribute("tabindex", "0")
        expect(region).to_have_attribute("role", "region")
        expect(region).to_have_accessible_name(re.compile(r"\w"))
    assert fits_the_phone(page), page.evaluate(WIDTHS)
    axe(page)


def test_organisation_hours_table_scrolls_by_keyboard_on_a_phone(
    phone_page, live_server, busy_volunteer, volunteering, axe
):
    page = phone_page
    log_in_quietly(page, live_server, volunteering.admin)
    for path in ("uren/", "", "leden/"):
        page.goto(f"{MANAGE_URL}{path}")
        region = page.locator("main .table-wrap").first
        expect(region).to_have_attribute("tabindex", "0")
        expect(region).to_have_accessible_name(re.compile(r"\w"))
        assert fits_the_phone(page), page.evaluate(WIDTHS)
        axe(page)
