"""Where an indicator's tonnes came from and where they went.

Back: the chain of indicators from the origin closure, through each
transfer, to this one (one recursive query). Forward: the transfers out of
this indicator and the filings that consumed (or, pending, claim) its tonnes.

A filer sees the other members' steps of the chain as figures only: their
names, smelters, filings, indicators and the notes of their transfers are 404
to it elsewhere, so they are blank here too (``_redact``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from registry.extensions import db
from registry.filings.models import APPROVED, REJECTED, WITHDRAWN, Filing
from registry.members.models import Enterprise, Smelter
from registry.replacement.models import TRADE, FilingReplacement, Indicator, IndicatorTransfer


def _chain(indicator_id: int) -> list[dict[str, Any]]:
    """The indicators from the origin (first) to ``indicator_id`` (last), each with the transfer into it."""
    up = (sa.select(Indicator.id, Indicator.parent_id, sa.literal(0).label("depth"))
          .where(Indicator.id == indicator_id).cte("up", recursive=True))
    up = up.union_all(sa.select(Indicator.id, Indicator.parent_id, up.c.depth + 1)
                      .join(up, Indicator.id == up.c.parent_id))
    rows = db.session.execute(
        sa.select(Indicator, Enterprise.name, IndicatorTransfer)
        .join(up, up.c.id == Indicator.id)
        .join(Enterprise, Enterprise.id == Indicator.enterprise_id)
        .outerjoin(IndicatorTransfer, IndicatorTransfer.to_indicator_id == Indicator.id)
        .order_by(up.c.depth.desc()))
    chain = []
    for step, enterprise_name, trade in rows:
        chain.append({
            "indicator_id": step.id, "enterprise_id": step.enterprise_id, "enterprise_name": enterprise_name,
            "tonnes_tpa": step.tonnes_tpa, "created_at": step.created_at,
            "transfer": None if trade is None else {
                "id": trade.id, "from_indicator_id": trade.from_indicator_id, "tonnes_tpa": trade.tonnes_tpa,
                "route": trade.route, "note": trade.note, "created_at": trade.created_at},
        })
    return chain


def traded(indicator_ids: list[int]) -> set[int]:
    """Those of ``indicator_ids`` whose tonnes were traded (route ``trade``) at any step of their chain, in one query.

    A merger or an intra-group transfer after a trade does not undo it: the
    tonnes left their province's members by trade (Henan, 2017).
    """
    if not indicator_ids:
        return set()
    up = (sa.select(Indicator.id.label("start"), Indicator.id, Indicator.parent_id)
          .where(Indicator.id.in_(set(indicator_ids))).cte("traded_up", recursive=True))
    up = up.union_all(sa.select(up.c.start, Indicator.id, Indicator.parent_id)
                      .join(up, Indicator.id == up.c.parent_id))
    return set(db.session.scalars(
        sa.select(up.c.start).join(IndicatorTransfer, IndicatorTransfer.to_indicator_id == up.c.id)
        .where(IndicatorTransfer.route == TRADE).distinct()))


def _origin(indicator: Indicator) -> dict[str, Any]:
    """The closure whose retired capacity the tonnes are."""
    filing_id, month, capacity, smelter_id, smelter_name, province, enterprise_id = db.session.execute(
        sa.select(Filing.id, Filing.effective_month, Filing.capacity_tpa, Smelter.id, Smelter.name,
                  Smelter.province, Smelter.enterprise_id)
        .join(Smelter, Smelter.id == Filing.smelter_id)
        .where(Filing.id == indicator.origin_filing_id)).one()
    return {"filing_id": filing_id, "effective_month": month, "capacity_tpa": capacity,
            "smelter_id": smelter_id, "smelter_name": smelter_name, "province": province,
            "enterprise_id": enterprise_id}


def _transfers_out(indicator_id: int) -> list[dict[str, Any]]:
    bought = aliased(Indicator)
    rows = db.session.execute(
        sa.select(IndicatorTransfer, bought.enterprise_id, Enterprise.name)
        .join(bought, bought.id == IndicatorTransfer.to_indicator_id)
        .join(Enterprise, Enterprise.id == bought.enterprise_id)
        .where(IndicatorTransfer.from_indicator_id == indicator_id)
        .order_by(IndicatorTransfer.id))
    return [{"id": t.id, "to_indicator_id": t.to_indicator_id, "to_enterprise_id": enterprise_id,
             "to_enterprise_name": name, "tonnes_tpa": t.tonnes_tpa, "route": t.route, "note": t.note,
             "created_at": t.created_at}
            for t, enterprise_id, name in rows]


def _uses(indicator_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(consumed by approved filings, claimed by filings still in the workflow)."""
    rows = db.session.execute(
        sa.select(Filing.id, Filing.status, Filing.smelter_id, Filing.effective_month, Filing.decided_at,
                  FilingReplacement.tonnes_tpa)
        .join(FilingReplacement, FilingReplacement.filing_id == Filing.id)
        .where(FilingReplacement.indicator_id == indicator_id, Filing.status.not_in((REJECTED, WITHDRAWN)))
        .order_by(Filing.id))
    consumed, claimed = [], []
    for filing_id, status, smelter_id, month, decided_at, tonnes in rows:
        use = {"filing_id": filing_id, "status": status, "smelter_id": smelter_id, "effective_month": month,
               "tonnes_tpa": tonnes}
        if status == APPROVED:
            consumed.append({**use, "decided_at": decided_at})
        else:
            claimed.append(use)
    return consumed, claimed


def _blank(row: dict[str, Any], *names: str) -> None:
    row.update(dict.fromkeys(names))


def _redact(found: dict[str, Any], scope: int) -> dict[str, Any]:
    """What enterprise ``scope`` may see: other members' steps without names, smelters, ids or notes."""
    origin = found["origin"]
    if origin["enterprise_id"] != scope:
        _blank(origin, "filing_id", "smelter_id", "smelter_name", "enterprise_id")
    owner = {step["indicator_id"]: step["enterprise_id"] for step in found["chain"]}
    for step in found["chain"]:
        trade = step["transfer"]
        if trade is not None and owner.get(trade["from_indicator_id"]) != scope:
            _blank(trade, "from_indicator_id", "note")
        if step["enterprise_id"] != scope:
            _blank(step, "indicator_id", "enterprise_id", "enterprise_name")
            if trade is not None:
                _blank(trade, "note")
    for trade in found["transfers_out"]:
        if trade["to_enterprise_id"] != scope:
            _blank(trade, "to_indicator_id", "to_enterprise_id", "to_enterprise_name", "note")
    return found


def lineage(indicator: Indicator, scope: int | None) -> dict[str, Any]:
    """The indicator's history as enterprise ``scope`` may see it (None: staff, everything).

    Origin closure, chain of transfers, transfers out, consuming filings.
    """
    consumed, claimed = _uses(indicator.id)
    found = {"origin": _origin(indicator), "chain": _chain(indicator.id),
             "transfers_out": _transfers_out(indicator.id), "consumed_by": consumed, "claimed_by": claimed}
    return found if scope is None else _redact(found, scope)
