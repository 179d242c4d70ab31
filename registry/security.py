"""Security headers on every response, and limits on what a request may send."""

from __future__ import annotations

from flask import Response, current_app, request
from werkzeug.exceptions import RequestHeaderFieldsTooLarge, RequestURITooLarge

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
# Swagger UI sets inline styles on its elements.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def refuse_oversized_request() -> None:
    """before_request: a URL or headers beyond the configured sizes are a 414 or a 431.

    gunicorn refuses a request line above 4,094 bytes or a header above 8,190
    with a bare text page; below those, these limits answer in the surface's
    shape (problem+json under /api/, the error page elsewhere).
    """
    config = current_app.config
    uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    if len(uri) > config["MAX_URL_LENGTH"]:
        raise RequestURITooLarge()
    size = sum(len(name) + len(value) + 4 for name, value in request.headers.items())
    if size > config["MAX_HEADER_BYTES"]:
        raise RequestHeaderFieldsTooLarge()


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy",
                       DOCS_CSP if request.path.startswith("/api/v1/docs") else CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.path.startswith("/api/") or response.mimetype == "text/html":
        headers.setdefault("Cache-Control", "no-store")
    return response
