"""Failed sign-ins lock the account tried and, more widely, the address; a Redis outage is no 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from registry import create_app
from registry.extensions import db
from tests.web_helpers import text

LOCKED = "Too many failed sign-ins. Wait a few minutes and try again."


@pytest.fixture
def make_client(database_url) -> Iterator:
    """``make_client(**config)``: a test client of an app of its own (its own limit counts)."""
    apps = []

    def make(**config):
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, **config})
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def _sign_in(client, email: str, password: str, address: str | None = None):
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post("/login", data={"email": email, "password": password}, headers=headers)


def test_one_clerks_mistakes_lock_only_that_account(make_client, world):
    client = make_client(LOGIN_FAILURE_LIMIT="3 per minute")
    for _ in range(3):
        assert _sign_in(client, world.filer_a.email, "wrong-password").status_code == 200
    locked = _sign_in(client, world.filer_a.email, world.filer_a.password)
    assert locked.status_code == 429 and LOCKED in text(locked)
    assert _sign_in(client, world.filer_b.email, world.filer_b.password).status_code == 302  # same office


def test_an_account_is_locked_whatever_address_the_guesses_come_from(make_client, world):
    client = make_client(LOGIN_FAILURE_LIMIT="3 per minute", PROXY_FIX_HOPS=1)
    for n in range(3):
        assert _sign_in(client, world.filer_a.email, "wrong-password", f"198.51.100.{n}").status_code == 200
    assert _sign_in(client, world.filer_a.email, world.filer_a.password, "198.51.100.9").status_code == 429


def test_one_address_trying_many_accounts_is_stopped(make_client, world):
    client = make_client(LOGIN_ADDRESS_FAILURE_LIMIT="4 per minute", PROXY_FIX_HOPS=1)
    for n in range(4):
        assert _sign_in(client, f"guess{n}@example.com", "wrong-password", "203.0.113.7").status_code == 200
    assert _sign_in(client, world.filer_a.email, world.filer_a.password, "203.0.113.7").status_code == 429
    assert _sign_in(client, world.filer_a.email, world.filer_a.password, "203.0.113.8").status_code == 302


def test_a_lockout_does_not_reveal_whether_the_account_exists(make_client, world):
    client = make_client(LOGIN_FAILURE_LIMIT="2 per minute")
    answers = []
    for email in ("nobody@example.com", world.filer_a.email):
        for _ in range(2):
            _sign_in(client, email, "wrong-password")
        locked = _sign_in(client, email, "wrong-password")
        answers.append((locked.status_code, LOCKED in text(locked)))
    assert answers == [(429, True), (429, True)]


def test_without_proxy_fix_a_forwarded_address_is_not_believed(make_client, world):
    client = make_client(LOGIN_ADDRESS_FAILURE_LIMIT="2 per minute")
    for n in range(2):
        _sign_in(client, f"guess{n}@example.com", "wrong-password", f"192.0.2.{n}")
    assert _sign_in(client, world.filer_a.email, world.filer_a.password, "192.0.2.99").status_code == 429


def test_with_redis_unreachable_sign_in_still_works(make_client, world):
    client = make_client(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    assert client.get("/login").status_code == 200
    assert _sign_in(client, world.filer_a.email, "wrong-password").status_code == 200
    assert _sign_in(client, world.filer_a.email, world.filer_a.password).status_code == 302
