"""One error shape per surface: problem+json under /api/, pages elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from registry.extensions import db
from registry.problems import PROBLEM_BASE, Problem
from registry.rest.api import PROBLEM_JSON
from registry.rest.auth import is_api_request

log = logging.getLogger(__name__)


def problem_response(body: dict, status: int, headers: dict | None = None):
    """A problem+json response."""
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _field_errors(messages) -> dict[str, list[str]]:
    """webargs' {location: {field: [..]}} as {field: [..]} (nested fields dotted)."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            flat.setdefault(prefix or "_schema", []).extend(value)
        else:
            flat.setdefault(prefix or "_schema", []).append(str(value))

    if isinstance(messages, dict):
        for location, fields in messages.items():
            walk("" if location in ("json", "query", "querystring", "headers", "files", "form") else location, fields)
    else:
        walk("", messages)
    return flat


def settle_refusal(error: Problem) -> None:
    """Roll back what the refused request changed, keeping the audit event it carries.

    Shared by the API (below) and the web forms (registry.web.formkit), so a
    refused approval leaves the same trace whichever surface refused it.
    """
    db.session.rollback()
    if error.audit is not None:
        from registry.audit.services import record

        record(**error.audit)
        db.session.commit()
        error.audit = None  # settled once, even if re-raised


def handle_problem(error: Problem):
    """A service's refusal; an approval refusal keeps its audit event."""
    settle_refusal(error)
    if is_api_request():
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return problem_response(error.to_dict(), error.status, headers)
    return render_template("errors/error.html", status=error.status, title=error.title,
                           detail=error.detail, problem=True), error.status


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
    body = {
        "type": PROBLEM_BASE + error.name.lower().replace(" ", "-"),
        "title": error.name,
        "status": error.code,
        "detail": error.description or error.name,
    }
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if "messages" in data:
        body["errors"] = _field_errors(data["messages"])
        fields = sorted(name for name in body["errors"] if name != "_schema")
        body["detail"] = ("The request has invalid fields: " + ", ".join(fields) + "." if fields
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
