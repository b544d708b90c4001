"""Redis is optional in fact: a real redis-server, started here on a spare port, is stopped in
the middle of a test; the API keeps answering (no 5xx), throttling fails open with one warning,
and when the server is back the cache and the rate limit work again by themselves."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

import portal.cache
from api import throttling

pytestmark = pytest.mark.django_db

PORT = 6390  # never the machine's own 6379, which others use


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--protected-mode", "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            if _answers(self.port):
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server():
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    if _answers(PORT):
        pytest.skip(f"port {PORT} is taken by another Redis")
    server = RedisServer(PORT)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_settings(redis_server, settings, monkeypatch):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.PooledRedisCache",
            "LOCATION": f"redis://127.0.0.1:{PORT}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    settings.API_CACHE_SECONDS = 30
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "20/min", "user": "20/min"},
    }
    # Retry a down server after 0.2 s instead of 2 s, so the test waits less for recovery.
    monkeypatch.setattr(portal.cache, "RETRY_SECONDS", 0.2)
    portal.cache._health.clear()
    yield redis_server
    portal.cache._health.clear()


def test_stopping_redis_mid_test_gives_no_server_error_and_recovery_is_automatic(
    redis_settings, caplog
):
    api = APIClient(REMOTE_ADDR="198.51.100.20")
    urls = ["/api/v1/measures/?number=16", "/api/v1/search/?q=融资", "/api/v1/tiers/"]

    def titles(url):
        response = api.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:200])
        return response.json()["results"][0]["title" if "tiers" not in url else "name"]

    with_redis = [titles(url) for url in urls]
    assert with_redis[0] == "提升金融服务质效"
    assert cache.get("api-list:measures-version") is not None  # the list cache is in Redis

    redis_settings.stop()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        during = [titles(url) for _ in range(10) for url in urls]  # 30 requests, over the limit
    assert during == with_redis * 10
    warnings = [r for r in caplog.records if r.name == "portal.cache"]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()

    redis_settings.start()
    deadline = time.monotonic() + 10
    while cache.get("api-list:measures-version") is None:  # the list is cached in Redis again
        assert time.monotonic() < deadline, "the cache did not come back"
        assert titles(urls[0]) == "提升金融服务质效"
        time.sleep(0.1)
    # And the rate limit counts again: 20 a minute for this address.
    codes = [api.get("/api/v1/tiers/").status_code for _ in range(25)]
    assert codes.count(429) >= 5 and set(codes) == {200, 429}


def test_while_redis_is_down_cache_calls_miss_instead_of_raising(redis_settings):
    cache.set("k", "v", 30)
    assert cache.get("k") == "v"
    redis_settings.stop()
    assert cache.get("k") is None
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["k"]) == {}
    assert cache.add("k", 1) is False
    cache.set("k", "w", 30)  # dropped, no error
    assert cache.delete("k") is False
    assert cache.has_key("k") is False
    with pytest.raises(ValueError):
        cache.incr("k")


def test_throttling_fails_open_with_one_warning_when_the_cache_raises(monkeypatch, caplog):
    """Whatever cache backend is configured: an error while counting lets the request through."""

    def broken(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(throttling.AnonRateThrottle, "cache", type("C", (), {"get": broken})())
    monkeypatch.setattr(throttling, "_last_warning", float("-inf"))
    api = APIClient()
    with caplog.at_level(logging.WARNING, logger="api.throttling"):
        codes = {api.get("/api/v1/tiers/").status_code for _ in range(5)}
    assert codes == {200}
    assert [r.name for r in caplog.records if r.name == "api.throttling"] == ["api.throttling"]
