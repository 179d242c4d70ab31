"""Paging for list endpoints: ``?page=&page_size=`` and an X-Pagination header."""

from __future__ import annotations

import json

import sqlalchemy as sa
from marshmallow import validate

from registry.extensions import db
from registry.rest.fields import AsciiInteger
from registry.rest.schema import Schema

MAX_PAGE = 1_000_000  # a larger page would overflow SQLite's OFFSET
MAX_PAGE_SIZE = 500

PAGINATION_HEADER = {
    "X-Pagination": {
        "description": 'Paging metadata as JSON: {"total", "total_pages", "page", "page_size"}.',
        "schema": {"type": "string"},
    }
}


class PageArgs(Schema):
    """The paging query parameters."""

    page = AsciiInteger(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = AsciiInteger(
        load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )


def pagination_header(total: int, page: int, page_size: int) -> str:
    """The X-Pagination header's value."""
    return json.dumps({"total": total, "total_pages": (total + page_size - 1) // page_size, "page": page,
                       "page_size": page_size})


def paginate(stmt: sa.Select, page: int, page_size: int) -> tuple[list, dict[str, str]]:
    """One page of ``stmt``'s rows and the X-Pagination header."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(page_size).offset((page - 1) * page_size)).unique())
    return items, {"X-Pagination": pagination_header(total, page, page_size)}
