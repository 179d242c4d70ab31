"""One transaction per request and per command, committed in one place.

Services only flush; this module commits. A request that succeeds (status
below 400) commits everything it did, its audit events included, at once; any
other rolls back, except the audit event of a refusal that
``keep_refusal_event`` recorded after the rollback (a refused approval leaves
its trace). Indico's request handler works the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Response, g

from registry.extensions import db


def keep_refusal_event() -> None:
    """Commit this failing request's session: only a refusal's audit event is left in it."""
    g.keep_refusal_event = True


def end_request(response: Response) -> Response:
    """after_request: commit on success (or a kept refusal event), else roll back."""
    if response.status_code < 400 or g.pop("keep_refusal_event", False):
        try:
            db.session.commit()
        except Exception:
            db.session.rollback()  # the error handler's response must not try the commit again
            raise
    else:
        db.session.rollback()
    return response


def committed(command: Callable) -> Callable:
    """A CLI command's work committed once when it returns, rolled back when it fails."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return wrapper


def commit_step() -> None:
    """Commit one step of a command whose steps must each stand alone.

    ``notify`` claims each mail in its own transaction before sending it, so a
    crash midway cannot resend what went out; every other command is
    ``@committed`` once.
    """
    db.session.commit()
