"""The readiness checks behind /health/ready/: is everything the site needs there?

- database: a trivial query over a fresh connection;
- cache: a random value written and read back (the fail-soft cache swallows errors, so only
  a round trip tells whether it works);
- broker: a connection for publishing opened and closed (Redis answers a PING; the embedded
  default's filesystem transport is up when its folders are there and writable);
- worker, beat: how long ago each last recorded its heartbeat (mpact/health/heartbeats.py).

Every answer is a short text for an operator ("ok", "down", "stale: last seen 412 s ago"): it
never carries an exception's text, a host name or a URL, which are logged instead.

The database, cache and broker checks run side by side, each in a thread of its own, and the
report waits at most CHECK_TIMEOUT_SECONDS for them: a server that hangs instead of refusing
(a dropped connection, a full disk) makes its check "down", never the endpoint hang. A thread
that hangs is a daemon and ends with its driver's own timeout.
"""

import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.db import DatabaseError, connection

from mpact.celery import app
from mpact.health.heartbeats import NAMES, heartbeat_states

logger = logging.getLogger("mpact.health")

CHECK_TIMEOUT_SECONDS = 2.5

OK = "ok"
DOWN = "down"


class CheckFailed(Exception):
    """A check got an answer, but the wrong one."""


def check_database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            if cursor.fetchone() != (1,):
                raise CheckFailed("SELECT 1 did not answer 1")
    finally:
        # This thread's own connection: closed, or every probe would leave one behind.
        connection.close()


def check_cache(cache) -> None:
    key = f"health-ready-{secrets.token_hex(8)}"  # one per probe: probes may run at once
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise CheckFailed("a value written to the cache did not come back")
    finally:
        cache.delete(key)


def check_broker() -> None:
    # A connection of its own, not one from the publishing pool: the check must not hand a
    # broken connection to the next task that is sent, nor be handed one. One attempt, bounded
    # by CELERY_BROKER_CONNECTION_TIMEOUT.
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0)
        if conn.transport.driver_type == "filesystem":
            options = conn.transport_options
            for option in ("data_folder_in", "data_folder_out"):
                folder = options.get(option)
                if not (folder and os.path.isdir(folder) and os.access(folder, os.W_OK)):
                    raise CheckFailed(f"the filesystem broker's {option} is missing or read-only")


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]  # name -> "ok" or what is wrong

    @property
    def ok(self) -> bool:
        return all(text == OK for text in self.checks.values())


class _Probe(threading.Thread):
    def __init__(self, name, check, *args):
        super().__init__(name=f"readiness-{name}", daemon=True)
        self.check_name = name
        self.check = check
        self.args = args
        self.text = None

    def run(self):
        try:
            self.check(*self.args)
        except Exception as exc:
            # Host names, ports and passwords end up in exception texts: for the log only. One
            # line, no traceback: a probe every 30 s during an outage must not flood the log.
            logger.warning("Readiness check %r failed: %r", self.check_name, exc)
            self.text = DOWN
        else:
            self.text = OK


def readiness() -> Readiness:
    # The cache is looked up here: Django keeps one cache object per thread, and one made in
    # a probe's thread would open a connection pool of its own every time.
    probes = [
        _Probe("database", check_database),
        _Probe("cache", check_cache, caches["default"]),
        _Probe("broker", check_broker),
    ]
    deadline = time.monotonic() + CHECK_TIMEOUT_SECONDS
    for probe in probes:
        probe.start()
    checks = {}
    for probe in probes:
        probe.join(max(0.0, deadline - time.monotonic()))
        if probe.text is None:
            logger.error(
                "Readiness check %r gave no answer within %s s",
                probe.check_name,
                CHECK_TIMEOUT_SECONDS,
            )
            checks[probe.check_name] = f"down: no answer within {CHECK_TIMEOUT_SECONDS} s"
        else:
            checks[probe.check_name] = probe.text
    checks.update(_heartbeats(database_ok=checks["database"] == OK))
    return Readiness(checks)


def _heartbeats(database_ok: bool) -> dict[str, str]:
    # Read in the request's thread (and transaction): the database has just answered, so this
    # indexed read of two rows is as bounded as the check before it.
    if not database_ok:
        return {name: "unknown: the database is down" for name in NAMES}
    try:
        states = heartbeat_states()
    except DatabaseError:
        logger.exception("Could not read the heartbeats")
        return {name: "unknown: the heartbeats could not be read" for name in NAMES}
    return {name: state.text for name, state in states.items()}
