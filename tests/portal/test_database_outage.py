"""A database connection lost in the middle of a request (PostgreSQL restarted, failed over, or
pg_terminate_backend) answers a clean 503 with Retry-After, and the next request works again.

The requests go to a live server thread with its own connection (the test's own connection is
inside the test's transaction), through Django's real WSGI handler, which replaces an unusable
connection when a request ends, exactly as under gunicorn."""

import json
import threading
import urllib.error
import urllib.request

import psycopg
import pytest
from django.db import connection
from django.db.backends import utils

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    from pytest_django.live_server_helper import LiveServer

    live = LiveServer("127.0.0.1")
    yield live.url
    live.stop()


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")


@pytest.fixture
def kill_first_measure_query(monkeypatch):
    """The server thread's first query on the measures table finds its connection terminated
    (by another session, as an administrator or a failover would)."""
    settings = connection.settings_dict
    dsn = psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
    )
    killed: list[int] = []
    real_execute = utils.CursorWrapper.execute

    def execute(self, sql, params=None):
        in_server = threading.current_thread() is not threading.main_thread()
        if in_server and not killed and "policies_measure" in sql:
            pid = self.db.connection.info.backend_pid
            with psycopg.connect(dsn, autocommit=True) as admin:
                # Wait (up to 5 s) until the backend is gone, so the next query meets a dead
                # connection rather than racing the signal.
                admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
            killed.append(pid)
        return real_execute(self, sql, params)

    monkeypatch.setattr(utils.CursorWrapper, "execute", execute)
    return killed


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_api_answers_503_with_retry_after_then_recovers(
    postgresql, server, kill_first_measure_query
):
    status, headers, body = fetch(f"{server}/api/v1/measures/?number=16")
    assert kill_first_measure_query, "the connection was never terminated"
    assert status == 503
    assert headers["Retry-After"] == "5"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"detail": "数据库暂时不可用，请稍后重试。"}

    status, _, body = fetch(f"{server}/api/v1/measures/?number=16")
    assert status == 200
    assert json.loads(body)["results"][0]["title"] == "提升金融服务质效"


def test_a_site_page_answers_the_503_page_then_recovers(
    postgresql, server, kill_first_measure_query
):
    status, headers, body = fetch(f"{server}/measures/")
    assert kill_first_measure_query
    assert status == 503 and headers["Retry-After"] == "5"
    assert "服务暂时不可用" in body.decode()

    status, _, body = fetch(f"{server}/measures/")
    assert status == 200 and "提升金融服务质效" in body.decode()
