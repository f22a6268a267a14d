"""Coordinators manage organisations, activities, sessions and sign-ups in the admin."""

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from initiatives import services
from initiatives.models import Organisation, Session, SignUp
from tests.factories import OrganisationFactory, SessionFactory, SignUpFactory

pytestmark = pytest.mark.django_db


def test_session_list_shows_sign_up_and_waiting_counts(coordinator_client):
    session = SessionFactory(capacity=2)
    SignUpFactory(session=session)
    SignUpFactory(session=session)
    services.signup_create(session=session, name="Wacht", email="w@example.org", join_waitlist=True)
    response = coordinator_client.get(reverse("admin:initiatives_session_changelist"))
    row = response.context["cl"].result_list.get(pk=session.pk)
    assert (row.confirmed_count, row.waiting_count) == (2, 1)


def test_csv_export_of_a_sessions_sign_ups(coordinator_client):
    session = SessionFactory(activity__title="Taalcafé")
    SignUpFactory(session=session, name="Ana Bakker", email="ana@example.org")
    SignUpFactory(name="Someone Else")  # another session: not exported
    response = coordinator_client.post(
        reverse("admin:initiatives_session_changelist"),
        {"action": "export_signups", ACTION_CHECKBOX_NAME: [session.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == "Taalcafé"
    assert rows[1][2:4] == ["Ana Bakker", "ana@example.org"]


def test_attendance_marking(coordinator_client):
    present, absent = SignUpFactory(), SignUpFactory()
    url = reverse("admin:initiatives_signup_changelist")
    coordinator_client.post(url, {"action": "mark_attended", ACTION_CHECKBOX_NAME: [present.pk]})
    coordinator_client.post(url, {"action": "mark_absent", ACTION_CHECKBOX_NAME: [absent.pk]})
    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.attended, absent.attended) == (True, False)


def test_cancelling_in_the_admin_moves_the_waiting_list_up(coordinator_client):
    session = SessionFactory(capacity=1)
    first = SignUpFactory(session=session)
    waiting = services.signup_create(
        session=session, name="Wacht", email="w@example.org", join_waitlist=True
    )
    coordinator_client.post(
        reverse("admin:initiatives_signup_changelist"),
        {"action": "cancel_signups", ACTION_CHECKBOX_NAME: [first.pk]},
    )
    waiting.refresh_from_db()
    assert waiting.status == SignUp.Status.CONFIRMED


def test_raising_capacity_fills_from_the_waiting_list(coordinator_client):
    session = SessionFactory(capacity=1)
    SignUpFactory(session=session)
    waiting = services.signup_create(
        session=session, name="Wacht", email="w@example.org", join_waitlist=True
    )
    url = reverse("admin:initiatives_session_change", args=[session.pk])
    form = coordinator_client.get(url).context["adminform"].form
    data = {
        "activity": session.activity_id,
        "starts_at_0": form["starts_at"].value().strftime("%Y-%m-%d"),
        "starts_at_1": form["starts_at"].value().strftime("%H:%M:%S"),
        "ends_at_0": form["ends_at"].value().strftime("%Y-%m-%d"),
        "ends_at_1": form["ends_at"].value().strftime("%H:%M:%S"),
        "capacity": 2,
        "signups-TOTAL_FORMS": 0,
        "signups-INITIAL_FORMS": 0,
    }
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    waiting.refresh_from_db()
    assert waiting.status == SignUp.Status.CONFIRMED
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (2, 2)


def test_approving_organisations(coordinator_client):
    pending = OrganisationFactory(approved_at=None)
    coordinator_client.post(
        reverse("admin:initiatives_organisation_changelist"),
        {"action": "approve", ACTION_CHECKBOX_NAME: [pending.pk]},
    )
    assert Organisation.objects.get(pk=pending.pk).is_approved


def test_coordinators_cannot_add_sign_ups_past_the_service(coordinator_client):
    assert coordinator_client.get(reverse("admin:initiatives_signup_add")).status_code == 403
    assert Session.objects.count() == 0
