"""A coordinator on a phone (issue 13): the comparison screen fits a phone and Approve works
there, and the admin pages a coordinator meets first pass axe-core (WCAG 2.1 A and AA) on a
desktop and on a phone: the help request's page (its notes inline, the organisation's
autocomplete field, the languages' filter boxes, the inline tables that scroll on a phone), a
new request's page, the comparison screen and the review queue (the requests with suggestions
to review, and the suggestions themselves).

axe runs on these pages with preload=False (see conftest.axe_run): its reading of the admin's
stylesheets would be blocked by the Content Security Policy. No rule is left out.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from matching.models import MatchSuggestion, RequestNote
from mpact.notifications.models import Notification
from tests.browser import test_match_journey as match_journey
from tests.browser.conftest import DESKTOP, PHONE, _new_context, axe_run, csp_violations
from tests.browser.test_match_journey import (
    OFFERED_TO_FATIMA,
    admin_messages,
    status_cell,
    suggestion_row,
)
from tests.browser.test_volunteer_journey import log_in_quietly

pytestmark = pytest.mark.browser

suggested = match_journey.suggested  # the match journey's fixture, for this module's tests

APPROVED = re.compile(r"approved by a coordinator|goedgekeurd door een coördinator", re.I)
NAMED = re.compile(r"\w")


@pytest.fixture(params=["desktop", "phone"])
def coordinator_page(request, browser, live_server, coordinator):
    """The coordinator, logged in, on a desktop or on a phone."""
    if request.param == "phone":
        options = {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True}
        options["has_touch"] = True
    else:
        options = {"viewport": DESKTOP}
    context = _new_context(browser, live_server, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_quietly(page, live_server, coordinator)
    page.is_phone = request.param == "phone"
    yield page
    try:
        csp_violations(context).check()
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def admin_axe(page):
    axe_run(page, preload=False)


WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def fits_the_phone(page):
    """Whether the page is no wider than the phone's screen. (expect_no_sideways_scroll compares
    with window.innerWidth, which a mobile browser widens to a page wider than its screen.)"""
    scroll_width, inner_width = page.evaluate(WIDTHS)
    return scroll_width <= PHONE["width"] and inner_width <= PHONE["width"]


# --- The comparison screen on a phone -------------------------------------------------------


def test_coordinator_approves_a_suggestion_on_a_phone(
    phone_page, live_server, suggested, coordinator, shots_dir
):
    page = phone_page
    data = suggested
    compare_path = reverse("admin:matching_helprequest_suggestions", args=[data.help_request.pk])
    log_in_quietly(page, live_server, coordinator)
    page.goto(compare_path)

    # The screen fits the phone: the page is no wider than the phone (a mobile browser would
    # widen its window to a wider page), each suggestion is a card, Approve within the width.
    assert fits_the_phone(page), page.evaluate(WIDTHS)
    region = page.get_by_role("region").filter(has=page.locator("#suggestions"))
    expect(region).to_have_accessible_name(re.compile(r"\w"))
    row = suggestion_row(page, data.fatima)
    approve = row.locator("button[name=decision][value=approve]")
    right_edge = approve.evaluate("button => button.getBoundingClientRect().right")
    assert right_edge <= PHONE["width"], right_edge
    page.screenshot(path=str(shots_dir / "match-comparison-phone.png"), full_page=True)
    admin_axe(page)

    # Nothing covers the button: a real tap (no force) reaches it and approves.
    with page.expect_navigation():
        approve.click()
    assert page.url.endswith(compare_path), page.url
    expect(admin_messages(page)).to_contain_text(OFFERED_TO_FATIMA)
    expect(status_cell(suggestion_row(page, data.fatima))).to_contain_text(APPROVED)
    data.best.refresh_from_db()
    assert (data.best.status, data.best.decided_by) == (
        MatchSuggestion.Status.APPROVED,
        coordinator,
    )
    assert Notification.objects.filter(user=data.fatima.user, kind="match_offered").exists()
    assert fits_the_phone(page), page.evaluate(WIDTHS)
    admin_axe(page)


def test_comparison_screen_scrolls_by_keyboard_where_it_is_a_table(
    page, live_server, suggested, coordinator
):
    """Between a phone and a desktop the table is a table; where it is wider than the window
    it scrolls in its region, which the keyboard reaches."""
    page.set_viewport_size({"width": 800, "height": 900})
    log_in_quietly(page, live_server, coordinator)
    page.goto(reverse("admin:matching_helprequest_suggestions", args=[suggested.help_request.pk]))
    region = page.locator(".table-scroll")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_attribute("role", "region")
    region.focus()
    expect(region).to_be_focused()
    admin_axe(page)


# --- The admin pages a coordinator meets first, on a desktop and a phone ---------------------


def test_help_request_page_is_accessible(coordinator_page, suggested, coordinator):
    page = coordinator_page
    help_request = suggested.help_request
    RequestNote.objects.create(help_request=help_request, text="Eerste gesprek", author=coordinator)
    page.goto(reverse("admin:matching_helprequest_change", args=[help_request.pk]))

    # The notes inline's new note has a name, as does the empty organisation field.
    note = page.locator("textarea[name=notes-1-text]")
    expect(note).to_have_accessible_name(NAMED)
    organisation = page.locator("#id_organisation + .select2 [role=combobox]")
    expect(organisation).to_have_accessible_name(re.compile(r"organisati", re.I))
    participant = page.locator("#id_participant + .select2 [role=combobox]")
    expect(participant).to_have_accessible_name(re.compile("Samira"))
    # The languages' filter boxes keep their names; their help icons are images.
    expect(page.locator("#id_languages_input")).to_have_accessible_name(NAMED)
    expect(page.locator(".help-tooltip[aria-label]").first).to_have_attribute("role", "img")
    if page.is_phone:
        # The referrals' table scrolls on a phone: a region the keyboard reaches.
        referrals = page.locator("#referrals-group")
        expect(referrals).to_have_attribute("tabindex", "0")
        expect(referrals).to_have_accessible_name(NAMED)
    admin_axe(page)


def test_new_help_request_page_is_accessible(coordinator_page, suggested):
    page = coordinator_page
    page.goto(reverse("admin:matching_helprequest_add"))
    for name in ("participant", "organisation", "neighbourhood"):
        combobox = page.locator(f"#id_{name} + .select2 [role=combobox]")
        expect(combobox).to_have_accessible_name(NAMED)
    expect(page.locator("textarea[name=notes-0-text]")).to_have_accessible_name(NAMED)
    admin_axe(page)


def test_comparison_screen_is_accessible(coordinator_page, suggested):
    page = coordinator_page
    page.goto(reverse("admin:matching_helprequest_suggestions", args=[suggested.help_request.pk]))
    expect(page.locator("#suggestions tbody tr")).to_have_count(3)
    if page.is_phone:
        assert fits_the_phone(page), page.evaluate(WIDTHS)
    admin_axe(page)


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:matching_helprequest_changelist") + "?suggestions=review",
        reverse("admin:matching_matchsuggestion_changelist") + "?status__exact=proposed",
        reverse("admin:matching_matchsuggestion_changelist"),
    ],
    ids=["requests-to-review", "proposed-suggestions", "all-suggestions"],
)
def test_review_queue_is_accessible(coordinator_page, suggested, url):
    page = coordinator_page
    page.goto(url)
    expect(page.locator("#result_list tbody tr").first).to_be_visible()
    admin_axe(page)
    page.locator("#action-toggle").check()  # selected rows are coloured
    admin_axe(page)
