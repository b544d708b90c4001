"""One ingest at a time, with real processes on a fresh database of the same kind as the suite's:
two `manage.py ingest` at once on an empty database both end cleanly (never an IntegrityError
traceback), and a run that cannot get the lock says so."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

from ingest.service import LOCK_KEY

ROOT = Path(__file__).resolve().parents[2]


def _vendor() -> str:
    return "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


@contextmanager
def fresh_database(tmp_path):
    """A migrated, empty database; yields its URL and a function running SQL on it."""
    db = settings.DATABASES["default"]
    if _vendor() == "sqlite":
        path = tmp_path / "race.sqlite3"
        url = f"sqlite:///{path}"

        def sqlite_query(sql: str) -> list[Any]:
            with sqlite3.connect(path) as conn:
                return conn.execute(sql).fetchall()

        _manage(url, "migrate", "-v0")
        yield url, sqlite_query
        return
    import psycopg

    name = f"ingest_race_{uuid.uuid4().hex[:8]}"
    server: dict[str, Any] = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
    }
    if db.get("PASSWORD"):
        server["password"] = db["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
    url = f"postgres://{auth}{server['host']}:{server['port']}/{name}"

    def pg_query(sql: str) -> list[Any]:
        with psycopg.connect(dbname=name, **server) as conn:
            return conn.execute(sql).fetchall()

    try:
        _manage(url, "migrate", "-v0")
        yield url, pg_query
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(url: str, **extra) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true", **extra}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _manage(url: str, *args, **extra) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(url, **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _start_ingest(url: str, tmp_path, label: str, **extra):
    media = tmp_path / f"media-{label}"
    return subprocess.Popen(
        [sys.executable, "manage.py", "ingest"],
        cwd=ROOT,
        env=_env(url, MEDIA_ROOT=str(media), **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_ingests_at_once_on_an_empty_database_both_end_cleanly(tmp_path):
    with fresh_database(tmp_path) as (url, query):
        first = _start_ingest(url, tmp_path, "a", INGEST_LOCK_WAIT="60")
        second = _start_ingest(url, tmp_path, "b", INGEST_LOCK_WAIT="60")
        results = [(p.wait(timeout=300), *p.communicate()) for p in (first, second)]
        for code, _out, err in results:
            assert "Traceback" not in err and "IntegrityError" not in err, err
            assert code == 0, err
        outs = sorted(out for _, out, _ in results)
        # One took the documents in; the other waited for it and found them held.
        assert sum("changes written" in o for o in outs) == 1
        assert sum("003_37a99eada62a0cb8.txt: unchanged" in o for o in outs) == 1
        assert query("SELECT COUNT(*) FROM policies_measure") == [(25,)]
        assert query("SELECT COUNT(*) FROM replies_reply") == [(4,)]
        runs = query("SELECT outcome, COUNT(*) FROM ingest_ingestrun GROUP BY outcome ORDER BY 1")
        assert runs == [("created", 5), ("unchanged", 5)]


def test_a_run_that_cannot_get_the_lock_says_another_ingest_is_running(tmp_path):
    with fresh_database(tmp_path) as (url, query):
        with _hold_lock(url):
            blocked = _start_ingest(url, tmp_path, "c", INGEST_LOCK_WAIT="1")
            code = blocked.wait(timeout=300)
            out, err = blocked.communicate()
        assert code == 1
        assert "Traceback" not in err
        assert (
            err.strip()
            .splitlines()[-1]
            .endswith(
                "another ingest is running: try again when it has finished (nothing was written)"
            )
        )
        assert query("SELECT COUNT(*) FROM policies_measure") == [(0,)]


@contextmanager
def _hold_lock(url: str):
    """Hold what an ingest holds: the advisory lock, or SQLite's write lock."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as pg:
        pg.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        yield
        pg.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
