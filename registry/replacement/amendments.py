"""What an approved amendment does to indicators: cover given back, a closure's indicator changed.

New capacity: the original's consumed tonnes go back to their indicators
before the amendment's cover is consumed (``registry.approvals``), so a
reduction returns the difference and a cancellation all of it. A closure:
its indicator follows the amendment (its tonnes with the capacity, its origin
with the filing); taking back tonnes that were used or transferred is 409
``indicator_already_used``, and a cancellation voids the indicator.
"""

from __future__ import annotations

import sqlalchemy as sa

from registry.audit.services import record
from registry.db import utcnow
from registry.extensions import db
from registry.filings.models import CLOSURE, Filing
from registry.problems import IndicatorAlreadyUsed
from registry.replacement.models import FilingReplacement, Indicator
from registry.replacement.services import lock_indicators


def closure_indicator(closure_id: int, *, lock: bool = False) -> Indicator | None:
    """The indicator an approved closure created (None before its approval)."""
    stmt = sa.select(Indicator).where(Indicator.origin_filing_id == closure_id, Indicator.parent_id.is_(None))
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(stmt)


def indicator_refusal(amendment: Filing, indicator: Indicator | None) -> IndicatorAlreadyUsed | None:
    """The refusal of a closure's amendment that takes back more than its indicator still holds."""
    if amendment.kind != CLOSURE or indicator is None:
        return None
    original = db.session.get(Filing, amendment.amends_id)
    withdrawn = original.capacity_tpa - (0 if amendment.cancel else amendment.capacity_tpa)
    if withdrawn <= 0 or indicator.remaining_tpa >= withdrawn:
        return None
    return IndicatorAlreadyUsed(indicator_id=indicator.id, tonnes_tpa=indicator.tonnes_tpa,
                                remaining_tpa=indicator.remaining_tpa, withdrawn_tpa=withdrawn,
                                capacity_tpa=amendment.capacity_tpa)


def amend_closure_indicator(original: Filing, amendment: Filing, actor) -> None:
    """Follow an approved closure amendment: resize, re-origin or void the indicator (locked)."""
    indicator = closure_indicator(original.id, lock=True)
    if indicator is None:
        return
    refusal = indicator_refusal(amendment, indicator)
    if refusal is not None:
        raise refusal
    before = {"tonnes_tpa": indicator.tonnes_tpa, "remaining_tpa": indicator.remaining_tpa,
              "origin_filing_id": indicator.origin_filing_id}
    if amendment.cancel:
        indicator.remaining_tpa = 0
        indicator.voided_at = utcnow()
        action = "void"
    else:
        change = amendment.capacity_tpa - original.capacity_tpa
        indicator.tonnes_tpa += change
        indicator.remaining_tpa += change
        indicator.origin_filing_id = amendment.id
        action = "amend"
    db.session.flush()
    record(actor, "indicator", indicator.id, action, before=before,
           after={"tonnes_tpa": indicator.tonnes_tpa, "remaining_tpa": indicator.remaining_tpa,
                  "origin_filing_id": indicator.origin_filing_id, "filing_id": amendment.id})


def give_back_cover(original: Filing, amendment: Filing, actor) -> None:
    """Return every tonne the original new capacity consumed; the amendment's cover is consumed after.

    Locks the indicators of both filings together, in id order, so the approval
    keeps the one lock order (filing, smelter, caps, indicators by id).
    """
    lines = list(db.session.scalars(sa.select(FilingReplacement).where(FilingReplacement.filing_id == original.id)))
    ids = {line.indicator_id for line in lines} | {row.indicator_id for row in amendment.replacements}
    locked = lock_indicators(sorted(ids)) if ids else {}
    for line in lines:
        indicator = locked[line.indicator_id]
        before = indicator.remaining_tpa
        indicator.remaining_tpa += line.tonnes_tpa
        record(actor, "indicator", indicator.id, "give_back", before={"remaining_tpa": before},
               after={"remaining_tpa": indicator.remaining_tpa, "filing_id": original.id,
                      "tonnes_tpa": line.tonnes_tpa, "amendment_id": amendment.id})
    db.session.flush()
