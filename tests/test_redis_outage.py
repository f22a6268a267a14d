"""Redis is an accelerator for the web process, never a dependency: a real outage.

Each test starts its own redis-server on a free port and points the site at it as production
has it: the fail-soft cache (mpact/cache_backends.py) with the public page cache on, and the
Celery broker with its settings (mpact/settings.py), a real worker consuming from it
(in-process, solo pool, as in tests/test_worker.py). With Redis up the page cache is warmed
and the worker runs a sweep, which also leaves the web side a live broker connection.

`test_the_site_answers_through_a_redis_outage_and_delivers_everything_once_after` stops Redis
and does, over the test client, what visitors, residents and coordinators do: the public
pages, a guest sign-up, a cancellation through the signed link (which gives the place to the
waiting list), logging in (allauth's rate limit takes a lock in the cache: it fails open and
the cache logs once that it is down), a wrong password, a one-click sign-up, a help request,
the admin, the readiness endpoint. Each answers as it would with Redis up, quickly; each
change is committed and its notification waits as a row. Then Redis is started again on the
same port, the sweep is sent through the broker (as beat does every minute) and every
notification is delivered exactly once; a second sweep delivers nothing; pages are cached
again.

`test_a_frozen_redis_costs_seconds_not_a_hang` freezes Redis (SIGSTOP: connections are
accepted, nothing answers) during a sign-up: before CELERY_BROKER_TRANSPORT_OPTIONS bounded
kombu's sockets the request waited for ever.

Figures (PostgreSQL, the 2-core test machine, four runs; printed with `pytest -s`):

- stopped: 22 requests during a 5.5-5.7 s outage (it outlasts the cache's 5 s pause, so the log
  in is a request that tries Redis again), each answered in 0.32 s at most (mostly 10-130 ms); 4
  notifications queued as rows meanwhile (2 sign-up confirmations, 1 place from the waiting
  list, 1 new help request for the coordinator), all delivered once 0.4-0.7 s after Redis
  returned; pages came from the cache again 4.2-4.9 s after (the cache's pause running out).
- frozen: the guest sign-up answered in 6.6 s (three 2 s socket timeouts in a row while
  publishing), the list in 0.56 s (the cache's 0.5 s socket timeout, once); delivered once
  0.1 s after Redis woke.

When Redis returns the cache's circuit breaker (RETRY_AFTER = 5 s) is left alone: the test
waits, at most RETRY_AFTER and a margin, until a page comes from the cache again, so it checks
that the backend finds Redis back by itself, as it must in production.

Only on the production shape (PostgreSQL, REDIS_URL): the embedded default has no Redis to
lose (a local-memory cache, a filesystem broker) and none of the Redis broker settings.
"""

import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, resolve, reverse
from kombu import pools
from kombu.utils.collections import eqhash

from initiatives import services
from initiatives.models import SignUp
from matching.models import HelpRequest
from mpact import cache_backends
from mpact.celery import app
from mpact.factories import OpportunityFactory, SessionFactory, SignUpFactory
from mpact.notifications import tasks as notification_tasks
from mpact.notifications.models import Notification
from mpact.notifications.tasks import deliver_notification, sweep_undelivered

REDIS_SERVER = shutil.which("redis-server")
if REDIS_SERVER is None:
    pytest.skip(
        "needs the redis-server program (Debian: apt-get install redis-server) to start, stop "
        "and freeze a Redis of its own",
        allow_module_level=True,
    )

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and settings.REDIS_URL),
        reason="a Redis outage is a production matter (PostgreSQL, REDIS_URL): the embedded "
        "default has no Redis (a local-memory cache, a filesystem broker)",
    ),
]

PASSWORD = "correct-horse-battery"  # mpact.factories.UserFactory's
STOPPED_ALLOWED = 3.0  # seconds a request may take while Redis is stopped
FROZEN_ALLOWED = 10.0  # ... and while it is frozen
HUNG = 30.0  # a request that has not answered by now never will
SWEEP = sweep_undelivered.name
DELIVER = deliver_notification.name


def wait_for(predicate, timeout=20.0, interval=0.05):
    """Poll until predicate() is true; returns its last value (assert on it)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, without persistence: stop it and start it again on
    the same port, or freeze it (it keeps accepting connections and answers nothing)."""

    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.process = None
        self.frozen = False

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        log = self.directory / "redis.log"
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--dir",
                    str(self.directory),
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self.directory,
            )
        deadline = time.monotonic() + 10
        while not self.answers():
            if not self.running or time.monotonic() >= deadline:
                self.stop()
                raise RuntimeError(
                    f"redis-server did not come up on port {self.port}:\n{log.read_text()}"
                )
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is None:
            return
        self.thaw()  # a stopped process acts on SIGTERM only once it runs again
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        if self.frozen:
            self.process.send_signal(signal.SIGCONT)
            self.frozen = False


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _reset_publishing_pools():
    # See broker_unreachable() in tests/test_worker.py: the producer pool holds on to the
    # connection pool it was made with; both are looked up again on next use.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def site_on_redis(settings, redis_server):
    """The cache and the broker on the test's Redis, each in a database of its own as
    REDIS_URL sets them up, with the public page cache on as in production."""
    cache_url = redis_server.url(0)
    settings.CACHES = {
        "default": {
            "BACKEND": "mpact.cache_backends.FailSoftRedisCache",
            "LOCATION": cache_url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    # The settings fixture's setting_changed signal dropped the cache objects made so far.
    assert isinstance(caches["default"], cache_backends.FailSoftRedisCache)
    assert caches["default"]._servers == [cache_url]
    breaker_key = caches["default"]._servers_key()
    cache_backends._down_until.pop(breaker_key, None)

    # Only the URL: the transport options are production's (mpact/settings.py).
    saved = {name: app.conf[name] for name in ("broker_url", "broker_write_url", "broker_read_url")}
    broker_url = redis_server.url(1)
    app.conf.update(broker_url=broker_url, broker_write_url=broker_url, broker_read_url=broker_url)
    _reset_publishing_pools()
    try:
        yield redis_server
    finally:
        ours = app.connection_for_write()
        app.conf.update(saved)
        _reset_publishing_pools()
        for group in (pools.producers, pools.connections):
            stale = group.pop(eqhash(ours), None)  # keyed by eqhash, not by the connection
            if stale is not None:
                stale.force_close_all()
        ours.release()
        cache_backends._down_until.pop(breaker_key, None)
        notification_tasks._broker_down_until.clear()


class TaskRuns:
    """The tasks the worker finished, from Celery's own signal."""

    def __init__(self):
        self._lock = threading.Lock()
        self.runs: list[tuple[str, object]] = []

    def __call__(self, sender=None, task=None, retval=None, **kwargs):
        with self._lock:
            self.runs.append((task.name, retval))

    def of(self, name):
        with self._lock:
            return [retval for task_name, retval in self.runs if task_name == name]


@pytest.fixture
def task_runs():
    runs = TaskRuns()
    signals.task_postrun.connect(runs, weak=False)
    yield runs
    signals.task_postrun.disconnect(runs)


@pytest.fixture
def worker(transactional_db, site_on_redis, task_runs):
    """A real worker consuming from the test's Redis (see tests/test_worker.py's)."""
    assert not app.conf.task_always_eager
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"
    ) as running:
        yield running
        # A test that failed during the outage: the worker stops promptly only with its broker.
        site_on_redis.thaw()
        if not site_on_redis.running:
            site_on_redis.start()


@pytest.fixture
def timed():
    """Runs each request in a thread of its own and times it: one that hangs fails the test
    (after HUNG seconds) instead of hanging the run."""
    timings = Timings()
    yield timings
    timings.close()


class Timings:
    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")

    def __call__(self, label, request, *args, **kwargs):
        started = time.monotonic()
        future = self._thread.submit(request, *args, **kwargs)
        try:
            response = future.result(timeout=HUNG)
        except FutureTimeout:
            pytest.fail(f"{label}: no answer within {HUNG:.0f} s")
        self.seconds[label] = time.monotonic() - started
        return response

    @property
    def slowest(self) -> tuple[str, float]:
        return max(self.seconds.items(), key=lambda item: item[1])

    def report(self) -> str:
        return "\n".join(
            f"  {seconds * 1000:7.1f} ms  {label}" for label, seconds in self.seconds.items()
        )

    def close(self):
        # The thread's own database connection (the test's database is dropped at the end).
        done = self._thread.submit(lambda: connection.close())
        try:
            done.result(timeout=HUNG)
        except FutureTimeout:
            pass
        self._thread.shutdown(wait=False)


def cache_hit(path) -> bool:
    """Whether an anonymous visitor's second look at `path` comes from the cache (no query)."""
    visitor = Client()
    first = visitor.get(path)
    with CaptureQueriesContext(connection) as queries:
        second = visitor.get(path)
    return len(queries) == 0 and second.content == first.content


def warm_up(task_runs, path):
    """Redis up: pages come from the cache, the worker consumes, and the web side holds a
    live connection to the broker (as a running site does)."""
    assert cache_hit(path), "with Redis up, a second anonymous visit was not cached"
    sweep_undelivered.delay()
    assert wait_for(lambda: task_runs.of(SWEEP)) == [0], "the worker did not run the sweep"
    assert not Notification.objects.exists()


def sweep_until_delivered(task_runs, timeout=30.0) -> float:
    """Send the sweep through the broker as beat does, until the broker takes it, and wait
    until every notification is sent; returns how long that took."""
    started = time.monotonic()

    def sweep_sent():
        try:
            sweep_undelivered.delay()
        except Exception:  # the web side may still hold a connection to the old server
            return False
        return True

    assert wait_for(sweep_sent, timeout=10, interval=0.2), "the broker never took the sweep"
    assert wait_for(
        lambda: not Notification.objects.filter(sent_at__isnull=True).exists(), timeout=timeout
    ), f"not every notification was delivered within {timeout:.0f} s of Redis returning"
    return time.monotonic() - started


def assert_each_delivered_once(task_runs, notifications):
    """One e-mail per notification row and nothing else, also after one more sweep (which
    finds nothing to do). The solo worker takes messages in order, so once that sweep has run,
    every delivery queued before it has run too."""
    sweeps = len(task_runs.of(SWEEP))
    sweep_undelivered.delay()
    assert wait_for(lambda: len(task_runs.of(SWEEP)) == sweeps + 1)
    assert task_runs.of(SWEEP)[-1] == 0
    sent = Counter(message.extra_headers.get("X-MPact-Notification") for message in mail.outbox)
    assert sent == Counter(str(notification.pk) for notification in notifications)
    # However many delivery tasks ran, one per notification sent it.
    assert task_runs.of(DELIVER).count(True) == len(notifications)
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_the_site_answers_through_a_redis_outage_and_delivers_everything_once_after(
    redis_server, worker, task_runs, timed, resident, coordinator, caplog
):
    activity_list = reverse("initiatives:activity_list")
    session = SessionFactory(capacity=5, activity__title="Buurtwandeling Roombeek")
    activity = session.activity
    full = SessionFactory(capacity=1, activity__title="Taalcafé De Bothoven")
    leaving = SignUpFactory(session=full, name="Bram Jansen", email="bram@example.org")
    waiting = SignUpFactory(
        session=full, name="Cato Smit", email="cato@example.org", status=SignUp.Status.WAITLISTED
    )
    opportunity = OpportunityFactory(title="Taalmaatje Velve-Lindenhof")
    warm_up(task_runs, activity_list)

    # --- Redis stopped ---------------------------------------------------------------------
    redis_server.stop()
    outage_started = time.monotonic()
    caplog.clear()
    visitor, guest, member, stranger, staff = Client(), Client(), Client(), Client(), Client()
    staff.force_login(coordinator)

    response = timed("home", visitor.get, reverse("home"))
    assert response.status_code == 200
    assert activity.title in response.content.decode()

    response = timed("activity list", visitor.get, activity_list)
    assert response.status_code == 200
    assert activity.title in response.content.decode()
    assert full.activity.title in response.content.decode()

    response = timed(
        "activity list, filtered", visitor.get, activity_list, {"q": "Roombeek", "kind": "walk"}
    )
    assert response.status_code == 200
    assert activity.title in response.content.decode()
    assert full.activity.title not in response.content.decode()

    response = timed("activity list, no match", visitor.get, activity_list, {"kind": "sport"})
    assert response.status_code == 200
    assert activity.title not in response.content.decode()

    response = timed("activity page", visitor.get, activity.get_absolute_url())
    assert response.status_code == 200
    assert activity.title in response.content.decode()

    response = timed("opportunity list", visitor.get, reverse("initiatives:opportunity_list"))
    assert response.status_code == 200
    assert opportunity.title in response.content.decode()

    response = timed("opportunity page", visitor.get, opportunity.get_absolute_url())
    assert response.status_code == 200
    assert opportunity.title in response.content.decode()

    signup_url = reverse("initiatives:session_signup", args=[session.pk])
    response = timed("sign-up form", guest.get, signup_url)
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()

    response = timed(
        "guest sign-up",
        guest.post,
        signup_url,
        {"name": "Ana de Vries", "email": "ana@example.org"},
    )
    ana = SignUp.objects.get(email="ana@example.org")  # exactly one
    assert ana.status == SignUp.Status.CONFIRMED
    assert response.status_code == 302
    assert _status_link_of(response["Location"]) == ana
    response = timed("sign-up status page", guest.get, response["Location"])
    assert response.status_code == 200
    assert activity.title in response.content.decode()

    cancel_url = services.signup_cancel_url(leaving)
    response = timed("cancel page", visitor.get, cancel_url)
    assert response.status_code == 200
    response = timed("cancellation", visitor.post, cancel_url)
    assert response.status_code == 302
    assert response["Location"] == full.activity.get_absolute_url()
    leaving.refresh_from_db()
    waiting.refresh_from_db()
    assert leaving.status == SignUp.Status.CANCELLED
    assert waiting.status == SignUp.Status.CONFIRMED  # the freed place went to the waiting list
    response = timed("activity page after cancelling", visitor.get, response["Location"])
    assert response.status_code == 200
    assert list(response.context["messages"])  # "cancelled": rendered for this visitor

    # A real outage outlasts the cache's pause after a failure (RETRY_AFTER): from then on it
    # tries Redis again, so the log in's rate-limit lock (cache.add) goes to the dead server.
    breaker = caches["default"]
    assert wait_for(breaker._available, timeout=cache_backends.RETRY_AFTER + 1)
    login_url = reverse("account_login")
    response = timed(
        "log in", member.post, login_url, {"login": resident.email, "password": PASSWORD}
    )
    assert not breaker._available()  # it tried, failed, and pauses again
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert member.session["_auth_user_id"] == str(resident.pk)

    response = timed("one-click sign-up", member.post, signup_url)
    assert response.status_code == 302
    mine = SignUp.objects.get(email=resident.email)
    assert (mine.session, mine.user, mine.status) == (session, resident, SignUp.Status.CONFIRMED)

    response = timed(
        "wrong password", stranger.post, login_url, {"login": resident.email, "password": "nope"}
    )
    assert response.status_code == 200  # the form again, with its error: not 429, not 500
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in stranger.session

    help_url = reverse("matching:help_request_create")
    response = timed("help request form", guest.get, help_url)
    assert response.status_code == 200
    response = timed(
        "help request",
        guest.post,
        help_url,
        {
            "kind": HelpRequest.Kind.PAPERWORK,
            "description": "Ik krijg brieven van de gemeente die ik niet begrijp.",
            "availability": "Dinsdagochtend",
            "urgency": HelpRequest.Urgency.NORMAL,
            "consent": "on",
            "first_name": "Dilan",
            "email": "dilan@example.org",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    help_request = HelpRequest.objects.get()  # exactly one
    assert help_request.participant.first_name == "Dilan"
    response = timed("help request status page", guest.get, response["Location"])
    assert response.status_code == 200

    response = timed("admin index", staff.get, reverse("admin:index"))
    assert response.status_code == 200
    response = timed(
        "admin: help requests", staff.get, reverse("admin:matching_helprequest_changelist")
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1

    try:
        ready_url = reverse("health_ready")
    except NoReverseMatch:  # no readiness endpoint (yet): nothing to check
        ready_url = None
    if ready_url is not None:
        response = timed("readiness", visitor.get, ready_url)
        assert response.status_code == 503
        checks = response.json()
        assert checks["database"] == "ok"
        assert checks["cache"] != "ok"
        assert checks["broker"] != "ok"

    outage_seconds = time.monotonic() - outage_started
    slowest_label, slowest = timed.slowest
    assert slowest < STOPPED_ALLOWED, timed.report()

    # Every change was committed, and its notification waits as a row, not yet sent.
    full.refresh_from_db()
    session.refresh_from_db()
    assert (full.seats_taken, session.seats_taken) == (1, 2)
    notifications = list(Notification.objects.order_by("pk"))
    kinds = Counter(notification.kind for notification in notifications)
    assert kinds == {"signup_confirmed": 2, "signup_promoted": 1, "help_request_new": 1}
    assert all(notification.sent_at is None for notification in notifications)
    assert mail.outbox == []
    # The first enqueue found the broker down; the others did not try it again
    # (ENQUEUE_RETRY_AFTER), their rows wait for the sweep all the same.
    not_sent = [r for r in caplog.records if "Could not enqueue notification" in r.getMessage()]
    assert len(not_sent) == 1
    # The cache said once that it is down, and what that means (rate limits open).
    cache_down = [r for r in caplog.records if r.name == "mpact.cache"]
    assert [r.levelname for r in cache_down] == ["WARNING"], [r.getMessage() for r in cache_down]
    assert "rate limits open" in cache_down[0].getMessage()

    # --- Redis back, on the same port ------------------------------------------------------
    redis_server.start()
    restarted = time.monotonic()
    delivery_seconds = sweep_until_delivered(task_runs)
    assert task_runs.of(SWEEP)[1:] == [len(notifications)]  # that sweep sent every one of them
    assert wait_for(lambda: cache_hit(activity_list), timeout=cache_backends.RETRY_AFTER + 3)
    cache_back_seconds = time.monotonic() - restarted
    assert any(r.getMessage() == "The cache (Redis) is back." for r in caplog.records)
    assert_each_delivered_once(task_runs, notifications)

    print(
        f"\nRedis stopped: {len(timed.seconds)} requests during a {outage_seconds:.1f} s outage, "
        f"the slowest {slowest:.2f} s ({slowest_label}); {len(notifications)} notifications "
        f"queued as rows, all delivered once {delivery_seconds:.1f} s after Redis returned; "
        f"pages cached again after {cache_back_seconds:.1f} s\n{timed.report()}"
    )


def test_a_frozen_redis_costs_seconds_not_a_hang(redis_server, worker, task_runs, timed, caplog):
    activity_list = reverse("initiatives:activity_list")
    session = SessionFactory(capacity=5, activity__title="Buurtwandeling Roombeek")
    warm_up(task_runs, activity_list)

    redis_server.freeze()
    caplog.clear()
    visitor, guest = Client(), Client()

    response = timed("activity list", visitor.get, activity_list)
    assert response.status_code == 200
    assert session.activity.title in response.content.decode()
    signup_url = reverse("initiatives:session_signup", args=[session.pk])
    response = timed(
        "guest sign-up",
        guest.post,
        signup_url,
        {"name": "Ana de Vries", "email": "ana@example.org"},
    )
    assert response.status_code == 302
    signup = SignUp.objects.get(email="ana@example.org")
    assert _status_link_of(response["Location"]) == signup
    response = timed("sign-up status page", guest.get, response["Location"])
    assert response.status_code == 200
    # The next sign-up does not wait for the frozen broker again: the enqueue leaves it alone
    # for a while after a failure (its row waits for the sweep).
    response = timed(
        "second guest sign-up",
        Client().post,
        signup_url,
        {"name": "Bram Smit", "email": "bram@example.org"},
    )
    assert response.status_code == 302

    assert timed.seconds["activity list"] < STOPPED_ALLOWED  # the cache waits 0.5 s, once
    assert timed.seconds["guest sign-up"] < FROZEN_ALLOWED, timed.report()
    assert timed.seconds["second guest sign-up"] < STOPPED_ALLOWED, timed.report()
    notifications = list(Notification.objects.order_by("pk"))
    assert len(notifications) == 2
    assert all(notification.sent_at is None for notification in notifications)
    assert any("Could not enqueue notification" in r.getMessage() for r in caplog.records)
    assert mail.outbox == []

    redis_server.thaw()
    delivery_seconds = sweep_until_delivered(task_runs)
    assert_each_delivered_once(task_runs, notifications)

    print(
        f"\nRedis frozen: the sign-up answered in {timed.seconds['guest sign-up']:.1f} s; "
        f"delivered once {delivery_seconds:.1f} s after Redis woke, by one of "
        f"{len(task_runs.of(DELIVER))} delivery tasks\n{timed.report()}"
    )


def _status_link_of(location):
    """The sign-up a status link names (its token carries the second it was signed in, so two
    links to the same sign-up need not be equal)."""
    target = resolve(location)
    assert target.view_name == "initiatives:signup_status"
    return services.signup_from_token(target.kwargs["token"], purpose=services.VIEW_SALT)
