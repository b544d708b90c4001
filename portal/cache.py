"""Django's RedisCache, reusing one redis client per connection pool, and optional in fact.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call; since redis-py 6
that costs about 0.15 ms (its response-callback table is rebuilt each time), a third of a
cached API answer. A `redis.Redis` is thread-safe and holds no state beyond its pool, so one
per pool serves every call.

Redis is optional: while it is unreachable every read is a miss and every write is dropped, so
callers fall back to the database (and API throttling lets requests through). The first failure
is logged as a warning (then at most one a minute while the outage lasts); for RETRY_SECONDS
after a failure the server is not even tried, so an outage costs requests nothing. Recovery is
automatic: the next try after that succeeds and is logged.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
WARN_EVERY_SECONDS = 60.0


class PooledRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Django's private helpers, which its stubs do not declare.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class _Health:
    """Whether a Redis server (one per LOCATION, shared by the threads of a process) answers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0  # monotonic time before which the server is not tried
        self.down_since: float | None = None
        self.last_warning = float("-inf")

    def available(self) -> bool:
        return time.monotonic() >= self.down_until

    def failed(self, location: str, exc: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            self.down_until = now + RETRY_SECONDS
            if self.down_since is None:
                self.down_since = now
            warn = now - self.last_warning >= WARN_EVERY_SECONDS
            if warn:
                self.last_warning = now
        if warn:
            log.warning(
                "Redis cache at %s unreachable (%s): serving without a cache until it answers",
                location,
                exc,
            )

    def succeeded(self, location: str) -> None:
        if self.down_since is None:
            return
        with self.lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            log.warning(
                "Redis cache at %s answers again after %.1f s", location, time.monotonic() - since
            )


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _health_of(location: str) -> _Health:
    with _health_lock:
        return _health.setdefault(location, _Health())


def _degrading(fallback: Any):
    """Run the cache operation; while Redis is unreachable answer `fallback(*args, **kwargs)`."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            health = self._health
            if not health.available():
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except RedisError as exc:
                health.failed(self._location_label, exc)
                return fallback(*args, **kwargs)
            health.succeeded(self._location_label)
            return result

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


class PooledRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledRedisCacheClient
        self._location_label = ",".join(self._servers)  # type: ignore[attr-defined]
        self._health = _health_of(self._location_label)

    get = _degrading(_default)(RedisCache.get)
    add = _degrading(lambda *a, **k: False)(RedisCache.add)
    set = _degrading(lambda *a, **k: None)(RedisCache.set)
    touch = _degrading(lambda *a, **k: False)(RedisCache.touch)
    delete = _degrading(lambda *a, **k: False)(RedisCache.delete)
    get_many = _degrading(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _degrading(lambda *a, **k: False)(RedisCache.has_key)
    set_many = _degrading(lambda keys, *a, **k: list(keys))(RedisCache.set_many)
    delete_many = _degrading(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _degrading(lambda *a, **k: False)(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        # A missing key and an unreachable server both raise ValueError, as Django documents.
        health = self._health
        if not health.available():
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        try:
            result = super().incr(key, delta, version)
        except RedisError as exc:
            health.failed(self._location_label, exc)
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)") from exc
        health.succeeded(self._location_label)
        return result
