"""Browser fixtures: the real app served on a free localhost port, and Debian's Chromium.

One database and one server for the whole browser session (SQLite file or a PostgreSQL schema of
its own), because starting Chromium and a server per test would cost seconds each; every journey
creates its own users and complaints, so journeys never depend on each other's data.
"""
from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlmodel import Session
from werkzeug.serving import make_server

from tests.conftest import TEST_SECRET, private_database
from tests.factories import Factory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
XSS_PROBE = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=1\">"
XSS_SHORT = "<img src=x onerror=\"window.__xss=1\">"  # fits 40-character name fields


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium per session (Debian's build; Playwright's own downloads are never used)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def browser_database(tmp_path_factory) -> Iterator[str]:
    """A database for the browser session: a SQLite file, or a PostgreSQL schema of its own."""
    with private_database(tmp_path_factory, "b") as url:
        yield url


class Live:
    """The running app: its URL, a factory on its database, and logged-in browser pages."""

    def __init__(self, app, url: str, browser):
        self.app, self.url, self.browser = app, url, browser
        self.session = Session(app.extensions["db_engine"], expire_on_commit=False)
        self.factory = Factory(self.session, app)
        self._contexts = []

    @contextlib.contextmanager
    def db(self) -> Iterator[Session]:
        """A fresh session to check what the browser did (never a stale cached row)."""
        with Session(self.app.extensions["db_engine"], expire_on_commit=False) as session:
            yield session

    def page_as(self, user, width: int = 1280):
        """A new browser context logged in as `user` (two-factor code typed when asked)."""
        context = self.browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                           base_url=self.url)
        self._contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)  # generous: CI shares 2 cores with a second xdist worker
        page.goto("/login")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", Factory.PASSWORD)
        with page.expect_navigation():  # read the URL only once the answer to the password has arrived
            page.click("button[type=submit]")
        if page.url.endswith("/login/totp"):
            page.fill("input[name=code]", pyotp.TOTP(user.totp_secret).now())
            page.click("button[type=submit]")
        # A click returns once the navigation commits; the landing page may not be parsed yet, and a test
        # reading its menu at that moment finds none (a CI failure). Wait for the landing page's load.
        try:
            page.wait_for_url(lambda url: "/login" not in url, wait_until="load")
        except PlaywrightTimeout:
            raise AssertionError(f"login failed for {user.username}: {page.url}") from None
        return page

    def close(self) -> None:
        for context in self._contexts:
            context.close()
        self.session.close()


@pytest.fixture(scope="session")
def live(browser_database, chromium, tmp_path_factory) -> Iterator[Live]:
    """The real app (CSRF on, as in production) served by werkzeug in a thread."""
    from hotline import create_app

    app = create_app({"HOTLINE_ENV": "test", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": browser_database,
                      "INSTANCE_DIR": tmp_path_factory.mktemp("browser-instance"), "SCHEDULER_IN_PROCESS": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    running = Live(app, f"http://127.0.0.1:{server.server_port}", chromium)
    running.factory.county()
    yield running
    running.close()
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["db_engine"].dispose()


def no_script_ran(page) -> None:
    """The stored probe stayed text: nothing set window.__xss, and no probe element exists."""
    assert page.evaluate("typeof window.__xss") == "undefined", page.url
    assert page.locator('img[src="x"]').count() == 0, page.url
    assert page.evaluate("[...document.scripts].some(s => s.text.includes('__xss'))") is False, page.url


@pytest.fixture(autouse=True)
def _clean_factory_session(live):
    """A journey that failed half-way must not leave the shared factory session in a transaction."""
    yield
    live.session.rollback()
