"""Journey 4: asking for help, one shared intake and triage, referral, reminders, and who may
see what."""

from datetime import timedelta
from itertools import product

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

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
    NeighbourhoodFactory,
    ParticipantFactory,
    UserFactory,
)
from mpact.notifications.models import Notification

pytestmark = pytest.mark.django_db
Status = HelpRequest.Status
ASK = reverse("matching:help_request_create")
GOOD_SCORES = {name: 4 for name, _label in IntakeAssessment.DOMAINS}


def request_data(**overrides):
    data = {
        "kind": "paperwork",
        "description": "Ik begrijp een brief van de gemeente niet.",
        "languages": [LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic").pk],
        "neighbourhood": NeighbourhoodFactory().pk,
        "availability": "dinsdagochtend",
        "urgency": "normal",
        "first_name": "Samira",
        "phone": "0612345678",
        "email": "",
        "consent": "on",
    }
    data.update(overrides)
    return data


# --- Asking -----------------------------------------------------------------------------------


def test_a_visitor_asks_for_help_without_an_account(client, coordinator):
    response = client.post(ASK, request_data())
    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "matching:help_request_status", args=[services.status_token(help_request)]
    )
    assert help_request.status == Status.NEW
    assert help_request.participant.first_name == "Samira"
    assert help_request.participant.consent_method == Participant.ConsentMethod.ONLINE
    assert [step.to_status for step in help_request.status_changes.all()] == [Status.NEW]
    assert Notification.objects.filter(kind="help_request_new", user=coordinator).exists()
    page = client.get(response["Location"])
    assert page.context["help_request"] == help_request


def test_a_logged_in_resident_asks_and_finds_it_back(resident_client, resident):
    resident_client.post(ASK, request_data(first_name="", phone=""))
    help_request = HelpRequest.objects.get()
    assert help_request.participant.user == resident
    rows = resident_client.get(reverse("matching:my_help_requests")).context["rows"]
    assert [row for row, _token in rows] == [help_request]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": ""}, "description"),
        ({"kind": "more_volunteers"}, "kind"),  # an organisation's kind, not a person's
        ({"urgency": "yesterday"}, "urgency"),
        ({"kind": ""}, "kind"),
        ({"consent": ""}, "consent"),
    ],
)
def test_bad_request_input_keeps_what_was_typed(client, overrides, field):
    response = client.post(ASK, request_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'value="Samira"' in response.content.decode()
    assert not HelpRequest.objects.exists() and not Participant.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"phone": "", "email": ""}, "phone"),
        ({"phone": "", "email": "not-an-address"}, "email"),
    ],
)
def test_bad_contact_details_keep_what_was_typed(client, overrides, field):
    response = client.post(ASK, request_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["contact"].errors
    assert "Ik begrijp een brief van de gemeente niet." in response.content.decode()
    assert not HelpRequest.objects.exists() and not Participant.objects.exists()


def test_the_asker_withdraws_through_the_link(client):
    help_request = HelpRequestFactory()
    url = reverse("matching:help_request_status", args=[services.status_token(help_request)])
    client.post(url)
    help_request.refresh_from_db()
    assert help_request.status == Status.WITHDRAWN
    assert client.post(url).status_code == 400  # once


def test_the_status_page_hides_the_coordinators_reasons(client, coordinator):
    help_request = HelpRequestFactory()
    services.help_request_close(help_request=help_request, reason="Geheime notitie", by=coordinator)
    url = reverse("matching:help_request_status", args=[services.status_token(help_request)])
    page = client.get(url).content.decode()
    assert "Geheime notitie" not in page
    assert client.get(url.rstrip("/") + "x/").status_code == 400  # a tampered link


def test_an_organisation_asks_for_support(client, organisation, org_member):
    client.force_login(org_member)
    url = reverse("matching:organisation_help_request", args=[organisation.slug])
    bad = client.post(url, {"kind": "language", "description": "Hulp"})
    assert bad.status_code == 400 and "kind" in bad.context["form"].errors
    client.post(url, {"kind": "room", "description": "Een zaal voor 40 mensen", "urgency": "low"})
    help_request = HelpRequest.objects.get()
    assert (help_request.organisation, help_request.participant) == (organisation, None)
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


# --- The workflow ---------------------------------------------------------------------------


def test_the_workflow_is_declared_once_on_the_model():
    """The moves between statuses, as the model's steps define them; the admin's buttons and
    the asker's withdraw button come from the same declaration."""
    assert HelpRequest.TRANSITIONS == {
        Status.NEW: {Status.IN_INTAKE, Status.CLOSED, Status.WITHDRAWN},
        Status.IN_INTAKE: {Status.OPEN, Status.REFERRED, Status.CLOSED, Status.WITHDRAWN},
        Status.OPEN: {Status.MATCHED, Status.REFERRED, Status.CLOSED, Status.WITHDRAWN},
        Status.MATCHED: {Status.CLOSED},
        Status.REFERRED: {Status.OPEN, Status.CLOSED},
        Status.CLOSED: set(),
        Status.WITHDRAWN: set(),
    }
    from matching.admin.workflow import workflow_actions_for

    buttons = {status: workflow_actions_for(HelpRequest(status=status)) for status in Status.values}
    assert buttons == {
        Status.NEW: ["start-intake", "close", "assign-me"],
        Status.IN_INTAKE: ["intake", "refer", "close", "assign-me"],
        Status.OPEN: ["refer", "close", "assign-me"],
        Status.MATCHED: ["close", "assign-me"],
        Status.REFERRED: ["reopen", "close", "assign-me"],
        Status.CLOSED: ["assign-me"],
        Status.WITHDRAWN: ["assign-me"],
    }
    assert HelpRequest(status=Status.OPEN).is_open
    assert not HelpRequest(status=Status.REFERRED).is_open


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (current, target)
        for current, target in product(Status.values, Status.values)
        if target not in HelpRequest.TRANSITIONS[current]
    ],
)
def test_every_disallowed_transition_is_refused_and_changes_nothing(current, target, coordinator):
    help_request = HelpRequestFactory(status=current)
    with pytest.raises(services.HelpRequestError) as error:
        services._transition(help_request, to=target, by=coordinator)
    assert error.value.code == "transition"
    assert "cannot become" in error.value.message or "kan niet" in error.value.message
    help_request.refresh_from_db()
    assert help_request.status == current
    assert not StatusChange.objects.filter(help_request=help_request).exists()


def test_the_whole_way_intake_triage_refer_outcome(coordinator):
    help_request = HelpRequestFactory()
    services.help_request_start_intake(help_request=help_request, by=coordinator)
    assert (help_request.status, help_request.assigned_to) == (Status.IN_INTAKE, coordinator)
    scores = {**GOOD_SCORES, "finances": 2}
    services.help_request_complete_intake(help_request=help_request, scores=scores, by=coordinator)
    assert help_request.status == Status.OPEN
    assert help_request.triage == HelpRequest.Triage.TEMPORARY
    assert help_request.intake.assessed_triage == HelpRequest.Triage.TEMPORARY
    agency = AgencyFactory(kind="debt")
    follow_up = timezone.localdate() + timedelta(days=14)
    referral = services.help_request_refer(
        help_request=help_request,
        agency=agency,
        reason="Schulden",
        follow_up_on=follow_up,
        by=coordinator,
    )
    assert help_request.status == Status.REFERRED and referral.follow_up_on == follow_up
    services.referral_record_outcome(referral=referral, outcome="Traject gestart", by=coordinator)
    referral.refresh_from_db()
    assert referral.outcome_recorded_at is not None
    timeline = list(help_request.status_changes.values_list("to_status", "by"))
    assert timeline == [
        (Status.IN_INTAKE, coordinator.pk),
        (Status.OPEN, coordinator.pk),
        (Status.REFERRED, coordinator.pk),
    ]


@pytest.mark.parametrize(
    ("scores", "triage"),
    [
        (GOOD_SCORES, "in_control"),
        ({**GOOD_SCORES, "housing": 2}, "temporary"),
        ({**GOOD_SCORES, "health": 1}, "long_term"),
        ({name: 2 for name in GOOD_SCORES}, "long_term"),
        ({name: 3 for name in GOOD_SCORES}, "temporary"),
    ],
)
def test_triage_follows_the_assessment(scores, triage):
    assert IntakeAssessment.triage_for(scores) == triage


def test_overriding_the_triage_needs_a_reason(coordinator):
    help_request = HelpRequestFactory(status=Status.IN_INTAKE)
    with pytest.raises(services.HelpRequestError) as error:
        services.help_request_complete_intake(
            help_request=help_request, scores=GOOD_SCORES, triage="long_term", by=coordinator
        )
    assert error.value.code == "override_reason"
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_INTAKE and not IntakeAssessment.objects.exists()
    services.help_request_complete_intake(
        help_request=help_request,
        scores=GOOD_SCORES,
        triage="long_term",
        override_reason="Net uit de opvang, kent niemand",
        by=coordinator,
    )
    help_request.refresh_from_db()
    assert help_request.triage == "long_term"
    assert help_request.triage_override_reason == "Net uit de opvang, kent niemand"


@pytest.mark.parametrize(
    "scores",
    [{**GOOD_SCORES, "housing": 6}, {**GOOD_SCORES, "housing": 0}, {"language": 3}],
)
def test_bad_scores_are_refused(scores, coordinator):
    help_request = HelpRequestFactory(status=Status.IN_INTAKE)
    with pytest.raises(services.HelpRequestError):
        services.help_request_complete_intake(
            help_request=help_request, scores=scores, by=coordinator
        )
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_INTAKE


def test_closing_needs_a_reason(coordinator):
    help_request = HelpRequestFactory()
    with pytest.raises(services.HelpRequestError):
        services.help_request_close(help_request=help_request, reason="  ", by=coordinator)
    services.help_request_close(help_request=help_request, reason="Dubbel", by=coordinator)
    assert help_request.status == Status.CLOSED
    assert help_request.status_changes.last().reason == "Dubbel"


# --- Reminders: time is moved, not waited for ----------------------------------------------


def test_untouched_requests_remind_their_coordinator_once(coordinator, settings):
    settings.HELP_REQUEST_STALE_DAYS = 7
    help_request = HelpRequestFactory(assigned_to=coordinator)
    HelpRequestFactory()  # nobody assigned: nobody to remind
    now = timezone.now()
    assert services.stale_requests_remind(now=now + timedelta(days=6)) == 0
    assert services.stale_requests_remind(now=now + timedelta(days=8)) == 1
    assert services.stale_requests_remind(now=now + timedelta(days=9)) == 0
    reminder = Notification.objects.get(kind="help_request_stale")
    assert reminder.user == coordinator
    # Handling it resets the clock; untouched again later, a new reminder.
    services.help_request_add_note(help_request=help_request, text="Gebeld", by=coordinator)
    help_request.refresh_from_db()
    assert (
        services.stale_requests_remind(now=help_request.last_activity_at + timedelta(days=8)) == 1
    )


def test_referral_follow_up_reminds_on_its_day_once(coordinator):
    help_request = HelpRequestFactory(status=Status.OPEN)
    follow_up = timezone.localdate() + timedelta(days=10)
    services.help_request_refer(
        help_request=help_request,
        agency=AgencyFactory(),
        reason="Juridisch advies",
        follow_up_on=follow_up,
        by=coordinator,
    )
    day_before = timezone.now() + timedelta(days=9)
    assert services.referral_follow_ups_remind(now=day_before) == 0
    on_the_day = timezone.now() + timedelta(days=10)
    assert services.referral_follow_ups_remind(now=on_the_day) == 1
    assert services.referral_follow_ups_remind(now=on_the_day + timedelta(hours=3)) == 0
    assert Notification.objects.get(kind="referral_follow_up").user == coordinator


# --- The coordinators' admin ------------------------------------------------------------------


def test_my_requests_and_the_queue_filters(coordinator_client, coordinator):
    mine = HelpRequestFactory(assigned_to=coordinator)
    HelpRequestFactory()
    url = reverse("admin:matching_helprequest_changelist")
    response = coordinator_client.get(url, {"assigned": "me"})
    assert list(response.context["cl"].result_list) == [mine]
    response = coordinator_client.get(url, {"status__exact": "new", "age": "week"})
    assert response.context["cl"].result_count == 2


def test_intake_through_the_admin(coordinator_client, coordinator):
    help_request = HelpRequestFactory()
    workflow = lambda action: reverse(  # noqa: E731
        "admin:matching_helprequest_workflow", args=[help_request.pk, action]
    )
    coordinator_client.post(workflow("start-intake"))
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_INTAKE
    bad = coordinator_client.post(workflow("intake"), {**GOOD_SCORES, "health": 9})
    assert bad.status_code == 400
    coordinator_client.post(workflow("intake"), {**GOOD_SCORES, "triage": ""})
    help_request.refresh_from_db()
    assert (help_request.status, help_request.triage) == (Status.OPEN, "in_control")
    # A step that does not fit the status is refused with a message, nothing changes.
    response = coordinator_client.post(workflow("start-intake"), follow=True)
    assert any(
        "cannot become" in str(m) or "kan niet" in str(m) for m in response.context["messages"]
    )
    help_request.refresh_from_db()
    assert help_request.status == Status.OPEN


def test_bulk_close_asks_for_a_reason(coordinator_client):
    first, second = HelpRequestFactory(), HelpRequestFactory()
    url = reverse("admin:matching_helprequest_changelist")
    ids = [first.pk, second.pk]
    page = coordinator_client.post(url, {"action": "close_requests", ACTION_CHECKBOX_NAME: ids})
    assert page.status_code == 200 and "reason" in page.content.decode()
    first.refresh_from_db()
    assert first.status == Status.NEW
    coordinator_client.post(
        url,
        {
            "action": "close_requests",
            ACTION_CHECKBOX_NAME: ids,
            "apply": "1",
            "reason": "Dubbel ingevoerd",
        },
    )
    assert set(HelpRequest.objects.values_list("status", flat=True)) == {Status.CLOSED}


def test_every_view_of_a_participant_is_logged(coordinator_client, coordinator):
    participant = ParticipantFactory()
    url = reverse("admin:matching_participant_change", args=[participant.pk])
    coordinator_client.get(url)
    coordinator_client.get(url)
    views = ParticipantView.objects.filter(participant=participant)
    assert views.count() == 2 and {view.viewer for view in views} == {coordinator}
    page = coordinator_client.get(url).content.decode()
    assert coordinator.email in page or str(coordinator) in page


def test_participants_are_for_coordinators_only(client, resident, org_member, organisation):
    participant = ParticipantFactory()
    url = reverse("admin:matching_participant_change", args=[participant.pk])
    for person in (resident, org_member):
        client.force_login(person)
        assert client.get(url).status_code == 404
    assert not ParticipantView.objects.exists()
    volunteer_staff_without_rights = UserFactory(is_staff=True)
    client.force_login(volunteer_staff_without_rights)
    assert client.get(url).status_code == 403
    assert not ParticipantView.objects.exists()


def test_a_coordinator_files_a_request_for_a_participant(coordinator_client, coordinator):
    participant = ParticipantFactory()
    response = coordinator_client.post(
        reverse("admin:matching_helprequest_add"),
        {
            "participant": participant.pk,
            "kind": "buddy",
            "description": "Zoekt een maatje",
            "urgency": "normal",
            "assigned_to": coordinator.pk,
            "intake-TOTAL_FORMS": 0,
            "intake-INITIAL_FORMS": 0,
            "referrals-TOTAL_FORMS": 0,
            "referrals-INITIAL_FORMS": 0,
            "status_changes-TOTAL_FORMS": 0,
            "status_changes-INITIAL_FORMS": 0,
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    help_request = HelpRequest.objects.get()
    assert (help_request.participant, help_request.assigned_to) == (participant, coordinator)
    assert help_request.status_changes.get().to_status == Status.NEW


def test_a_request_needs_exactly_one_asker(coordinator_client, organisation):
    response = coordinator_client.post(
        reverse("admin:matching_helprequest_add"),
        {
            "participant": ParticipantFactory().pk,
            "organisation": organisation.pk,
            "kind": "buddy",
            "description": "Twee vragers",
            "urgency": "normal",
            "intake-TOTAL_FORMS": 0,
            "intake-INITIAL_FORMS": 0,
            "referrals-TOTAL_FORMS": 0,
            "referrals-INITIAL_FORMS": 0,
            "status_changes-TOTAL_FORMS": 0,
            "status_changes-INITIAL_FORMS": 0,
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert not HelpRequest.objects.exists()


def test_logged_in_residents_give_consent_too(resident_client):
    response = resident_client.post(ASK, request_data(consent=""))
    assert response.status_code == 400 and "consent" in response.context["form"].errors
    assert not HelpRequest.objects.exists()


def test_assigning_keeps_the_other_edits_of_the_same_save(coordinator_client, coordinator):
    help_request = HelpRequestFactory(status=Status.OPEN)
    url = reverse("admin:matching_helprequest_change", args=[help_request.pk])
    form = coordinator_client.get(url).context["adminform"].form
    data = {
        field: form[field].value() or ""
        for field in ["participant", "kind", "description", "neighbourhood", "availability"]
    }
    data.update(
        urgency="high",
        description="Nieuwe omschrijving",
        assigned_to=coordinator.pk,
        **{
            f"{prefix}-{key}": 0
            for prefix in ["intake", "referrals", "status_changes", "notes"]
            for key in ["TOTAL_FORMS", "INITIAL_FORMS"]
        },
    )
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    help_request.refresh_from_db()
    assert (help_request.urgency, help_request.description) == ("high", "Nieuwe omschrijving")
    assert help_request.assigned_to == coordinator


def test_referral_outcome_needs_rights_on_requests(client, coordinator):
    help_request = HelpRequestFactory(status=Status.OPEN)
    referral = services.help_request_refer(
        help_request=help_request,
        agency=AgencyFactory(),
        reason="Advies",
        follow_up_on=timezone.localdate(),
        by=coordinator,
    )
    client.force_login(UserFactory(is_staff=True))  # staff without rights on help requests
    url = reverse("admin:matching_referral_outcome", args=[referral.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"outcome": "Gehackt"}).status_code == 403
    assert Referral.objects.get().outcome == ""


def test_referral_outcome_through_the_admin(coordinator_client, coordinator):
    help_request = HelpRequestFactory(status=Status.OPEN)
    referral = services.help_request_refer(
        help_request=help_request,
        agency=AgencyFactory(),
        reason="Advies",
        follow_up_on=timezone.localdate(),
        by=coordinator,
    )
    url = reverse("admin:matching_referral_outcome", args=[referral.pk])
    assert coordinator_client.post(url, {"outcome": ""}).status_code == 200
    coordinator_client.post(url, {"outcome": "Geholpen"})
    assert Referral.objects.get().outcome == "Geholpen"


def test_bad_input_in_the_coordinators_form_keeps_what_was_typed(coordinator_client):
    participant = ParticipantFactory()
    response = coordinator_client.post(
        reverse("admin:matching_helprequest_add"),
        {
            "participant": participant.pk,
            "kind": "no-such-kind",
            "description": "Bewaard in het formulier",
            "urgency": "normal",
            **{
                f"{prefix}-{key}": 0
                for prefix in ["intake", "referrals", "status_changes", "notes"]
                for key in ["TOTAL_FORMS", "INITIAL_FORMS"]
            },
        },
    )
    assert response.status_code == 200
    assert "kind" in response.context["adminform"].form.errors
    assert "Bewaard in het formulier" in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_a_new_participant_records_who_and_when_of_consent(coordinator_client, coordinator):
    response = coordinator_client.post(
        reverse("admin:matching_participant_add"),
        {
            "first_name": "Yonas",
            "situation": "asylum_seeker",
            "consent_given": "on",
            "consent_method": "interpreter",
            "year_of_birth": 1990,
            "help_requests-TOTAL_FORMS": 0,
            "help_requests-INITIAL_FORMS": 0,
            "views-TOTAL_FORMS": 0,
            "views-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    participant = Participant.objects.get()
    assert participant.created_by == coordinator and participant.consent_at is not None
    bad = coordinator_client.post(
        reverse("admin:matching_participant_add"),
        {
            "first_name": "Ali",
            "situation": "resident",
            "consent_given": "on",
            "year_of_birth": 1850,
            "help_requests-TOTAL_FORMS": 0,
            "help_requests-INITIAL_FORMS": 0,
            "views-TOTAL_FORMS": 0,
            "views-INITIAL_FORMS": 0,
        },
    )
    assert bad.status_code == 200
    assert Participant.objects.count() == 1
