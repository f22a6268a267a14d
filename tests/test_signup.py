"""Signing up for a session, the waiting list and cancelling, through the service."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from initiatives import services
from initiatives.models import Activity, Session, SignUp
from mpact.factories import SessionFactory, SignUpFactory, UserFactory
from mpact.notifications.models import Notification

pytestmark = pytest.mark.django_db


def sign_up(session, email="ana@example.org", name="Ana", **kwargs):
    return services.signup_create(session=session, email=email, name=name, **kwargs)


def test_guest_gets_a_place_and_a_confirmation_with_calendar_and_cancel_link(
    django_capture_on_commit_callbacks,
):
    session = SessionFactory(capacity=2)
    signup = sign_up(session, email="  Ana@Example.org ")

    assert signup.status == SignUp.Status.CONFIRMED
    assert signup.email == "ana@example.org"
    session.refresh_from_db()
    assert session.seats_taken == 1
    notification = Notification.objects.get()
    assert notification.email == "ana@example.org"
    assert notification.kind == "signup_confirmed"
    assert notification.attachment_name.endswith(".ics")
    assert "BEGIN:VEVENT" in notification.attachment_content
    # The link is signed with a timestamp: check what it names, not its text.
    [token] = re.findall(r"/aanmeldingen/([^/\s]+)/annuleren/", notification.body)
    assert services.signup_from_token(token, purpose=services.CANCEL_SALT) == signup


def test_logged_in_user_signs_up_with_their_own_address():
    user = UserFactory(email="piet@example.org", name="Piet")
    signup = services.signup_create(session=SessionFactory(), user=user, email="other@x.org")
    assert (signup.email, signup.name, signup.user) == ("piet@example.org", "Piet", user)
    assert Notification.objects.get().user == user


def test_signing_up_twice_is_refused_and_changes_nothing():
    session = SessionFactory()
    sign_up(session)
    with pytest.raises(services.SignUpError) as error:
        sign_up(session, email="ANA@example.org")
    assert error.value.code == "duplicate"
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert SignUp.objects.count() == 1


def test_full_session_refuses_unless_the_waiting_list_is_asked_for():
    session = SessionFactory(capacity=1)
    sign_up(session, email="first@example.org")
    with pytest.raises(services.SignUpError) as error:
        sign_up(session, email="second@example.org")
    assert error.value.code == "full"
    assert SignUp.objects.count() == 1

    waiting = sign_up(session, email="second@example.org", join_waitlist=True)
    assert waiting.status == SignUp.Status.WAITLISTED
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_cancellation_moves_the_first_on_the_waiting_list_up_and_tells_them():
    session = SessionFactory(capacity=1)
    first = sign_up(session, email="first@example.org")
    second = sign_up(session, email="second@example.org", join_waitlist=True)
    third = sign_up(session, email="third@example.org", join_waitlist=True)

    promoted = services.signup_cancel(signup=first)

    assert promoted == second
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == SignUp.Status.CONFIRMED
    assert third.status == SignUp.Status.WAITLISTED
    session.refresh_from_db()
    assert session.seats_taken == 1
    told = Notification.objects.filter(email="second@example.org", kind="signup_promoted")
    assert told.count() == 1


def test_cancelling_without_a_waiting_list_frees_the_place():
    session = SessionFactory(capacity=3)
    signup = sign_up(session)
    assert services.signup_cancel(signup=signup) is None
    session.refresh_from_db()
    assert session.seats_taken == 0
    with pytest.raises(services.SignUpError) as error:
        services.signup_cancel(signup=signup)
    assert error.value.code == "already_cancelled"


def test_cancelled_person_may_sign_up_again():
    session = SessionFactory()
    services.signup_cancel(signup=sign_up(session))
    assert sign_up(session).status == SignUp.Status.CONFIRMED


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"starts_at_delta": -timedelta(hours=1)}, "past"),
        ({"is_cancelled": True}, "cancelled"),
        ({"activity_cancelled": True}, "cancelled"),
    ],
)
def test_past_or_cancelled_sessions_refuse_sign_ups(change, code):
    session = SessionFactory()
    if "starts_at_delta" in change:
        session.starts_at = timezone.now() + change["starts_at_delta"]
        session.save()
    if change.get("is_cancelled"):
        session.is_cancelled = True
        session.save()
    if change.get("activity_cancelled"):
        Activity.objects.filter(pk=session.activity_id).update(status=Activity.Status.CANCELLED)
        session.refresh_from_db()
    with pytest.raises(services.SignUpError) as error:
        sign_up(session)
    assert error.value.code == code
    assert SignUp.objects.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("email", "name", "code"),
    [("", "Ana", "email"), ("not-an-address", "Ana", "email"), ("a@example.org", "  ", "name")],
)
def test_bad_contact_details_are_refused(email, name, code):
    session = SessionFactory()
    with pytest.raises(services.SignUpError) as error:
        sign_up(session, email=email, name=name)
    assert error.value.code == code
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_database_refuses_overbooking_even_past_the_service():
    session = SessionFactory(capacity=1)
    SignUpFactory(session=session)
    with pytest.raises(IntegrityError):
        Session.objects.filter(pk=session.pk).update(seats_taken=2)


def test_reminders_go_out_once_for_sessions_starting_within_a_day():
    soon = SessionFactory(starts_at=timezone.now() + timedelta(hours=20))
    later = SessionFactory(starts_at=timezone.now() + timedelta(days=3))
    SignUpFactory(session=soon, email="soon@example.org")
    SignUpFactory(session=later, email="later@example.org")
    SignUpFactory(session=soon, email="gone@example.org", status=SignUp.Status.CANCELLED)

    assert services.session_reminders_send() == 1
    assert services.session_reminders_send() == 0
    reminder = Notification.objects.get(kind="session_reminder")
    assert reminder.email == "soon@example.org"

    # Two days on, the later session is due, and only it.
    assert services.session_reminders_send(now=timezone.now() + timedelta(days=2, hours=1)) == 1
    assert Notification.objects.filter(kind="session_reminder").count() == 2
    assert not mail.outbox  # rows first: delivery is the worker's job
