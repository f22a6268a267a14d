"""The first minutes on the site (issue 13): a wrong address gets the site's own page, an error
a page of its own, the browser its icon, and account e-mails the site's name."""

import pytest
from django.core import mail
from django.db.models import Count, Q
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, heading", [("nl", "Pagina niet gevonden"), ("en", "Page not found")]
)
def test_a_wrong_address_gets_the_sites_page_with_a_way_back(client, language, heading):
    client.cookies["django_language"] = language
    response = client.get("/activiteiten/dit-bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'name="viewport"' in html
    assert f'lang="{language}"' in html
    for name in ["home", "initiatives:activity_list", "initiatives:opportunity_list"]:
        assert f'href="{reverse(name)}"' in html
    assert 'class="site-header"' in html  # the site's header, with its navigation


def test_an_unknown_object_gets_the_same_page(client):
    response = client.get(reverse("initiatives:activity_detail", args=[987654]))
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_a_server_error_gets_a_page_of_its_own_without_the_sites_context(rf, settings):
    """Rendered without context processors (they may be what failed): no database needed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("nl"), CaptureQueriesContext(connection) as queries:
        response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Er ging iets mis</h1>" in html and 'name="viewport"' in html
    assert 'href="/"' in html
    assert not queries.captured_queries


def test_the_browser_gets_its_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an icon file's header


def test_account_e_mails_greet_with_the_sites_name(client, resident):
    from django.contrib.sites.models import Site

    site = Site.objects.get_current()
    assert site.name == "M-Pact" and "example.com" not in site.domain
    client.post(reverse("account_reset_password"), {"email": resident.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "M-Pact" in message.subject + message.body
    assert "example.com" not in message.subject + message.body


def test_every_page_links_to_registering_an_organisation(client):
    register = reverse("initiatives:organisation_register")
    for url in [reverse("home"), reverse("initiatives:activity_list"), "/bestaat-niet/"]:
        assert f'href="{register}"' in client.get(url).content.decode(), url
    assert client.get(register).status_code in (200, 302)  # the form, or log in first


def test_english_dates_are_written_day_first_and_dutch_ones_stay_dutch():
    import datetime

    from django.utils import formats, translation

    day = datetime.date(2026, 12, 1)
    moment = datetime.datetime(2026, 12, 1, 14, 30)
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "01/12/2026"
        assert formats.date_format(moment, "TIME_FORMAT") == "14:30"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "1 Dec 2026, 14:30"
    with translation.override("nl"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "1-12-2026"  # Django's own Dutch


def test_an_english_hours_subject_has_a_european_date(django_capture_on_commit_callbacks):
    import datetime
    from decimal import Decimal

    from initiatives import services
    from mpact.factories import HoursEntryFactory, UserFactory
    from mpact.notifications.models import Notification

    volunteer = UserFactory(language="en")
    entry = HoursEntryFactory(
        volunteer=volunteer, date=datetime.date(2026, 12, 1), hours=Decimal("2")
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.hours_decide(entry=entry, confirm=True, by=UserFactory())
    subject = Notification.objects.get(user=volunteer).subject
    assert "01/12/2026" in subject and "12/01/2026" not in subject


@pytest.mark.django_db(transaction=True)
def test_demo_data_lets_every_side_of_a_match_be_walked():
    """seed_demo (issue 13): the demo volunteer is offered a request (by e-mail and, as they
    chose, by text message in Arabic), coordinators have requests with several suggestions to
    compare, and the volunteers have names of their own."""
    from django.core.management import call_command

    from matching.models import MatchSuggestion
    from mpact.notifications.models import TextMessage
    from volunteers.models import VolunteerProfile

    call_command("seed_demo", activities=12, opportunities=8, volunteers=30, verbosity=0)
    offered = MatchSuggestion.objects.filter(
        volunteer__user__email="vrijwilliger@example.org",
        help_request__isnull=False,
        status=MatchSuggestion.Status.APPROVED,
    )
    assert offered.count() == 1
    text = TextMessage.objects.get(notification__user__email="vrijwilliger@example.org")
    assert text.notification.language == "ar" and "/k/" in text.body
    per_request = (
        MatchSuggestion.objects.filter(help_request__isnull=False)
        .values("help_request")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    assert max(per_request) >= 3
    names = list(VolunteerProfile.objects.values_list("display_name", flat=True))
    assert len(set(names)) > len(names) / 2
    assert "Vrijwilliger" not in names


@pytest.mark.django_db(transaction=True)
def test_demo_data_lets_demand_meet_supply():
    """seed_demo (issue 15): initiatives in every state of the review and offers of every
    kind, with suggestions to compare, a room agreed and booked, the demo resident's approved
    initiative with offers to answer, the demo organisation asked for one of its offers, and a
    newcomer's request for goods paired with goods on offer. Running it again adds nothing."""
    from django.core.management import call_command

    from initiatives.models import Initiative, InitiativeNeed, Offer, RoomBooking, Support
    from matching.models import HelpRequest, SupportMatch

    call_command("seed_demo", activities=12, opportunities=8, volunteers=30, verbosity=0)
    assert set(Initiative.objects.values_list("status", flat=True)) == set(Initiative.Status.values)
    assert set(Offer.objects.offered().values_list("kind", flat=True)) == set(Support.values)
    for status, step in [("changes_requested", "ask-changes"), ("declined", "decline")]:
        initiative = Initiative.objects.get(status=status)
        assert initiative.messages.get(by_coordinator=True, step=step).body
    open_ones = SupportMatch.Status.OPEN
    compared = InitiativeNeed.objects.annotate(
        suggested=Count("matches", filter=Q(matches__status=open_ones))
    ).filter(suggested__gte=2)
    assert compared.filter(initiative__proposer__email="bewoner@example.org").exists()

    agreed = SupportMatch.objects.get(status=SupportMatch.Status.AGREED)
    assert agreed.offer.kind == Support.ROOM and agreed.need.is_met
    booking = RoomBooking.objects.get()
    assert booking == agreed.booking
    assert booking.date == agreed.need.initiative.date == agreed.date
    assert not Offer.objects.offered(on=booking.date).filter(pk=booking.offer_id).exists()

    demo_organisation = "organisatie@example.org"
    asked = SupportMatch.objects.open().filter(
        offer__organisation__memberships__user__email=demo_organisation,
        need_side_at__isnull=False,
        offer_side_at__isnull=True,
    )
    assert asked.exists()
    mine = Initiative.objects.get(
        proposer__email="bewoner@example.org", status=Initiative.Status.APPROVED
    )
    assert (
        SupportMatch.objects.open()
        .filter(need__initiative=mine, need_side_at__isnull=True)
        .exists()
    )
    goods = HelpRequest.objects.get(kind=HelpRequest.Kind.GOODS)
    assert goods.status == HelpRequest.Status.OPEN and goods.neighbourhood
    assert goods.support_matches.filter(status=open_ones, offer__kind=Support.GOODS).exists()

    counts = [model.objects.count() for model in (Initiative, Offer, SupportMatch, RoomBooking)]
    call_command("seed_demo", verbosity=0)
    assert [
        model.objects.count() for model in (Initiative, Offer, SupportMatch, RoomBooking)
    ] == counts


# --- Forms and tables (issue 13) ------------------------------------------------------------


def _html(response, status=200):
    assert response.status_code == status, response.status_code
    return response.content.decode()


def test_a_form_with_errors_has_a_summary_at_its_top_linking_to_the_fields(client):
    """includes/form.html: every form that renders through it (here the help request's, with
    the contact form of the same page in the same summary)."""
    html = _html(client.post(reverse("matching:help_request_create"), {}), 400)
    assert html.count('class="error-summary" role="alert"') == 1
    summary = html[html.index('class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    for name in ("description", "first_name", "consent"):
        assert f'href="#id_{name}"' in summary, name
    # Before the first field, and the field's own error stays next to it.
    assert html.index('class="error-summary"') < html.index('id="id_description"')
    assert 'id="id_consent_error"' in html


def test_a_form_without_errors_has_no_summary(client):
    html = _html(client.get(reverse("matching:help_request_create")))
    assert "error-summary" not in html


def test_the_opportunity_form_summarises_its_errors(client, organisation, org_admin):
    client.force_login(org_admin)
    url = reverse("initiatives:manage_opportunity_create", args=[organisation.slug])
    html = _html(client.post(url, {"save": ""}), 400)
    assert 'class="error-summary" role="alert"' in html
    for name in ("title", "description", "commitment"):
        assert f'href="#id_{name}"' in html, name


def test_a_checkbox_is_rendered_with_its_label_after_it_and_its_error_before(client):
    html = _html(client.post(reverse("matching:help_request_create"), {}), 400)
    error = html.index('id="id_consent_error"')
    box = html.index('id="id_consent"')
    label = html.index('<label for="id_consent"')
    assert error < box < label
    assert html.rfind('class="field checkbox"', 0, error) > html.rfind("</div>", 0, error)


def test_the_status_tab_showing_is_marked(client, organisation, org_admin):
    client.force_login(org_admin)
    url = reverse("initiatives:manage_responses", args=[organisation.slug])
    html = _html(client.get(url))
    assert 'class="nav-list tabs"' in html
    assert '<a href="?status=pending" aria-current="page">' in html
    html = _html(client.get(url, {"status": "all"}))
    tabs = html[html.index('class="nav-list tabs"') :]
    tabs = tabs[: tabs.index("</ul>")]
    assert '<a href="?status=all" aria-current="page">' in tabs
    assert tabs.count('aria-current="page"') == 1


def test_the_filters_can_be_skipped_on_every_screen(client):
    import re

    from django.contrib.staticfiles import finders

    html = _html(client.get(reverse("initiatives:activity_list")))
    link = html.index('<a class="to-results" href="#results-title">')
    assert link < html.index('id="filters-title"') < html.index('id="results-title"')
    css = open(finders.find("css/mpact.css")).read()
    # Out of sight on a wide screen until focused, never display: none (which no key reaches).
    wide = css[css.index("/* Forms and tables (issue 13) */") :]
    assert re.search(r"\.to-results:focus\s*\{[^}]*position:\s*static", wide)
    assert re.search(r"\.to-results\s*\{[^}]*display:\s*inline-block", wide)


def test_tables_that_scroll_on_a_phone_can_be_reached_by_keyboard(client, organisation, org_admin):
    client.force_login(org_admin)
    for url in [
        reverse("volunteer_dashboard"),
        reverse("initiatives:manage_hours", args=[organisation.slug]),
        reverse("initiatives:manage_members", args=[organisation.slug]),
    ]:
        html = _html(client.get(url))
        for wrap in html.split('class="table-wrap"')[1:]:
            tag = wrap[: wrap.index(">")]
            assert 'tabindex="0"' in tag and 'role="region"' in tag, (url, tag)
            assert "aria-labelledby=" in tag or "aria-label=" in tag, (url, tag)


def test_the_admin_loads_the_sites_fixes(coordinator_client):
    html = _html(coordinator_client.get(reverse("admin:index")))
    assert "/static/css/admin.css" in html and "/static/js/admin.js" in html


def test_the_new_note_box_in_the_admin_has_a_name(coordinator_client):
    from mpact.factories import HelpRequestFactory

    help_request = HelpRequestFactory()
    url = reverse("admin:matching_helprequest_change", args=[help_request.pk])
    html = _html(coordinator_client.get(url))
    start = html.index('name="notes-0-text"')
    tag = html[html.rfind("<textarea", 0, start) : html.index(">", start)]
    assert 'aria-label="' in tag, tag


def test_the_comparison_screen_scrolls_in_a_named_region(coordinator_client):
    from matching.models import MatchSuggestion
    from mpact.factories import HelpRequestFactory, VolunteerProfileFactory

    help_request = HelpRequestFactory()
    MatchSuggestion.objects.create(
        volunteer=VolunteerProfileFactory(), help_request=help_request, score=500, reasons=[]
    )
    url = reverse("admin:matching_helprequest_suggestions", args=[help_request.pk])
    html = _html(coordinator_client.get(url))
    assert (
        '<div class="table-scroll" tabindex="0" role="region" '
        'aria-labelledby="suggestions-caption">' in html
    )
    assert 'id="suggestions-caption"' in html
    assert 'data-label="' in html  # the column's name on each cell, for the cards on a phone
