"""Fixtures for tests that need a database of their own: a scratch database, and the CLI run on it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from registry import create_app
from registry.extensions import db


@pytest.fixture
def scratch(database_url: str, tmp_path: Path) -> Iterator:
    """``make(name)``: an app on a new, empty database of this test's backend (dropped afterwards)."""
    created: list[tuple[sa.Engine, str]] = []

    def make(name: str):
        if database_url.startswith("sqlite"):
            return create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}.sqlite3"})
        admin = sa.create_engine(database_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        dbname = f"registry_scratch_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{dbname}"')
        created.append((admin, dbname))
        return create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url.rsplit("/", 1)[0] + f"/{dbname}"})

    yield make
    for admin, dbname in created:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.dispose()


def run_cli(app, *args: str):
    """``flask --app wsgi <args>`` on ``app``, its connections closed afterwards."""
    result = app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return result
