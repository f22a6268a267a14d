"""Demand meets supply (issue 15), in real browsers: a resident proposes an initiative that
needs a room, a coordinator approves it in the admin's review panel, an organisation posts a
room for 30 people, the matching suggests it at once, both sides say yes on their own pages,
and the room is booked for that date: no longer offered as free that day, still free the day
after. Three people, each in their own browser.

Also checks every new page of initiatives and offers with axe-core (WCAG 2.1 A and AA) at
desktop and phone width, each filled with data (suggestions waiting, a yes given, a room
booked, a message), the two forms also after a send with errors, and that none of them is
wider than a phone; the admin's review panel is checked in the journey (axe with
preload=False, see conftest.axe_run). Elements are found by role, label, name, value or href;
where text is checked, both the English source and the Dutch translation are accepted, as the
site speaks Dutch by default.
"""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from initiatives import services
from initiatives.models import Initiative, InitiativeMessage, Offer, RoomBooking
from matching import support
from matching.models import SupportMatch
from mpact.factories import (
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    UserFactory,
)
from mpact.notifications.models import Notification
from tests.browser.conftest import (
    _new_context,
    axe_run,
    context_problems,
    csp_violations,
    page_problems,
)
from tests.browser.test_volunteer_journey import (
    PASSWORD,
    expect_message,
    log_in,
    log_in_quietly,
    named_field,
    submit,
)

pytestmark = pytest.mark.browser

ORG_SLUG = "buurthuis-de-boog"
PROPOSE_URL = "/initiatieven/nieuw/"
LIST_URL = "/initiatieven/"
MINE_URL = "/mijn-initiatieven/"
OFFERS_URL = "/aanbod/"
MANAGE_OFFERS_URL = f"/beheer/{ORG_SLUG}/aanbod/"
NEW_OFFER_URL = f"/beheer/{ORG_SLUG}/aanbod/nieuw/"
ADMIN_INITIATIVES_URL = f"/{settings.ADMIN_URL}initiatives/initiative/"
INITIATIVE_PATH = re.compile(r"/initiatieven/(\d+)/$")

TITLE = "Kookavond voor buren uit Noord"
DESCRIPTION = "Samen koken met buren uit verschillende landen; iedereen neemt een recept mee."
AUDIENCE = "Buren en nieuwkomers in Noord"
ROOM_DETAILS = "Een zaal met een keuken"
ROOM_TITLE = "Zaal met keuken in De Boog"

ROOM = re.compile(r"^\s*(a room|een ruimte)\s*$", re.I)
YES = re.compile(r"^\s*(yes, agree|ja, akkoord)\s*$", re.I)
NO = re.compile(r"^\s*(no, thank you|nee, bedankt)\s*$", re.I)
CORRECT = re.compile(r"please correct the following|verbeter het volgende", re.I)
THANK_YOU = re.compile(
    r"a coordinator looks at your initiative|een coördinator bekijkt je initiatief", re.I
)
WAITING_FOR_REVIEW = re.compile(r"waiting for review|wacht op beoordeling", re.I)
NO_OFFERS_YET = re.compile(r"no offers yet|nog geen aanbod", re.I)
MESSAGE_NEEDED = re.compile(
    r"write a message to the proposer|schrijf een bericht aan de indiener", re.I
)
# The admin's review strings have no Dutch yet: either language will do.
APPROVED_DONE = re.compile(r"approved: the initiative is on the site|goedgekeurd", re.I)
OFFER_SAVED = re.compile(r"your offer is saved|je aanbod is opgeslagen", re.I)
NOT_BOOKED = re.compile(r"not booked yet|nog niet gereserveerd", re.I)
WAITING_FOR_ANSWER = re.compile(r"^\s*(waiting for an answer|wacht op antwoord)\s*$", re.I)
SUGGESTED = re.compile(r"suggested by the coordinators|voorgesteld door de koppeling", re.I)
YES_SENT = re.compile(r"your yes is sent|je ja is verstuurd", re.I)
WAITING_FOR_ORGANISATION = re.compile(
    r"waiting for the organisation|wachten op de organisatie", re.I
)
THEY_ASK = re.compile(r"they ask for your offer|ze vragen om je aanbod", re.I)
AGREED_DONE = re.compile(r"agreed! both sides|afgesproken! beide kanten", re.I)
AGREED = re.compile(r"^\s*(agreed|afgesproken)\s*$", re.I)
SUPPORTED_BY = re.compile(r"^\s*(supported by|ondersteund door)\s*$", re.I)


# --- Data -----------------------------------------------------------------------------------


@pytest.fixture
def neighbourhood(transactional_db):
    """The proposer, an organisation with a member, and a neighbourhood (another one too, so
    that the neighbourhood has to be chosen)."""
    noord = NeighbourhoodFactory(name="Noord")
    NeighbourhoodFactory(name="Zuid", latitude="52.200000", longitude="6.900000")
    organisation = OrganisationFactory(name="Buurthuis De Boog", slug=ORG_SLUG)
    organisation.neighbourhoods.set([noord])
    member = UserFactory(email="olaf@example.org", name="Olaf Organisatie")
    MembershipFactory(organisation=organisation, user=member)
    proposer = UserFactory(email="amina@example.org", name="Amina Haddad")
    return SimpleNamespace(noord=noord, organisation=organisation, member=member, proposer=proposer)


@pytest.fixture
def third_page(browser, live_server):
    """A page for a third person: its own browser context (see conftest.second_page)."""
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


# --- Helpers --------------------------------------------------------------------------------


def in_dutch(day, format_string):
    """`day` as the Dutch pages write it: a template's |date (dateformat) or the matching's
    reasons (formats.date_format)."""
    with translation.override("nl"):
        if format_string == "reason":
            return date_format(day, "j F Y")
        return dateformat.format(day, format_string)


def main_form(page):
    return page.locator("main form[method=post]").first


def fill_initiative(form, data, *, title):
    """Fill the proposer's form as a person does: what, for whom, where, when, how many, and
    a room."""
    named_field(form, "title").fill(title)
    named_field(form, "description").fill(DESCRIPTION)
    named_field(form, "audience").fill(AUDIENCE)
    named_field(form, "neighbourhood").select_option(str(data.noord.pk))
    named_field(form, "date").fill(data.date.isoformat())
    named_field(form, "start_time").fill("18:30")
    named_field(form, "end_time").fill("21:30")
    named_field(form, "participants").fill("20")
    form.get_by_role("checkbox", name=ROOM).check()
    named_field(form, "details_room").fill(ROOM_DETAILS)


def expect_error_summary(page, field_id):
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text(CORRECT)
    expect(summary.locator(f'a[href="#{field_id}"]')).to_be_visible()


def match_cards(page):
    """The pairings on an initiative's page (the proposer's) or an organisation's offers."""
    return page.locator("main ul.cards > li.card")


def result_titles(page):
    return [t.strip() for t in page.locator("main ul.cards li.card h2 a").all_inner_texts()]


def admin_axe(page):
    axe_run(page, preload=False)


# --- The journey ----------------------------------------------------------------------------


def test_a_resident_gets_a_room_for_an_initiative_from_an_organisation(
    page, second_page, third_page, live_server, neighbourhood, coordinator, axe, shots_dir
):
    data = neighbourhood
    today = timezone.localdate()
    data.date = day = today + timedelta(days=21)
    long_date, short_date = in_dutch(day, "reason"), in_dutch(day, "j E Y")

    # 1. The resident logs in and goes from the list of initiatives to the form.
    resident = page
    log_in(resident, data.proposer.email, PASSWORD)
    resident.goto(LIST_URL)
    resident.locator(f'main a[href="{PROPOSE_URL}"]').first.click()
    expect(resident).to_have_url(re.compile(f"{PROPOSE_URL}$"))
    form = main_form(resident)
    axe(resident)

    # She forgets the title: nothing is saved, the summary links to the field, what she typed
    # is kept (the room still ticked).
    fill_initiative(form, data, title="")
    with resident.expect_navigation() as sent:
        form.locator("button[type=submit]").click()
    assert sent.value.status == 400
    expect_error_summary(resident, "id_title")
    expect(resident.locator("#id_title")).to_have_attribute("aria-invalid", "true")
    form = main_form(resident)
    expect(named_field(form, "description")).to_have_value(DESCRIPTION)
    expect(named_field(form, "audience")).to_have_value(AUDIENCE)
    expect(named_field(form, "date")).to_have_value(day.isoformat())
    expect(named_field(form, "participants")).to_have_value("20")
    expect(form.get_by_role("checkbox", name=ROOM)).to_be_checked()
    expect(named_field(form, "details_room")).to_have_value(ROOM_DETAILS)
    assert not Initiative.objects.exists()
    axe(resident)

    # With a title it is sent, and waits for a coordinator on its own page.
    named_field(form, "title").fill(TITLE)
    submit(resident, form)
    assert INITIATIVE_PATH.search(resident.url), resident.url
    initiative_path = INITIATIVE_PATH.search(resident.url).group(0)
    expect_message(resident, THANK_YOU)
    expect(resident.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(resident.locator("main")).to_contain_text(WAITING_FOR_REVIEW)
    expect(resident.locator("#offers-title + p")).to_have_text(NO_OFFERS_YET)
    initiative = Initiative.objects.get()
    assert initiative_path == initiative.get_absolute_url()
    assert (initiative.status, initiative.proposer, initiative.participants, initiative.date) == (
        Initiative.Status.SUBMITTED,
        data.proposer,
        20,
        day,
    )
    assert list(initiative.needs.values_list("kind", "details")) == [("room", ROOM_DETAILS)]
    axe(resident)

    # 2. The coordinator logs in, opens the initiative in the admin and reviews it.
    admin = second_page
    log_in(admin, coordinator.email, PASSWORD)
    admin.goto(ADMIN_INITIATIVES_URL)
    change_path = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    with admin.expect_navigation():
        admin.locator(f'#result_list a[href="{change_path}"]').click()
    panel = admin.locator("#review-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("textarea[name=message]")).to_have_accessible_name(re.compile(r"\w"))
    expect(panel.locator("button[name=step]")).to_have_count(3)  # approve, changes, decline
    admin.screenshot(path=str(shots_dir / "initiative-review-panel.png"), full_page=True)
    admin_axe(admin)

    # Asking for changes needs a message: refused, shown again with the error.
    with admin.expect_navigation() as refused:
        panel.locator("button[name=step][value=ask-changes]").click()
    assert refused.value.status == 400
    panel = admin.locator("#review-panel")
    expect(panel.locator(".errorlist")).to_contain_text(MESSAGE_NEEDED)
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.SUBMITTED
    admin_axe(admin)

    # She approves it.
    with admin.expect_navigation():
        panel.locator("button[name=step][value=approve]").click()
    assert admin.url.endswith(change_path), admin.url
    expect(admin.locator("ul.messagelist")).to_contain_text(APPROVED_DONE)
    initiative.refresh_from_db()
    assert (initiative.status, initiative.reviewed_by) == (Initiative.Status.APPROVED, coordinator)
    assert Notification.objects.filter(user=data.proposer, kind="initiative_approved").exists()
    assert not SupportMatch.objects.exists()  # no offer yet

    # 3. A member of the organisation posts a room for 30 people.
    organisation = third_page
    log_in(organisation, data.member.email, PASSWORD)
    organisation.goto(MANAGE_OFFERS_URL)
    with organisation.expect_navigation():
        organisation.locator(f'main a[href="{NEW_OFFER_URL}"]').click()
    form = main_form(organisation)
    named_field(form, "kind").select_option("room")
    named_field(form, "title").fill(ROOM_TITLE)
    named_field(form, "description").fill(
        "Een lichte zaal met een grote keuken, tafels en stoelen."
    )
    named_field(form, "neighbourhood").select_option(str(data.noord.pk))
    named_field(form, "address").fill("Boogstraat 1")
    named_field(form, "capacity").fill("30")
    named_field(form, "accessible").check()
    axe(organisation)
    submit(organisation, form)
    assert organisation.url.endswith(MANAGE_OFFERS_URL), organisation.url
    expect_message(organisation, OFFER_SAVED)
    offer = Offer.objects.get()
    assert (offer.kind, offer.capacity, offer.organisation) == ("room", 30, data.organisation)
    offers_table = organisation.locator("main table")
    row = offers_table.locator("tbody tr", has=organisation.get_by_role("link", name=ROOM_TITLE))
    expect(row.locator("td").nth(2)).to_have_text(NOT_BOOKED)

    # The matching suggested it at once: the initiative is on the offers page, with why.
    match = SupportMatch.objects.get()
    assert (match.offer, match.need.initiative, match.date, match.status, match.source) == (
        offer,
        initiative,
        day,
        SupportMatch.Status.OPEN,
        SupportMatch.Source.ENGINE,
    )
    reasons = ["dezelfde wijk", f"vrij op {long_date}", "ruimte voor 30 mensen, 20 verwacht"]
    reasons.append("nodig binnen 21 dagen")
    why = re.compile(r"(why|waarom):\s*" + re.escape(", ".join(reasons)), re.I)
    card = match_cards(organisation).filter(has=organisation.get_by_role("link", name=TITLE))
    expect(card).to_have_count(1)
    expect(card.locator("h3 a")).to_have_attribute("href", initiative_path)
    expect(card).to_contain_text(short_date)
    expect(card).to_contain_text(why)
    expect(card.locator(".tag")).to_have_text(WAITING_FOR_ANSWER)
    expect(card.get_by_role("button", name=YES)).to_be_visible()
    expect(card.get_by_role("button", name=NO)).to_be_visible()
    organisation.screenshot(path=str(shots_dir / "initiative-offers-page.png"), full_page=True)
    axe(organisation)

    # 4. On her initiative's page the resident finds the room suggested, with the reasons.
    resident.goto(initiative_path)
    cards = match_cards(resident)
    expect(cards).to_have_count(1)
    card = cards.first
    expect(card.locator("h3 a")).to_have_text(ROOM_TITLE)
    expect(card.locator("h3 a")).to_have_attribute("href", offer.get_absolute_url())
    expect(card).to_contain_text(data.organisation.name)
    expect(card).to_contain_text(short_date)
    expect(card).to_contain_text(why)
    expect(card).to_contain_text(SUGGESTED)
    expect(card.locator(".tag")).to_have_text(WAITING_FOR_ANSWER)
    reason_field = card.locator("input[name=reason]")
    expect(reason_field).to_have_accessible_name(re.compile(r"\w"))
    resident.screenshot(path=str(shots_dir / "initiative-suggestion.png"), full_page=True)
    axe(resident)

    # She says yes: the organisation is asked.
    with resident.expect_navigation():
        card.get_by_role("button", name=YES).click()
    assert resident.url.endswith(initiative_path), resident.url
    expect_message(resident, YES_SENT)
    card = match_cards(resident).first
    expect(card).to_contain_text(WAITING_FOR_ORGANISATION)
    expect(card.locator("button")).to_have_count(0)
    match.refresh_from_db()
    assert match.status == SupportMatch.Status.OPEN
    assert (match.need_side_by, match.offer_side_at) == (data.proposer, None)
    assert Notification.objects.filter(user=data.member, kind="support_asked").exists()

    # 5. The member says yes on the offers page: agreed, the room booked for that date.
    organisation.reload()
    card = match_cards(organisation).filter(has=organisation.get_by_role("link", name=TITLE))
    expect(card).to_contain_text(THEY_ASK)
    with organisation.expect_navigation():
        card.get_by_role("button", name=YES).click()
    assert organisation.url.endswith(MANAGE_OFFERS_URL), organisation.url
    expect_message(organisation, AGREED_DONE)
    card = match_cards(organisation).filter(has=organisation.get_by_role("link", name=TITLE))
    expect(card.locator(".tag")).to_have_text(AGREED)
    expect(card.locator("button")).to_have_count(0)
    row = organisation.locator(
        "main table tbody tr", has=organisation.get_by_role("link", name=ROOM_TITLE)
    )
    expect(row.locator("td").nth(2)).to_have_text(f"{short_date} ({TITLE})")
    axe(organisation)

    match.refresh_from_db()
    booking = RoomBooking.objects.get()
    assert (booking.offer, booking.date, booking.initiative) == (offer, day, initiative)
    assert (match.status, match.booking, match.offer_side_by) == (
        SupportMatch.Status.AGREED,
        booking,
        data.member,
    )
    assert initiative.needs.get().is_met
    for person in (data.proposer, data.member):
        assert Notification.objects.filter(user=person, kind="support_agreed").exists(), person

    # The resident's page says who supports it.
    resident.reload()
    expect(resident.get_by_role("heading", name=SUPPORTED_BY)).to_be_visible()
    expect(resident.locator(f'main a[href="{offer.get_absolute_url()}"]').first).to_be_visible()
    card = match_cards(resident).first
    expect(card.locator(".tag")).to_have_text(AGREED)
    expect(card.locator("button")).to_have_count(0)
    axe(resident)

    # 6. The room is not free on that date any more, but still the day after; its page says
    # when it is booked. The visitor filters the list of offers as a person does.
    visitor = resident
    visitor.goto(OFFERS_URL)
    expect(visitor.locator("main ul.cards li.card h2 a")).to_have_text([ROOM_TITLE])
    filters = visitor.locator("main form.filters")
    filters.locator("select[name=kind]").select_option("room")
    filters.locator("input[name=free_on]").fill(day.isoformat())
    with visitor.expect_navigation():
        filters.locator("button[type=submit]").click()
    assert f"free_on={day.isoformat()}" in visitor.url and "kind=room" in visitor.url, visitor.url
    expect(visitor.locator("#results-title")).to_have_text(re.compile(r"^\s*0\b"))
    expect(visitor.locator(f'main a[href="{offer.get_absolute_url()}"]')).to_have_count(0)
    filters = visitor.locator("main form.filters")
    expect(filters.locator("select[name=kind]")).to_have_value("room")
    filters.locator("input[name=free_on]").fill((day + timedelta(days=1)).isoformat())
    with visitor.expect_navigation():
        filters.locator("button[type=submit]").click()
    assert f"free_on={(day + timedelta(days=1)).isoformat()}" in visitor.url, visitor.url
    assert result_titles(visitor) == [ROOM_TITLE]
    assert list(Offer.objects.offered(on=day)) == []
    assert list(Offer.objects.offered(on=day + timedelta(days=1))) == [offer]

    visitor.goto(offer.get_absolute_url())
    expect(visitor.get_by_role("heading", level=1)).to_have_text(ROOM_TITLE)
    expect(visitor.locator("main dl")).to_contain_text(short_date)

    # The initiative got what it needed: it no longer looks for support in the list.
    visitor.goto(LIST_URL)
    expect(visitor.locator(f'main a[href="{initiative_path}"]')).to_have_count(0)
    assert RoomBooking.objects.count() == 1


# --- Every new page: axe, and a phone's width -----------------------------------------------


@pytest.fixture
def support_pages(neighbourhood, coordinator):
    """Initiatives and offers in the states a person meets them in, made by the services as
    the pages make them, and (person, name, path, a selector for what the page must show) of
    every page. The proposer has an approved initiative with a room and goods suggested (she
    said yes to the goods), one whose room is agreed and booked, and one waiting for review;
    the organisation offers a room and goods."""
    data = neighbourhood
    today = timezone.localdate()
    room = services.offer_save(
        offer=Offer(
            organisation=data.organisation,
            kind="room",
            title=ROOM_TITLE,
            description="Een lichte zaal met een grote keuken, tafels en stoelen.",
            neighbourhood=data.noord,
            address="Boogstraat 1",
            capacity=30,
            accessible=True,
            conditions="Laat de keuken schoon achter.",
        )
    )
    goods = services.offer_save(
        offer=Offer(
            organisation=data.organisation,
            kind="goods",
            title="Pannen, borden en bestek",
            description="Alles om voor veertig mensen te koken en te eten.",
            neighbourhood=data.noord,
            quantity=40,
            delivery=Offer.Delivery.PICK_UP,
        )
    )

    def propose(title, days, needs, approve=True):
        initiative = services.initiative_propose(
            proposer=data.proposer,
            needs=needs,
            title=title,
            description=DESCRIPTION,
            audience=AUDIENCE,
            neighbourhood=data.noord,
            date=today + timedelta(days=days),
            participants=20,
        )
        if approve:
            services.initiative_review(initiative=initiative, step="approve", by=coordinator)
        return initiative

    cooking = propose(
        TITLE,
        21,
        [
            {"kind": "room", "amount": None, "details": ROOM_DETAILS},
            {"kind": "goods", "amount": 30, "details": "Borden en bestek"},
        ],
    )
    walking = propose("Wandelgroep voor nieuwkomers", 14, [{"kind": "room", "amount": None}])
    waiting = propose("Huiswerkklas op woensdag", 30, [{"kind": "room", "amount": None}], False)
    InitiativeMessage.objects.create(
        initiative=cooking,
        author=coordinator,
        by_coordinator=True,
        body="Mooi initiatief! Weet je al hoe laat jullie beginnen?",
    )
    # The walk's room agreed (booked), the cooking evening's goods with the proposer's yes.
    booked = SupportMatch.objects.get(need__initiative=walking)
    support.support_accept(match=booked, side=support.NEED_SIDE, by=data.proposer)
    support.support_accept(match=booked, side=support.OFFER_SIDE, by=data.member)
    said_yes = SupportMatch.objects.get(need__initiative=cooking, offer=goods)
    support.support_accept(match=said_yes, side=support.NEED_SIDE, by=data.proposer)
    assert SupportMatch.objects.filter(need__initiative=cooking, offer=room, status="open").exists()

    proposer, member, nobody = data.proposer, data.member, None
    initiative_url = cooking.get_absolute_url()
    cards = "main ul.cards li.card"
    return SimpleNamespace(
        pages=[
            (nobody, "initiatives", LIST_URL, f"main a[href='{initiative_url}']"),
            (nobody, "offers", OFFERS_URL, f"main a[href='{room.get_absolute_url()}']"),
            (
                nobody,
                "offers free on a date",
                f"{OFFERS_URL}?kind=room&free_on={(today + timedelta(days=14)).isoformat()}",
                "#results-title",
            ),
            (nobody, "a room's page", room.get_absolute_url(), "main dl"),
            (nobody, "initiative (visitor)", initiative_url, "main ul.needs li"),
            (
                nobody,
                "initiative supported (visitor)",
                walking.get_absolute_url(),
                f"main a[href='{room.get_absolute_url()}']",
            ),
            (proposer, "initiative form", PROPOSE_URL, "#id_title"),
            (proposer, "initiative form with errors", PROPOSE_URL, "send without a title"),
            (proposer, "initiative (proposer)", initiative_url, f"{cards} button"),
            (
                proposer,
                "initiative waiting (proposer)",
                waiting.get_absolute_url(),
                "main .message",
            ),
            (proposer, "initiative booked (proposer)", walking.get_absolute_url(), cards),
            (proposer, "my initiatives", MINE_URL, "main table tbody tr"),
            (proposer, "a room's page (proposer)", room.get_absolute_url(), "main select"),
            (member, "initiative (organisation)", initiative_url, "main select[name=offer]"),
            (member, "our offers", MANAGE_OFFERS_URL, f"{cards} button"),
            (member, "offer form", NEW_OFFER_URL, "#id_kind"),
            (member, "offer form with errors", NEW_OFFER_URL, "send empty"),
            (
                member,
                "offer form (a goods offer)",
                reverse("initiatives:manage_offer_edit", args=[ORG_SLUG, goods.pk]),
                "#id_quantity",
            ),
        ]
    )


def send_without_a_title(page, problems, where):
    """The proposer's form, filled but for the title, sent: the summary and what was typed."""
    form = main_form(page)
    named_field(form, "description").fill(DESCRIPTION)
    named_field(form, "audience").fill(AUDIENCE)
    form.get_by_role("checkbox", name=ROOM).check()
    named_field(form, "details_room").fill(ROOM_DETAILS)
    with page.expect_navigation() as sent:
        form.locator("button[type=submit]").click()
    if sent.value.status != 400:
        problems.append(f"{where}: HTTP {sent.value.status} after sending without a title")
    expect_error_summary(page, "id_title")
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)


def send_empty(page, problems, where):
    """The offer form sent empty: the summary links to what is missing."""
    with page.expect_navigation() as sent:
        main_form(page).locator("button[type=submit]").click()
    if sent.value.status != 400:
        problems.append(f"{where}: HTTP {sent.value.status} after sending an empty offer")
    expect_error_summary(page, "id_kind")


ACTIONS = {"send without a title": send_without_a_title, "send empty": send_empty}


def walk(page, live_server, pages, size):
    """Every page in `pages` in this browser: axe's violations, and on a phone what sticks
    out; all problems at once."""
    problems, errors = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    user_now = "nobody yet"
    for user, name, path, shows in pages:
        where = f"{size} {name} ({path})"
        if user is not user_now:
            page.context.clear_cookies()
            if user is not None:
                log_in_quietly(page, live_server, user)
            user_now = user
        response = page.goto(path)
        if response.status != 200 or "/accounts/login/" in page.url:
            problems.append(f"{where}: HTTP {response.status} at {page.url}")
            continue
        if shows in ACTIONS:
            ACTIONS[shows](page, problems, where)
        elif not page.locator(shows).count():
            problems.append(f"{where}: nothing matches {shows!r}")
        problems += page_problems(page, where, phone=size == "phone")
    problems += context_problems(page.context, size, errors)
    return problems


def test_initiative_and_offer_pages_pass_axe_and_fit_a_phone(
    page, phone_page, live_server, support_pages
):
    problems = walk(page, live_server, support_pages.pages, "desktop")
    problems += walk(phone_page, live_server, support_pages.pages, "phone")
    assert not problems, "\n".join(problems)
