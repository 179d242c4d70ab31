"""A live server on the demo data and a Chromium driven by Playwright.

The browser tests run on SQLite only: they check pages and flows in a real
browser, while the rules beneath them run on both databases in the service,
API and test-client web tests. A second backend would double a slow suite
for no new coverage.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from registry import create_app
from registry.extensions import db
from tests.conftest import _migrate

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"

DEMO = {
    "admin": ("admin@registry.example", "potline-demo-2016"),
    "reviewer": ("reviewer@registry.example", "anode-demo-2016"),
    "filer": ("filer@zhongyuan.example", "cathode-demo-2016"),
    "filer_lubei": ("filer@lubei.example", "cathode-demo-2016"),
}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """SQLite only for the browser (see the module docstring)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.sqlite3'}"
    _migrate(url)
    return url


@pytest.fixture(scope="session")
def live_app(database_url):
    """The app as deployed (CSRF on), loaded with the demo data set."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": True,
                                 "LOGIN_FAILURE_LIMIT": "50 per minute"})
    from registry.demo import load_demo

    with app.app_context():
        load_demo()
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """The app served on a free 127.0.0.1 port from a thread; stopped at the end."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, with a throwaway HOME."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (make browser-deps)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as home:
        old_home = os.environ.get("HOME")
        os.environ["HOME"] = home
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                                     env={**os.environ, "HOME": home})
                yield browser
                browser.close()
        finally:
            if old_home is None:
                os.environ.pop("HOME", None)
            else:
                os.environ["HOME"] = old_home


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) in English, its base URL the live server."""
    context = browser.new_context(base_url=live_server, locale="en-GB",
                                  extra_http_headers={"Accept-Language": "en"},
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def sign_in(page, role: str, language: str = "English") -> None:
    """Sign in through the form as a demo user, then pick the page language with the switcher.

    The switcher also stores the choice in the account, so each test sets it
    rather than inherit the last test's.
    """
    email, password = DEMO[role]
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("form button[type=submit].btn-primary").click()
    page.wait_for_url(lambda url: "/login" not in url)
    switch_language(page, language)


def switch_language(page, language: str) -> None:
    """Press the language switcher's button (中文 or English) and wait for the page to come back."""
    with page.expect_navigation():
        page.locator(".lang button", has_text=language).click()


def shot(page, name: str) -> None:
    """A full-page screenshot into tests/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
