"""Concurrent sign-ups and cancellations on PostgreSQL: real threads, real connections.

Every thread loads its own objects, waits at a barrier so that all of them hit the database
together, and closes its own connection at the end. Notifications are written as usual; only
handing them to the broker is recorded instead, so nothing is queued for a worker.
"""

import threading
from collections import Counter

import pytest

from initiatives import services
from initiatives.models import Session, SignUp
from mpact.factories import SessionFactory
from mpact.notifications import tasks as notification_tasks
from mpact.notifications.models import Notification
from tests import racing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def enqueued(monkeypatch):
    """Notification ids handed to the broker (after their transaction committed)."""
    ids = []
    lock = threading.Lock()

    def record(*, notification_id):
        with lock:
            ids.append(notification_id)
        return True

    monkeypatch.setattr(notification_tasks, "notification_enqueue", record)
    return ids


def run_together(jobs):
    return racing.run_together(jobs, refusal=services.SignUpError)


def signup_job(session_pk, email, *, join_waitlist=False):
    def prepare():
        return Session.objects.select_related("activity").get(pk=session_pk)

    def act(session):
        return services.signup_create(
            session=session, name="Gast", email=email, join_waitlist=join_waitlist
        ).status

    return prepare, act


def cancel_job(signup_pk):
    def prepare():
        return SignUp.objects.get(pk=signup_pk)

    def act(signup):
        promoted = services.signup_cancel(signup=signup)
        return promoted.pk if promoted else None

    return prepare, act


def assert_consistent(session, capacity):
    session.refresh_from_db()
    confirmed = SignUp.objects.filter(session=session, status=SignUp.Status.CONFIRMED).count()
    assert session.seats_taken == confirmed == capacity
    return session


# --- Many people, few places --------------------------------------------------------------


def test_twenty_guests_race_for_five_places_and_fifteen_are_told_it_is_full(enqueued):
    session = SessionFactory(capacity=5)
    emails = [f"guest{i}@example.org" for i in range(20)]

    outcomes = run_together([signup_job(session.pk, email) for email in emails])

    assert Counter(outcomes) == {("ok", SignUp.Status.CONFIRMED): 5, ("refused", "full"): 15}
    assert_consistent(session, capacity=5)
    winners = {emails[i] for i, outcome in enumerate(outcomes) if outcome[0] == "ok"}
    assert set(SignUp.objects.values_list("email", flat=True)) == winners  # no stray rows
    # A refused sign-up leaves nothing behind: one confirmation per place, each enqueued once.
    notifications = Notification.objects.all()
    assert {n.email for n in notifications} == winners
    assert {n.kind for n in notifications} == {"signup_confirmed"}
    assert sorted(enqueued) == sorted(n.pk for n in notifications)


def test_twenty_guests_race_for_five_places_and_fifteen_join_the_waiting_list(enqueued):
    session = SessionFactory(capacity=5)
    emails = [f"guest{i}@example.org" for i in range(20)]

    outcomes = run_together([signup_job(session.pk, email, join_waitlist=True) for email in emails])

    assert Counter(outcomes) == {
        ("ok", SignUp.Status.CONFIRMED): 5,
        ("ok", SignUp.Status.WAITLISTED): 15,
    }
    assert_consistent(session, capacity=5)
    assert SignUp.objects.filter(status=SignUp.Status.WAITLISTED).count() == 15
    assert Counter(Notification.objects.values_list("kind", flat=True)) == {
        "signup_confirmed": 5,
        "signup_waitlisted": 15,
    }
    assert len(enqueued) == 20


# --- One person, many clicks --------------------------------------------------------------


def test_same_email_signing_up_from_ten_threads_gets_one_place(enqueued):
    session = SessionFactory(capacity=10)

    outcomes = run_together([signup_job(session.pk, "ana@example.org") for _ in range(10)])

    assert Counter(outcomes) == {("ok", SignUp.Status.CONFIRMED): 1, ("refused", "duplicate"): 9}
    session.refresh_from_db()
    assert session.seats_taken == 1  # the places taken by the refused attempts were given back
    assert SignUp.objects.active().filter(email="ana@example.org").count() == 1
    assert SignUp.objects.count() == 1
    assert Notification.objects.count() == 1
    assert len(enqueued) == 1


# --- Cancellations and sign-ups at the same time ------------------------------------------


def test_concurrent_cancellations_promote_the_waiting_list_in_order(enqueued):
    session = SessionFactory(capacity=5)
    confirmed = [
        services.signup_create(session=session, name="Gast", email=f"booked{i}@example.org")
        for i in range(5)
    ]
    waiting = [
        services.signup_create(
            session=session, name="Gast", email=f"waiting{i}@example.org", join_waitlist=True
        )
        for i in range(8)
    ]
    assert {s.status for s in confirmed} == {SignUp.Status.CONFIRMED}
    assert {s.status for s in waiting} == {SignUp.Status.WAITLISTED}
    assert_consistent(session, capacity=5)
    Notification.objects.all().delete()
    enqueued.clear()

    # Five cancel while five newcomers try to sign up (without the waiting list) and three more
    # join the waiting list: freed places must go to those already waiting, in order.
    jobs = [cancel_job(s.pk) for s in confirmed]
    jobs += [signup_job(session.pk, f"new{i}@example.org") for i in range(5)]
    jobs += [signup_job(session.pk, f"late{i}@example.org", join_waitlist=True) for i in range(3)]
    outcomes = run_together(jobs)

    cancelled, newcomers, late = outcomes[:5], outcomes[5:10], outcomes[10:]
    assert all(outcome[0] == "ok" for outcome in cancelled), cancelled
    promoted = [pk for _, pk in cancelled]
    assert None not in promoted, f"a freed place went to nobody on the waiting list: {promoted}"
    assert sorted(promoted) == sorted(s.pk for s in waiting[:5])  # each promoted once, in order
    assert newcomers == [("refused", "full")] * 5
    assert late == [("ok", SignUp.Status.WAITLISTED)] * 3

    assert_consistent(session, capacity=5)
    statuses = dict(SignUp.objects.values_list("email", "status"))
    assert {statuses[s.email] for s in confirmed} == {SignUp.Status.CANCELLED}
    assert [statuses[s.email] for s in waiting] == [SignUp.Status.CONFIRMED] * 5 + [
        SignUp.Status.WAITLISTED
    ] * 3
    # The waiting list now holds the three still waiting, then the late ones (in their order).
    still_waiting = list(SignUp.objects.filter(session=session).waiting())
    assert [s.email for s in still_waiting[:3]] == [s.email for s in waiting[5:]]
    assert {s.email for s in still_waiting[3:]} == {f"late{i}@example.org" for i in range(3)}
    assert not any(email.startswith("new") for email in statuses)  # refused: nothing left behind
    promoted_mail = Notification.objects.filter(kind="signup_promoted")
    assert sorted(promoted_mail.values_list("email", flat=True)) == sorted(
        s.email for s in waiting[:5]
    )
    assert len(enqueued) == Notification.objects.count() == 5 + 3  # promotions + late waiters
