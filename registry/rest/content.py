"""Request bodies under /api/ are JSON: anything else is a 415 problem naming the header.

Without this check webargs ignores a ``text/plain`` body and answers with
"missing field" errors, which sends a client looking in the wrong place.
"""

from __future__ import annotations

from flask import current_app, request
from webargs.core import is_json

from registry.messages import Template
from registry.problems import UnsupportedMediaType
from registry.rest.api import is_api_request

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


MUST_BE_JSON = Template("must_be_json", "Must be application/json.")


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def _takes_upload() -> bool:
    """The endpoint documents a multipart upload (flask-smorest's ``files`` location), not a JSON body."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    parameters = (getattr(view, "_apidoc", None) or {}).get("arguments", {}).get("parameters", [])
    return any(parameter.get("in") == "files" for parameter in parameters)


def require_json_body() -> None:
    """before_request: a POST, PUT or PATCH with a body under /api/ must send JSON (or an endpoint's upload)."""
    if request.method not in BODY_METHODS or not is_api_request() or not _has_body() or _takes_upload():
        return
    if request.routing_exception is not None:  # no such URL or method: the 404 or 405 says so first
        return
    if not is_json(request.mimetype):
        sent = request.mimetype or "no Content-Type"
        raise UnsupportedMediaType(errors={"Content-Type": [MUST_BE_JSON()]}, mimetype=sent)
