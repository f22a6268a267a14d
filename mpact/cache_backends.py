"""A Redis cache that is an accelerator, never a dependency.

Django's RedisCache raises when Redis cannot be reached, and everything that touches the cache
fails with it: the public page cache, allauth's rate limits (which take a lock in the cache
before every log in), the refresh after a sign-up. This backend answers as an empty cache
instead: reads miss, writes are dropped, and the page is served uncached. It is the small
subclass that django-redis's DJANGO_REDIS_IGNORE_EXCEPTIONS is, for Django's own backend.

Two choices make an outage cheap and visible:

- After a failure the backend does not try Redis again for RETRY_AFTER seconds (a circuit
  breaker), so a Redis that hangs rather than refuses costs one timeout, not one per call.
- It logs once when Redis goes away and once when it is back, not on every call.

`add()` answers True while Redis is down: the caller may go ahead. allauth's rate limits lock
with `add()`; answering False would lock everybody out of logging in, so they fail open (and
the log says so). Nothing in M-Pact uses the cache for mutual exclusion.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("mpact.cache")

# How long to serve without Redis after a failure before trying it again (seconds).
RETRY_AFTER = 5.0

# Shared by every instance in the process (Django makes one per thread): Redis is down for all.
_state_lock = threading.Lock()
_down_until: dict[tuple, float] = {}


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client makes a new `redis.Redis` for every call, which costs more Python than
    the round trip itself (its response callbacks are copied each time: about 0.15 ms, a
    quarter of a cached page's hit). A `redis.Redis` is safe to share between threads (each
    command takes a connection from the pool, which also starts afresh after a fork), so one
    is kept per pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(index)
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def _servers_key(self) -> tuple:
        return tuple(self._servers)

    def _available(self) -> bool:
        until = _down_until.get(self._servers_key())
        return until is None or time.monotonic() >= until

    def _failed(self, operation: str, exc: Exception) -> None:
        key = self._servers_key()
        with _state_lock:
            was_up = key not in _down_until
            _down_until[key] = time.monotonic() + RETRY_AFTER
        if was_up:
            logger.warning(
                "The cache (Redis) failed on %s: %s. Serving without it (pages uncached, "
                "rate limits open) and trying again every %.0f s.",
                operation,
                exc.__class__.__name__,
                RETRY_AFTER,
            )

    def _succeeded(self) -> None:
        key = self._servers_key()
        if key in _down_until:
            with _state_lock:
                if _down_until.pop(key, None) is not None:
                    logger.warning("The cache (Redis) is back.")

    def _call(self, operation: str, fallback, method, *args, **kwargs):
        if not self._available():
            return fallback()
        try:
            result = method(*args, **kwargs)
        except RedisError as exc:  # ConnectionError, TimeoutError, BusyLoadingError, …
            self._failed(operation, exc)
            return fallback()
        self._succeeded()
        return result

    # Reads miss, writes are dropped, `add` lets the caller go ahead.

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: list(data), super().set_many, data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: True, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            # What Django's backends raise for a key that is not there, which it is not.
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")

        return self._call("incr", missing, super().incr, key, delta, version)

    def clear(self):
        return self._call("clear", lambda: False, super().clear)
