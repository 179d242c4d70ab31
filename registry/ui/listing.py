"""Search, sort and paging for list pages, read from the query string the same way on every list.

``?q=`` searches the columns a list names (case-insensitive substring, a
``#123`` or bare number also matches the id), ``?sort=capacity`` or
``?sort=-capacity`` orders by one of the keys the list offers, and
``?page=`` pages it. Unknown sort keys fall back to the list's default, so a
stale bookmark still opens; nothing here raises on what a user typed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import request

from registry.rest.paging import MAX_PAGE, paginate

SEARCH_LENGTH = 100  # longer search text is cut, not refused
CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # no name holds one; a NUL would be refused by PostgreSQL


def _like(text: str) -> str:
    """``text`` as a LIKE pattern matching it anywhere, with LIKE's own characters escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class Listing:
    """One list page's search text, sort key and direction, and page number."""

    q: str
    sort: str
    descending: bool
    page: int
    sorts: Mapping[str, Any]

    @classmethod
    def from_request(cls, sorts: Mapping[str, Any], default: str) -> Listing:
        """The listing the query string asks for; ``default`` is a key of ``sorts``, ``-`` first for descending."""
        q = CONTROL.sub("", request.args.get("q", "", type=str)).strip()[:SEARCH_LENGTH]
        wanted = request.args.get("sort", "", type=str)
        if wanted.lstrip("-") not in sorts:
            wanted = default
        page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
        return cls(q=q, sort=wanted.lstrip("-"), descending=wanted.startswith("-"), page=page, sorts=sorts)

    def search(self, stmt: sa.Select, *columns: Any, id_column: Any = None) -> sa.Select:
        """``stmt`` narrowed to rows whose ``columns`` contain the search text, or whose id it names."""
        if not self.q:
            return stmt
        conditions = [column.ilike(_like(self.q), escape="\\") for column in columns]
        number = self.q.lstrip("#").strip()
        if id_column is not None and number.isascii() and number.isdigit() and len(number) < 10:
            conditions.append(id_column == int(number))
        return stmt.where(sa.or_(*conditions))

    def ordered(self, stmt: sa.Select, *tiebreak: Any) -> sa.Select:
        """``stmt`` in the chosen order, then by ``tiebreak`` so paging is stable."""
        column = self.sorts[self.sort]
        columns = column if isinstance(column, tuple) else (column,)
        order = [c.desc() if self.descending else c.asc() for c in columns]
        return stmt.order_by(None).order_by(*order, *tiebreak)

    def paged(self, stmt: sa.Select, page_size: int) -> tuple[list, dict]:
        """The page's items and the pager's figures (total, total_pages, page, page_size)."""
        items, headers = paginate(stmt, self.page, page_size)
        return items, json.loads(headers["X-Pagination"])

    def sort_arg(self, key: str) -> str:
        """The ``sort`` value a column header links to: this key, reversed when it is the current one."""
        if key == self.sort:
            return key if self.descending else f"-{key}"
        return key

    def aria_sort(self, key: str) -> str | None:
        """The header's ``aria-sort``, for the column the list is sorted by."""
        if key != self.sort:
            return None
        return "descending" if self.descending else "ascending"
