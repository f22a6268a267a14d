"""A visitor asks for help without an account and follows the request through the link it gets;
a coordinator finds it in the admin queue, does the intake and triage, refers it to an agency
and records the outcome: every step in a real browser, by two people in their own browsers.

Also checks the help-request pages of the site itself with axe-core (WCAG 2.1 A and AA), in the
states a person meets them in (empty, after a form error, filled), and the form on a phone. The
Django admin's own pages are not checked with axe. Elements are found by role, label, id, name or
href; where text is checked, both the English source and the Dutch translation are accepted, as
the site speaks Dutch by default.
"""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from matching import services
from matching.models import (
    HelpRequest,
    IntakeAssessment,
    Participant,
    ParticipantView,
    Referral,
    StatusChange,
)
from mpact.factories import (
    AgencyFactory,
    HelpRequestFactory,
    LanguageFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    ParticipantFactory,
    UserFactory,
)
from mpact.notifications.models import Notification
from tests.browser.test_volunteer_journey import (
    PASSWORD,
    expect_no_sideways_scroll,
    log_in,
    log_in_quietly,
    named_field,
    submit,
)

pytestmark = pytest.mark.browser

Status = HelpRequest.Status
ASK_URL = "/hulpvragen/nieuw/"
MY_REQUESTS_URL = "/mijn-hulpvragen/"
ORG_SLUG = "buurthuis-de-boog"
SUPPORT_URL = f"/beheer/{ORG_SLUG}/hulpvragen/nieuw/"
ADMIN_URL = f"/{settings.ADMIN_URL}"
QUEUE_URL = f"{ADMIN_URL}matching/helprequest/"
PARTICIPANTS_URL = f"{ADMIN_URL}matching/participant/"
STATUS_PATH = re.compile(r"/hulpvragen/[^/]+/$")

NEW = re.compile(r"^\s*(new|nieuw)\s*$", re.I)
IN_INTAKE = re.compile(r"^\s*(in intake|in behandeling|intake)\s*$", re.I)
OPEN = re.compile(r"^\s*open", re.I)
REFERRED = re.compile(r"^\s*(referred|doorverwezen)\s*$", re.I)
REFERRED_WORD = re.compile(r"referred|doorverwezen", re.I)
WITHDRAWN = re.compile(r"^\s*(withdrawn|ingetrokken)\s*$", re.I)
TEMPORARY = re.compile(r"^\s*(temporarily vulnerable|tijdelijk kwetsbaar)\s*$", re.I)
SAVE = re.compile(r"^\s*(save|opslaan)\s*$", re.I)
DONE = re.compile(r"done|klaar|gedaan", re.I)
THANK_YOU = re.compile(r"thank you|bedankt|dank je", re.I)

DESCRIPTION = "Ik krijg brieven van de belastingdienst die ik niet begrijp, en er komen schulden."
SCORES = {"language": 4, "daily_activity": 4, "social_network": 4, "finances": 2}
SCORES |= {"health": 4, "housing": 4}  # finances 2: temporarily vulnerable
INTAKE_NOTES = "Geheim: brieven over een betalingsachterstand bij de zorgverzekeraar."
REFER_REASON = "Geheim: schulden bij drie schuldeisers, hulp bij een regeling nodig."
OUTCOME = "Geheim: intake bij de schuldhulp gehad, traject is gestart."


# --- Data -----------------------------------------------------------------------------------


@pytest.fixture
def neighbourhood_help(transactional_db):
    """Neighbourhoods, languages and agencies to ask for help with and refer to."""
    noord = NeighbourhoodFactory(name="Noord")
    zuid = NeighbourhoodFactory(name="Zuid")
    dutch = LanguageFactory(code="nl", name_nl="Nederlands", name_en="Dutch")
    arabic = LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic")
    tigrinya = LanguageFactory(code="ti", name_nl="Tigrinya", name_en="Tigrinya")
    debt = AgencyFactory(name="Schuldhulp Enschede", kind="debt")
    social_team = AgencyFactory(name="Sociaal wijkteam Noord", kind="social_team")
    closed = AgencyFactory(name="Opgeheven loket", kind="other", is_active=False)
    return SimpleNamespace(
        noord=noord,
        zuid=zuid,
        languages=SimpleNamespace(nl=dutch, ar=arabic, ti=tigrinya),
        debt=debt,
        social_team=social_team,
        closed=closed,
    )


@pytest.fixture
def organisation_admin(transactional_db):
    organisation = OrganisationFactory(name="Buurthuis De Boog", slug=ORG_SLUG)
    user = UserFactory(email="olaf@example.org", name="Olaf Organisatie")
    MembershipFactory(organisation=organisation, user=user)
    return user


def filed_request(**fields):
    """A request filed through the service, as the form does: its timeline starts at NEW."""
    fields.setdefault("participant", ParticipantFactory())
    fields.setdefault("kind", HelpRequest.Kind.LANGUAGE)
    fields.setdefault("description", "Ik wil graag Nederlands oefenen.")
    return services.help_request_create(**fields)


def referred_request(coordinator, agency, **fields):
    """A request taken through intake and referral by the services, as the admin does."""
    help_request = filed_request(**fields)
    services.help_request_start_intake(help_request=help_request, by=coordinator)
    services.help_request_complete_intake(help_request=help_request, scores=SCORES, by=coordinator)
    services.help_request_refer(
        help_request=help_request,
        agency=agency,
        reason=REFER_REASON,
        follow_up_on=timezone.localdate() + timedelta(days=14),
        by=coordinator,
    )
    return help_request


def status_url(help_request):
    return reverse("matching:help_request_status", args=[services.status_token(help_request)])


# --- Helpers --------------------------------------------------------------------------------


def ask_form(page):
    return page.locator("main form[method=post]")


def expect_status(page, pattern):
    """The status on the asker's status page."""
    expect(page.locator("main dl dd strong")).to_have_text(pattern)


def expect_errors_announced(page, names):
    """Each field shows its error, is marked invalid, and names the error as its description,
    so that a screen reader reads it with the field."""
    for name in names:
        error = page.locator(f"#id_{name}_error")
        expect(error).to_be_visible()
        expect(error).not_to_be_empty()
        field = page.locator(f"#id_{name}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(re.escape(error.inner_text())))


def admin_readonly(page, field):
    """A read-only field's value on an admin change page."""
    return page.locator(f"fieldset .field-{field} .readonly")


def admin_messages(page):
    return page.locator("ul.messagelist")


def workflow_button(page, help_request, action):
    path = f"/matching/helprequest/{help_request.pk}/workflow/{action}/"
    return page.locator(f'a.button[href$="{path}"]')


def admin_save(page):
    with page.expect_navigation():
        page.locator("#content-main form[method=post]").get_by_role("button", name=SAVE).click()


def timeline_rows(page):
    return page.locator("#status_changes-group tbody tr.has_original")


# --- The journey ----------------------------------------------------------------------------


def test_visitor_asks_for_help_and_a_coordinator_takes_it_to_a_referral(
    page, second_page, live_server, neighbourhood_help, coordinator
):
    places = neighbourhood_help
    today = timezone.localdate()
    follow_up = today + timedelta(days=14)
    # Others in the queue, which the coordinator's filters leave out.
    colleague = UserFactory(email="collega@example.org", name="Karel Collega", is_staff=True)
    taken = HelpRequestFactory(description="Al bij een collega.", assigned_to=colleague)
    further = HelpRequestFactory(description="Al verder.", status=Status.OPEN)

    # 1. A visitor without an account asks for help.
    visitor = page
    visitor.goto("/")
    visitor.locator(f'header a[href="{ASK_URL}"]').click()
    expect(visitor).to_have_url(re.compile(f"{ASK_URL}$"))
    form = ask_form(visitor)
    named_field(form, "kind").select_option("paperwork")
    named_field(form, "description").fill(DESCRIPTION)
    form.get_by_role("checkbox", name=re.compile(r"^\s*(arabisch|arabic)\s*$", re.I)).check()
    named_field(form, "neighbourhood").select_option(str(places.noord.pk))
    named_field(form, "availability").fill("dinsdagochtend")
    named_field(form, "urgency").select_option("high")
    named_field(form, "first_name").fill("Samira")
    named_field(form, "phone").fill("06 12345678")
    named_field(form, "consent").check()
    submit(visitor, form)

    # 2. She lands on her request's status page, whose address she keeps.
    assert STATUS_PATH.search(visitor.url), visitor.url
    status_page_url = visitor.url
    expect(visitor.locator(".messages")).to_contain_text(THANK_YOU)
    expect(visitor.get_by_role("heading", level=1)).to_be_visible()
    expect_status(visitor, NEW)
    expect(visitor.locator("main ol li")).to_have_count(1)
    expect(visitor.locator("main ol li time")).to_have_attribute(
        "datetime", re.compile(f"^{today.isoformat()}")
    )
    help_request = HelpRequest.objects.exclude(pk__in=[taken.pk, further.pk]).get()
    assert help_request.status == Status.NEW
    assert Notification.objects.filter(kind="help_request_new", user=coordinator).exists()
    assert coordinator.email in [address for message in mail.outbox for address in message.to]

    # 3. The coordinator logs in, opens the queue and filters it: new, nobody's yet.
    admin = second_page
    log_in(admin, coordinator.email, PASSWORD)
    admin.locator(f'header a[href="{ADMIN_URL}"]').click()  # "Coordination"
    admin.locator(f'#content-main a[href="{QUEUE_URL}"]').first.click()
    expect(admin).to_have_url(re.compile(f"{QUEUE_URL}$"))
    expect(admin.locator("#result_list tbody tr")).to_have_count(3)
    filters = admin.locator("#changelist-filter")
    with admin.expect_navigation():
        filters.locator('a[href*="status__exact=new"]').click()
    expect(admin.locator("#result_list tbody tr")).to_have_count(2)  # not the open one
    with admin.expect_navigation():
        filters.locator('a[href*="assigned=nobody"]').click()
    assert "status__exact=new" in admin.url and "assigned=nobody" in admin.url, admin.url
    rows = admin.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)  # not the colleague's
    expect(rows.first).to_contain_text("Samira")
    change_path = f"{QUEUE_URL}{help_request.pk}/change/"
    with admin.expect_navigation():
        rows.first.locator(f'a[href*="{change_path}"]').click()
    assert change_path in admin.url, admin.url
    expect(admin_readonly(admin, "status")).to_have_text(NEW)
    expect(admin.locator("textarea[name=description]")).to_have_value(DESCRIPTION)
    expect(timeline_rows(admin)).to_have_count(1)

    # 4. She starts the intake: a confirmation page with one button.
    expect(workflow_button(admin, help_request, "intake")).to_have_count(0)  # not yet
    workflow_button(admin, help_request, "start-intake").click()
    expect(admin).to_have_url(re.compile(r"/workflow/start-intake/$"))
    expect(admin.locator("#content-main input[type=radio]")).to_have_count(0)
    admin_save(admin)
    assert change_path in admin.url, admin.url
    expect(admin_messages(admin)).to_contain_text(DONE)
    expect(admin_readonly(admin, "status")).to_have_text(IN_INTAKE)
    expect(admin.locator("select[name=assigned_to]")).to_have_value(str(coordinator.pk))

    # It is now hers: under "my requests", and gone from "nobody yet".
    admin.goto(QUEUE_URL)
    with admin.expect_navigation():
        admin.locator('#changelist-filter a[href*="assigned=me"]').click()
    expect(admin.locator("#result_list tbody tr")).to_have_count(1)
    expect(admin.locator(f'#result_list a[href*="{change_path}"]')).to_have_count(1)
    with admin.expect_navigation():
        admin.locator('#changelist-filter a[href*="assigned=nobody"]').click()
    expect(admin.locator("#result_list tbody tr")).to_have_count(1)  # the open one
    expect(admin.locator(f'#result_list a[href*="{change_path}"]')).to_have_count(0)
    admin.goto(change_path)

    # 5. The intake: six life domains scored; first another triage without a reason, refused.
    workflow_button(admin, help_request, "intake").click()
    expect(admin).to_have_url(re.compile(r"/workflow/intake/$"))
    form = admin.locator("#content-main form[method=post]")
    for domain, score in SCORES.items():
        group = form.locator("fieldset fieldset", has=admin.locator(f"input[name={domain}]"))
        expect(group.locator("legend")).not_to_be_empty()
        radio = group.locator(f'input[type=radio][name={domain}][value="{score}"]')
        expect(radio).to_have_accessible_name(re.compile(rf"^\s*{score}\b"))
        radio.check()
    form.locator("select[name=triage]").select_option("long_term")
    form.locator("textarea[name=notes]").fill(INTAKE_NOTES)
    admin_save(admin)
    expect(admin).to_have_url(re.compile(r"/workflow/intake/$"))
    expect(admin.locator("#content-main .errorlist.nonfield")).not_to_be_empty()
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_INTAKE
    assert not IntakeAssessment.objects.exists()
    form = admin.locator("#content-main form[method=post]")
    for domain, score in SCORES.items():  # what she chose is kept
        expect(form.locator(f'input[name={domain}][value="{score}"]')).to_be_checked()
    # Then as the assessment says.
    form.locator("select[name=triage]").select_option("")
    admin_save(admin)
    assert change_path in admin.url, admin.url
    expect(admin_messages(admin)).to_contain_text(DONE)
    expect(admin_readonly(admin, "status")).to_have_text(OPEN)
    expect(admin_readonly(admin, "triage")).to_have_text(TEMPORARY)
    intake = admin.locator("#intake-group")
    expect(intake.locator(".field-finances .readonly")).to_have_text(re.compile(r"^\s*2\s*$"))
    expect(intake.locator(".field-notes .readonly")).to_contain_text(INTAKE_NOTES)

    # 6. She refers it to the debt agency (an agency no longer active is not offered).
    workflow_button(admin, help_request, "refer").click()
    expect(admin).to_have_url(re.compile(r"/workflow/refer/$"))
    form = admin.locator("#content-main form[method=post]")
    agency = form.locator("select[name=agency]")
    expect(agency.locator(f'option[value="{places.closed.pk}"]')).to_have_count(0)
    expect(agency.locator(f'option[value="{places.social_team.pk}"]')).to_have_count(1)
    agency.select_option(str(places.debt.pk))
    form.locator("textarea[name=reason]").fill(REFER_REASON)
    form.locator("input[name=follow_up_on]").fill(follow_up.isoformat())
    admin_save(admin)
    assert change_path in admin.url, admin.url
    expect(admin_messages(admin)).to_contain_text(DONE)
    expect(admin_readonly(admin, "status")).to_have_text(REFERRED)
    referrals = admin.locator("#referrals-group tbody tr.has_original")
    expect(referrals).to_have_count(1)
    expect(referrals.first.locator(".field-agency")).to_contain_text(places.debt.name)
    expect(workflow_button(admin, help_request, "refer")).to_have_count(0)
    expect(workflow_button(admin, help_request, "reopen")).to_have_count(1)

    # 7. Later she records the outcome, from the referral's row.
    with admin.expect_navigation():
        referrals.first.locator('a[href$="/outcome/"]').click()
    expect(admin.locator("textarea[name=outcome]")).to_be_visible()
    admin.locator("textarea[name=outcome]").fill(OUTCOME)
    admin_save(admin)
    assert change_path in admin.url, admin.url
    expect(admin_messages(admin)).to_contain_text(re.compile(r"outcome|uitkomst|resultaat", re.I))
    referrals = admin.locator("#referrals-group tbody tr.has_original")
    expect(referrals.first.locator(".field-outcome")).to_contain_text(OUTCOME)

    # The timeline shows every step, by her.
    steps = timeline_rows(admin)
    expect(steps).to_have_count(4)
    expect(steps.locator(".field-to_status")).to_have_text([NEW, IN_INTAKE, OPEN, REFERRED])
    for row in steps.all()[1:]:
        expect(row.locator(".field-by")).to_contain_text(str(coordinator))
    expect(steps.nth(3).locator(".field-reason")).to_contain_text(REFER_REASON)

    # 8. She opens the participant's record once: that view is logged, and shown there.
    assert not ParticipantView.objects.exists()  # the request's own page is not the record
    participant = help_request.participant
    admin.goto(PARTICIPANTS_URL)
    participant_path = f"{PARTICIPANTS_URL}{participant.pk}/change/"
    with admin.expect_navigation():
        admin.locator(f'#result_list a[href*="{participant_path}"]').click()
    expect(admin.locator("input[name=first_name]")).to_have_value("Samira")
    expect(admin.locator("#views-group tbody tr.has_original")).to_have_count(1)
    expect(admin.locator("#views-group")).to_contain_text(str(coordinator))
    expect(admin.locator(f'#help_requests-group a[href*="{change_path}"]')).to_have_count(1)

    # 9. The visitor opens her link again: referred, and every step, without the reasons.
    visitor.goto(status_page_url)
    expect_status(visitor, REFERRED)
    expect(visitor.locator("main ol li")).to_have_count(4)
    expect(visitor.locator("main ol li").last).to_contain_text(REFERRED_WORD)
    main = visitor.locator("main")
    for secret in (REFER_REASON, INTAKE_NOTES, OUTCOME, "Geheim"):
        expect(main).not_to_contain_text(secret)
    # The triage is for coordinators.
    expect(main).not_to_contain_text(re.compile(r"vulnerable|kwetsbaar", re.I))
    expect(visitor.locator("main form[method=post]")).to_have_count(0)  # no longer withdrawable

    # What the database holds afterwards.
    help_request.refresh_from_db()
    assert (help_request.status, help_request.triage, help_request.triage_override_reason) == (
        Status.REFERRED,
        HelpRequest.Triage.TEMPORARY,
        "",
    )
    assert (help_request.kind, help_request.description, help_request.urgency) == (
        "paperwork",
        DESCRIPTION,
        "high",
    )
    assert help_request.neighbourhood == places.noord
    assert help_request.availability == "dinsdagochtend"
    assert list(help_request.languages.all()) == [places.languages.ar]
    assert (help_request.assigned_to, help_request.created_by) == (coordinator, None)
    participant = help_request.participant
    assert (participant.first_name, participant.phone, participant.email, participant.user) == (
        "Samira",
        "06 12345678",
        "",
        None,
    )
    assert participant.consent_given and participant.consent_at is not None
    assert participant.consent_method == Participant.ConsentMethod.ONLINE
    intake = IntakeAssessment.objects.get(help_request=help_request)
    assert intake.scores() == SCORES
    assert (intake.assessed_triage, intake.notes, intake.by) == (
        HelpRequest.Triage.TEMPORARY,
        INTAKE_NOTES,
        coordinator,
    )
    referral = Referral.objects.get(help_request=help_request)
    assert (referral.agency, referral.reason) == (places.debt, REFER_REASON)
    assert referral.by == coordinator
    assert (referral.referred_on, referral.follow_up_on) == (today, follow_up)
    assert referral.outcome == OUTCOME and referral.outcome_recorded_at is not None
    timeline = list(
        StatusChange.objects.filter(help_request=help_request).values_list(
            "from_status", "to_status", "by"
        )
    )
    assert timeline == [
        ("", Status.NEW, None),
        (Status.NEW, Status.IN_INTAKE, coordinator.pk),
        (Status.IN_INTAKE, Status.OPEN, coordinator.pk),
        (Status.OPEN, Status.REFERRED, coordinator.pk),
    ]
    view = ParticipantView.objects.get()
    assert (view.participant, view.viewer) == (participant, coordinator)
    # The others in the queue are untouched.
    taken.refresh_from_db()
    further.refresh_from_db()
    assert (taken.status, taken.assigned_to, further.status) == (Status.NEW, colleague, Status.OPEN)


def test_visitor_withdraws_through_the_status_link(page, neighbourhood_help, coordinator, axe):
    help_request = filed_request(neighbourhood=neighbourhood_help.zuid)
    services.help_request_start_intake(help_request=help_request, by=coordinator)
    link = status_url(help_request)
    page.goto(link)
    expect_status(page, IN_INTAKE)
    withdraw = page.locator("main form[method=post]")
    expect(withdraw.get_by_role("button")).to_be_visible()
    submit(page, withdraw)
    assert page.url.endswith(link), page.url
    expect(page.locator(".messages")).to_be_visible()
    expect_status(page, WITHDRAWN)
    expect(page.locator("main ol li")).to_have_count(3)
    expect(page.locator("main form[method=post]")).to_have_count(0)  # once
    help_request.refresh_from_db()
    assert help_request.status == Status.WITHDRAWN
    assert help_request.status_changes.last().by is None  # the asker, without an account
    axe(page)


# --- Accessibility: asking for help (axe-core, WCAG 2.1 A and AA) ----------------------------


def test_help_request_form_is_accessible(page, neighbourhood_help, axe):
    page.goto(ASK_URL)
    form = ask_form(page)
    for name in ("kind", "description", "neighbourhood", "availability", "urgency"):
        named_field(form, name)
    for name in ("first_name", "phone", "email", "consent"):
        named_field(form, name)
    expect(form.locator("input[name=languages]")).to_have_count(3)
    expect(form.get_by_role("group").first).to_be_visible()
    axe(page)


def test_help_request_form_with_errors_is_accessible(page, neighbourhood_help, axe):
    page.goto(ASK_URL)
    form = ask_form(page)
    form.locator("input[name=email]").fill("samira@@example")
    submit(page, form)  # no description, name or consent, and a malformed e-mail address
    assert page.url.endswith(ASK_URL), page.url
    expect_errors_announced(page, ["description", "first_name", "email", "consent"])
    expect(page.locator("input[name=email]")).to_have_value("samira@@example")
    assert not HelpRequest.objects.exists() and not Participant.objects.exists()
    axe(page)

    # Neither a phone number nor an e-mail address: the phone field says so.
    form = ask_form(page)
    form.locator("textarea[name=description]").fill(DESCRIPTION)
    form.locator("input[name=first_name]").fill("Samira")
    form.locator("input[name=email]").fill("")
    form.locator("input[name=consent]").check()
    submit(page, form)
    expect_errors_announced(page, ["phone"])
    expect(page.locator("textarea[name=description]")).to_have_value(DESCRIPTION)
    expect(page.locator("input[name=first_name]")).to_have_value("Samira")
    assert not HelpRequest.objects.exists() and not Participant.objects.exists()
    axe(page)


@pytest.mark.parametrize("status", [Status.NEW, Status.REFERRED])
def test_help_request_status_page_is_accessible(page, neighbourhood_help, coordinator, axe, status):
    if status == Status.NEW:
        help_request = filed_request()
    else:
        help_request = referred_request(coordinator, neighbourhood_help.debt)
    page.goto(status_url(help_request))
    expect_status(page, NEW if status == Status.NEW else REFERRED)
    expect(page.locator("main ol li")).to_have_count(1 if status == Status.NEW else 4)
    expect(page.locator("main form[method=post]")).to_have_count(1 if status == Status.NEW else 0)
    expect(page.locator("main")).not_to_contain_text(REFER_REASON)
    axe(page)


def test_tampered_status_link_is_refused_accessibly(page, neighbourhood_help, axe):
    url = status_url(HelpRequestFactory())
    response = page.goto(url.rstrip("/") + "x/")
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main dl")).to_have_count(0)
    axe(page)


def test_my_help_requests_are_accessible(page, live_server, neighbourhood_help, coordinator, axe):
    resident = UserFactory(email="rosa@example.org", name="Rosa Bewoner")
    log_in_quietly(page, live_server, resident)
    page.goto(MY_REQUESTS_URL)
    expect(page.locator(f'main a[href="{ASK_URL}"]')).to_be_visible()
    expect(page.locator("main ul li")).to_have_count(0)
    axe(page)

    participant = services.participant_for_user(resident)
    first = filed_request(participant=participant, kind="buddy")
    second = referred_request(coordinator, neighbourhood_help.debt, participant=participant)
    HelpRequestFactory(participant=ParticipantFactory())  # someone else's
    page.goto(MY_REQUESTS_URL)
    rows = page.locator("main ul li")
    expect(rows).to_have_count(2)
    # Each row links to its request's status page (the signed token differs per rendering).
    links = page.locator('main ul li a[href^="/hulpvragen/"]')
    expect(links).to_have_count(2)
    requests_linked = {
        services.help_request_from_token(href.split("/")[2])
        for href in (link.get_attribute("href") for link in links.all())
    }
    assert requests_linked == {first, second}
    expect(rows.filter(has_text=REFERRED_WORD)).to_have_count(1)
    axe(page)
    second_link = next(
        link
        for link in links.all()
        if services.help_request_from_token(link.get_attribute("href").split("/")[2]) == second
    )
    second_link.click()
    expect(page).to_have_url(STATUS_PATH)
    expect_status(page, REFERRED)


def test_my_help_requests_need_a_log_in(page, live_server):
    page.goto(MY_REQUESTS_URL)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/mijn-hulpvragen/$"))


# --- Accessibility: an organisation asks for support -----------------------------------------


def test_organisation_support_form_is_accessible(page, live_server, organisation_admin, axe):
    log_in_quietly(page, live_server, organisation_admin)
    page.goto(f"/beheer/{ORG_SLUG}/")
    page.locator(f'nav a[href="{SUPPORT_URL}"]').click()
    expect(page).to_have_url(re.compile(f"{SUPPORT_URL}$"))
    form = page.locator("main form[method=post]")
    for name in ("kind", "description", "urgency"):
        named_field(form, name)
    options = form.locator("select[name=kind] option")
    values = [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert set(values) == {kind.value for kind in HelpRequest.ORGANISATION_KINDS}, values
    axe(page)

    submit(page, form)  # nothing written
    assert page.url.endswith(SUPPORT_URL), page.url
    expect_errors_announced(page, ["description"])
    assert not HelpRequest.objects.exists()
    axe(page)

    form = page.locator("main form[method=post]")
    form.locator("select[name=kind]").select_option("room")
    form.locator("textarea[name=description]").fill("Een zaal voor 40 mensen, op vrijdagavond.")
    form.locator("select[name=urgency]").select_option("low")
    submit(page, form)
    assert page.url.endswith(f"/beheer/{ORG_SLUG}/"), page.url
    expect(page.locator(".messages")).to_be_visible()
    help_request = HelpRequest.objects.get()
    assert (help_request.organisation.slug, help_request.participant) == (ORG_SLUG, None)
    assert (help_request.kind, help_request.urgency, help_request.status) == (
        "room",
        "low",
        Status.NEW,
    )
    assert help_request.created_by == organisation_admin


# --- Phone ----------------------------------------------------------------------------------


def test_help_request_form_fits_a_phone_screen(phone_page, neighbourhood_help, axe, shots_dir):
    page = phone_page
    page.goto(ASK_URL)
    expect(page.locator("textarea[name=description]")).to_be_visible()
    page.screenshot(path=str(shots_dir / "help-request-form-phone.png"), full_page=True)
    expect_no_sideways_scroll(page)
    axe(page)
    submit(page, ask_form(page))  # with errors: still no sideways scroll
    expect(page.locator("#id_description_error")).to_be_visible()
    page.screenshot(path=str(shots_dir / "help-request-form-errors-phone.png"), full_page=True)
    expect_no_sideways_scroll(page)
    axe(page)
