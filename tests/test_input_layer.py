"""The edges of input: what the database or a mail header cannot hold is refused with a message
(mpact/forms.py), exports are safe to open (mpact/exports.py), and creating twice is refused
(mpact/submissions.py). The generated walk over every form is tests/test_hostile_input.py;
these are the cases the issue named, one by one."""

import csv
import inspect
import io
import threading
import uuid
from datetime import timedelta
from importlib import import_module

import django_filters
import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

import initiatives.filters
from initiatives.models import Activity, HoursEntry, Invitation, Organisation, Response, Session
from matching.models import HelpRequest
from mpact import exports, submissions
from mpact.factories import (
    ActivityFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OpportunityFactory,
    ResponseFactory,
    SessionFactory,
    SignUpFactory,
    UserFactory,
    VolunteerProfileFactory,
)
from mpact.forms import InputGuardMixin
from mpact.models import Submission
from mpact.notifications.models import Notification

pytestmark = pytest.mark.django_db

OUR_PACKAGES = ("mpact", "initiatives", "volunteers", "matching")


# --- Every form goes through the input layer ------------------------------------------------


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_of_ours_uses_the_input_layer():
    for module in ("initiatives.forms", "volunteers.forms", "matching.forms", "mpact.users.forms"):
        import_module(module)
    own = [
        form
        for form in set(_all_subclasses(forms.BaseForm))
        if form.__module__.split(".")[0] in OUR_PACKAGES
        and not form.__module__.startswith("mpact.forms")
        and form.__name__ not in {"Form", "ModelForm"}
    ]
    assert len(own) > 15, "the walk over form classes is broken"
    unguarded = sorted(
        f"{f.__module__}.{f.__name__}" for f in own if not issubclass(f, InputGuardMixin)
    )
    assert not unguarded, f"forms that bypass mpact/forms.py: {unguarded}"


def test_every_filterset_and_allauth_form_uses_the_input_layer():
    filtersets = [
        value
        for value in vars(initiatives.filters).values()
        if inspect.isclass(value) and issubclass(value, django_filters.FilterSet)
        and value is not django_filters.FilterSet
    ]  # fmt: skip
    assert filtersets
    for filterset in filtersets:
        assert issubclass(filterset._meta.form, InputGuardMixin), filterset
    for path in settings.ACCOUNT_FORMS.values():
        assert issubclass(import_string(path), InputGuardMixin), path


def test_every_admin_form_and_list_uses_the_input_layer(rf, coordinator):
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    for model, model_admin in admin.site._registry.items():
        assert issubclass(model_admin.get_form(request), InputGuardMixin), model
        assert issubclass(model_admin.get_changelist(request), admin.views.main.ChangeList)
        for inline in model_admin.get_inline_instances(request):
            assert issubclass(inline.get_formset(request).form, InputGuardMixin), inline


# --- The cases from the issue -----------------------------------------------------------------


def test_a_session_in_the_year_1_is_refused_and_the_form_keeps_it(client, organisation, org_member):
    activity = ActivityFactory(organisation=organisation)
    client.force_login(org_member)
    url = reverse("initiatives:manage_session_create", args=[organisation.slug, activity.pk])
    response = client.post(
        url, {"starts_at": "0001-01-01T10:00", "ends_at": "0001-01-01T12:00", "capacity": "10"}
    )
    assert response.status_code == 400
    assert not Session.objects.exists()
    content = response.content.decode()
    assert "0001-01-01T10:00" in content  # the typed value is shown back
    assert "1900" in content and "2100" in content  # and what would be accepted


def test_a_title_with_a_line_break_is_refused(client, organisation, org_member):
    client.force_login(org_member)
    response = client.post(
        reverse("initiatives:manage_activity_create", args=[organisation.slug]),
        {
            "title": "Wandelen\r\nBcc: everyone@example.org",
            "description": "Samen lopen.\nMet koffie.",
            "kind": Activity.Kind.WALK,
            "audience": Activity.Audience.EVERYONE,
            "status": Activity.Status.PUBLISHED,
        },
    )
    assert response.status_code == 400
    assert not Activity.objects.exists()
    form = response.context["form"]
    assert form.errors["title"][0].startswith("Typ dit op één regel") or "line" in str(
        form.errors["title"]
    )
    assert "description" not in form.errors  # line breaks belong in a description


def test_an_organisation_name_with_control_characters_is_refused(resident_client):
    response = resident_client.post(
        reverse("initiatives:organisation_register"),
        {
            "name": "Buurt\x00huis",
            "kind": "volunteer_group",
            "description": "Wij helpen.",
            "contact_name": "Rosa",
            "email": "rosa@example.org",
        },
    )
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not Organisation.objects.filter(name__startswith="Buurt").exists()


@pytest.mark.parametrize(
    "query",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"date_to": "2026-02-30"},
        {"language": "nl\x00"},
        {"neighbourhood": "99999999999999999999999"},
        {"q": "koffie\x00"},
    ],
)
def test_public_list_filters_ignore_what_they_cannot_use(client, query):
    SessionFactory(activity__title="Koffie-ochtend")
    response = client.get(reverse("initiatives:activity_list"), query)
    assert response.status_code == 200
    opportunity = client.get(reverse("initiatives:opportunity_list"), query)
    assert opportunity.status_code == 200


@pytest.mark.parametrize(
    ("changelist", "query"),
    [
        ("admin:initiatives_session_changelist", {"q": "taal\x00"}),
        ("admin:initiatives_session_changelist", {"activity__kind__exact": "walk\x00"}),
        ("admin:notifications_notification_changelist", {"kind__exact": "\x00"}),
        ("admin:notifications_notification_changelist", {"created_at__year": "99999"}),
        ("admin:notifications_notification_changelist", {"created_at__year": "9999"}),
        ("admin:notifications_notification_changelist", {"created_at__year": "1"}),
        (
            "admin:notifications_notification_changelist",
            {"created_at__year": "2026", "created_at__month": "2", "created_at__day": "30"},
        ),
    ],
)
def test_admin_lists_refuse_filters_they_cannot_use(coordinator_client, changelist, query):
    response = coordinator_client.get(reverse(changelist), query, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("?e=1")
    assert "kon niet gebruikt worden" in response.content.decode()
    assert response.context["cl"].result_count == response.context["cl"].full_result_count


def test_admin_lists_still_take_filters_they_can_use(coordinator_client):
    response = coordinator_client.get(
        reverse("admin:notifications_notification_changelist"), {"created_at__year": "2026"}
    )
    assert response.status_code == 200
    assert "cl" in response.context


def test_volunteer_profile_without_its_formset_management_data_is_refused(resident_client):
    response = resident_client.post(
        reverse("volunteers:profile_edit"),
        {
            "display_name": "Rosa",
            "max_distance_km": "10",
            "buddy_capacity": "1",
            "privacy_consent": "on",
            # no languages-TOTAL_FORMS / INITIAL_FORMS
            "languages-0-language": "1",
            "languages-0-level": "B1",
        },
    )
    assert response.status_code == 400
    assert not VolunteerProfileFactory._meta.model.objects.exists()


# --- Exports ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "exported"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+31612345678", "'+31612345678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Ana de Vries", "Ana de Vries"),
        ("", ""),
    ],
)
def test_every_cell_of_an_export_is_safe_to_open(typed, exported):
    assert exports.safe_cell(typed) == exported
    assert exports.safe_cell(3) == 3  # numbers stay numbers
    [row] = list(csv.reader(io.StringIO(exports.csv_text([], [[typed]]).split("\r\n", 1)[1])))
    assert row == [exported]


def test_the_session_export_neutralises_formulas(coordinator_client):
    session = SessionFactory(activity__title="=1+1 taalcafé")
    SignUpFactory(session=session, name='=HYPERLINK("http://evil.example","klik")')
    response = coordinator_client.post(
        reverse("admin:initiatives_session_changelist"),
        {"action": "export_signups", ACTION_CHECKBOX_NAME: [session.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "'=1+1 taalcafé"
    assert rows[1][2] == '\'=HYPERLINK("http://evil.example","klik")'


def test_the_hours_export_neutralises_organisation_names(client):
    opportunity = OpportunityFactory(organisation__name="@Buurthuis")
    response = ResponseFactory(opportunity=opportunity, status=Response.Status.ACCEPTED)
    HoursEntry.objects.create(
        volunteer=response.volunteer,
        opportunity=opportunity,
        organisation=opportunity.organisation,
        date=timezone.localdate(),
        hours=2,
        note="-koffie gezet",
    )
    client.force_login(response.volunteer)
    text = client.get(reverse("volunteers:hours_download")).content.decode("utf-8-sig")
    [_header, row] = list(csv.reader(io.StringIO(text)))
    assert row[2] == "'@Buurthuis"
    assert row[4] == "'-koffie gezet"


# --- Creating twice ---------------------------------------------------------------------------


def _token():
    return str(uuid.uuid4())


def help_request_data(token, **overrides):
    return {
        "kind": "paperwork",
        "description": "Ik begrijp een brief niet.",
        "neighbourhood": NeighbourhoodFactory().pk,
        "urgency": "normal",
        "first_name": "Samira",
        "phone": "0612345678",
        "consent": "on",
        submissions.FIELD: token,
        **overrides,
    }


def test_the_same_help_request_posted_twice_makes_one(client):
    data = help_request_data(_token())
    first = client.post(reverse("matching:help_request_create"), data)
    second = client.post(reverse("matching:help_request_create"), data)
    assert first.status_code == second.status_code == 302
    assert HelpRequest.objects.count() == 1
    assert second["Location"] == first["Location"]  # the first result, not a copy
    page = client.get(second["Location"])
    assert "al verstuurd" in page.content.decode() or "already" in page.content.decode()
    # A new form (a new token) is a new request.
    client.post(reverse("matching:help_request_create"), help_request_data(_token()))
    assert HelpRequest.objects.count() == 2


def test_a_form_refused_once_can_still_be_sent_with_its_token(client):
    token = _token()
    refused = client.post(
        reverse("matching:help_request_create"), help_request_data(token, description="")
    )
    assert refused.status_code == 400
    assert f'value="{token}"' in refused.content.decode()  # the same form keeps its token
    sent = client.post(reverse("matching:help_request_create"), help_request_data(token))
    assert sent.status_code == 302
    assert HelpRequest.objects.count() == 1


def test_a_form_without_or_with_a_broken_token_still_works(client):
    for token in ["", "not-a-uuid"]:
        response = client.post(reverse("matching:help_request_create"), help_request_data(token))
        assert response.status_code == 302
    assert HelpRequest.objects.count() == 2


@pytest.fixture
def admin_member(organisation):
    user = UserFactory()
    MembershipFactory(organisation=organisation, user=user, role="admin")
    return user


def test_create_forms_refuse_a_second_identical_submit(client, organisation, admin_member):
    """Support request, organisation registration, invitation, hours entry and response."""
    client.force_login(admin_member)
    opportunity = OpportunityFactory(organisation=organisation)
    VolunteerProfileFactory(user=admin_member)
    accepted = OpportunityFactory(organisation=organisation)
    Response.objects.create(
        opportunity=accepted, volunteer=admin_member, message="Ja", status="accepted"
    )
    cases = [
        (
            reverse("matching:organisation_help_request", args=[organisation.slug]),
            {"kind": HelpRequest.ORGANISATION_KINDS[0].value, "description": "Een zaal",
             "urgency": "normal"},
            lambda: HelpRequest.objects.count(),
        ),
        (
            reverse("initiatives:organisation_register"),
            {"name": "Kookclub Oost", "kind": "volunteer_group", "description": "Koken",
             "contact_name": "Kees", "email": "kees@example.org"},
            lambda: Organisation.objects.filter(name="Kookclub Oost").count(),
        ),
        (
            reverse("initiatives:manage_members", args=[organisation.slug]),
            {"email": "collega@example.org", "role": "member"},
            lambda: Invitation.objects.count(),
        ),
        (
            reverse("volunteers:hours_create"),
            {"subject": f"o{accepted.pk}", "date": timezone.localdate().isoformat(),
             "hours": "1.5", "note": "Koffie"},
            lambda: HoursEntry.objects.count(),
        ),
        (
            reverse("initiatives:opportunity_detail", args=[opportunity.pk]),
            {"message": "Ik help graag."},
            lambda: Response.objects.filter(opportunity=opportunity).count(),
        ),
    ]  # fmt: skip
    for url, data, count in cases:
        data = {**data, submissions.FIELD: _token()}
        first = client.post(url, data)
        assert first.status_code == 302, (url, getattr(first, "context", None) and [
            form.errors for form in [first.context.get("form")] if form
        ])  # fmt: skip
        second = client.post(url, data)
        assert second.status_code == 302, url
        assert second["Location"] == first["Location"], url
        assert count() == 1, url


def test_old_tokens_are_forgotten():
    Submission.objects.create(token=uuid.uuid4(), created_at=timezone.now() - timedelta(days=8))
    kept = Submission.objects.create(token=uuid.uuid4())
    assert submissions.submissions_forget() == 1
    assert list(Submission.objects.all()) == [kept]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_identical_submits_at_the_same_moment_make_one():
    """Double click on PostgreSQL: two transactions with the same token at once."""
    from django.test import Client

    data = help_request_data(_token())
    # What one request writes, to compare with what two identical ones at once write.
    Client().post(reverse("matching:help_request_create"), help_request_data(_token()))
    notifications_for_one = Notification.objects.count()
    HelpRequest.objects.all().delete()
    Notification.objects.all().delete()
    barrier = threading.Barrier(2)
    answers = []

    def post():
        try:
            barrier.wait(timeout=10)
            answers.append(Client().post(reverse("matching:help_request_create"), data))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [answer.status_code for answer in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert HelpRequest.objects.count() == 1
    assert Notification.objects.count() == notifications_for_one
