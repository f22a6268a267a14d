"""The Content Security Policy in a real browser.

First the detector itself (conftest.CspViolations, which fails any browser test whose pages had
something blocked): a violation made on purpose must be caught, survive a navigation, and be
reported to the site's /csp-report/. Then the pages the other browser tests do not walk
through: the Django admin's widgets (date hierarchy, actions, inlines, calendar and clock,
autocomplete, the two-box selector, prepopulated slugs, the add-another popup) and allauth's
account pages, all under the enforced policy, with their own scripts visibly working.
"""

import logging
import re
import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from mpact.core.models import Neighbourhood
from mpact.factories import (
    ActivityFactory,
    LanguageFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    SessionFactory,
    UserFactory,
)
from tests.browser.conftest import csp_violations
from tests.browser.test_volunteer_journey import log_in_quietly

pytestmark = pytest.mark.browser

ADMIN_URL = f"/{settings.ADMIN_URL}"
BLOCKED_IMAGE = "https://example.invalid/x.png"


def expect_no_violations(page):
    """Fail here, naming the page, rather than only at the end of the test."""
    violations = csp_violations(page)
    violations.settle()
    assert not violations, violations.describe()


def recorded_in_page(page):
    return page.evaluate("() => window.__cspViolations")


# --- The detector ---------------------------------------------------------------------------


def test_the_detector_catches_a_violation_made_on_purpose(page, live_server, catalogue, caplog):
    caplog.set_level(logging.WARNING, logger="mpact.csp")
    page.goto("/")
    expect_no_violations(page)
    assert recorded_in_page(page) == []

    page.evaluate(
        """(src) => {
            const image = document.createElement('img');
            image.src = src;
            image.alt = '';
            document.body.append(image);
            const script = document.createElement('script');
            script.textContent = 'window.injectedScriptRan = true;';
            document.body.append(script);
        }""",
        BLOCKED_IMAGE,
    )
    page.wait_for_function("() => window.__cspViolations.length >= 2")

    # The policy blocked both, and the page's own list says so.
    assert page.evaluate("() => window.injectedScriptRan") is None
    in_page = recorded_in_page(page)
    assert {v["violatedDirective"] for v in in_page} >= {"img-src", "script-src-elem"}
    assert any(v["blockedURI"] == BLOCKED_IMAGE for v in in_page)
    assert all(set(v) == {"blockedURI", "violatedDirective", "sourceFile", "lineNumber"}
               for v in in_page)  # fmt: skip

    # The test's record outlives the page: a navigation starts a new, empty window list.
    page.goto("/activiteiten/")
    assert recorded_in_page(page) == []
    violations = csp_violations(page)
    violations.settle()
    directives = {violation["violatedDirective"] for _, violation in violations.events}
    assert directives >= {"img-src", "script-src-elem"}
    assert {url for url, _ in violations.events} == {f"{live_server.url}/"}
    assert any("Content Security Policy" in text for _, text in violations.console)

    # What the fixture does at teardown fails the test, naming what was blocked.
    with pytest.raises(pytest.fail.Exception) as failure:
        violations.check()
    assert BLOCKED_IMAGE in str(failure.value)
    assert "script-src-elem" in str(failure.value)

    # The browser also reported both to the site, which logged them.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        logged = [r.getMessage() for r in caplog.records if r.name == "mpact.csp"]
        if any(BLOCKED_IMAGE in m for m in logged) and any("script-src-elem" in m for m in logged):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail(f"the site did not log the browser's reports: {logged}")

    # This test's violations were made on purpose: the teardown must not fail it for them.
    violations.clear()


def test_the_detector_catches_an_inline_style_and_event_handler(page, catalogue):
    page.goto("/")
    page.evaluate(
        """(markup) => {
            const box = document.createElement('div');
            box.innerHTML = markup;
            document.body.append(box);
        }""",
        '<p style="color: red">x</p>'
        '<img src="/nothing.png" alt="" onerror="window.handlerRan = true">',
    )
    page.wait_for_function("() => window.__cspViolations.length >= 2")
    directives = {v["violatedDirective"] for v in recorded_in_page(page)}
    assert directives >= {"style-src-attr", "script-src-attr"}
    assert page.evaluate("() => window.handlerRan") is None
    assert csp_violations(page)
    csp_violations(page).clear()


# --- The Django admin -----------------------------------------------------------------------


@pytest.fixture
def admin_data(transactional_db):
    neighbourhood = NeighbourhoodFactory(name="Noord")
    LanguageFactory(code="nl", name_nl="Nederlands", name_en="Dutch")
    LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic")
    organisation = OrganisationFactory(name="Buurthuis De Boog", slug="buurthuis-de-boog")
    activity = ActivityFactory(organisation=organisation, neighbourhood=neighbourhood)
    SessionFactory(activity=activity)
    SessionFactory(activity=ActivityFactory(organisation=organisation))
    superuser = UserFactory(email="super@example.org", is_staff=True, is_superuser=True)
    return activity, superuser


def admin_goto(page, path):
    response = page.goto(f"{ADMIN_URL}{path}")
    assert response.status == 200, f"{path}: {response.status}"
    expect_no_violations(page)


def test_admin_pages_and_their_scripts_work_under_the_policy(page, live_server, admin_data):
    activity, superuser = admin_data
    log_in_quietly(page, live_server, superuser)

    admin_goto(page, "")
    admin_goto(page, "initiatives/organisation/add/")  # prepopulated slug, two-box selector
    page.locator("#id_name").press_sequentially("Buurtgroep Zuid")  # prepopulate.js hears keyup
    expect(page.locator("#id_slug")).to_have_value("buurtgroep-zuid")  # prepopulate.js ran
    expect(page.locator("#id_neighbourhoods_from")).to_be_visible()  # SelectFilter2.js ran

    # A list with a date hierarchy, filters and actions.
    admin_goto(page, "initiatives/session/")
    with page.expect_navigation():
        page.locator("nav.toplinks a:not(.date-back)").first.click()  # one level down
    expect_no_violations(page)
    admin_goto(page, "initiatives/activity/")
    page.locator("input.action-select").first.check()
    expect(page.locator(".action-counter")).to_contain_text("1")  # actions.js ran
    page.locator("select[name=action]").select_option("delete_selected")
    with page.expect_navigation():
        page.locator("button[name=index]").first.click()
    expect(page.locator("form input[name=post]")).to_have_count(1)  # the confirmation page
    expect_no_violations(page)

    # A change form with autocomplete, the add-another popup and an inline with date widgets.
    admin_goto(page, f"initiatives/activity/{activity.pk}/change/")
    expect(page.locator(".datetimeshortcuts").first).to_be_attached()  # DateTimeShortcuts.js
    page.locator(".datetimeshortcuts a[id^=calendarlink]").first.click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    page.keyboard.press("Escape")
    page.locator("#id_organisation + .select2 .select2-selection").click()  # autocomplete
    expect(page.locator(".select2-results__option", has_text="Buurthuis")).to_be_visible()
    page.keyboard.press("Escape")
    inline_rows = page.locator("#sessions-group tbody tr.form-row:not(.empty-form)")
    rows_before = inline_rows.count()
    page.locator("#sessions-group .add-row a").click()  # inlines.js
    expect(inline_rows).to_have_count(rows_before + 1)
    expect_no_violations(page)

    with page.expect_popup() as popup_info:
        page.locator("#add_id_neighbourhood").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    expect(popup.locator("#id_name")).to_be_visible()
    popup.locator("#id_municipality").fill("Enschede")
    popup.locator("#id_name").press_sequentially("Zuid")
    expect(popup.locator("#id_slug")).to_have_value(re.compile("zuid"))
    popup.locator("#id_latitude").fill("52.2")
    popup.locator("#id_longitude").fill("6.9")
    with popup.expect_event("close"):  # popup_response.js hands the new one to the form
        popup.locator("input[name=_save]").click()
    created = Neighbourhood.objects.get(name="Zuid")
    expect(page.locator("#id_neighbourhood")).to_have_value(str(created.pk))
    expect_no_violations(page)


# --- allauth's account pages ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_account_pages_for_visitors_work_under_the_policy(page, live_server, path):
    response = page.goto(path)
    assert response.status == 200
    expect(page.locator("main form[method=post]")).to_be_visible()
    expect_no_violations(page)


def test_account_pages_for_a_logged_in_person_work_under_the_policy(
    page, live_server, transactional_db
):
    user = UserFactory(email="rosa@example.org")
    log_in_quietly(page, live_server, user)
    page.goto("/accounts/password/change/")
    expect(page.locator("input[name=oldpassword]")).to_be_visible()
    expect_no_violations(page)

    # allauth's e-mail page loads its own scripts: the remove button asks for confirmation.
    page.goto("/accounts/email/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("button[name=action_remove]").click()
    expect(page).to_have_url(re.compile("/accounts/email/$"))
    assert asked, "allauth's script did not run (no confirmation asked)"
    expect_no_violations(page)
