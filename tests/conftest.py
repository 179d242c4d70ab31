"""Fixtures: an app per test on SQLite and on PostgreSQL, factories, API clients.

Every test runs once per database backend. The schema comes from the
migrations, applied once per run; each test starts from empty tables.
PostgreSQL gets a throwaway database per run; when none answers on
127.0.0.1:5432 its tests are skipped, except under CI (CI=true), where that
is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from registry import create_app
from registry.extensions import db
from tests.factories import Factory

# Shared fixtures kept beside their helpers: a scratch database, a gunicorn with workers.
pytest_plugins = ["tests.scratch", "tests.server_helpers"]

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
KEEP_TABLES = {"provinces", "alembic_version"}
# rows a migration inserts, restored for every test
SEEDED_TABLES = ("replacement_ratios", "prefecture_ratios", "calendar_years", "calendar_days")
_seeds: dict[str, dict[str, list[dict]]] = {}  # database url -> table -> rows as migrated


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as error:
        return str(error).splitlines()[0]


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        _seeds[url] = {name: [dict(row) for row in db.session.execute(
            sa.select(db.metadata.tables[name])).mappings()] for name in SEEDED_TABLES}
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated database for this run, on the parametrised backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        _migrate(url)
        yield url
        return
    why = _pg_available()
    if why is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI and does not answer: {why}")
        pytest.skip(f"PostgreSQL not available: {why}")
    name = f"registry_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def backend(database_url: str) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


def _empty_tables(url: str) -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    for name, rows in _seeds.get(url, {}).items():
        if rows:
            db.session.execute(db.metadata.tables[name].insert(), rows)
    db.session.commit()


@pytest.fixture
def app(database_url: str):
    """A fresh app on empty tables; its engine is disposed afterwards."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        _empty_tables(database_url)
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An app context for direct service calls; removed before the test client is used."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def factory(app) -> Factory:
    """Builds test data through the services, each call in its own app context."""
    return Factory(app)


@pytest.fixture
def client(app):
    return app.test_client()


class ApiClient:
    """The test client with a user's bearer token on every request."""

    def __init__(self, client, token: str | None) -> None:
        self._client = client
        self.token = token

    def _headers(self, headers: dict | None) -> dict:
        out = dict(headers or {})
        if self.token is not None:
            out.setdefault("Authorization", f"Bearer {self.token}")
        return out

    def get(self, url, headers=None, **kw):
        return self._client.get(url, headers=self._headers(headers), **kw)

    def post(self, url, json=None, headers=None, **kw):
        return self._client.post(url, json=json, headers=self._headers(headers), **kw)

    def patch(self, url, json=None, headers=None, **kw):
        return self._client.patch(url, json=json, headers=self._headers(headers), **kw)

    def put(self, url, json=None, headers=None, **kw):
        return self._client.put(url, json=json, headers=self._headers(headers), **kw)

    def delete(self, url, headers=None, **kw):
        return self._client.delete(url, headers=self._headers(headers), **kw)


@pytest.fixture
def api_as(client, factory):
    """``api_as(user)``: an API client authenticated with a new token of ``user``."""

    def make(user) -> ApiClient:
        return ApiClient(client, factory.token(user))

    return make


@pytest.fixture
def world(factory):
    """A small registry: two enterprises with a smelter each, and a user per role."""
    return factory.world()


class QueryCounter:
    """The number of SQL statements the app's engine ran inside a ``with`` block."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.count = 0

    def _count(self, *_args) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        self.count = 0
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._count)


@pytest.fixture
def count_queries(app) -> QueryCounter:
    """``with count_queries as counted: ...`` then ``counted.count``: keeps pages from a query per row."""
    with app.app_context():
        engine = db.engine
    return QueryCounter(engine)
