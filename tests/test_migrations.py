"""The schema comes from the migrations, and they match the models on both databases."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from registry.extensions import db


def test_migrations_match_the_models(app):
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.session.remove()
    assert diff == []


def test_migrations_are_at_head(app):
    from alembic.script import ScriptDirectory

    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        heads = set(ScriptDirectory.from_config(config).get_heads())
        current = set(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))
        db.session.remove()
    assert len(heads) == 1
    assert current == heads


def test_provinces_reference_table_is_loaded(app):
    with app.app_context():
        rows = dict(db.session.execute(sa.text("SELECT code, name_en FROM provinces")).all())
        db.session.remove()
    assert len(rows) >= 31
    assert (rows["41"], rows["65"]) == ("Henan", "Xinjiang")
