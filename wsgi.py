"""Entry point for gunicorn (``wsgi:app``) and the ``flask --app wsgi`` CLI.

Serving (gunicorn, any WSGI server, ``flask run``) refuses a database that is
not at the migrations' head; other commands (``db upgrade`` above all) need
the app to load whatever revision the database is at.
"""

import os
import sys

import click

from registry import create_app
from registry.revision import SchemaNotAtHead, require_head

app = create_app()


def _serving() -> bool:
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        return True  # imported by a WSGI server
    command = click.get_current_context(silent=True)
    return command is not None and command.info_name == "run"


if _serving():
    try:
        require_head(app)
    except SchemaNotAtHead as error:
        print(f"Capacity Registry will not start: {error}", file=sys.stderr)
        sys.exit(3)  # gunicorn's "worker failed to boot": the arbiter stops instead of respawning
