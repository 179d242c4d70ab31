"""What every public response shares: cache headers, an ETag from the content, 304, a rate limit."""

from __future__ import annotations

import hashlib

from flask import Response, current_app, request

MAX_AGE = 300  # seconds: the figures change with approvals, a few times a day at most


def rate_limit() -> str:
    """The public endpoints' limit per address (``PUBLIC_RATE_LIMIT`` in config.py, a Flask-Limiter string)."""
    return current_app.config["PUBLIC_RATE_LIMIT"]


def cacheable(response: Response, *, shared: bool) -> Response:
    """The response with a strong ETag of its body and a max-age; 304 when If-None-Match names it.

    ``shared``: any cache may keep it (the API, whose JSON depends on nothing
    but the URL). Pages carry the reader's session (language, sign-in name), so
    only the browser may keep them, per language and cookie.
    """
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    response.headers["Cache-Control"] = f"{'public' if shared else 'private'}, max-age={MAX_AGE}"
    if not shared:
        response.vary.update(("Accept-Language", "Cookie"))
    return response.make_conditional(request)
