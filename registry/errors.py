"""One error shape per surface: problem+json under /api/, pages elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from registry.audit.services import record
from registry.extensions import db
from registry.messages import Message, Template, localize
from registry.problems import PROBLEM_BASE, Problem
from registry.rest.api import PROBLEM_JSON, is_api_request
from registry.transactions import keep_refusal_event

log = logging.getLogger(__name__)

# Werkzeug's own errors (routing, 405, webargs' 422, the 500 fallback) as coded messages.
HTTP_TEMPLATES = {
    400: Template("http_bad_request", "The request could not be understood."),
    401: Template("http_unauthorized", "Sign in first."),
    403: Template("http_forbidden", "You may not do this."),
    404: Template("http_not_found", "The requested URL was not found on this server."),
    405: Template("http_method_not_allowed", "This method is not allowed for this URL."),
    413: Template("http_too_large", "The request is too large."),
    414: Template("http_uri_too_long", "The URL is too long; send fewer or shorter query parameters."),
    415: Template("http_unsupported_media_type", "This media type is not supported."),
    422: Template("http_unprocessable", "The request could not be processed."),
    429: Template("http_too_many_requests", "Too many requests; wait a little and try again."),
    431: Template("http_headers_too_large", "The request headers are too large; clear this site's cookies and retry."),
    500: Template("http_internal_error", "Something went wrong on our side; the error has been logged."),
}
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "too_large", 414: "uri_too_long", 415: "unsupported_media_type",
              422: "validation", 429: "too_many_requests", 431: "headers_too_large", 500: "internal_error"}
HTTP_TITLES = {400: _l("Bad request"), 401: _l("Unauthorized"), 403: _l("Forbidden"), 404: _l("Not found"),
               405: _l("Method not allowed"), 413: _l("Request too large"), 414: _l("URL too long"),
               415: _l("Unsupported media type"), 422: _l("Invalid input"), 429: _l("Too many requests"),
               431: _l("Headers too large"), 500: _l("Internal server error")}
INVALID_FIELDS = Template("invalid_fields", "The request has invalid fields: %(fields)s.")
FALLBACK = Template("http_error", "The request failed (HTTP %(status)s).")


def http_message(status: int) -> Message:
    """Werkzeug's error ``status`` as a coded message."""
    template = HTTP_TEMPLATES.get(status)
    return template() if template is not None else FALLBACK(status=status)


def problem_response(body: dict, status: int, headers: dict | None = None):
    """A problem+json response."""
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _field_errors(messages) -> dict[str, list[str]]:
    """webargs' {location: {field: [..]}} as {field: [..]} (nested fields dotted), each message rendered."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            flat.setdefault(prefix or "_schema", []).extend(localize(v) for v in value)
        else:
            flat.setdefault(prefix or "_schema", []).append(localize(value))

    if isinstance(messages, dict):
        for location, fields in messages.items():
            walk("" if location in ("json", "query", "querystring", "headers", "files", "form") else location, fields)
    else:
        walk("", messages)
    return flat


def settle_refusal(error: Problem) -> None:
    """Roll back what the refused request changed, keeping the audit event it carries.

    Shared by the API (below) and the web forms (registry.ui.formkit), so a
    refused approval leaves the same trace whichever surface refused it.
    """
    db.session.rollback()
    if error.audit is not None:
        record(**error.audit)
        keep_refusal_event()  # committed when the request ends (registry.transactions)
        error.audit = None  # settled once, even if re-raised


def handle_problem(error: Problem):
    """A service's refusal; an approval refusal keeps its audit event."""
    settle_refusal(error)
    if is_api_request():
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return problem_response(error.to_dict(), error.status, headers)
    return render_template("errors/error.html", status=error.status, title=error.title,
                           detail=localize(error.message), problem=True), error.status


def handle_http_exception(error: HTTPException):
    """Werkzeug's errors (404, 405, webargs' 422 ...) in the surface's shape."""
    db.session.rollback()
    if error.code is None:
        return error
    if error.response is not None:  # a response of its own (Flask-Limiter's on_breach, abort(response))
        return error.response
    if not is_api_request():
        return render_template("errors/error.html", status=error.code, title=error.name,
                               detail=error.description), error.code
    code = HTTP_CODES.get(error.code, error.name.lower().replace(" ", "_"))
    body = {
        "type": PROBLEM_BASE + code.replace("_", "-"),
        "title": str(HTTP_TITLES.get(error.code, error.name)),
        "status": error.code,
        "code": code,
        "detail": localize(http_message(error.code)),
    }
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if "messages" in data:
        body["errors"] = _field_errors(data["messages"])
        fields = sorted(name for name in body["errors"] if name != "_schema")
        body["detail"] = (localize(INVALID_FIELDS(fields=", ".join(fields))) if fields
                          else " ".join(body["errors"]["_schema"]))
    response = problem_response(body, error.code, headers)
    if error.code == 405:
        valid = getattr(error, "valid_methods", None)
        if valid:
            response.headers["Allow"] = ", ".join(valid)
    return response


def handle_csrf_error(error: CSRFError):
    """An expired or missing CSRF token on a web form."""
    return render_template("errors/error.html", status=400, title=error.name,
                           detail=error.description), 400


def handle_unexpected(error: Exception):
    """Anything unhandled: logged, and a 500 in the surface's shape."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return handle_http_exception(InternalServerError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(Problem, handle_problem)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
