"""The filings list's page as rows: one count, one page query, one query for its replacement lines.

The list is the API's most requested endpoint. A page of 50 needs no ORM
objects, no identity map and no marshmallow: the page query selects the
columns ``FilingOut`` shows and each row becomes its JSON object here
(``tests/test_api_filings.py`` checks both give the same document). The
count names only ``filings`` unless a filter needs the smelter, so the
database counts a narrow index.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from registry.capacity.models import FilingCount
from registry.extensions import db
from registry.filings.models import Filing, approvals_of
from registry.filings.services import MONTH_FILTERS, filings_for, filtered
from registry.members.models import Smelter
from registry.replacement.models import FilingReplacement

COLUMNS = (
    Filing.id, Filing.smelter_id, Smelter.enterprise_id, Smelter.province, Filing.kind, Filing.capacity_tpa,
    Filing.effective_month, Filing.status, Filing.notes, Filing.decision_note, Filing.cell_count,
    Filing.cell_amperage_ka, Filing.submitted_at, Filing.decided_at, Filing.decided_by, Filing.created_by,
    Filing.created_at, Filing.version, Filing.amends_id, Filing.cancel, Filing.superseded_by,
    Filing.first_approved_by, Filing.first_approved_at,
)
TIMESTAMPS = ("submitted_at", "decided_at", "created_at")


def _timestamp(value: dt.datetime | None) -> str | None:
    """As ``registry.rest.fields.Timestamp`` writes it."""
    return None if value is None else value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def total(user, filters: dict[str, Any]) -> int:
    """The exact number of filings the list shows, from the counts kept per smelter, status and kind.

    A month range is not in the counts: then the filings themselves are counted.
    """
    if any(filters.get(name) is not None for name in MONTH_FILTERS):
        return db.session.scalar(filings_for(user, filters).with_only_columns(sa.func.count()).order_by(None))
    stmt = sa.select(sa.func.coalesce(sa.func.sum(FilingCount.filings), 0))
    return int(db.session.scalar(filtered(stmt, FilingCount, user, filters)))


def filings_page(user, filters: dict[str, Any], page: int, page_size: int) -> tuple[list[dict], int]:
    """The page's filings as FilingOut documents, and the total count."""
    stmt = filings_for(user, filters, join_smelter=True).with_only_columns(*COLUMNS)
    rows = [dict(row) for row in db.session.execute(
        stmt.limit(page_size).offset((page - 1) * page_size)).mappings()]
    lines: dict[int, list[dict]] = {}
    if rows:
        for filing_id, indicator_id, tonnes in db.session.execute(
                sa.select(FilingReplacement.filing_id, FilingReplacement.indicator_id, FilingReplacement.tonnes_tpa)
                .where(FilingReplacement.filing_id.in_([row["id"] for row in rows]))
                .order_by(FilingReplacement.filing_id, FilingReplacement.indicator_id)):
            lines.setdefault(filing_id, []).append({"indicator_id": indicator_id, "tonnes_tpa": tonnes})
    for row in rows:
        row["approvals"] = [{"by": a["by"], "at": _timestamp(a["at"])} for a in approvals_of(
            row.pop("first_approved_by"), row.pop("first_approved_at"), row["status"], row["decided_by"],
            row["decided_at"])]
        for name in TIMESTAMPS:
            row[name] = _timestamp(row[name])
        row["replacements"] = lines.get(row["id"], [])
    return rows, total(user, filters)
