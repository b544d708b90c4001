"""The Redis cache backend (used when REDIS_URL is set) against a real Redis, if one runs."""

import uuid

import pytest

from portal.cache import PooledRedisCache

REDIS = "redis://127.0.0.1:6379/7"


@pytest.fixture
def redis_cache():
    cache = PooledRedisCache(REDIS, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    try:
        cache.set("ping", 1, 5)
    except Exception as exc:  # any connection failure means no server here
        pytest.skip(f"no Redis at {REDIS}: {exc}")
    yield cache
    cache.clear()


def test_values_round_trip_and_expire_like_djangos_own_backend(redis_cache):
    redis_cache.set("measure", {"number": 17, "title": "帮助企业拓展市场"}, 30)
    assert redis_cache.get("measure") == {"number": 17, "title": "帮助企业拓展市场"}
    assert redis_cache.get_many(["measure", "missing"]) == {
        "measure": {"number": 17, "title": "帮助企业拓展市场"}
    }
    redis_cache.delete("measure")
    assert redis_cache.get("measure") is None


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b") is client
    assert redis_cache._cache.get_client("c", write=True) is client  # one server: one pool
