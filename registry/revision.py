"""The schema revision: which migration the database is at, and the one the code needs.

A server started against an older database would answer with 500s from the
first query that touches a new column; ``require_head`` refuses to start
instead, naming both revisions and the command that fixes it. The export
records the revision so a dump is only loaded into the schema it came from.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask

from registry.extensions import db

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


class SchemaNotAtHead(RuntimeError):
    """The database is not at the revision this code was written for."""


def head_revision() -> str:
    """The newest migration's revision id."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    heads = ScriptDirectory.from_config(config).get_heads()
    if len(heads) != 1:
        raise SchemaNotAtHead(f"The migrations have {len(heads)} heads ({', '.join(heads)}); merge them first.")
    return heads[0]


def database_revision(connection: sa.Connection) -> str | None:
    """The database's revision, or None when it has no schema yet."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def require_head(app: Flask) -> None:
    """Raise ``SchemaNotAtHead`` with the fix unless the database is at the code's revision."""
    with app.app_context():
        with db.engine.connect() as connection:
            current = database_revision(connection)
        url = db.engine.url.render_as_string(hide_password=True)
        db.engine.dispose()  # a forking server must not share this connection with its workers
    head = head_revision()
    if current == head:
        return
    where = f"The database {url}"
    state = "has no schema" if current is None else f"is at revision {current}"
    raise SchemaNotAtHead(
        f"{where} {state}; this code needs revision {head}. "
        "Back it up, then run `flask --app wsgi db upgrade` (README, Upgrades).")


def refuse_data_loss(*, tables: tuple[str, ...] = (), columns: tuple[tuple[str, str], ...] = ()) -> None:
    """First line of a downgrade: refuse while what it drops holds data, unless ``-x force``.

    ``flask db downgrade`` would otherwise drop tables and columns silently;
    the operator backs up first (README, Backups) and then says ``-x force``.
    """
    from alembic import context, op  # only inside a running migration

    if context.is_offline_mode() or "force" in context.get_x_argument(as_dictionary=True):
        return
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    held = []
    for table in tables:
        if inspector.has_table(table):
            rows = bind.execute(sa.select(sa.func.count()).select_from(sa.table(table))).scalar_one()
            if rows:
                held.append(f"{table} ({rows:,} rows)")
    for table, column in columns:
        if inspector.has_table(table):
            rows = bind.execute(sa.select(sa.func.count()).select_from(sa.table(table, sa.column(column)))
                                .where(sa.column(column).is_not(None))).scalar_one()
            if rows:
                held.append(f"{table}.{column} ({rows:,} values)")
    if held:
        from alembic.util import CommandError

        raise CommandError(
            "This downgrade would drop data: " + ", ".join(held) + ". Back up first "
            "(`flask --app wsgi export FILE`, README, Backups), then run it again with `-x force`, "
            "e.g. `flask --app wsgi db downgrade -x force <revision>`.")
