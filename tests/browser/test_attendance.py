"""A host takes attendance for a talk session on a phone (issue 14): marks who came among those
signed up, adds one walk-in, and the figures page shows them. axe-core finds no violations on
the new pages (the series form, the attendance register, the figures), which fit a phone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from initiatives.models import Activity, Session, SignUp, WalkIn
from mpact.factories import ActivityFactory, SessionFactory, SignUpFactory
from tests.browser.conftest import PHONE
from tests.browser.test_volunteer_journey import log_in_quietly

pytestmark = pytest.mark.browser

WIDTHS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def fits_the_phone(page):
    scroll_width, client_width = page.evaluate(WIDTHS)
    return scroll_width <= max(client_width, PHONE["width"])


@pytest.fixture
def held(transactional_db, organisation):
    activity = ActivityFactory(
        organisation=organisation,
        title="Praatgroep jongeren",
        kind=Activity.Kind.TALK_SESSION,
        audience=Activity.Audience.TEENS,
    )
    session = SessionFactory(activity=activity, starts_at=timezone.now() + timedelta(days=1))
    amal = SignUpFactory(session=session, name="Amal Haddad", email="amal@example.org")
    SignUpFactory(session=session, name="Bram de Vries", email="bram@example.org")
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )
    return session, amal


def test_host_takes_attendance_on_a_phone_and_the_figures_show_it(
    phone_page, live_server, held, org_plain_member, axe, shots_dir
):
    page = phone_page
    session, amal = held
    slug = session.activity.organisation.slug
    log_in_quietly(page, live_server, org_plain_member)

    page.goto(
        reverse("initiatives:manage_attendance", args=[slug, session.activity_id, session.pk])
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanwezigheid")
    axe(page)
    assert fits_the_phone(page)

    page.get_by_label("Amal Haddad").check()
    page.get_by_label("Voornaam").fill("Yara")
    page.get_by_label("Leeftijdsgroep").select_option("12_17")
    page.get_by_label("Voor het eerst hier").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Yara is toegevoegd als binnenloper")).to_be_visible()
    expect(page.get_by_label("Amal Haddad")).to_be_checked()
    expect(page.get_by_label("Bram de Vries")).not_to_be_checked()
    page.screenshot(path=str(shots_dir / "attendance-phone.png"), full_page=True)
    axe(page)
    assert fits_the_phone(page)
    assert SignUp.objects.get(pk=amal.pk).attended is True
    assert WalkIn.objects.filter(session=session, first_name="Yara", first_time=True).exists()

    page.get_by_role("link", name="Cijfers").click()
    page.wait_for_url(
        f"**{reverse('initiatives:manage_figures', args=[slug, session.activity_id])}"
    )
    row = page.locator("table.figures tbody tr").first
    # Sessions held, attendance, new people, returning people, walk-ins.
    expect(row.locator("td")).to_have_text(["1", "2", "2", "0", "1"])
    page.screenshot(path=str(shots_dir / "figures-phone.png"), full_page=True)
    axe(page)
    assert fits_the_phone(page)


def test_series_form_passes_axe_on_a_phone(phone_page, live_server, held, org_admin, axe):
    page = phone_page
    session, _amal = held
    log_in_quietly(page, live_server, org_admin)
    page.goto(
        reverse(
            "initiatives:manage_series_create",
            args=[session.activity.organisation.slug, session.activity_id],
        )
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan een reeks")
    axe(page)
    assert fits_the_phone(page)
    # A refused series keeps what was typed and still passes.
    page.get_by_label("Eindtijd").fill("10:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Plan de bijeenkomsten").click()
    expect(page.get_by_label("Eindtijd")).to_have_value("10:00")
    axe(page)
