"""A real browser (Debian's chromium, driven by Playwright) against a live server.

The server is pytest-django's LiveServer helper started once per session, not the `live_server`
fixture: that fixture makes every test transactional, and the flush after each one would empty
the documents the session ingested once for the whole suite. These tests only read, so the
server sees the ingested rows (committed before any test) through the ordinary `db` fixture.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from django.db import connections

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _missing(reason: str) -> NoReturn:
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
def site_url(django_db_setup, django_db_blocker) -> Iterator[str]:
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("127.0.0.1")
    yield server.url
    server.stop()


def _new_tab(browser, site_url, monkeypatch, request):
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
def page(browser, site_url, db, monkeypatch, request):
    """A fresh page; a screenshot of what it shows last is kept in test-artifacts/browser/."""
    yield from _new_tab(browser, site_url, monkeypatch, request)


@pytest.fixture
def staff_page(browser, site_url, staff_account, django_db_blocker, monkeypatch, request):
    """A fresh page for a test whose requests write (signing in and out): no test transaction
    holds the database, which SQLite would lock against the server's writes. What the server
    writes (a session, the login record) stays for the session; the test itself only reads."""
    with django_db_blocker.unblock():
        yield from _new_tab(browser, site_url, monkeypatch, request)


@pytest.fixture
def shoot(request):
    """Keep a named screenshot of the page (or staff page) as it is now."""
    page = request.getfixturevalue("staff_page" if "staff_page" in request.fixturenames else "page")

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


STAFF_USERNAME, STAFF_PASSWORD = "browser-staff", "correct horse battery staple"


@pytest.fixture(scope="session")
def staff_account(django_db_setup, django_db_blocker):
    """A 市经信局 staff account committed for the session: the live server runs in another
    thread and, on PostgreSQL, sees only committed rows."""
    from django.contrib.auth import get_user_model

    from policies.models import Bureau, BureauMembership

    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user(STAFF_USERNAME, password=STAFF_PASSWORD)
        BureauMembership.objects.create(user=user, bureau=Bureau.objects.named("市经信局").get())
    yield user
    with django_db_blocker.unblock():
        user.delete()


@pytest.fixture
def sign_in(staff_page):
    """Sign in through the login form, as staff do; returns where the browser landed."""

    def go(next_url: str = "") -> str:
        page = staff_page
        page.goto(page.base + "/accounts/login/" + (f"?next={next_url}" if next_url else ""))
        page.get_by_label("用户名").fill(STAFF_USERNAME)
        page.get_by_label("密码").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page.url

    return go


@pytest.fixture(scope="session")
def axe():
    """axe-core as axe-playwright-python ships it (its own axe.min.js; nothing from a CDN)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        _missing("axe-playwright-python is not installed: pip install -e '.[dev]'")
    return Axe()
