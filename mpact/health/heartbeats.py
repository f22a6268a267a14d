"""Heartbeats of the background processes: written by the worker and by beat, read by the
readiness check (mpact/health/checks.py) and `manage.py health_check`.

A process records its heartbeat at most once per WRITE_EVERY_SECONDS; a heartbeat older than
HEALTH_HEARTBEAT_STALE_SECONDS (default 180) is stale. Writing must never break the process
that writes: a failure is logged and tried again at the next beat.
"""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from mpact.health.models import Heartbeat

logger = logging.getLogger("mpact.health")

WORKER = "worker"
BEAT = "beat"
NAMES = (WORKER, BEAT)

# One database write per process and name in this many seconds: Celery's worker heart beats
# every 2 s and beat may tick more often, which would be a pointless stream of UPDATEs.
WRITE_EVERY_SECONDS = 30


class Throttle:
    """Lets a name through at most once per `seconds` (monotonic clock, per process)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}

    def due(self, name: str) -> bool:
        now = time.monotonic()
        with self._lock:
            last = self._last.get(name)
            if last is not None and now - last < self.seconds:
                return False
            self._last[name] = now
            return True

    def forget(self, name: str) -> None:
        """Let the next call through (after a failed write, so it is tried again soon)."""
        with self._lock:
            self._last.pop(name, None)


throttle = Throttle(WRITE_EVERY_SECONDS)


def heartbeat_record(name: str) -> bool:
    """Record that `name` is alive now. Returns whether the row was written."""
    try:
        Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
        return True
    except DatabaseError:
        logger.exception("Could not record the %s heartbeat", name)
        return False
    finally:
        # The worker's event loop and beat touch the database only here, twice a minute: an
        # open connection would idle in between, and one broken by a database restart would
        # stay broken (nothing in these processes recycles it as a web request does).
        if not connection.in_atomic_block:
            connection.close()


def heartbeat_record_throttled(name: str) -> bool:
    """Record the heartbeat if this process has not done so in WRITE_EVERY_SECONDS."""
    if not throttle.due(name):
        return False
    written = heartbeat_record(name)
    if not written:
        throttle.forget(name)
    return written


@dataclass(frozen=True)
class HeartbeatState:
    ok: bool
    text: str  # for the operator: "ok", "stale: last seen 412 s ago", "never seen"


def heartbeat_state(seen_at: datetime | None, now: datetime | None = None) -> HeartbeatState:
    if seen_at is None:
        return HeartbeatState(False, "never seen")
    age = ((now or timezone.now()) - seen_at).total_seconds()
    if age > settings.HEALTH_HEARTBEAT_STALE_SECONDS:
        return HeartbeatState(False, f"stale: last seen {age:.0f} s ago")
    return HeartbeatState(True, "ok")


def heartbeat_states(names=NAMES) -> dict[str, HeartbeatState]:
    """The state of each named heartbeat, from the database (raises DatabaseError)."""
    seen = dict(Heartbeat.objects.filter(name__in=names).values_list("name", "seen_at"))
    now = timezone.now()
    return {name: heartbeat_state(seen.get(name), now) for name in names}
