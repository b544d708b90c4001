"""Settings come from the environment, strictly (each case imports the settings afresh)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import envbool

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'cache': settings.CACHES['default']['BACKEND'], "
    "'location': settings.CACHES['default'].get('LOCATION'), "
    "'engine': settings.DATABASES['default']['ENGINE'], 'debug': settings.DEBUG, "
    "'options': settings.DATABASES['default'].get('OPTIONS', {})}))"
)


def settings_under(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "REDIS_URL")}
    clean.update(DJANGO_SETTINGS_MODULE="portal.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_redis_url_puts_the_cache_and_throttling_in_redis():
    out = settings_under(DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/3")
    seen = json.loads(out.stdout)
    assert seen["cache"] == "portal.cache.PooledRedisCache"
    assert seen["location"] == "redis://127.0.0.1:6379/3"


def test_without_redis_the_cache_is_local_and_the_database_is_sqlite():
    seen = json.loads(settings_under(DEBUG="true").stdout)
    assert seen["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert seen["engine"] == "django.db.backends.sqlite3"
    assert seen["debug"] is True
    # Simultaneous writers queue for the lock instead of failing with "database is locked".
    assert seen["options"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}


def test_database_url_selects_postgresql():
    out = settings_under(DEBUG="true", DATABASE_URL="postgres://u@db.example:5432/portal")
    assert json.loads(out.stdout)["engine"] == "django.db.backends.postgresql"


def test_production_without_a_secret_key_fails_loudly():
    out = settings_under(DEBUG="false", SECRET_KEY="")
    assert out.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in out.stderr


@pytest.mark.parametrize("value", ["maybe", "2", "tru"])
def test_envbool_rejects_anything_but_true_or_false(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be true or false"):
        envbool("SOME_FLAG", False)


def test_envbool_reads_true_and_false_and_defaults_when_unset(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "True")
    assert envbool("SOME_FLAG", False) is True
    monkeypatch.setenv("SOME_FLAG", "false")
    assert envbool("SOME_FLAG", True) is False
    monkeypatch.delenv("SOME_FLAG")
    assert envbool("SOME_FLAG", True) is True
