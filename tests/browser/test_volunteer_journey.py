"""A new volunteer registers, makes a profile, responds to an opportunity, is accepted and logs
hours that the organisation confirms: every step in a real browser, by two people in turn.

Also checks every volunteer and organisation page with axe-core (WCAG 2.1 A and AA), in the
states a person meets them in (empty, filled, after a form error), and two forms on a phone.
Elements are found by role, label, id, name or href; where text is checked, both the English
source and the Dutch translation are accepted, as the site speaks Dutch by default.
"""

import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from initiatives.models import HoursEntry, Invitation, Opportunity, Response
from mpact.core.models import availability_bit
from mpact.factories import (
    ActivityFactory,
    HoursEntryFactory,
    LanguageFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OpportunityFactory,
    OrganisationFactory,
    ResponseFactory,
    SessionFactory,
    SignUpFactory,
    SkillFactory,
    UserFactory,
    VolunteerProfileFactory,
)
from mpact.notifications.models import Notification
from mpact.users.models import User
from volunteers.models import VolunteerLanguage, VolunteerProfile

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"  # what UserFactory gives every account
NEW_PASSWORD = "Bloemkool-fiets-2026!"
ORG_SLUG = "buurthuis-de-boog"
LIST_URL = "/vacatures/"
DASHBOARD_URL = "/vrijwilliger/"
PROFILE_URL = "/vrijwilliger/profiel/"
HOURS_URL = "/vrijwilliger/uren/nieuw/"
MANAGE_URL = f"/beheer/{ORG_SLUG}/"

LOG_OUT = re.compile(r"^\s*(log out|uitloggen)\s*$", re.I)
ACCEPTED = re.compile(r"accepted|geaccepteerd", re.I)
CONFIRMED = re.compile(r"confirmed|bevestigd", re.I)
WAITING_FOR_ANSWER = re.compile(r"waiting for an answer|wacht op antwoord", re.I)
HOURS_PER_MONTH = re.compile(r"hours per month|uren per maand", re.I)


def count_text(number):
    """The result count heading for `number` opportunities, in English or Dutch."""
    return re.compile(rf"^\s*{number}\s+(opportunit(y|ies)|vacatures?)\b", re.I)


def hours_text(value):
    """`value` hours as the site shows them: 2.50 in English, 2,50 in Dutch."""
    whole, fraction = f"{value:.2f}".split(".")
    return re.compile(rf"^\s*{whole}[.,]{fraction}\s*$")


# --- Data -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth rate-limits sign-ups and log-ins in the cache, which outlives a test on Redis."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def volunteering(transactional_db):
    """An approved organisation with an administrator, opportunities that differ in skill,
    neighbourhood and words, and an activity with sessions. Returns a namespace."""
    noord = NeighbourhoodFactory(name="Noord")
    zuid = NeighbourhoodFactory(name="Zuid")
    dutch = LanguageFactory(code="nl", name_nl="Nederlands", name_en="Dutch")
    arabic = LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic")
    english = LanguageFactory(code="en", name_nl="Engels", name_en="English")
    cooking = SkillFactory(slug="koken", name_nl="Koken", name_en="Cooking")
    teaching = SkillFactory(slug="taalles", name_nl="Taalles geven", name_en="Language teaching")
    driving = SkillFactory(slug="rijden", name_nl="Autorijden", name_en="Driving")

    organisation = OrganisationFactory(
        name="Buurthuis De Boog",
        slug=ORG_SLUG,
        description="Het buurthuis van Noord: koken, taal en ontmoeting.",
        website="https://deboog.example.org",
    )
    organisation.neighbourhoods.set([noord, zuid])
    admin = UserFactory(email="olaf@example.org", name="Olaf Organisatie")
    MembershipFactory(organisation=organisation, user=admin)
    other_org = OrganisationFactory(name="Sportclub Zuid", slug="sportclub-zuid")

    def opportunity(title, description, skills, neighbourhood, **fields):
        return OpportunityFactory(
            organisation=fields.pop("organisation", organisation),
            title=title,
            description=description,
            skills=skills,
            neighbourhood=neighbourhood,
            address="Boogstraat 1" if neighbourhood else "",
            **fields,
        )

    cook = opportunity(
        "Kookmaatje in Noord",
        "Help mee met de wekelijkse maaltijd voor buren: boodschappen, snijden, koken.",
        [cooking],
        noord,
        languages=[dutch, arabic],
        min_dutch_level="A2",
    )
    soup = opportunity(
        "Soep voor ouderen",
        "Elke week soep maken en rondbrengen bij ouderen in de wijk.",
        [cooking],
        noord,
    )
    recipes = opportunity(
        "Recepten verzamelen",
        "Verzamel recepten van buren voor een kookboek, vanuit huis.",
        [cooking],
        None,
        is_remote=True,
    )
    cook_zuid = opportunity(
        "Koken in Zuid",
        "Samen een maaltijd koken in het wijkcentrum van Zuid.",
        [cooking],
        zuid,
        organisation=other_org,
    )
    language_buddy = opportunity(
        "Taalmaatje in Noord",
        "Oefen Nederlands met een nieuwe buurtbewoner, ook rond de maaltijd.",
        [teaching],
        noord,
        languages=[dutch],
    )
    driver = opportunity(
        "Chauffeur voor de maaltijd",
        "Breng buren met de auto naar de maaltijd.",
        [driving],
        noord,
        needs_vog=True,
        open_to_newcomers=False,
    )
    draft = opportunity(
        "Nog niet klaar",
        "Een vacature die nog niet gepubliceerd is.",
        [cooking],
        noord,
        status=Opportunity.Status.DRAFT,
    )

    activity = ActivityFactory(
        organisation=organisation,
        title="Samen eten in Noord",
        kind="cooking",
        neighbourhood=noord,
        languages=[dutch],
        description="Elke vrijdag eten we samen in het buurthuis.",
    )
    now = timezone.now()
    sessions = [
        SessionFactory(
            activity=activity,
            starts_at=now + timedelta(days=days),
            ends_at=now + timedelta(days=days, hours=2),
            capacity=12,
        )
        for days in (3, 10)
    ]
    return SimpleNamespace(
        noord=noord,
        zuid=zuid,
        languages=SimpleNamespace(nl=dutch, ar=arabic, en=english),
        skills=SimpleNamespace(cooking=cooking, teaching=teaching, driving=driving),
        organisation=organisation,
        admin=admin,
        cook=cook,
        soup=soup,
        recipes=recipes,
        cook_zuid=cook_zuid,
        language_buddy=language_buddy,
        driver=driver,
        draft=draft,
        activity=activity,
        sessions=sessions,
    )


def profile_for(user, volunteering, **fields):
    """A filled-in volunteer profile with skills and languages."""
    profile = VolunteerProfileFactory(
        user=user,
        display_name=fields.pop("display_name", "Samira"),
        neighbourhood=volunteering.noord,
        bio="Ik kook graag en spreek Arabisch en Nederlands.",
        other_skills="fietsen repareren",
        **fields,
    )
    profile.skills.set([volunteering.skills.cooking, volunteering.skills.teaching])
    VolunteerLanguage.objects.create(
        profile=profile, language=volunteering.languages.ar, level="native"
    )
    VolunteerLanguage.objects.create(
        profile=profile, language=volunteering.languages.nl, level="B1"
    )
    return profile


@pytest.fixture
def volunteer(volunteering):
    """A volunteer with a profile and nothing else yet."""
    user = UserFactory(email="samira@example.org", name="Samira Bakker")
    profile_for(user, volunteering)
    return user


@pytest.fixture
def busy_volunteer(volunteer, volunteering):
    """The volunteer with responses in every state, a sign-up and hours over two months."""
    today = timezone.localdate()
    accepted = ResponseFactory(
        opportunity=volunteering.cook,
        volunteer=volunteer,
        status=Response.Status.ACCEPTED,
        reply="Welkom! Kom dinsdag om 10 uur langs.",
        decided_by=volunteering.admin,
        decided_at=timezone.now(),
    )
    ResponseFactory(opportunity=volunteering.soup, volunteer=volunteer)
    ResponseFactory(
        opportunity=volunteering.cook_zuid,
        volunteer=volunteer,
        status=Response.Status.DECLINED,
        reply="Helaas is de plek al vergeven.",
    )
    SignUpFactory(
        session=volunteering.sessions[0],
        user=volunteer,
        name="Samira Bakker",
        email=volunteer.email,
    )
    HoursEntryFactory(
        volunteer=volunteer,
        opportunity=accepted.opportunity,
        date=today,
        hours=Decimal("2.50"),
        note="Groenten gesneden",
    )
    HoursEntryFactory(
        volunteer=volunteer,
        opportunity=accepted.opportunity,
        date=today - timedelta(days=40),
        hours=Decimal("3.00"),
        status=HoursEntry.Status.CONFIRMED,
    )
    return volunteer


# --- Helpers --------------------------------------------------------------------------------


def log_in_quietly(page, live_server, user):
    """Give the browser a session of `user` without the log-in form (for page checks)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def submit(page, form):
    """Press the form's (first) submit button and wait for the page that answers."""
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()


def log_in(page, email, password):
    """Log in through the log-in form, as a person does."""
    page.goto("/accounts/login/")
    form = page.locator("main form[method=post]")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    submit(page, form)
    expect(page.get_by_role("button", name=LOG_OUT)).to_be_visible()


def log_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name=LOG_OUT).click()
    expect(page.locator('header a[href="/accounts/login/"]')).to_be_visible()


def named_field(form, name):
    """The form's field called `name`, which must have a label (an accessible name)."""
    field = form.locator(f"[name={name}]")
    expect(field).to_have_accessible_name(re.compile(r"\w"))
    return field


def filter_form(page):
    return page.locator("form:has(select[name=skill])")


def result_titles(page):
    return [title.strip() for title in page.locator(".cards li h2 a").all_inner_texts()]


def expect_message(page, pattern):
    expect(page.locator(".messages")).to_contain_text(pattern)


def expect_no_sideways_scroll(page):
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= inner_width, (
        f"{page.url} scrolls sideways on a phone: {scroll_width}px wide in a {inner_width}px window"
    )


# --- The journey ----------------------------------------------------------------------------


def test_new_volunteer_responds_is_accepted_and_gets_hours_confirmed(
    page, live_server, volunteering, axe
):
    today = timezone.localdate()
    organisation, cook = volunteering.organisation, volunteering.cook

    # 1. A new person makes an account with an e-mail address and a password, twice.
    page.goto("/")
    page.locator('header a[href="/accounts/signup/"]').click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    form = page.locator("main form[method=post]")
    form.locator("input[name=email]").fill("nadia@example.org")
    form.locator("input[name=password1]").fill(NEW_PASSWORD)
    form.locator("input[name=password2]").fill(NEW_PASSWORD)
    submit(page, form)
    assert "/accounts/confirm-email/" in page.url, page.url
    nadia = User.objects.get(email="nadia@example.org")
    assert not nadia.emailaddress_set.get().verified

    # 2. She opens the link from the e-mail and confirms (a POST, not the GET of the link).
    assert [message.to for message in mail.outbox] == [["nadia@example.org"]]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s/]+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(link.group(1))
    assert not nadia.emailaddress_set.get().verified  # opening the link alone does not confirm
    submit(page, page.locator("main form[method=post]"))
    assert nadia.emailaddress_set.get().verified
    expect(page.get_by_role("button", name=LOG_OUT)).to_be_visible()  # and she is logged in

    # 3. Her volunteer page invites her to make a profile, which she fills in.
    page.goto(DASHBOARD_URL)
    page.locator(f'main a[href="{PROFILE_URL}"]').click()
    expect(page).to_have_url(re.compile(f"{PROFILE_URL}$"))
    form = page.locator("main form[method=post]")
    named_field(form, "display_name").fill("Nadia")
    form.locator("select[name=neighbourhood]").select_option(str(volunteering.noord.pk))
    form.get_by_role("checkbox", name=volunteering.skills.cooking.name_nl, exact=True).check()
    form.get_by_role(
        "checkbox", name=re.compile(r"(morning|ochtend)\s*\((tuesday|dinsdag)\)", re.I)
    ).check()
    form.get_by_role(
        "checkbox", name=re.compile(r"(evening|avond)\s*\((thursday|donderdag)\)", re.I)
    ).check()
    form.locator("#id_languages-0-language").select_option(str(volunteering.languages.ar.pk))
    form.locator("#id_languages-0-level").select_option("native")
    form.locator("#id_languages-1-language").select_option(str(volunteering.languages.nl.pk))
    form.locator("#id_languages-1-level").select_option("A2")
    form.locator("input[name=privacy_consent]").check()
    submit(page, form)

    assert page.url.endswith(DASHBOARD_URL), page.url
    expect_message(page, re.compile(r"profile is saved|profiel is opgeslagen", re.I))
    expect(page.locator("main")).to_contain_text("Nadia")
    profile = VolunteerProfile.objects.get(user=nadia)
    assert profile.display_name == "Nadia"
    assert profile.neighbourhood == volunteering.noord
    assert list(profile.skills.all()) == [volunteering.skills.cooking]
    assert profile.availability == availability_bit(1, 0) | availability_bit(3, 2)
    assert sorted(profile.languages.values_list("language__code", "level")) == [
        ("ar", "native"),
        ("nl", "A2"),
    ]
    assert profile.privacy_consent_version == settings.PRIVACY_STATEMENT_VERSION

    # 4. She finds the opportunity: first by skill and neighbourhood, then by a word.
    page.locator(f'main a[href="{LIST_URL}"]').click()  # "find volunteer work"
    expect(page).to_have_url(re.compile(f"{LIST_URL}$"))
    form = filter_form(page)
    form.locator("select[name=skill]").select_option("koken")
    form.locator("select[name=neighbourhood]").select_option(str(volunteering.noord.pk))
    submit(page, form)
    assert "skill=koken" in page.url and f"neighbourhood={volunteering.noord.pk}" in page.url
    expect(page.locator("#results-title")).to_have_text(count_text(3))
    assert sorted(result_titles(page)) == sorted(
        [cook.title, volunteering.soup.title, volunteering.recipes.title]  # from home fits too
    )

    form = filter_form(page)
    expect(form.locator("select[name=skill]")).to_have_value("koken")
    expect(form.locator("select[name=neighbourhood]")).to_have_value(str(volunteering.noord.pk))
    form.locator("input[name=q]").fill("maaltijd")
    submit(page, form)
    assert "q=maaltijd" in page.url
    expect(page.locator("#results-title")).to_have_text(count_text(1))
    assert result_titles(page) == [cook.title]  # not Zuid's meal, the driver, the language buddy
    axe(page)

    # 5. She opens it and responds with a message.
    page.get_by_role("link", name=cook.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cook.title)
    assert page.url.endswith(cook.get_absolute_url())
    form = page.locator("main form[method=post]")
    named_field(form, "message").fill("Ik kook graag voor veel mensen en kan op dinsdagochtend.")
    submit(page, form)
    assert page.url.endswith(cook.get_absolute_url())
    expect_message(page, re.compile(r"response is sent|reactie is verstuurd", re.I))
    expect(page.locator("main")).to_contain_text(WAITING_FOR_ANSWER)
    expect(page.locator("main form[method=post]")).to_have_count(0)  # no second response
    response = Response.objects.get()
    assert (response.opportunity, response.volunteer, response.status) == (
        cook,
        nadia,
        Response.Status.PENDING,
    )

    # 6. The organisation's administrator logs in and accepts, with a message.
    log_out(page)
    log_in(page, volunteering.admin.email, PASSWORD)
    page.goto(MANAGE_URL)
    page.locator(f'nav a[href="{MANAGE_URL}reacties/"]').click()
    expect(page).to_have_url(re.compile(f"{MANAGE_URL}reacties/$"))
    card = page.locator("li.card", has_text="Nadia")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(cook.title)
    expect(card).to_contain_text("dinsdagochtend")
    card.get_by_role("radio", name=re.compile(r"^(accept|accepteren)$", re.I)).check()
    named_field(card, "reply").fill("Welkom Nadia! Kom dinsdag om 10 uur naar het buurthuis.")
    submit(page, card)
    expect_message(page, re.compile(r"answer is sent|antwoord is naar", re.I))
    expect(page.locator("li.card", has_text="Nadia")).to_have_count(0)  # no longer pending
    page.get_by_role("link", name=re.compile(r"^(accepted|geaccepteerd)$", re.I)).click()
    expect(page.locator("li.card", has_text="Nadia")).to_contain_text("Kom dinsdag om 10 uur")

    # 7. Nadia sees that she is accepted, and logs the hours she gave today.
    log_out(page)
    log_in(page, "nadia@example.org", NEW_PASSWORD)
    page.goto(DASHBOARD_URL)
    row = page.locator("tr", has=page.get_by_role("link", name=cook.title))
    expect(row).to_contain_text(ACCEPTED)
    expect(row).to_contain_text("Kom dinsdag om 10 uur")
    axe(page)
    page.locator(f'main a[href="{HOURS_URL}"]').click()
    expect(page).to_have_url(re.compile(f"{HOURS_URL}$"))
    form = page.locator("main form[method=post]")
    fields = {name: named_field(form, name) for name in ("subject", "date", "hours", "note")}
    fields["subject"].select_option(label=f"{cook.title} ({organisation.name})")
    fields["date"].fill(today.isoformat())
    fields["hours"].fill("2.5")
    fields["note"].fill("Groenten gesneden en soep gekookt")
    submit(page, form)
    assert page.url.endswith(DASHBOARD_URL), page.url
    expect_message(page, re.compile(r"hours are logged|uren zijn ingevuld", re.I))
    month_row = page.locator("table", has=page.locator("caption", has_text=HOURS_PER_MONTH))
    month_row = month_row.locator("tbody tr").first
    expect(month_row.locator("td")).to_have_text(
        [re.compile(str(today.year)), hours_text(2.5), hours_text(0)]
    )
    entry = HoursEntry.objects.get()
    assert entry.status == HoursEntry.Status.PENDING

    # 8. The administrator confirms the hours.
    log_out(page)
    log_in(page, volunteering.admin.email, PASSWORD)
    page.goto(f"{MANAGE_URL}uren/")
    row = page.locator("tbody tr", has_text="Nadia")
    expect(row).to_contain_text("Groenten gesneden")
    submit_button = row.get_by_role("button", name=re.compile(r"^(confirm|bevestigen)\b", re.I))
    with page.expect_navigation():
        submit_button.click()
    expect_message(page, re.compile(r"saved|opgeslagen", re.I))
    expect(page.locator("tbody tr", has_text="Nadia")).to_contain_text(CONFIRMED)
    expect(page.locator("tbody tr", has_text="Nadia").get_by_role("button")).to_have_count(0)

    # 9. Nadia's month table now counts them as confirmed.
    log_out(page)
    log_in(page, "nadia@example.org", NEW_PASSWORD)
    page.goto(DASHBOARD_URL)
    month_row = page.locator("table", has=page.locator("caption", has_text=HOURS_PER_MONTH))
    month_row = month_row.locator("tbody tr").first
    expect(month_row.locator("td")).to_have_text(
        [re.compile(str(today.year)), hours_text(2.5), hours_text(2.5)]
    )
    axe(page)

    # What the database holds afterwards.
    response.refresh_from_db()
    assert response.status == Response.Status.ACCEPTED
    assert response.decided_by == volunteering.admin
    assert response.reply == "Welkom Nadia! Kom dinsdag om 10 uur naar het buurthuis."
    entry.refresh_from_db()
    assert (entry.volunteer, entry.opportunity, entry.organisation) == (nadia, cook, organisation)
    assert (entry.date, entry.hours, entry.note) == (
        today,
        Decimal("2.50"),
        "Groenten gesneden en soep gekookt",
    )
    assert entry.status == HoursEntry.Status.CONFIRMED
    assert entry.decided_by == volunteering.admin
    notifications = {(n.kind, n.email) for n in Notification.objects.all()}
    assert notifications == {
        ("response_received", volunteering.admin.email),
        ("response_accepted", "nadia@example.org"),
        ("hours_confirmed", "nadia@example.org"),
    }
    assert not Notification.objects.filter(sent_at__isnull=True).exists()  # all delivered
    assert Notification.objects.get(kind="response_accepted").user == nadia
    assert [message.to for message in mail.outbox] == [
        ["nadia@example.org"],  # the confirmation link
        [volunteering.admin.email],  # a new response
        ["nadia@example.org"],  # accepted
        ["nadia@example.org"],  # hours confirmed
    ]


# --- Accessibility: opportunities (axe-core, WCAG 2.1 A and AA) ------------------------------


def test_opportunity_list_is_accessible(page, volunteering, axe):
    page.goto(LIST_URL)
    expect(page.locator("#results-title")).to_have_text(count_text(6))
    axe(page)


def test_filtered_opportunity_list_is_accessible(page, volunteering, axe):
    page.goto(f"{LIST_URL}?skill=koken&neighbourhood={volunteering.noord.pk}&newcomers=on")
    expect(page.locator("#results-title")).to_have_text(count_text(3))
    axe(page)


def test_opportunity_list_without_results_is_accessible(page, volunteering, axe):
    page.goto(LIST_URL)
    form = filter_form(page)
    form.locator("select[name=skill]").select_option("rijden")
    form.locator("select[name=neighbourhood]").select_option(str(volunteering.zuid.pk))
    submit(page, form)
    expect(page.locator("#results-title")).to_have_text(count_text(0))
    expect(page.locator(".cards")).to_have_count(0)
    axe(page)


def test_opportunity_page_logged_out_is_accessible(page, volunteering, axe):
    page.goto(volunteering.cook.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(volunteering.cook.title)
    expect(page.locator('main a[href^="/accounts/login/"]')).to_be_visible()
    expect(page.locator("main form[method=post]")).to_have_count(0)
    axe(page)


def test_opportunity_page_without_a_profile_is_accessible(page, live_server, volunteering, axe):
    log_in_quietly(page, live_server, UserFactory(email="nog-geen-profiel@example.org"))
    page.goto(volunteering.driver.get_absolute_url())
    expect(page.locator(f'main a[href="{PROFILE_URL}"]')).to_be_visible()
    expect(page.locator("main form[method=post]")).to_have_count(0)
    axe(page)


def test_opportunity_page_with_the_response_form_is_accessible(
    page, live_server, volunteer, volunteering, axe
):
    log_in_quietly(page, live_server, volunteer)
    page.goto(volunteering.cook.get_absolute_url())
    expect(page.locator("main form[method=post] textarea[name=message]")).to_be_visible()
    axe(page)


def test_opportunity_page_after_a_form_error_is_accessible(
    page, live_server, volunteer, volunteering, axe
):
    log_in_quietly(page, live_server, volunteer)
    page.goto(volunteering.cook.get_absolute_url())
    submit(page, page.locator("main form[method=post]"))  # an empty message
    error = page.locator("#id_message_error")
    expect(error).to_be_visible()
    message = page.locator("textarea[name=message]")
    expect(message).to_have_attribute("aria-invalid", "true")
    expect(message).to_have_accessible_description(re.compile(re.escape(error.inner_text())))
    assert not Response.objects.exists()
    axe(page)


def test_opportunity_page_after_responding_is_accessible(
    page, live_server, busy_volunteer, volunteering, axe
):
    log_in_quietly(page, live_server, busy_volunteer)
    page.goto(volunteering.cook.get_absolute_url())
    expect(page.locator("main")).to_contain_text(ACCEPTED)
    axe(page)


# --- Accessibility: the volunteer's pages ----------------------------------------------------


def test_empty_volunteer_page_is_accessible(page, live_server, volunteering, axe):
    log_in_quietly(page, live_server, UserFactory(email="leeg@example.org"))
    page.goto(DASHBOARD_URL)
    expect(page.locator(f'main a[href="{PROFILE_URL}"]')).to_be_visible()
    expect(page.locator("main table")).to_have_count(0)
    axe(page)


def test_filled_volunteer_page_is_accessible(page, live_server, busy_volunteer, axe):
    MembershipFactory(
        organisation=OrganisationFactory(name="Wijkteam Noord", slug="wijkteam-noord"),
        user=busy_volunteer,
        role="member",
    )
    log_in_quietly(page, live_server, busy_volunteer)
    page.goto(DASHBOARD_URL)
    responses = page.locator("main table").first.locator("tbody tr")
    expect(responses).to_have_count(3)
    months = page.locator("table", has=page.locator("caption", has_text=HOURS_PER_MONTH))
    expect(months.locator("tbody tr")).to_have_count(2)
    axe(page)


def test_empty_profile_form_is_accessible(page, live_server, volunteering, axe):
    log_in_quietly(page, live_server, UserFactory(email="leeg@example.org"))
    page.goto(PROFILE_URL)
    expect(page.locator("input[name=privacy_consent]")).not_to_be_checked()
    expect(page.locator("input[name=availability]")).to_have_count(21)
    axe(page)


def test_profile_form_with_errors_is_accessible(page, live_server, volunteering, axe):
    user = UserFactory(email="fout@example.org")
    log_in_quietly(page, live_server, user)
    page.goto(PROFILE_URL)
    form = page.locator("main form[method=post]")
    form.locator("input[name=display_name]").fill("")
    form.locator("input[name=postal_code]").fill("12345")
    form.locator("input[name=has_vog]").check()
    form.locator("#id_languages-0-language").select_option(str(volunteering.languages.en.pk))
    submit(page, form)  # no name, a bad postal code, no VOG date, no level, no consent

    for name in ("display_name", "postal_code", "vog_date", "privacy_consent"):
        error = page.locator(f"#id_{name}_error")
        expect(error).to_be_visible()
        field = page.locator(f"#id_{name}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(re.escape(error.inner_text())))
    expect(page.locator("#id_languages-0-level")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("input[name=postal_code]")).to_have_value("12345")
    assert not VolunteerProfile.objects.filter(user=user).exists()
    axe(page)


def test_filled_profile_form_is_accessible(page, live_server, volunteer, axe):
    log_in_quietly(page, live_server, volunteer)
    page.goto(PROFILE_URL)
    expect(page.locator("input[name=privacy_consent]")).to_be_checked()
    expect(page.locator("input[name=languages-0-DELETE]")).to_have_count(1)
    axe(page)


def test_hours_form_is_accessible(page, live_server, busy_volunteer, axe):
    log_in_quietly(page, live_server, busy_volunteer)
    page.goto(HOURS_URL)
    # The empty choice and the accepted opportunity (the activity's session is still to come).
    expect(page.locator("select[name=subject] option")).to_have_count(2)
    axe(page)
    submit(page, page.locator("main form[method=post]"))  # nothing filled in
    expect(page.locator("#id_subject_error")).to_be_visible()
    axe(page)


def test_hours_page_without_anything_to_log_is_accessible(page, live_server, volunteer, axe):
    log_in_quietly(page, live_server, volunteer)
    page.goto(HOURS_URL)
    expect(page.locator("main form[method=post]")).to_have_count(0)
    expect(page.locator(f'main a[href="{LIST_URL}"]')).to_be_visible()
    axe(page)


def test_public_profile_is_accessible(page, live_server, volunteer, volunteering, axe):
    profile = volunteer.volunteer_profile
    log_in_quietly(page, live_server, volunteering.admin)
    page.goto(profile.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(profile.display_name)
    expect(page.locator("main")).not_to_contain_text(volunteer.email)
    axe(page)


def test_own_hidden_profile_is_accessible(page, live_server, volunteer, axe):
    profile = volunteer.volunteer_profile
    profile.is_visible = False
    profile.save()
    log_in_quietly(page, live_server, volunteer)
    page.goto(profile.get_absolute_url())
    expect(page.locator("main .message")).to_be_visible()
    axe(page)


# --- Accessibility: organisations ------------------------------------------------------------


def test_organisation_register_form_is_accessible(page, live_server, volunteering, axe):
    log_in_quietly(page, live_server, UserFactory(email="nieuwe-club@example.org"))
    page.goto("/organisaties/aanmelden/")
    expect(page.locator("input[name=name]")).to_be_visible()
    axe(page)


def test_organisation_register_form_with_errors_is_accessible(page, live_server, volunteering, axe):
    log_in_quietly(page, live_server, UserFactory(email="nieuwe-club@example.org"))
    page.goto("/organisaties/aanmelden/")
    form = page.locator("main form[method=post]")
    form.locator("input[name=kvk_number]").fill("123")
    form.locator("input[name=email]").fill("geen-adres")
    submit(page, form)
    for name in ("name", "kind", "description", "kvk_number", "contact_name", "email"):
        error = page.locator(f"#id_{name}_error")
        expect(error).to_be_visible()
        expect(page.locator(f"#id_{name}")).to_have_accessible_description(
            re.compile(re.escape(error.inner_text()))
        )
    axe(page)


def test_organisation_page_is_accessible(page, volunteering, axe):
    page.goto(f"/organisaties/{ORG_SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(volunteering.organisation.name)
    expect(page.get_by_role("link", name=volunteering.cook.title)).to_be_visible()
    expect(page.get_by_role("link", name=volunteering.activity.title)).to_be_visible()
    axe(page)


def test_privacy_statement_is_accessible(page, live_server, axe):
    page.goto("/privacy/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(settings.PRIVACY_STATEMENT_VERSION)
    axe(page)


# --- Accessibility: an organisation's own pages (beheer) -------------------------------------


@pytest.fixture
def admin_page(page, live_server, busy_volunteer, volunteering):
    """The organisation's administrator, logged in, with responses and hours to handle."""
    pending = ResponseFactory(
        opportunity=volunteering.language_buddy,
        volunteer=UserFactory(email="youssef@example.org", name="Youssef"),
        message="Ik spreek Arabisch en Nederlands.\nIk kan op woensdag.",
    )
    VolunteerProfileFactory(user=pending.volunteer, display_name="Youssef", is_visible=False)
    Invitation.objects.create(
        organisation=volunteering.organisation,
        email="collega@example.org",
        invited_by=volunteering.admin,
    )
    MembershipFactory(
        organisation=volunteering.organisation,
        user=UserFactory(email="mila@example.org", name="Mila Lid"),
        role="member",
    )
    log_in_quietly(page, live_server, volunteering.admin)
    return page


def test_manage_dashboard_is_accessible(admin_page, volunteering, axe):
    page = admin_page
    page.goto(MANAGE_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(volunteering.organisation.name)
    expect(page.locator(f'a[href="{MANAGE_URL}uren/"]').first).to_be_visible()
    axe(page)


def test_manage_new_opportunity_form_is_accessible(admin_page, axe):
    page = admin_page
    page.goto(f"{MANAGE_URL}vacatures/nieuw/")
    expect(page.locator("input[name=title]")).to_be_visible()
    axe(page)
    submit(page, page.locator("main form[method=post]"))  # nothing filled in
    for name in ("title", "description", "commitment", "neighbourhood"):
        error = page.locator(f"#id_{name}_error")
        expect(error).to_be_visible()
        expect(page.locator(f"#id_{name}")).to_have_accessible_description(
            re.compile(re.escape(error.inner_text()))
        )
    axe(page)


def test_manage_edit_opportunity_form_is_accessible(admin_page, volunteering, axe):
    page = admin_page
    page.goto(f"{MANAGE_URL}vacatures/{volunteering.cook.pk}/")
    expect(page.locator("input[name=title]")).to_have_value(volunteering.cook.title)
    axe(page)


@pytest.mark.parametrize("status", ["pending", "all"])
def test_manage_responses_are_accessible(admin_page, axe, status):
    page = admin_page
    page.goto(f"{MANAGE_URL}reacties/?status={status}")
    expect(page.locator("li.card", has_text="Youssef")).to_be_visible()
    expect(page.locator("li.card input[type=radio]").first).to_be_visible()
    axe(page)


def test_manage_hours_are_accessible(admin_page, axe):
    page = admin_page
    page.goto(f"{MANAGE_URL}uren/")
    expect(page.locator("main tbody tr")).to_have_count(2)
    expect(page.locator("main tbody button")).to_have_count(2)  # confirm, do not confirm
    axe(page)


def test_manage_members_are_accessible(admin_page, axe):
    page = admin_page
    page.goto(f"{MANAGE_URL}leden/")
    expect(page.locator("main tbody tr")).to_have_count(2)
    expect(page.locator("input[name=email]")).to_be_visible()
    axe(page)
    form = page.locator("main form[method=post]:has(input[name=email])")
    form.locator("input[name=email]").fill("olaf@example.org")  # a member already
    submit(page, form)
    expect(page.locator("#id_email_error")).to_be_visible()
    axe(page)


def test_manage_activity_forms_are_accessible(admin_page, volunteering, axe):
    page = admin_page
    page.goto(f"{MANAGE_URL}activiteiten/nieuw/")
    expect(page.locator("input[name=title]")).to_be_visible()
    axe(page)
    submit(page, page.locator("main form[method=post]"))  # nothing filled in
    expect(page.locator("#id_title_error")).to_be_visible()
    axe(page)
    page.goto(f"{MANAGE_URL}activiteiten/{volunteering.activity.pk}/")
    expect(page.locator("input[name=title]")).to_have_value(volunteering.activity.title)
    # Each session: a link to edit it and one to its attendance register (issue 14).
    sessions = page.locator("main ul li a[href*='/bijeenkomsten/']:not([href*='aanwezigheid'])")
    expect(sessions).to_have_count(2)
    expect(page.locator("main ul li a[href*='/aanwezigheid/']")).to_have_count(2)
    axe(page)


def test_manage_session_forms_are_accessible(admin_page, volunteering, axe):
    page = admin_page
    activity = volunteering.activity
    page.goto(f"{MANAGE_URL}activiteiten/{activity.pk}/bijeenkomsten/nieuw/")
    expect(page.locator("input[name=starts_at]")).to_be_visible()
    axe(page)
    form = page.locator("main form[method=post]")
    form.locator("input[name=capacity]").fill("0")
    submit(page, form)
    expect(page.locator("#id_starts_at_error")).to_be_visible()
    axe(page)
    session_pk = volunteering.sessions[0].pk
    page.goto(f"{MANAGE_URL}activiteiten/{activity.pk}/bijeenkomsten/{session_pk}/")
    expect(page.locator("input[name=capacity]")).to_have_value("12")
    axe(page)


# --- Phone ----------------------------------------------------------------------------------


def test_opportunity_list_fits_a_phone_screen(phone_page, volunteering, axe, shots_dir):
    page = phone_page
    page.goto(LIST_URL)
    expect(page.locator(".cards li").first).to_be_visible()
    page.screenshot(path=str(shots_dir / "opportunity-list-phone.png"), full_page=True)
    expect_no_sideways_scroll(page)
    axe(page)


def test_profile_form_fits_a_phone_screen(phone_page, live_server, volunteer, axe, shots_dir):
    page = phone_page
    log_in_quietly(page, live_server, volunteer)
    page.goto(PROFILE_URL)
    expect(page.locator("input[name=availability]").first).to_be_visible()
    page.screenshot(path=str(shots_dir / "profile-form-phone.png"), full_page=True)
    expect_no_sideways_scroll(page)
    axe(page)
