"""The declarative base, shared column types and the engine settings.

SQLite needs help to serialise writers: every request that may write begins
its transaction with ``BEGIN IMMEDIATE`` (the write lock is taken before the
first read), so a check-then-write such as an approval cannot interleave with
another process's. PostgreSQL uses row locks taken by the services instead.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime on every engine (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime; use registry.db.utcnow()")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    """Base of every model: constraint names that migrations can rely on."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    registry = registry(
        type_annotation_map={
            dt.datetime: UTCDateTime,
            # BIGINT everywhere, but INTEGER on SQLite so primary keys alias ROWID.
            int: sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        }
    )


def utcnow() -> dt.datetime:
    """Now, in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def is_postgresql(session) -> bool:
    """Whether the session talks to PostgreSQL (row locks) or SQLite."""
    return session.get_bind().dialect.name == "postgresql"


def want_write_lock() -> None:
    """Ask for this request's transaction to begin with the write lock (SQLite)."""
    if has_request_context():
        g.sqlite_immediate = True


def configure_sqlite(engine: sa.Engine) -> None:
    """Foreign keys, WAL, a busy timeout, and BEGIN IMMEDIATE for writers."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = has_request_context() and g.get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
