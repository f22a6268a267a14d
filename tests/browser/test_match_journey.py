"""A coordinator compares the volunteers suggested for a help request in the admin, rejects one
with a reason and offers the match to the best; that volunteer logs in, finds the offer on their
volunteer page and accepts it (by keyboard); the request is matched and the coordinator told.
On the same page the volunteer turns down a suggested opportunity with "Not for me".

Also checks the comparison screen (the project's own admin template) and the volunteer page
with axe-core (WCAG 2.1 A and AA), the volunteer page on a phone too. Elements are found by
role, label, id, name, value or href; where text is checked, both the English source and the
Dutch translation are accepted, as the site speaks Dutch by default.
"""

import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from matching.models import HelpRequest, MatchSuggestion, StatusChange
from matching.suggestions import suggestion_from_token
from mpact.factories import (
    HelpRequestFactory,
    LanguageFactory,
    NeighbourhoodFactory,
    OpportunityFactory,
    OrganisationFactory,
    ParticipantFactory,
    UserFactory,
    VolunteerProfileFactory,
)
from mpact.notifications.models import Notification
from tests.browser.conftest import axe_run
from tests.browser.test_volunteer_journey import (
    DASHBOARD_URL,
    PASSWORD,
    expect_message,
    expect_no_sideways_scroll,
    log_in,
    log_in_quietly,
)

pytestmark = pytest.mark.browser

Status = MatchSuggestion.Status

PROPOSED = re.compile(r"^\s*(proposed|voorgesteld)\s*$", re.I)
APPROVED = re.compile(r"approved by a coordinator|goedgekeurd door een coördinator", re.I)
REJECTED = re.compile(r"rejected by a coordinator|afgewezen door een coördinator", re.I)
ACCEPTED = re.compile(r"accepted by the volunteer|geaccepteerd door de vrijwilliger", re.I)
WAITING = re.compile(r"^\s*(waiting for your answer|wacht op jouw antwoord)\s*$", re.I)
MATCHED = re.compile(r"^\s*(matched|gekoppeld)\s*$", re.I)
THANK_YOU = re.compile(r"thank you|dank je", re.I)
WHY_REJECT = re.compile(r"^\s*(why reject|waarom afwijzen)\?\s*$", re.I)
REASON_MISSING = re.compile(r"say why you reject|leg uit waarom je dit voorstel afwijst", re.I)
REJECTED_DONE = re.compile(r"rejected; this pair|afgewezen; deze koppeling", re.I)
OFFERED_TO_FATIMA = re.compile(r"(offered to|aangeboden aan) fatima", re.I)
NOT_SUGGESTED_AGAIN = re.compile(r"not suggest this one|niet opnieuw aan je voor", re.I)
YOU_HELP = re.compile(r"^\s*(you help|jij helpt) samira\s*$", re.I)

REQUEST_TEXT = "Ik wil mijn Nederlands oefenen voor het inburgeringsexamen, liefst op dinsdag."
REJECT_REASON = "Woont te ver weg voor wekelijks afspreken."
BEST_REASONS = ["spreekt Arabisch (moedertaal)", "woont in Noord, 0,8 km", "vrij op dinsdag"]
MIDDLE_REASONS = ["spreekt Arabisch (B2)", "woont in Noord, 2,1 km"]
LOW_REASONS = ["spreekt Nederlands (C1)", "woont in Zuid, 6,4 km"]
COOK_REASONS = ["kan koken", "in je eigen wijk"]
DRIVER_REASONS = ["heeft een auto", "vrij op zaterdag"]


# --- Data -----------------------------------------------------------------------------------


@pytest.fixture
def suggested(transactional_db, coordinator):
    """An open help request of Samira's with three volunteers suggested for it (created in a
    different order from their scores), and two opportunities suggested to the best of them."""
    noord = NeighbourhoodFactory(name="Noord")
    zuid = NeighbourhoodFactory(name="Zuid")
    arabic = LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic")
    participant = ParticipantFactory(first_name="Samira", last_name="", neighbourhood=noord)
    participant.languages.set([arabic])
    help_request = HelpRequestFactory(
        participant=participant,
        kind=HelpRequest.Kind.LANGUAGE,
        description=REQUEST_TEXT,
        neighbourhood=noord,
        status=HelpRequest.Status.OPEN,
        assigned_to=coordinator,
    )

    def volunteer(name, email, neighbourhood):
        return VolunteerProfileFactory(
            user=UserFactory(email=email, name=f"{name} Vrijwilliger"),
            display_name=name,
            neighbourhood=neighbourhood,
        )

    fatima = volunteer("Fatima", "fatima@example.org", noord)
    jan = volunteer("Jan", "jan@example.org", noord)
    noor = volunteer("Noor", "noor@example.org", zuid)

    def suggest(profile, score, reasons, **target):
        target = target or {"help_request": help_request}
        return MatchSuggestion.objects.create(
            volunteer=profile, score=score, reasons=reasons, **target
        )

    low = suggest(noor, 340, LOW_REASONS)
    best = suggest(fatima, 820, BEST_REASONS)
    middle = suggest(jan, 610, MIDDLE_REASONS)

    organisation = OrganisationFactory(name="Buurthuis De Boog", slug="buurthuis-de-boog")
    cook = OpportunityFactory(organisation=organisation, title="Kookmaatje in Noord")
    driver = OpportunityFactory(organisation=organisation, title="Chauffeur voor de maaltijd")
    cook_suggestion = suggest(fatima, 700, COOK_REASONS, opportunity=cook)
    driver_suggestion = suggest(fatima, 450, DRIVER_REASONS, opportunity=driver)
    return SimpleNamespace(
        help_request=help_request,
        fatima=fatima,
        jan=jan,
        noor=noor,
        best=best,
        middle=middle,
        low=low,
        cook=cook,
        driver=driver,
        cook_suggestion=cook_suggestion,
        driver_suggestion=driver_suggestion,
    )


# --- Helpers --------------------------------------------------------------------------------


def suggestion_rows(page):
    return page.locator("#suggestions tbody tr")


def suggestion_row(page, profile):
    # By the name's link: the neighbourhood under it ("Noord") may contain another's ("Noor").
    name = page.get_by_role("link", name=profile.display_name, exact=True)
    return suggestion_rows(page).filter(has=page.locator("th[scope=row]", has=name))


def status_cell(row):
    # Volunteer (th), then score, why, points per part, status, decision.
    return row.locator("td").nth(3)


def admin_messages(page):
    return page.locator("ul.messagelist")


def offer_cards(page):
    return page.locator("#matches + ul.cards > li.card")


def for_you_cards(page):
    return page.locator("#for-you + ul.cards > li.card")


# --- The journey ----------------------------------------------------------------------------


def test_coordinator_offers_a_match_and_the_volunteer_accepts_it(
    page, second_page, phone_page, live_server, suggested, coordinator, axe, shots_dir
):
    data = suggested
    help_request = data.help_request
    fatima = data.fatima.user
    compare_path = reverse("admin:matching_helprequest_suggestions", args=[help_request.pk])

    # 1. The coordinator logs in and opens the request in the admin.
    admin = page
    log_in(admin, coordinator.email, PASSWORD)
    admin.goto(reverse("admin:matching_helprequest_change", args=[help_request.pk]))
    expect(admin.locator("textarea[name=description]")).to_have_value(REQUEST_TEXT)
    with admin.expect_navigation():
        admin.locator(f'#content-main a.button[href="{compare_path}"]').click()
    assert admin.url.endswith(compare_path), admin.url

    # The comparison: best first, each with its score and reasons, all still proposed.
    rows = suggestion_rows(admin)
    expect(rows).to_have_count(3)
    expect(rows.locator("th[scope=row] a")).to_have_text(["Fatima", "Jan", "Noor"])
    scores = rows.locator("meter").evaluate_all("meters => meters.map(m => m.value)")
    assert scores == [820, 610, 340], scores
    for profile, reasons in (
        (data.fatima, BEST_REASONS),
        (data.jan, MIDDLE_REASONS),
        (data.noor, LOW_REASONS),
    ):
        row = suggestion_row(admin, profile)
        expect(row.locator("td ul li")).to_have_text(reasons)
        expect(status_cell(row)).to_have_text(PROPOSED)
        expect(row.locator("button[name=decision][value=approve]")).to_be_visible()
    # The matching can be started from here (not pressed: it would make new suggestions).
    run_now = admin.locator(
        f'form[action="{reverse("admin:matching_matchrun_start")}"] button[type=submit]'
    )
    expect(run_now).to_be_visible()
    expect(admin.locator("input[name=next]")).to_have_value(compare_path)
    admin.screenshot(path=str(shots_dir / "match-comparison.png"), full_page=True)
    axe_run(admin)

    # 2. She rejects the lowest. Without a reason the browser does not send the form...
    low_row = suggestion_row(admin, data.noor)
    reason = low_row.locator("textarea[name=reason]")
    expect(reason).to_have_accessible_name(WHY_REJECT)
    expect(reason).to_have_attribute("required", "")
    reject = low_row.locator("button[name=decision][value=reject]")
    reject.click()
    assert reason.evaluate("field => field.validity.valueMissing")
    assert admin.url.endswith(compare_path), admin.url
    data.low.refresh_from_db()
    assert data.low.status == Status.PROPOSED

    # ... and a reason of blanks only, which the browser lets through, the server refuses.
    reason.fill("   ")
    with admin.expect_navigation() as refused:
        reject.click()
    assert refused.value.status == 400
    expect(admin_messages(admin).locator("li.error")).to_contain_text(REASON_MISSING)
    expect(status_cell(suggestion_row(admin, data.noor))).to_have_text(PROPOSED)
    data.low.refresh_from_db()
    assert (data.low.status, data.low.reject_reason) == (Status.PROPOSED, "")
    axe_run(admin)  # the screen with an error message

    # With a reason it is rejected; the reason shows in its row, and it can no longer be decided.
    low_row = suggestion_row(admin, data.noor)
    low_row.locator("textarea[name=reason]").fill(REJECT_REASON)
    with admin.expect_navigation():
        low_row.locator("button[name=decision][value=reject]").click()
    assert admin.url.endswith(compare_path), admin.url
    expect(admin_messages(admin).locator("li.error")).to_have_count(0)
    expect(admin_messages(admin)).to_contain_text(REJECTED_DONE)
    low_row = suggestion_row(admin, data.noor)
    expect(status_cell(low_row)).to_contain_text(REJECTED)
    expect(status_cell(low_row)).to_contain_text(REJECT_REASON)
    expect(low_row.locator("button")).to_have_count(0)
    data.low.refresh_from_db()
    assert (data.low.status, data.low.reject_reason, data.low.decided_by) == (
        Status.REJECTED,
        REJECT_REASON,
        coordinator,
    )
    assert not Notification.objects.filter(user=data.noor.user).exists()

    # 3. She offers the match to the best: Fatima is told.
    with admin.expect_navigation():
        suggestion_row(admin, data.fatima).locator("button[name=decision][value=approve]").click()
    assert admin.url.endswith(compare_path), admin.url
    expect(admin_messages(admin)).to_contain_text(OFFERED_TO_FATIMA)
    best_row = suggestion_row(admin, data.fatima)
    expect(status_cell(best_row)).to_contain_text(APPROVED)
    expect(status_cell(best_row)).to_contain_text(str(coordinator))
    expect(best_row.locator("button")).to_have_count(0)
    expect(status_cell(suggestion_row(admin, data.jan))).to_have_text(PROPOSED)
    data.best.refresh_from_db()
    assert (data.best.status, data.best.decided_by) == (Status.APPROVED, coordinator)
    assert data.best.approved_at is not None
    offered = Notification.objects.get(user=fatima, kind="match_offered")
    assert "Samira" in offered.body
    token = re.fullmatch(r"/voorstellen/([^/]+)/", offered.link)  # the signed link to answer
    assert token and suggestion_from_token(token.group(1)) == data.best, offered.link
    assert fatima.email in [address for message in mail.outbox for address in message.to]
    assert not Notification.objects.filter(user=data.jan.user).exists()
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.OPEN  # until she says yes

    # 4. On a phone, Fatima's page with the offer waiting fits the screen.
    log_in_quietly(phone_page, live_server, fatima)
    phone_page.goto(DASHBOARD_URL)
    expect(offer_cards(phone_page)).to_have_count(1)
    expect(offer_cards(phone_page).locator("button[name=answer][value=accept]")).to_be_visible()
    expect(for_you_cards(phone_page)).to_have_count(2)
    phone_page.screenshot(path=str(shots_dir / "match-offer-phone.png"), full_page=True)
    expect_no_sideways_scroll(phone_page)
    axe(phone_page)

    # 5. Fatima logs in on her computer and opens her volunteer page: the offer, waiting.
    volunteer = second_page
    log_in(volunteer, fatima.email, PASSWORD)
    volunteer.goto(DASHBOARD_URL)
    offers = offer_cards(volunteer)
    expect(offers).to_have_count(1)  # not the suggestions still proposed or rejected
    offer = offers.first
    offer_link = offer.locator("h3 a")
    expect(offer_link).to_contain_text("Samira")
    expect(offer_link).to_have_attribute(
        "href", reverse("matching:suggestion_detail", args=[data.best.pk])
    )
    expect(offer).to_contain_text(", ".join(BEST_REASONS))
    expect(offer.locator(".badge")).to_have_text(WAITING)
    main = volunteer.locator("main")
    for secret in (r"\bNoor\b", r"\bJan\b", re.escape(REJECT_REASON)):
        expect(main).not_to_contain_text(re.compile(secret))
    accept = offer.locator("button[name=answer][value=accept]")
    expect(accept).to_be_visible()
    expect(offer.locator("button[name=answer][value=decline]")).to_be_visible()
    axe(volunteer)

    # She says yes by keyboard: Tab from the offer's link reaches the button, Enter presses it.
    offer_link.focus()
    volunteer.keyboard.press("Tab")
    expect(accept).to_be_focused()
    with volunteer.expect_navigation():
        volunteer.keyboard.press("Enter")
    assert volunteer.url.endswith(reverse("matching:suggestion_detail", args=[data.best.pk])), (
        volunteer.url
    )
    expect_message(volunteer, THANK_YOU)
    expect(volunteer.get_by_role("heading", level=1)).to_have_text(YOU_HELP)
    expect(volunteer.locator("main")).to_contain_text(ACCEPTED)
    expect(volunteer.locator("main button[name=answer]")).to_have_count(0)
    axe(volunteer)

    # Back on her page the offer shows as matched, without the buttons.
    volunteer.goto(DASHBOARD_URL)
    offer = offer_cards(volunteer).first
    expect(offer.locator(".badge")).to_have_text(MATCHED)
    expect(offer.locator("button")).to_have_count(0)

    # The request is matched, the other proposal ended, and the coordinator is told.
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.MATCHED
    last_step = StatusChange.objects.filter(help_request=help_request).last()
    assert (last_step.from_status, last_step.to_status, last_step.by) == (
        HelpRequest.Status.OPEN,
        HelpRequest.Status.MATCHED,
        coordinator,
    )
    for suggestion in (data.best, data.middle, data.low):
        suggestion.refresh_from_db()
    assert (data.best.status, data.middle.status, data.low.status) == (
        Status.ACCEPTED,
        Status.EXPIRED,
        Status.REJECTED,
    )
    assert data.best.answered_at is not None
    told = Notification.objects.get(user=coordinator, kind="match_accepted")
    assert "Fatima" in told.subject
    assert told.link == help_request.get_absolute_url()
    assert coordinator.email in [address for message in mail.outbox for address in message.to]

    # The coordinator's comparison shows it too.
    admin.goto(compare_path)
    expect(status_cell(suggestion_row(admin, data.fatima))).to_contain_text(ACCEPTED)
    expect(admin.locator("#suggestions button[name=decision]")).to_have_count(0)

    # 6. Opportunities suggested to her, best first, each with its reasons.
    cards = for_you_cards(volunteer)
    expect(cards).to_have_count(2)
    expect(cards.locator("h3 a")).to_have_text([data.cook.title, data.driver.title])
    cook_card = cards.filter(has=volunteer.locator("h3 a", has_text=data.cook.title))
    expect(cook_card).to_contain_text(", ".join(COOK_REASONS))
    expect(cook_card).to_contain_text(data.cook.organisation.name)
    expect(cook_card.locator(f'a.button[href="{data.cook.get_absolute_url()}"]')).to_be_visible()
    not_for_me = cook_card.locator("button[type=submit]")
    # Its name says which opportunity, as there is one such button per card.
    expect(not_for_me).to_have_accessible_name(re.compile(re.escape(data.cook.title)))
    axe(volunteer)  # a matched offer and suggested opportunities

    # "Not for me": it is gone, and not suggested again; the other one stays.
    with volunteer.expect_navigation():
        not_for_me.click()
    assert volunteer.url.endswith(DASHBOARD_URL + "#for-you"), volunteer.url
    expect_message(volunteer, NOT_SUGGESTED_AGAIN)
    cards = for_you_cards(volunteer)
    expect(cards).to_have_count(1)
    expect(cards.locator("h3 a")).to_have_text([data.driver.title])
    expect(cards.first).to_contain_text(", ".join(DRIVER_REASONS))
    expect(volunteer.locator("main")).not_to_contain_text(data.cook.title)
    data.cook_suggestion.refresh_from_db()
    data.driver_suggestion.refresh_from_db()
    assert data.cook_suggestion.status == Status.DECLINED
    assert data.cook_suggestion.answered_at is not None
    assert data.driver_suggestion.status == Status.PROPOSED
    expect(offer_cards(volunteer)).to_have_count(1)  # the match is untouched
    axe(volunteer)
