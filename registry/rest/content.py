"""Request bodies under /api/ are JSON: anything else is a 415 problem naming the header.

Without this check webargs ignores a ``text/plain`` body and answers with
"missing field" errors, which sends a client looking in the wrong place.
"""

from __future__ import annotations

from flask import request
from webargs.core import is_json

from registry.messages import Template
from registry.problems import UnsupportedMediaType
from registry.rest.api import is_api_request

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


MUST_BE_JSON = Template("must_be_json", "Must be application/json.")


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def require_json_body() -> None:
    """before_request: a POST, PUT or PATCH with a body under /api/ must send JSON."""
    if request.method not in BODY_METHODS or not is_api_request() or not _has_body():
        return
    if not is_json(request.mimetype):
        sent = request.mimetype or "no Content-Type"
        raise UnsupportedMediaType(errors={"Content-Type": [MUST_BE_JSON()]}, mimetype=sent)
