"""Assertions and small helpers shared by the core API tests."""

from __future__ import annotations

import json

import sqlalchemy as sa

from registry.extensions import db

PROBLEM_JSON = "application/problem+json"


def assert_problem(response, status: int, field: str | None = None) -> dict:
    """The response is an RFC 9457 problem with ``status``, naming ``field`` in ``errors``."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == PROBLEM_JSON, response.mimetype
    body = response.get_json()
    for key in ("type", "title", "status", "detail"):
        assert key in body, body
    assert body["status"] == status
    if field is not None:
        assert field in body.get("errors", {}), body
    return body


def pagination(response) -> dict:
    """The X-Pagination header, parsed."""
    return json.loads(response.headers["X-Pagination"])


def row_count(app, model) -> int:
    """How many rows ``model``'s table holds now."""
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        db.session.remove()
        return count


def filing_body(smelter_id: int, **overrides) -> dict:
    """A valid body for POST /api/v1/filings."""
    return {"smelter_id": smelter_id, "kind": "restart", "capacity_tpa": 50_000,
            "effective_month": "2016-11", "notes": "", **overrides}
