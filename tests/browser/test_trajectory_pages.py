"""The trajectory pages (issue 14) in a browser: the guide's list and one trajectory with its
check-in form and progress chart, the participant's signed page of a completed trajectory with
the certificate, the participant's own list and the public success stories. axe-core finds no
violations on any of them, in Dutch and in Arabic, at desktop and phone width, and none of them
scrolls sideways on a phone. The guide logs a check-in with the keyboard alone."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from matching import trajectories
from matching.models import CheckIn
from mpact.factories import ParticipantFactory, UserFactory, VolunteerProfileFactory
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    _new_context,
    context_problems,
    page_problems,
)
from tests.browser.test_volunteer_journey import log_in_quietly

pytestmark = pytest.mark.browser

# The chart's dots, [cx, cy] in the chart's own coordinates (its viewBox).
CHART_DOTS_JS = """() => [...document.querySelectorAll('figure.progress-chart circle')]
  .map(dot => [dot.cx.baseVal.value, dot.cy.baseVal.value])"""


@pytest.fixture
def journey(transactional_db):
    """A buddy guiding a running trajectory with two goals and two check-ins (so the chart has
    a line to draw), and a participant with an account whose trajectory is completed and whose
    story a coordinator approved."""
    today = timezone.localdate()
    coordinator = UserFactory(is_staff=True)
    buddy = VolunteerProfileFactory()
    running = trajectories.trajectory_enrol(
        participant=ParticipantFactory(first_name="Amina", last_name="Haddad"),
        guide=buddy,
        by=coordinator,
        starts_on=today - timedelta(days=70),
        goals=[(None, "Meer sociale contacten", 2), (None, "Zelf mijn post lezen", 1)],
    )
    first, second = running.goals.order_by("pk")
    for days, scores, how in ((45, (3, 2), "mixed"), (15, (4, 3), "good")):
        trajectories.check_in_log(
            trajectory=running,
            by=buddy.user,
            held_on=today - timedelta(days=days),
            how_it_went=how,
            note="Samen naar het buurthuis geweest.",
            scores={first.pk: scores[0], second.pk: scores[1]},
        )
    participant_user = UserFactory(name="Olena Kovalenko")
    completed = trajectories.trajectory_enrol(
        participant=ParticipantFactory(
            first_name="Olena", last_name="Kovalenko", user=participant_user
        ),
        guide=buddy,
        by=coordinator,
        starts_on=today - timedelta(days=200),
        goals=[(None, "Een baan vinden", 1)],
    )
    goal = completed.goals.get()
    trajectories.check_in_log(
        trajectory=completed,
        by=buddy.user,
        held_on=today - timedelta(days=100),
        how_it_went="good",
        scores={goal.pk: 3},
    )
    trajectories.check_in_log(
        trajectory=completed,
        by=buddy.user,
        held_on=today - timedelta(days=20),
        how_it_went="good",
        scores={goal.pk: 5},
    )
    trajectories.trajectory_complete(trajectory=completed, by=coordinator)
    story = trajectories.story_write(
        trajectory=completed,
        by=participant_user,
        text="Ik heb werk gevonden en ken nu mijn buren.",
        consent=True,
        shown_as="first_name",
    )
    trajectories.story_approve(story=story, by=coordinator)
    return SimpleNamespace(
        buddy=buddy.user,
        running=running,
        completed=completed,
        participant_user=participant_user,
    )


def _pages(journey):
    """(who is logged in, name, path) of every trajectory page."""
    return [
        (journey.buddy, "guide's list", reverse("matching:my_trajectories")),
        (
            journey.buddy,
            "guide's trajectory",
            reverse("matching:trajectory_detail", args=[journey.running.pk]),
        ),
        (None, "participant's signed page", trajectories.trajectory_url(journey.completed)),
        (
            journey.participant_user,
            "participant's own list",
            reverse("matching:my_trajectories_as_participant"),
        ),
        (None, "success stories", reverse("matching:story_list")),
    ]


@pytest.mark.parametrize("code", ["nl", "ar"])
def test_trajectory_pages_are_accessible_and_fit_a_phone(
    browser, live_server, journey, code, shots_dir
):
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
            for user, name, path in _pages(journey):
                where = f"{code} {size_name} {name} ({path})"
                context.clear_cookies()
                context.add_cookies(
                    [{"name": "django_language", "value": code, "url": live_server.url}]
                )
                if user is not None:
                    log_in_quietly(page, live_server, user)
                response = page.goto(path)
                if response.status != 200:
                    problems.append(f"{where}: HTTP {response.status}")
                    continue
                lang, direction = page.evaluate(
                    "() => [document.documentElement.lang, document.documentElement.dir]"
                )
                expected = "rtl" if code == "ar" else "ltr"
                if (lang, direction) != (code, expected):
                    problems.append(f"{where}: <html lang={lang} dir={direction}>")
                if name == "guide's trajectory":
                    # The chart draws a line per goal, and the check-in form is there.
                    if page.locator("figure.progress-chart polyline").count() != 2:
                        problems.append(f"{where}: the progress chart has no two lines")
                    # Every dot on its line: coordinates written as numbers SVG reads (a
                    # decimal comma, as Dutch and Arabic write them, puts a dot at 0,0).
                    dots = page.evaluate(CHART_DOTS_JS)
                    if len(dots) != 6 or min(x for x, _y in dots) < 20:
                        problems.append(f"{where}: chart dots misplaced: {dots}")
                    if page.locator("form[action$='/gesprekken/nieuw/']").count() != 1:
                        problems.append(f"{where}: no check-in form")
                shot = f"trajectory-{code}-{size_name}-{name.replace(' ', '-')}.png"
                page.screenshot(path=str(shots_dir / shot.replace("'", "")), full_page=True)
                problems += page_problems(page, where, phone=phone)
            problems += context_problems(context, f"{code} {size_name}", errors)
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_the_guide_logs_a_check_in_with_the_keyboard(page, live_server, journey, axe):
    log_in_quietly(page, live_server, journey.buddy)
    page.goto(reverse("matching:trajectory_detail", args=[journey.running.pk]))
    form = page.locator("form[action$='/gesprekken/nieuw/']")
    # A day whose day and month are the same number, so that typing it is right whichever
    # order (day-month or month-day) the browser's date field asks for.
    held_on = timezone.localdate()
    while held_on.day != held_on.month:
        held_on -= timedelta(days=1)
    assert held_on >= journey.running.starts_on

    # From the date field through the form with the keyboard alone.
    date_field = form.get_by_label("Datum")
    date_field.focus()
    expect(date_field).to_be_focused()
    page.keyboard.type(held_on.strftime("%d%m%Y"))
    expect(date_field).to_have_value(held_on.isoformat())
    for _stop in range(3):  # the date field's own parts (the calendar button) come first
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") != "id_held_on":
            break
    good = form.get_by_role("radio", name="Goed")
    expect(good).to_be_focused()
    page.keyboard.press("Space")
    expect(good).to_be_checked()
    # Each radio group is one tab stop: on to the note, then to each goal's scores.
    page.keyboard.press("Tab")
    expect(form.get_by_label("Notitie")).to_be_focused()
    page.keyboard.type("We hebben samen een brief gelezen.")
    for _goal in range(2):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # the first score, 1
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")  # moves (and checks) on to 4
    page.keyboard.press("Tab")
    submit = form.get_by_role("button", name="Gesprek opslaan")
    expect(submit).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_text("Het gesprek is opgeslagen. Bedankt.")).to_be_visible()
    check_in = CheckIn.objects.filter(trajectory=journey.running).latest("pk")
    assert check_in.held_on == held_on
    assert check_in.how_it_went == "good"
    assert check_in.note == "We hebben samen een brief gelezen."
    assert sorted(check_in.scores.values_list("score", flat=True)) == [4, 4]
    expect(page.get_by_text("We hebben samen een brief gelezen.")).to_be_visible()
    axe(page)
