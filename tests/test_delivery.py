"""Notification e-mail delivery against a real SMTP server, and what a coordinator sees of it.

An aiosmtpd server on 127.0.0.1 (in a thread, on a free port) answers as each test scripts it:
451 or 550 to DATA, 550 to RCPT, or hanging up in the middle of DATA. Django sends to it through
its real SMTP backend, so the exceptions classified by `is_permanent` are the ones smtplib
actually raises. Temporary refusals are retried with backoff and delivered once; permanent
ones fail at once, without a retry, and show on the admin index.
"""

import os
import smtplib
import socket
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from celery import signals
from django.core import mail
from django.core.mail import BadHeaderError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mpact.factories import UserFactory
from mpact.notifications.delivery import DeliveryFailed, is_permanent, notification_deliver
from mpact.notifications.models import Notification
from mpact.notifications.services import notification_create
from mpact.notifications.tasks import deliver_notification

pytestmark = pytest.mark.django_db

ANA = "ana@example.org"
BOB = "bob@example.org"


# --- A scripted SMTP server -----------------------------------------------------------------


class ScriptedHandler:
    """Answers RCPT and DATA with the next reply of its script (250 once it runs out), and
    keeps every message it accepted."""

    def __init__(self):
        self.rcpt_replies: list[str] = []
        self.data_replies: list[str] = []
        self.hang_ups_in_data = 0  # how many DATA commands to cut off halfway (ScriptedSMTP)
        self.data_commands = 0  # DATA commands seen, whatever became of them
        self.accepted: list[tuple[list[str], bytes]] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.rcpt_replies.pop(0) if self.rcpt_replies else "250 OK"
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server, session, envelope):
        reply = self.data_replies.pop(0) if self.data_replies else "250 Message accepted"
        if reply.startswith("250"):
            with self.lock:
                self.accepted.append((list(envelope.rcpt_tos), envelope.original_content))
        return reply

    def received(self) -> Counter:
        """Accepted messages per recipient."""
        with self.lock:
            return Counter(rcpt for rcpt_tos, _content in self.accepted for rcpt in rcpt_tos)


class ScriptedSMTP(SMTP):
    async def smtp_DATA(self, arg):
        self.event_handler.data_commands += 1
        if self.event_handler.hang_ups_in_data:
            self.event_handler.hang_ups_in_data -= 1
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            # Read the first line of the message, then hang up: the message never arrives
            # whole, so it is not accepted (no 250), and the client sees the connection drop.
            await self._reader.readuntil(b"\r\n")
            self.transport.close()
            return
        await super().smtp_DATA(arg)


class ScriptedController(Controller):
    def factory(self):
        return ScriptedSMTP(self.handler, **self.SMTP_kwargs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A scripted SMTP server for one test, with Django's SMTP backend pointed at it."""
    handler = ScriptedHandler()
    controller = ScriptedController(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()


@pytest.fixture
def task_retries():
    """Retries the delivery task asked Celery for (also under eager apply())."""
    retries = []

    def on_retry(sender=None, request=None, **kwargs):
        retries.append(tuple(request.args or ()))

    signals.task_retry.connect(on_retry, weak=False)
    yield retries
    signals.task_retry.disconnect(on_retry)


def notify(email=ANA, subject="Je aanmelding voor Buurtwandeling") -> Notification:
    return notification_create(
        email=email, subject=subject, body="Tot dan!", kind=Notification.Kind.SIGNUP_CONFIRMED
    )


def make_due(notification):
    """Let the back-off pass."""
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def is_due(notification) -> bool:
    return Notification.objects.due_for_delivery().filter(pk=notification.pk).exists()


# --- a. a temporary refusal (451) is retried and delivered once -----------------------------


def test_temporary_refusal_is_retried_with_backoff_and_delivered_once(smtp):
    smtp.data_replies = ["451 4.3.0 Try again later"]
    notification = notify()
    before = timezone.now()

    with pytest.raises(DeliveryFailed) as failure:
        notification_deliver(notification_id=notification.pk)

    assert failure.value.given_up is False
    assert isinstance(failure.value.__cause__, smtplib.SMTPDataError)
    notification.refresh_from_db()
    assert (notification.attempts, notification.sent_at, notification.failed_at) == (1, None, None)
    assert notification.claimed_at is None
    assert "SMTPDataError(451" in notification.last_error
    # The first back-off is 30 s: not due now, due once it has passed.
    assert before + timedelta(seconds=29) < notification.next_attempt_at
    assert notification.next_attempt_at < timezone.now() + timedelta(seconds=31)
    assert not is_due(notification)
    assert smtp.received() == Counter()

    make_due(notification)
    assert notification_deliver(notification_id=notification.pk) is True

    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.sent_at is not None
    assert (notification.failed_at, notification.last_error) == (None, "")
    assert smtp.data_commands == 2
    assert smtp.received() == Counter({ANA: 1})
    # Delivered: a further attempt sends nothing.
    assert notification_deliver(notification_id=notification.pk) is False
    assert smtp.received() == Counter({ANA: 1})


# --- b. a permanent refusal (550) fails at once ---------------------------------------------


def test_permanent_refusal_of_the_message_fails_at_once(smtp):
    smtp.data_replies = ["550 5.7.1 Message rejected"]
    notification = notify()

    with pytest.raises(DeliveryFailed) as failure:
        notification_deliver(notification_id=notification.pk)

    assert failure.value.given_up is True
    assert failure.value.retry_at is None
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert notification.failed_at is not None
    assert notification.sent_at is None
    assert notification.next_attempt_at is None
    assert "SMTPDataError(550" in notification.last_error
    # Never due again, however long one waits; only a coordinator's "try again" revives it.
    far_future = timezone.now() + timedelta(days=30)
    assert not Notification.objects.due_for_delivery(far_future).filter(pk=notification.pk)
    assert notification_deliver(notification_id=notification.pk) is False
    assert smtp.data_commands == 1
    assert smtp.received() == Counter()


def test_unknown_recipient_550_on_rcpt_fails_at_once(smtp):
    smtp.rcpt_replies = ["550 5.1.1 No such user"]
    notification = notify(email=BOB)

    with pytest.raises(DeliveryFailed) as failure:
        notification_deliver(notification_id=notification.pk)

    assert failure.value.given_up is True
    assert isinstance(failure.value.__cause__, smtplib.SMTPRecipientsRefused)
    notification.refresh_from_db()
    assert (notification.attempts, notification.sent_at) == (1, None)
    assert notification.failed_at is not None
    assert "SMTPRecipientsRefused" in notification.last_error
    assert smtp.data_commands == 0
    assert smtp.received() == Counter()


def test_recipient_refused_for_now_450_on_rcpt_is_retried(smtp):
    smtp.rcpt_replies = ["450 4.2.0 Mailbox busy"]
    notification = notify(email=BOB)

    with pytest.raises(DeliveryFailed) as failure:
        notification_deliver(notification_id=notification.pk)
    assert failure.value.given_up is False
    make_due(notification)
    assert notification_deliver(notification_id=notification.pk) is True

    notification.refresh_from_db()
    assert (notification.attempts, notification.failed_at) == (2, None)
    assert smtp.received() == Counter({BOB: 1})


def test_invalid_recipient_address_fails_at_once_without_reaching_the_server(smtp):
    notification = notify(email="ana at example.org")

    with pytest.raises(DeliveryFailed) as failure:
        notification_deliver(notification_id=notification.pk)

    assert failure.value.given_up is True
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert notification.failed_at is not None
    assert "invalid recipient address" in notification.last_error
    assert smtp.data_commands == 0
    assert smtp.received() == Counter()


def test_header_error_fails_at_once(smtp):
    # A row written before subjects were made one line (notification_create does that now).
    notification = Notification.objects.create(
        email=ANA, subject="Twee\nregels", body="Tekst", kind="test"
    )

    with pytest.raises(DeliveryFailed) as failure:
        notification_deliver(notification_id=notification.pk)

    assert failure.value.given_up is True
    assert isinstance(failure.value.__cause__, BadHeaderError)
    notification.refresh_from_db()
    assert (notification.attempts, notification.sent_at) == (1, None)
    assert notification.failed_at is not None
    assert "BadHeaderError" in notification.last_error
    assert smtp.received() == Counter()


# --- c. the server hangs up in the middle of DATA: temporary --------------------------------


def test_connection_dropped_during_data_is_temporary_and_delivered_once_later(smtp):
    smtp.hang_ups_in_data = 1
    notification = notify()

    with pytest.raises(DeliveryFailed) as failure:
        notification_deliver(notification_id=notification.pk)

    assert failure.value.given_up is False
    assert isinstance(failure.value.__cause__, smtplib.SMTPServerDisconnected)
    notification.refresh_from_db()
    assert (notification.attempts, notification.sent_at, notification.failed_at) == (1, None, None)
    assert "SMTPServerDisconnected" in notification.last_error
    assert smtp.received() == Counter()

    make_due(notification)
    assert notification_deliver(notification_id=notification.pk) is True

    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.sent_at is not None
    assert smtp.data_commands == 2
    assert smtp.received() == Counter({ANA: 1})


def test_unreachable_server_is_temporary(smtp, settings):
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    notification = notify()

    with pytest.raises(DeliveryFailed) as failure:
        notification_deliver(notification_id=notification.pk)

    assert failure.value.given_up is False
    assert isinstance(failure.value.__cause__, ConnectionRefusedError)
    notification.refresh_from_db()
    assert (notification.attempts, notification.failed_at) == (1, None)
    assert notification.next_attempt_at is not None


def test_temporary_failures_are_given_up_after_the_last_attempt(smtp, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    smtp.data_replies = ["451 4.3.0 Try again later"] * 3
    notification = notify()

    given_up = []
    for _attempt in range(3):
        make_due(notification)
        with pytest.raises(DeliveryFailed) as failure:
            notification_deliver(notification_id=notification.pk)
        given_up.append(failure.value.given_up)

    assert given_up == [False, False, True]
    notification.refresh_from_db()
    assert notification.attempts == 3
    assert notification.failed_at is not None
    assert smtp.data_commands == 3
    assert smtp.received() == Counter()


# --- The Celery task: retries temporary failures only ---------------------------------------


def test_task_gives_up_a_permanent_refusal_without_retrying(smtp, task_retries):
    smtp.data_replies = ["550 5.7.1 Message rejected"]
    notification = notify()

    result = deliver_notification.apply(args=[notification.pk])

    assert result.state == "SUCCESS"
    assert result.result is False
    assert task_retries == []
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert notification.failed_at is not None
    assert smtp.data_commands == 1
    assert smtp.received() == Counter()


def test_task_retries_a_temporary_refusal_and_delivers_once(smtp, task_retries):
    smtp.data_replies = ["451 4.3.0 Try again later"]
    notification = notify()

    first = deliver_notification.apply(args=[notification.pk])

    # The task asked for a retry. Eager apply() runs it at once instead of at retry_at, when
    # the row is not due yet: that run sends nothing.
    assert task_retries == [(notification.pk,)]
    assert first.result is False
    notification.refresh_from_db()
    assert (notification.attempts, notification.sent_at, notification.failed_at) == (1, None, None)
    assert smtp.received() == Counter()

    make_due(notification)
    second = deliver_notification.apply(args=[notification.pk])

    assert (second.state, second.result) == ("SUCCESS", True)
    assert task_retries == [(notification.pk,)]
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.sent_at is not None
    assert smtp.data_commands == 2
    assert smtp.received() == Counter({ANA: 1})


# --- The classification itself --------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "permanent"),
    [
        (smtplib.SMTPDataError(550, b"Rejected"), True),
        (smtplib.SMTPDataError(554, b"Transaction failed"), True),
        (smtplib.SMTPDataError(451, b"Try again later"), False),
        (smtplib.SMTPSenderRefused(553, b"Sender refused", "noreply@m-pact.localhost"), True),
        (smtplib.SMTPSenderRefused(421, b"Closing", "noreply@m-pact.localhost"), False),
        (smtplib.SMTPRecipientsRefused({ANA: (550, b"No such user")}), True),
        (smtplib.SMTPRecipientsRefused({ANA: (550, b"No"), BOB: (551, b"No")}), True),
        (smtplib.SMTPRecipientsRefused({ANA: (550, b"No"), BOB: (452, b"Later")}), False),
        (smtplib.SMTPRecipientsRefused({}), False),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False),
        (ConnectionRefusedError(111, "Connection refused"), False),
        (TimeoutError("timed out"), False),
        (OSError("Network is unreachable"), False),
        (BadHeaderError("Header values can't contain newlines"), True),
        (ValueError('Invalid address "ana at example.org"'), True),
    ],
    ids=repr,
)
def test_is_permanent(exc, permanent):
    assert is_permanent(exc) is permanent


# --- Subjects are one line ------------------------------------------------------------------


def test_subject_with_line_breaks_and_control_characters_is_sent_as_one_line():
    notification = notify(subject="  Nieuwe activiteit:\r\nBuurt\x00wandeling \t\n\n Roombeek ")

    assert notification.subject == "Nieuwe activiteit: Buurt wandeling Roombeek"
    assert notification_deliver(notification_id=notification.pk) is True  # locmem backend

    [message] = mail.outbox
    assert message.subject == "[M-Pact] Nieuwe activiteit: Buurt wandeling Roombeek"
    header = message.message()["Subject"]
    assert header == "[M-Pact] Nieuwe activiteit: Buurt wandeling Roombeek"
    notification.refresh_from_db()
    assert notification.failed_at is None


def test_long_subject_is_collapsed_before_it_is_cut_to_200_characters():
    notification = notify(subject="woord\r\n" * 60)

    assert notification.subject == ("woord " * 34).strip()[:200].rstrip()
    assert len(notification.subject) <= 200
    assert "\n" not in notification.subject and "  " not in notification.subject
    assert not notification.subject.endswith(" ")


# --- The claim timeout ----------------------------------------------------------------------


def test_claim_timeout_is_short_but_longer_than_a_send_can_take(settings, tmp_path):
    assert (
        settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS
        > settings.CELERY_TASK_SOFT_TIME_LIMIT
        > settings.EMAIL_TIMEOUT
    )
    # The defaults, as settings.py sets them when the environment says nothing.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"NOTIFICATION_CLAIM_TIMEOUT_SECONDS", "EMAIL_TIMEOUT"}
    }
    env.update(DJANGO_SETTINGS_MODULE="mpact.settings", DEBUG="true", MPACT_VAR_DIR=str(tmp_path))
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.NOTIFICATION_CLAIM_TIMEOUT_SECONDS, s.EMAIL_TIMEOUT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["180", "30"]


def test_row_claimed_longer_ago_than_the_claim_timeout_is_due_again(settings):
    timeout = settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS
    now = timezone.now()

    def claimed(seconds_ago):
        return Notification.objects.create(
            email=ANA,
            subject=f"claimed {seconds_ago} s ago",
            body="Tekst",
            kind="test",
            claimed_at=now - timedelta(seconds=seconds_ago),
            attempts=1,
        )

    just_now = claimed(0)
    within = claimed(timeout - 10)
    stale = claimed(timeout + 10)

    due = set(Notification.objects.due_for_delivery(now))

    assert stale in due
    assert just_now not in due and within not in due

    # The stale claim is taken over and the notification delivered (a worker died mid-send).
    assert notification_deliver(notification_id=stale.pk) is True
    assert notification_deliver(notification_id=just_now.pk) is False
    stale.refresh_from_db()
    assert (stale.attempts, stale.sent_at is not None) == (2, True)
    assert [m.subject for m in mail.outbox] == [f"[M-Pact] claimed {timeout + 10} s ago"]


# --- The admin index shows coordinators what failed -----------------------------------------


def failed(count):
    return [
        Notification.objects.create(
            email=f"person{i}@example.org",
            subject=f"Bericht {i}",
            body="Tekst",
            kind="test",
            attempts=1,
            failed_at=timezone.now(),
            last_error="SMTPDataError(550, b'Rejected')",
        )
        for i in range(count)
    ]


def test_admin_index_shows_the_failed_notifications_to_a_coordinator(coordinator_client):
    failed(2)
    notify()  # undelivered but not failed: not counted
    Notification.objects.create(email=BOB, subject="Verstuurd", body="x", sent_at=timezone.now())

    with CaptureQueriesContext(connection) as queries:
        response = coordinator_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert response.context["failed_notifications"] == 2
    # One count each for the given-up e-mails and text messages.
    counting = [q["sql"] for q in queries if "failed_at" in q["sql"]]
    assert len(counting) == 2 and all("COUNT(" in sql.upper() for sql in counting)
    assert 'id="failed-texts"' not in response.content.decode()  # none failed
    html = response.content.decode()
    link = reverse("admin:notifications_notification_changelist") + "?failed_at__isnull=False"
    assert f'<p class="errornote" id="failed-notifications"><a href="{link}">' in html
    assert "2 meldingen konden niet per e-mail worden bezorgd" in html
    assert " style=" not in html.split('id="failed-notifications"')[1].split("</p>")[0]

    # The link lists exactly the failed ones.
    changelist = coordinator_client.get(link)
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 2
    assert {n.subject for n in changelist.context["cl"].result_list} == {"Bericht 0", "Bericht 1"}


def test_admin_index_uses_the_singular_in_english(coordinator_client, coordinator):
    failed(1)
    coordinator_client.cookies["django_language"] = "en"

    response = coordinator_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")

    assert "1 notification could not be delivered by e-mail" in response.content.decode()


def test_admin_index_says_nothing_when_nothing_failed(coordinator_client):
    notify()

    response = coordinator_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert response.context["failed_notifications"] == 0
    assert 'id="failed-notifications"' not in response.content.decode()


def test_admin_index_shows_no_count_to_staff_who_may_not_see_notifications(client):
    failed(3)
    client.force_login(UserFactory(email="staff@example.org", is_staff=True))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "failed_notifications" not in response.context
    assert 'id="failed-notifications"' not in response.content.decode()
    assert not [q for q in queries if "failed_at" in q["sql"]]


# --- A broker that failed is left alone for a while; the sweep always tries ------------------


def test_after_a_failed_enqueue_requests_leave_the_broker_alone_but_the_sweep_tries(
    monkeypatch, caplog
):
    from mpact.notifications import tasks as services
    from mpact.notifications.tasks import deliver_notification

    monkeypatch.setattr(services, "_broker_down_until", {})
    calls = []

    def broker_down(notification_id):
        calls.append(notification_id)
        raise OSError("connection refused")

    monkeypatch.setattr(deliver_notification, "delay", broker_down)
    first, second = (
        Notification.objects.create(email=f"{name}@example.org", subject="Hoi", body=".", kind="t")
        for name in ("ana", "bob")
    )
    assert services.notification_enqueue(notification_id=first.pk) is False
    assert services.notification_enqueue(notification_id=second.pk) is False
    assert calls == [first.pk]  # the second request did not wait for the broker again
    assert len([r for r in caplog.records if "Could not enqueue" in r.getMessage()]) == 1

    # The sweep tries anyway, and stops at the first refusal.
    assert services.notifications_sweep() == 0
    assert calls == [first.pk, first.pk]

    # Once the broker takes tasks again, everything goes.
    monkeypatch.setattr(deliver_notification, "delay", lambda pk: calls.append(("ok", pk)))
    assert services.notifications_sweep() == 2
    monkeypatch.setattr(services, "ENQUEUE_RETRY_AFTER", 0.0)
    assert services.notification_enqueue(notification_id=first.pk) is True
