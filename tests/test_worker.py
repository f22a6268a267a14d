"""Notification delivery through a real Celery worker on the real Redis broker (no eager mode).

An in-process worker for `mpact.celery.app` (solo pool, in a thread) consumes from Redis. It
shares the process with the test, so the locmem e-mail backend it sends through is the same
`django.core.mail.outbox`, and it reads the same (committed, transaction=True) test database.
"""

import smtplib
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from unittest import mock

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.db import transaction
from django.utils import timezone
from kombu import pools
from kombu.utils.collections import eqhash

from initiatives import services
from initiatives.models import SignUp
from mpact.celery import app
from mpact.factories import SessionFactory
from mpact.notifications import delivery as notification_services
from mpact.notifications.models import Notification
from mpact.notifications.tasks import deliver_notification, sweep_undelivered

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

DELIVER = deliver_notification.name
SWEEP = sweep_undelivered.name
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


def wait_for(predicate, timeout=20.0, interval=0.02):
    """Poll until predicate() is true; returns its last value (assert on it)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


@dataclass(frozen=True)
class TaskRun:
    name: str
    args: tuple
    retval: object
    state: str
    thread: str


class TaskLog:
    """What the worker ran and what reached the broker, from Celery's own signals."""

    def __init__(self):
        self._lock = threading.Lock()
        self.runs: list[TaskRun] = []
        self.retries: list[tuple[str, tuple]] = []
        self.published: list[tuple[str, tuple]] = []

    def on_postrun(self, sender=None, task=None, args=None, retval=None, state=None, **kwargs):
        run = TaskRun(task.name, tuple(args or ()), retval, state, threading.current_thread().name)
        with self._lock:
            self.runs.append(run)

    def on_retry(self, sender=None, request=None, **kwargs):
        with self._lock:
            self.retries.append((sender.name, tuple(request.args or ())))

    def on_published(self, sender=None, body=None, **kwargs):
        # Sent only once the message is with the broker; protocol 2 body: (args, kwargs, embed).
        with self._lock:
            self.published.append((sender, tuple(body[0])))

    def finished(self, name, *args):
        with self._lock:
            return [r for r in self.runs if r.name == name and (not args or r.args == args)]


@pytest.fixture
def task_log():
    log = TaskLog()
    receivers = [
        (signals.task_postrun, log.on_postrun),
        (signals.task_retry, log.on_retry),
        (signals.after_task_publish, log.on_published),
    ]
    for signal, receiver in receivers:
        signal.connect(receiver, weak=False)
    yield log
    for signal, receiver in receivers:
        signal.disconnect(receiver)


@pytest.fixture
def worker(transactional_db, task_log):
    """A real worker consuming from the real broker for the length of one test.

    Function scoped: the worker thread touches the database, which pytest-django only allows
    while a database test runs, and the test's rows are flushed after it.
    """
    assert not app.conf.task_always_eager
    assert app.conf.broker_url.startswith("redis://")
    app.control.purge()  # leftovers of earlier tests (or runs) must not be delivered here
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"
    ) as running:
        yield running
    # A retry still waiting for its countdown went back to the queue when the worker stopped.
    app.control.purge()


def sign_up(session, email="ana@example.org", name="Ana de Vries", **kwargs):
    return services.signup_create(session=session, name=name, email=email, **kwargs)


def wait_for_mail(count=1):
    return wait_for(lambda: len(mail.outbox) >= count)


@contextmanager
def broker_unreachable():
    """Point the app's publishing side at a port where nothing listens, then put it back.

    Publishing goes through app.amqp.producer_pool, which holds on to the connection pool it
    was created with: resetting app._pool alone is not enough, the producer pool must be
    dropped too. Both are looked up again (kombu keeps one pool per broker URL) on next use.
    The worker consumes over its own connection (connection_for_read, i.e. broker_url), so it
    stays on the real broker throughout.
    """
    original = app.conf.broker_write_url

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_write_url = UNREACHABLE_BROKER
    reset_pools()
    try:
        yield
    finally:
        dead = app.connection_for_write()
        app.conf.broker_write_url = original
        reset_pools()
        for group in (pools.producers, pools.connections):
            stale = group.pop(eqhash(dead), None)  # keyed by eqhash, not by the connection
            if stale is not None:
                stale.force_close_all()
        dead.release()


# --- a. the confirmation e-mail goes through Redis and the worker -------------------------


def test_signup_confirmation_is_delivered_by_the_worker_after_commit(worker, task_log):
    session = SessionFactory(capacity=3, activity__title="Buurtwandeling Roombeek")

    with transaction.atomic():
        signup = sign_up(session)
        notification = Notification.objects.get()
        # Written in the sign-up's transaction, but handed to the broker only after commit.
        assert task_log.published == []
    assert task_log.published == [(DELIVER, (notification.pk,))]

    assert wait_for_mail(), "the worker sent no e-mail within 20 s"
    assert wait_for(lambda: task_log.finished(DELIVER, notification.pk))
    [run] = task_log.finished(DELIVER, notification.pk)
    assert (run.state, run.retval) == ("SUCCESS", True)
    assert run.thread != threading.current_thread().name  # sent by the worker, not inline

    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert message.subject == f"[M-Pact] {notification.subject}"
    assert "Buurtwandeling Roombeek" in message.subject
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.extra_headers["X-MPact-Notification"] == str(notification.pk)
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics")
    assert mimetype == "text/calendar"
    assert "BEGIN:VCALENDAR" in content and "BEGIN:VEVENT" in content
    # The links are signed with a timestamp: compare what they name, not their text (the
    # second may have ticked over since the e-mail was written).
    for purpose, route in [(services.CANCEL_SALT, "cancel"), (services.VIEW_SALT, "status")]:
        prefix = f"{settings.SITE_URL}/aanmeldingen/"
        [token] = [
            line.removeprefix(prefix).split("/")[0]
            for line in message.body.split()
            if line.startswith(prefix) and (route == "cancel") == line.endswith("/annuleren/")
        ]
        assert services.signup_from_token(token, purpose=purpose) == signup

    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert notification.is_delivered
    assert notification.attempts == 1
    assert notification.failed_at is None
    assert notification.last_error == ""


# --- b. delivering twice sends once -------------------------------------------------------


def test_delivering_the_same_notification_repeatedly_sends_one_email(worker, task_log):
    session = SessionFactory(capacity=3)
    sign_up(session)  # its commit enqueues the first delivery
    notification = Notification.objects.get()
    pk = notification.pk

    deliver_notification.delay(pk)
    deliver_notification.delay(pk)
    sent_here = notification_services.notification_deliver(notification_id=pk)

    assert wait_for(lambda: len(task_log.finished(DELIVER, pk)) == 3), task_log.runs
    runs = task_log.finished(DELIVER, pk)
    assert all(run.state == "SUCCESS" for run in runs)
    # Exactly one of the four attempts claimed the row and sent it; the others backed off.
    assert [run.retval for run in runs].count(True) + int(sent_here) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["X-MPact-Notification"] == str(pk)

    # Once sent, another attempt is a no-op too, inline or through the worker.
    assert notification_services.notification_deliver(notification_id=pk) is False
    deliver_notification.delay(pk)
    assert wait_for(lambda: len(task_log.finished(DELIVER, pk)) == 4)
    assert task_log.finished(DELIVER, pk)[-1].retval is False
    assert len(mail.outbox) == 1

    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert notification.attempts == 1  # only the claim that won counts as an attempt


# --- c. broker down while signing up: the sweep delivers later ----------------------------


def test_notification_made_while_the_broker_is_down_is_delivered_by_the_sweep(
    worker, task_log, caplog
):
    session = SessionFactory(capacity=3)

    with broker_unreachable():
        started = time.monotonic()
        signup = sign_up(session)
        elapsed = time.monotonic() - started
    assert elapsed < 3, f"signing up took {elapsed:.1f} s while the broker was down"

    assert signup.status == SignUp.Status.CONFIRMED
    session.refresh_from_db()
    assert session.seats_taken == 1
    notification = Notification.objects.get()
    assert "Could not enqueue notification" in caplog.text
    assert task_log.published == []  # nothing reached the broker
    assert (notification.sent_at, notification.claimed_at, notification.attempts) == (None, None, 0)
    assert list(Notification.objects.due_for_delivery()) == [notification]
    assert mail.outbox == []

    sweep_undelivered.delay()

    assert wait_for_mail(), "the sweep did not get the notification delivered"
    assert wait_for(lambda: task_log.finished(DELIVER, notification.pk))
    [sweep] = task_log.finished(SWEEP)
    assert sweep.retval == 1  # it enqueued exactly that notification
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.org"]
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert notification.attempts == 1

    # A later sweep finds nothing left to do.
    sweep_undelivered.delay()
    assert wait_for(lambda: len(task_log.finished(SWEEP)) == 2)
    assert task_log.finished(SWEEP)[-1].retval == 0
    assert len(mail.outbox) == 1
    assert len(task_log.finished(DELIVER)) == 1


# --- d. a failing SMTP send is retried, not dropped ---------------------------------------


def test_failed_send_is_recorded_released_and_delivered_later(worker, task_log):
    real_send = locmem.EmailBackend.send_messages
    sends = []

    def flaky_send(backend, messages):
        sends.append(messages)
        if len(sends) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(backend, messages)

    session = SessionFactory(capacity=3)
    with mock.patch.object(locmem.EmailBackend, "send_messages", flaky_send):
        before = timezone.now()
        sign_up(session)
        notification = Notification.objects.get()
        pk = notification.pk

        # The worker's attempt fails; the task asks Celery for a retry rather than giving up.
        assert wait_for(lambda: task_log.retries), "the failed delivery was not retried"
        assert task_log.retries[0] == (DELIVER, (pk,))
        notification.refresh_from_db()
        assert mail.outbox == []
        assert notification.sent_at is None
        assert notification.failed_at is None  # not given up after one failure
        assert notification.claimed_at is None  # the claim is released for the next attempt
        assert notification.attempts == 1
        assert "SMTPServerDisconnected" in notification.last_error
        assert "Connection unexpectedly closed" in notification.last_error
        # Backed off: not due now, due again once the back-off has passed.
        assert before + timedelta(seconds=25) < notification.next_attempt_at
        assert notification.next_attempt_at < timezone.now() + timedelta(seconds=35)
        assert not Notification.objects.due_for_delivery().filter(pk=pk).exists()
        assert (
            Notification.objects.due_for_delivery(now=notification.next_attempt_at)
            .filter(pk=pk)
            .exists()
        )

        # Let the back-off pass, then the periodic sweep gets it delivered through the worker.
        Notification.objects.filter(pk=pk).update(next_attempt_at=timezone.now())
        sweep_undelivered.delay()
        assert wait_for_mail(), "the notification was not delivered after the failure"
        # The e-mail is in the outbox a moment before the worker records it as sent.
        assert wait_for(lambda: Notification.objects.filter(pk=pk, sent_at__isnull=False).exists())

    assert len(sends) == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.org"]
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert notification.attempts == 2
    assert notification.last_error == ""
    assert notification.failed_at is None
