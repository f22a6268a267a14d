"""/health/ready/: what it checks, what it answers when each part is down, and that the worker
and beat really record the heartbeats it reads.

On the SQLite run the broker is kombu's filesystem transport and the cache local memory; on the
PostgreSQL run both are the real Redis. "Down" is made real where it can be: a cache and a broker
on a port where nothing listens, a database connection to such a port (or, on SQLite, to a file
that cannot be opened).
"""

import json
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import heartbeat_sent
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mpact.celery import app
from mpact.health import heartbeats
from mpact.health.beat import HeartbeatScheduler
from mpact.health.models import Heartbeat

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused
CHECKS = ["database", "cache", "broker", "worker", "beat"]


@pytest.fixture(autouse=True)
def fresh_throttle(monkeypatch):
    """Each test starts as a process that has written no heartbeat yet."""
    monkeypatch.setattr(heartbeats, "throttle", heartbeats.Throttle(heartbeats.WRITE_EVERY_SECONDS))


def beat_at(name, seconds_ago):
    Heartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now() - timedelta(seconds=seconds_ago)}
    )


@pytest.fixture
def alive(db):
    beat_at(heartbeats.WORKER, 5)
    beat_at(heartbeats.BEAT, 5)


def get_ready(client):
    response = client.get(reverse("health_ready"))
    return response, json.loads(response.content)


def assert_reveals_nothing(response):
    body = response.content.decode()
    for secret in ("127.0.0.1", "localhost", "redis://", "postgres", "sqlite", ":1", "Error"):
        assert secret not in body, f"{secret!r} in {body}"


def test_everything_up_answers_200_with_each_check_ok(client, alive):
    response, body = get_ready(client)

    assert response.status_code == 200, body
    assert body == dict.fromkeys(CHECKS, "ok")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]  # a probe must never be answered by a cache
    assert_reveals_nothing(response)


def test_database_down_is_503_naming_it(client, alive, monkeypatch, caplog):
    # The check opens a fresh connection from the same settings; point those at nowhere. The
    # test's own connection is already open and keeps working.
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict, "NAME", "/nonexistent/folder/db.sqlite3")
    else:
        monkeypatch.setitem(connection.settings_dict, "PORT", "1")

    response, body = get_ready(client)

    assert response.status_code == 503
    assert body["database"] == "down"
    # The heartbeats live in the database: unknown, not "never seen".
    assert body["worker"] == body["beat"] == "unknown: the database is down"
    assert (body["cache"], body["broker"]) == ("ok", "ok")
    assert_reveals_nothing(response)
    assert "Readiness check 'database' failed" in caplog.text  # the details are in the log


def test_cache_down_is_503_naming_it(client, alive, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT_REDIS,
        }
    }

    response, body = get_ready(client)

    assert response.status_code == 503
    assert body["cache"] == "down"
    assert body["database"] == body["broker"] == body["worker"] == body["beat"] == "ok"
    assert_reveals_nothing(response)
    assert "Readiness check 'cache' failed" in caplog.text


def test_fail_soft_cache_down_is_still_reported_down(client, alive, settings):
    # This backend swallows the error and misses: the value does not come back.
    pytest.importorskip("mpact.cache_backends")
    settings.CACHES = {
        "default": {
            "BACKEND": "mpact.cache_backends.FailSoftRedisCache",
            "LOCATION": CLOSED_PORT_REDIS,
        }
    }
    response, body = get_ready(client)
    assert response.status_code == 503
    assert body["cache"] == "down"


def test_broker_down_is_503_naming_it(client, alive, monkeypatch, caplog):
    monkeypatch.setitem(app.conf, "broker_write_url", CLOSED_PORT_REDIS)

    started = time.monotonic()
    response, body = get_ready(client)

    assert time.monotonic() - started < 3.5
    assert response.status_code == 503
    assert body["broker"] == "down"
    assert body["database"] == body["cache"] == body["worker"] == body["beat"] == "ok"
    assert_reveals_nothing(response)
    assert "Readiness check 'broker' failed" in caplog.text


@pytest.mark.skipif(
    not app.conf.broker_url.startswith("filesystem"), reason="the embedded default's broker"
)
def test_filesystem_broker_without_its_folder_is_down(client, alive, monkeypatch, tmp_path):
    options = {**app.conf.broker_transport_options, "data_folder_out": str(tmp_path / "gone")}
    monkeypatch.setitem(app.conf, "broker_transport_options", options)

    response, body = get_ready(client)

    assert response.status_code == 503
    assert body["broker"] == "down"
    assert str(tmp_path) not in response.content.decode()


def test_a_hanging_check_is_cut_off(client, alive, monkeypatch):
    from mpact.health import checks

    def hang():
        time.sleep(10)

    monkeypatch.setattr(checks, "check_broker", hang)
    monkeypatch.setattr(checks, "CHECK_TIMEOUT_SECONDS", 0.5)

    started = time.monotonic()
    response, body = get_ready(client)

    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert body["broker"] == "down: no answer within 0.5 s"
    assert body["database"] == "ok"


def test_stale_worker_is_503_with_its_age(client, db, settings):
    settings.HEALTH_HEARTBEAT_STALE_SECONDS = 180
    beat_at(heartbeats.WORKER, 412)
    beat_at(heartbeats.BEAT, 170)  # within the limit

    response, body = get_ready(client)

    assert response.status_code == 503
    assert body["worker"] in {"stale: last seen 412 s ago", "stale: last seen 413 s ago"}
    assert body["beat"] == "ok"
    assert body["database"] == body["cache"] == body["broker"] == "ok"


def test_missing_heartbeat_is_never_seen(client, db):
    beat_at(heartbeats.WORKER, 5)

    response, body = get_ready(client)

    assert response.status_code == 503
    assert body["worker"] == "ok"
    assert body["beat"] == "never seen"


def test_the_stale_limit_is_a_setting(client, alive, settings):
    settings.HEALTH_HEARTBEAT_STALE_SECONDS = 2
    response, body = get_ready(client)
    assert response.status_code == 503
    assert body["worker"].startswith("stale: last seen ")


# --- the management command the worker and beat containers' healthchecks run ---------------


def test_health_check_command_exits_non_zero_when_stale(db, capsys):
    beat_at(heartbeats.WORKER, 5)
    beat_at(heartbeats.BEAT, 1000)

    call_command("health_check", "worker")
    assert capsys.readouterr().out == "worker: ok\n"

    with pytest.raises(CommandError, match="not healthy: beat") as failure:
        call_command("health_check", "worker", "beat")
    assert failure.value.returncode == 1
    assert "beat: stale: last seen 1000 s ago" in capsys.readouterr().out


# --- who writes the heartbeats ----------------------------------------------------------------


def test_heartbeat_sent_records_the_worker_at_most_once_per_30_s(db):
    heartbeat_sent.send(sender=None)
    first = Heartbeat.objects.get(name=heartbeats.WORKER).seen_at
    assert timezone.now() - first < timedelta(seconds=5)

    Heartbeat.objects.filter(name=heartbeats.WORKER).update(seen_at=first - timedelta(hours=1))
    heartbeat_sent.send(sender=None)  # 2 s later in a real worker: no write
    assert Heartbeat.objects.get(name=heartbeats.WORKER).seen_at == first - timedelta(hours=1)


def test_beat_scheduler_records_the_beat_heartbeat_on_tick(db, monkeypatch, tmp_path):
    # No entries: ticking must not send the real schedule's tasks to the broker.
    monkeypatch.setitem(app.conf, "beat_schedule", {})
    scheduler = HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"))
    try:
        assert scheduler.max_interval <= 60  # wakes up often enough to keep it fresh

        scheduler.tick()
        seen_at = Heartbeat.objects.get(name=heartbeats.BEAT).seen_at
        assert timezone.now() - seen_at < timedelta(seconds=5)

        scheduler.tick()  # again within 30 s: throttled, no second write
        assert Heartbeat.objects.get(name=heartbeats.BEAT).seen_at == seen_at
    finally:
        scheduler.close()


def test_beat_uses_the_heartbeat_scheduler():
    assert app.conf.beat_scheduler == "mpact.health.beat:HeartbeatScheduler"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_its_heartbeat():
    assert app.conf.broker_url.startswith("redis://")
    assert not Heartbeat.objects.exists()
    app.control.purge()  # leftovers of earlier tests must not run here
    # start_worker turns the heart off unless asked; `celery worker` has it on.
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=30,
        loglevel="WARNING",
        without_heartbeat=False,
    ):
        deadline = time.monotonic() + 20
        while not Heartbeat.objects.filter(name=heartbeats.WORKER).exists():
            assert time.monotonic() < deadline, "the worker wrote no heartbeat within 20 s"
            time.sleep(0.1)
    seen_at = Heartbeat.objects.get(name=heartbeats.WORKER).seen_at
    assert timezone.now() - seen_at < timedelta(seconds=25)
