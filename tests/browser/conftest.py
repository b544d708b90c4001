"""A real browser (Debian's chromium, driven by Playwright) against a live server.

The server is pytest-django's LiveServer helper started once per session, not the `live_server`
fixture: that fixture makes every test transactional, and the flush after each one would empty
the documents the session ingested once for the whole suite. These tests only read, so the
server sees the ingested rows (committed before any test) through the ordinary `db` fixture.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _missing(reason: str):
    if _in_ci():
        pytest.fail(f"{reason} (CI=true: the browser tests must run here)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium, or the browser CHROMIUM_PATH names."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        _missing(f"chromium is not installed ({path}): apt-get install -y chromium chromium-driver")
    return path


@pytest.fixture(scope="module")
def browser(chromium_path, site_url):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed: pip install -e '.[dev]'")
    # Playwright's sync API keeps an event loop on this thread, which Django's async-safety
    # check mistakes for async code; the check is lifted only while the browser runs.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # Django code that ran while Playwright's event loop was current opened a database
        # connection in that loop's context; close it there, or PostgreSQL cannot drop the
        # throw-away test database at the end of the run.
        connections.close_all()


@pytest.fixture(scope="session")
def site_url(django_db_setup, django_db_blocker) -> str:
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("127.0.0.1")
    yield server.url
    server.stop()


@pytest.fixture
def page(browser, site_url, db, monkeypatch, request):
    """A fresh page; a screenshot of what it shows last is kept in test-artifacts/browser/."""
    import search as search_engine

    # The query log would be written by the server's own connection and outlive the test.
    monkeypatch.setattr(search_engine, "log_search", lambda query, count: None, raising=False)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.base = site_url
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.fixture
def shoot(page, request):
    """Keep a named screenshot of the page as it is now."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
