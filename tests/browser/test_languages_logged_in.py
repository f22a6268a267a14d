"""Every logged-in page in every interface language (issue 13, "Reach everyone"): a volunteer's
own pages and an organisation member's pages pass axe-core (WCAG 2.1 A and AA) in Dutch,
English, Arabic (right to left) and Ukrainian at desktop and phone width, none is wider than a
phone, each says its language and direction, and the Content Security Policy blocks nothing.

Like the public pages (test_languages.py): one browser context per language and size, every
page visited in it, and one assertion at the end that lists every problem found.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.models import Activity, Session, WalkIn
from matching import trajectories
from mpact.factories import (
    ActivityFactory,
    HelpRequestFactory,
    HoursEntryFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OpportunityFactory,
    OrganisationFactory,
    ParticipantFactory,
    ResponseFactory,
    SessionFactory,
    SignUpFactory,
    UserFactory,
    VolunteerProfileFactory,
)
from mpact.notifications.models import Notification
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    _new_context,
    context_problems,
    page_problems,
)
from tests.browser.test_languages import LANGUAGE_CODES
from tests.browser.test_volunteer_journey import log_in_quietly

pytestmark = pytest.mark.browser

ORG_SLUG = "buurthuis-de-boog"


def text(words):
    """A selector for `words` in the page's main content (the data, in any language)."""
    return f"main >> text={words}"


@pytest.fixture
def logged_in(transactional_db):
    """(person, name, path, a selector for what the page must show) of every logged-in page,
    and the data they show: a volunteer with a profile, a sign-up, a notification, a help
    request of their own and a trajectory they guide; an organisation's administrator with an
    opportunity that has a response and hours to confirm, a second member, and a talk session
    held with attendance."""
    now = timezone.now()
    noord = NeighbourhoodFactory(name="Noord")
    organisation = OrganisationFactory(name="Buurthuis De Boog", slug=ORG_SLUG)
    organisation.neighbourhoods.set([noord])
    admin = UserFactory(email="olaf@example.org", name="Olaf Organisatie")
    MembershipFactory(organisation=organisation, user=admin)
    MembershipFactory(
        organisation=organisation,
        user=UserFactory(email="mila@example.org", name="Mila Lid"),
        plain_member=True,
    )

    volunteer = UserFactory(email="samira@example.org", name="Samira Bakker")
    profile = VolunteerProfileFactory(
        user=volunteer,
        display_name="Samira",
        neighbourhood=noord,
        bio="Ik kook graag en spreek Arabisch en Nederlands.",
    )

    opportunity = OpportunityFactory(
        organisation=organisation,
        title="Kookmaatje in Noord",
        description="Help mee met de wekelijkse maaltijd voor buren.",
        neighbourhood=noord,
        address="Boogstraat 1",
    )
    ResponseFactory(
        opportunity=opportunity,
        volunteer=volunteer,
        message="Ik kan op woensdag.",
    )
    HoursEntryFactory(
        volunteer=volunteer,
        opportunity=opportunity,
        date=timezone.localdate(),
        note="Groenten gesneden",
    )

    activity = ActivityFactory(
        organisation=organisation,
        title="Praatgroep jongeren",
        kind=Activity.Kind.TALK_SESSION,
        audience=Activity.Audience.TEENS,
        neighbourhood=noord,
    )
    coming = SessionFactory(
        activity=activity,
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=2),
    )
    SignUpFactory(session=coming, user=volunteer)
    held = SessionFactory(activity=activity, starts_at=now + timedelta(days=1))
    SignUpFactory(session=held, name="Amal Haddad", email="amal@example.org", attended=True)
    Session.objects.filter(pk=held.pk).update(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
    )
    WalkIn.objects.create(session=held, first_name="Yara", age_group="12_17", first_time=True)

    Notification.objects.create(
        user=volunteer,
        email=volunteer.email,
        kind=Notification.Kind.SIGNUP_CONFIRMED,
        subject="Je aanmelding voor Praatgroep jongeren",
        body="Tot dan!",
        link=reverse("initiatives:my_signups"),
        language="nl",
        sent_at=now,
    )
    HelpRequestFactory(
        filed=True,
        participant=ParticipantFactory(first_name="Samira", user=volunteer),
        neighbourhood=noord,
    )
    trajectories.trajectory_enrol(
        participant=ParticipantFactory(first_name="Amina", last_name="Haddad"),
        guide=profile,
        by=UserFactory(is_staff=True),
        starts_on=timezone.localdate() - timedelta(days=30),
        goals=[(None, "Meer sociale contacten", 2)],
    )

    manage = f"/beheer/{ORG_SLUG}/"
    activity_url = f"{manage}activiteiten/{activity.pk}/"
    opportunity_url = f"{manage}vacatures/{opportunity.pk}/"
    return SimpleNamespace(
        volunteer=volunteer,
        admin=admin,
        pages=[
            (volunteer, "volunteer dashboard", reverse("volunteer_dashboard"), text("Kookmaatje")),
            (volunteer, "profile form", reverse("volunteers:profile_edit"), "#id_display_name"),
            (volunteer, "notifications", reverse("notifications"), text("Je aanmelding")),
            (volunteer, "notification settings", reverse("notification_settings"), "main form"),
            (volunteer, "my sign-ups", reverse("initiatives:my_signups"), text("Praatgroep")),
            (
                volunteer,
                "my help requests",
                reverse("matching:my_help_requests"),
                "main a[href^='/hulpvragen/']:not([href$='/nieuw/'])",
            ),
            (volunteer, "my trajectories", reverse("matching:my_trajectories"), text("Amina")),
            (admin, "manage dashboard", manage, f"main a[href='{activity_url}']"),
            (admin, "opportunity form", opportunity_url, "#id_title"),
            (admin, "activity form", activity_url, "main a[href*='/aanwezigheid/']"),
            (admin, "responses", f"{manage}reacties/?status=all", text("Samira")),
            (admin, "hours", f"{manage}uren/", text("Groenten gesneden")),
            (admin, "members", f"{manage}leden/", text("Mila Lid")),
            (admin, "figures", f"{activity_url}cijfers/", "table.figures tbody tr"),
        ],
    )


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_every_logged_in_page_is_accessible_and_fits_a_phone(browser, live_server, logged_in, code):
    expected = (code, "rtl" if translation.get_language_info(code)["bidi"] else "ltr")
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
            user_now = None
            for user, name, path, shows in logged_in.pages:
                where = f"{code} {size_name} {name} ({path})"
                if user is not user_now:  # log in as the page's person, in the language
                    context.clear_cookies()
                    context.add_cookies(
                        [{"name": "django_language", "value": code, "url": live_server.url}]
                    )
                    log_in_quietly(page, live_server, user)
                    user_now = user
                response = page.goto(path)
                if response.status != 200 or "/accounts/login/" in page.url:
                    problems.append(f"{where}: HTTP {response.status} at {page.url}")
                    continue
                if not page.locator(shows).count():
                    problems.append(f"{where}: nothing matches {shows!r}")
                lang, direction = page.evaluate(
                    "() => [document.documentElement.lang, document.documentElement.dir]"
                )
                if (lang, direction) != expected:
                    problems.append(f"{where}: <html lang={lang} dir={direction}>")
                problems += page_problems(page, where, phone=phone)
            problems += context_problems(context, f"{code} {size_name}", errors)
        finally:
            context.close()
    assert not problems, "\n".join(problems)
