"""Fixtures for the browser tests: Debian's chromium driven by Playwright against a live server.

Never downloads a browser: Playwright launches /usr/bin/chromium. Run with `bin/test`, or plainly
with `pytest tests/browser` (this module sets DJANGO_ALLOW_ASYNC_UNSAFE itself).
"""

import functools
import http.client
import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

# Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM
# calls from it unless told that this is fine (the loop never runs our code concurrently).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
SHOTS_DIR = Path(os.environ.get("MPACT_SHOTS_DIR", "/tmp/shots"))


# --- Server ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _no_ssl_redirect_while_starting():
    """The live server speaks plain HTTP, but production's default redirects to HTTPS.

    SecurityMiddleware reads SECURE_SSL_REDIRECT once, when the server thread builds its
    handler: switch it off only while the (session-wide) live server starts, so that the rest
    of the suite still sees the real settings.
    """
    overrides = override_settings(SECURE_SSL_REDIRECT=False)
    overrides.enable()
    yield overrides


@pytest.fixture(scope="session")
def live_server(_no_ssl_redirect_while_starting, live_server):
    """pytest-django's live server, started without the redirect to HTTPS."""
    _no_ssl_redirect_while_starting.disable()
    connection = http.client.HTTPConnection(live_server.thread.host, live_server.thread.port)
    try:
        connection.request("GET", "/health/")
        response = connection.getresponse()
        location = response.getheader("Location") or ""
    finally:
        connection.close()
    if location.startswith("https:"):
        pytest.fail(
            "The live server redirects to HTTPS: it was started before tests/browser could "
            "switch SECURE_SSL_REDIRECT off. Run the browser tests first or on their own."
        )
    return live_server


@pytest.fixture(autouse=True)
def _cookies_over_plain_http(settings):
    """Secure cookies are not sent back over plain HTTP: the CSRF cookie must be, here."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def _deliver_notifications_in_process():
    """Run Celery tasks in the live server's thread instead of queueing them.

    Keeps the browser tests from leaving messages in the development queue (var/celery) or the
    test Redis, and delivers a sign-up's e-mail to Django's test outbox (mail.outbox).
    """
    from mpact.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


# --- Browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _new_context(browser, live_server, **options):
    # A Dutch visitor: the site's default language, which Accept-Language confirms.
    options.setdefault("viewport", DESKTOP)
    options.setdefault("locale", "nl-NL")
    options.setdefault("timezone_id", "Europe/Amsterdam")
    # Never bypass_csp: the pages must work under the policy they are served with.
    context = browser.new_context(base_url=live_server.url, **options)
    CspViolations(context)
    return context


@pytest.fixture
def context(browser, live_server):
    context = _new_context(browser, live_server)
    context.set_default_timeout(10_000)
    yield context
    try:
        csp_violations(context).check()
    finally:
        context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def second_page(browser, live_server):
    """A page for a second person in the same test: its own browser context, so it shares no
    cookies (no session) with `page`."""
    context = _new_context(browser, live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    try:
        csp_violations(context).check()
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def phone_page(browser, live_server):
    context = _new_context(
        browser, live_server, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    try:
        csp_violations(context).check()
    finally:
        context.close()


# --- Content Security Policy ----------------------------------------------------------------
# Every page runs under the site's real policy (settings.CONTENT_SECURITY_POLICY), and a test
# fails when any page it opened had something blocked: an inline script or style, an event
# handler, a resource from elsewhere. Such a page is broken for real visitors, silently.

# Runs in every document before its own scripts, whatever the policy (Playwright injects it
# through the DevTools protocol, not as a <script>). Violations go to window.__cspViolations
# (that document's) and to the test through a binding, which outlives navigations.
CSP_RECORDER_JS = """
(() => {
  if (window.__cspViolations) return;
  const violations = window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    const violation = {
      blockedURI: event.blockedURI,
      violatedDirective: event.violatedDirective,
      sourceFile: event.sourceFile,
      lineNumber: event.lineNumber,
    };
    violations.push(violation);
    if (typeof window.__mpactCspViolation === 'function') {
      window.__mpactCspViolation(violation);
    }
  }, true);
})();
"""
CSP_BINDING = "__mpactCspViolation"


class CspViolations:
    """What the Content Security Policy blocked in one browser context, on any of its pages
    (popups too): the pages' securitypolicyviolation events, and Chromium's console messages
    about the policy as a second witness."""

    def __init__(self, context):
        self.context = context
        self.events = []  # (page URL, {blockedURI, violatedDirective, sourceFile, lineNumber})
        self.console = []  # (page URL, message)
        context.expose_binding(CSP_BINDING, self._on_event)
        context.add_init_script(CSP_RECORDER_JS)
        context.on("console", self._on_console)
        context._mpact_csp_violations = self

    def _on_event(self, source, violation):
        self.events.append((source["frame"].url, violation))

    def _on_console(self, message):
        if "Content Security Policy" in message.text:
            url = message.page.url if message.page else "?"
            self.console.append((url, message.text))

    def settle(self):
        """Let events the pages have queued but not yet dispatched reach the test."""
        from playwright.sync_api import Error

        for page in self.context.pages:
            if page.is_closed():
                continue
            try:
                page.evaluate("() => new Promise(resolve => setTimeout(resolve, 50))")
            except Error:  # navigating or crashed: what it reported so far is recorded
                pass

    def __bool__(self):
        return bool(self.events or self.console)

    def clear(self):
        self.events.clear()
        self.console.clear()

    def describe(self):
        lines = ["The Content Security Policy blocked something on the page(s) this test opened:"]
        for url, violation in self.events:
            lines.append(
                f"- {url}: {violation['violatedDirective']} blocked {violation['blockedURI']!r}"
                f" (at {violation['sourceFile'] or url}:{violation['lineNumber']})"
            )
        for url, text in self.console:
            lines.append(f"- {url}: console: {text}")
        return "\n".join(lines)

    def check(self):
        """Fail the test if anything was blocked."""
        self.settle()
        if self:
            pytest.fail(self.describe(), pytrace=False)


def csp_violations(page_or_context):
    """The CspViolations recorder of a page's (or a context's) browser context."""
    context = getattr(page_or_context, "context", page_or_context)
    return context._mpact_csp_violations


@pytest.fixture(scope="session")
def shots_dir():
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    return SHOTS_DIR


# --- Accessibility --------------------------------------------------------------------------


def _describe_violations(url, violations):
    lines = [f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" <{violation.get('helpUrl', '')}>"
        )
        for node in violation["nodes"][:10]:
            lines.append(f"    target {json.dumps(node['target'])}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def axe_check(page):
    """Run axe-core's WCAG 2.0/2.1 A and AA rules on the page; fail listing every violation."""
    # Contrast is only judged right with the site's stylesheet applied.
    stylesheet_rules = page.evaluate(
        """() => [...document.styleSheets]
              .filter(sheet => (sheet.href || '').includes('/css/mpact.css'))
              .map(sheet => sheet.cssRules.length)"""
    )
    assert stylesheet_rules and stylesheet_rules[0] > 0, "the site's stylesheet did not load"
    axe_run(page)


def axe_run(page, *, preload=True, exclude=None):
    """axe-core's rules on the page as it is styled (the admin has its own stylesheet).

    preload=False: axe does not read the stylesheets itself. It reads a sheet's @import (the
    admin's forms.css imports widgets.css) by inserting an inline <style>, which the Content
    Security Policy rightly blocks and the test would take for the page's own violation; the
    only rule that needs the sheets is css-orientation-lock. exclude: {rule id: [CSS selectors]}
    whose violations are left out, each to be explained where it is passed.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's policy does not govern;
        # add_script_tag would insert an inline <script> that script-src 'self' blocks.
        loaded = page.evaluate(f"{_axe_source()}\n;typeof window.axe")
        assert loaded == "object", "axe-core did not load"
    result = page.evaluate(
        """async ([tags, preload]) => await axe.run(document, {
              runOnly: {type: 'tag', values: tags},
              resultTypes: ['violations'],
              preload: preload,
           })""",
        [AXE_TAGS, preload],
    )
    violations = _without_excluded(page, result["violations"], exclude or {})
    assert not violations, _describe_violations(page.url, violations)


def _without_excluded(page, violations, exclude):
    """The violations less the nodes `exclude` names ({rule id: [CSS selectors]})."""
    kept = []
    for violation in violations:
        selectors = exclude.get(violation["id"], [])
        nodes = [
            node
            for node in violation["nodes"]
            if not any(
                page.evaluate(
                    "([target, selector]) => !!document.querySelector(target)?.matches(selector)",
                    [node["target"][-1], selector],
                )
                for selector in selectors
            )
        ]
        if nodes:
            kept.append({**violation, "nodes": nodes})
    return kept


@functools.cache
def _axe_source():
    return AXE_JS.read_text()


@pytest.fixture
def axe():
    return axe_check


# --- Data -----------------------------------------------------------------------------------


@pytest.fixture
def catalogue(transactional_db):
    """A small programme: activities of several kinds, neighbourhoods and languages, each with
    sessions in the coming days. Returns a namespace of the objects the tests name."""
    from types import SimpleNamespace

    from mpact.factories import (
        ActivityFactory,
        LanguageFactory,
        NeighbourhoodFactory,
        OrganisationFactory,
        SessionFactory,
    )

    now = timezone.now()
    noord = NeighbourhoodFactory(name="Noord")
    zuid = NeighbourhoodFactory(name="Zuid")
    dutch = LanguageFactory(code="nl", name_nl="Nederlands", name_en="Dutch")
    arabic = LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic")
    english = LanguageFactory(code="en", name_nl="Engels", name_en="English")
    buurthuis = OrganisationFactory(name="Buurthuis De Boog", slug="buurthuis-de-boog")
    sportclub = OrganisationFactory(name="Sportclub Oost", slug="sportclub-oost")

    def activity(title, kind, neighbourhood, languages, description, organisation=buurthuis):
        return ActivityFactory(
            title=title,
            kind=kind,
            neighbourhood=neighbourhood,
            languages=languages,
            description=description,
            organisation=organisation,
            address=f"Buurtplein 1, {neighbourhood.name}",
        )

    cooking_noord = activity(
        "Samen koken in Noord",
        "cooking",
        noord,
        [dutch, arabic],
        "We koken samen een maaltijd met recepten uit de hele wereld en eten daarna samen.",
    )
    cooking_zuid = activity(
        "Koken met de buren in Zuid",
        "cooking",
        zuid,
        [dutch],
        "Elke week koken we met buren een gezonde maaltijd.",
    )
    baking_noord = activity(
        "Pizza bakken in Noord",
        "cooking",
        noord,
        [dutch],
        "Zelf pizza bakken in de oven van het buurthuis.",
    )
    walk_noord = activity(
        "Ochtendwandeling door Noord",
        "walk",
        noord,
        [dutch],
        "Een rustige wandeling door het park, met koffie na afloop.",
    )
    language_cafe = activity(
        "Taalcafé Engels",
        "language_cafe",
        zuid,
        [english, dutch],
        "Oefen je Engels in een ontspannen sfeer.",
    )
    football = activity(
        "Zaalvoetbal voor iedereen",
        "sport",
        zuid,
        [dutch],
        "Wekelijks een potje voetbal in de sporthal.",
        organisation=sportclub,
    )

    def session(activity, days, hour=14, capacity=12):
        day = timezone.localtime(now + timedelta(days=days)).replace(
            hour=hour, minute=0, second=0, microsecond=0
        )
        return SessionFactory(
            activity=activity, starts_at=day, ends_at=day + timedelta(hours=2), capacity=capacity
        )

    sessions = {
        "cooking_noord": [session(cooking_noord, 2), session(cooking_noord, 9)],
        "cooking_zuid": [session(cooking_zuid, 3)],
        "baking_noord": [session(baking_noord, 4)],
        "walk_noord": [session(walk_noord, 1, hour=10)],
        "language_cafe": [session(language_cafe, 5, hour=19)],
        "football": [session(football, 6, hour=20, capacity=2)],
    }
    return SimpleNamespace(
        noord=noord,
        zuid=zuid,
        languages=SimpleNamespace(nl=dutch, ar=arabic, en=english),
        cooking_noord=cooking_noord,
        cooking_zuid=cooking_zuid,
        baking_noord=baking_noord,
        walk_noord=walk_noord,
        language_cafe=language_cafe,
        football=football,
        sessions=sessions,
        activity_count=6,
    )


# --- Walks over many pages, reporting every problem at once ------------------------------


def axe_violations(page):
    """axe-core's WCAG 2.1 A/AA violations on the page, without failing (axe_run fails at the
    first page; the walks over many pages report all of them at once)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        loaded = page.evaluate(f"{_axe_source()}\n;typeof window.axe")
        assert loaded == "object", "axe-core did not load"
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
              runOnly: {type: 'tag', values: tags},
              resultTypes: ['violations'],
           })""",
        AXE_TAGS,
    )
    return result["violations"]


# What makes a page wider than a phone: the deepest elements sticking out on either side (in a
# right-to-left page what sticks out at the left cannot even be scrolled to). Measured against
# the layout width (clientWidth): under mobile emulation window.innerWidth grows with the
# content, so that comparing scrollWidth with it would never find anything. Elements inside a
# scrolling or clipping box (a wide table's .table-wrap) and elements wholly outside the window
# on purpose (the skip link until it has focus) do not count.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  const sticksOut = (element) => {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    return (box.left < -1 && box.right > 0) || (box.right > width + 1 && box.left < width);
  };
  const clipped = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const out = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (!sticksOut(element) || clipped(element)) continue;
    const clips = getComputedStyle(element).overflowX !== 'visible';
    if (!clips && [...element.children].some(sticksOut)) continue;  // a child says more
    const box = element.getBoundingClientRect();
    const classes = typeof element.className === 'string' && element.className.trim()
      ? '.' + element.className.trim().split(/\\s+/).join('.') : '';
    const text = (element.textContent || '').trim().slice(0, 40);
    out.push(`${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''}${classes}`
      + ` [${Math.round(box.left)}..${Math.round(box.right)}] "${text}"`);
  }
  if (scrollWidth <= width + 1 && !out.length) return null;
  return {scrollWidth, width, out: out.slice(0, 6)};
}"""


def overflow(page):
    """None, or a description of what scrolls sideways."""
    found = page.evaluate(OVERFLOW_JS)
    if found is None:
        return None
    return (
        f"wider than the phone: {found['scrollWidth']}px of content in a {found['width']}px"
        f" window; sticking out: {'; '.join(found['out']) or '?'}"
    )


def page_problems(page, where: str, *, phone: bool) -> list[str]:
    """What is wrong with the page as it is now, for a walk that reports every page at once:
    axe's violations, and on a phone what makes it scroll sideways."""
    problems = []
    if violations := axe_violations(page):
        problems.append(f"{where}: {_describe_violations(page.url, violations)}")
    if phone and (scrolls := overflow(page)):
        problems.append(f"{where}: {scrolls}")
    return problems


def context_problems(context, where: str, errors: list) -> list[str]:
    """What went wrong over a walk in one browser context: Content Security Policy violations
    and JavaScript errors (`errors`, collected from the pages' pageerror events)."""
    problems = []
    csp_violations(context).settle()
    if csp_violations(context):
        problems.append(f"{where}: {csp_violations(context).describe()}")
    if errors:
        problems.append(f"{where}: JavaScript errors: {errors}")
    return problems
