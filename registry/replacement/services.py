"""Capacity replacement rules: indicators, the filings' cover and transfers (ratios: ``replacement.ratios``).

Policy (domain.md, "Policy facts"): new capacity must be offset by retired
capacity at least equal to it (MIIT 2015 No. 127), 1.25 times it in the
sensitive regions, and retired capacity may not be used twice. An approved
closure creates an indicator of its tonnes; a new-capacity filing names the
indicators it draws on (``FilingReplacement``); its approval consumes them.

Lock order (every path that changes an indicator): filing -> smelter -> caps
-> indicators by id. A transfer locks only its one indicator, a subset of
that order, so it cannot deadlock with an approval; it reads the claims of
filings in review only once it holds that lock, so an approval waiting for
the same row either has not yet taken its tonnes (its claim still counts)
or has committed them (remaining is lower): reserved tonnes are never sold.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from registry.audit.services import audited_fields, record
from registry.extensions import db
from registry.filings.models import AWAITING, NEW_CAPACITY, SUBMITTED, Filing
from registry.members.models import Enterprise
from registry.members.services import NO_SUCH_ENTERPRISE
from registry.messages import Template
from registry.permissions import enterprise_scope, get_visible, require_role
from registry.problems import Conflict, InvalidInput, NotFound
from registry.replacement.models import (
    TRADE,
    FilingReplacement,
    Indicator,
    IndicatorTransfer,
)
from registry.replacement.ratios import ratio_for, required_tpa
from registry.roles import DECIDERS

NO_SUCH_INDICATOR = Template("no_such_indicator", "No such indicator.")
ONLY_NEW_CAPACITY = Template("replacements_only_new_capacity", "Only a new_capacity filing lists replacements.")
DROP_REPLACEMENTS = Template("replacements_drop",
                             "Only a new_capacity filing lists replacements; send an empty list to drop them.")
NAMED_TWICE = Template("indicator_named_twice", "Name each indicator once.")
INDICATOR_NOT_YOURS = Template("indicator_not_yours", "No indicator #%(indicator_id)s in your enterprise.")
INDICATOR_TOO_SMALL = Template("indicator_too_small",
                               "Indicator #%(indicator_id)s has %(remaining_tpa)s left, less than the "
                               "%(tonnes_tpa)s named.")
ALREADY_OWNER = Template("indicator_already_owned", "The indicator already belongs to this enterprise.")
TRANSFER_TOO_LARGE = Template("indicator_insufficient",
                              "Indicator #%(indicator_id)s has %(remaining_tpa)s left; %(requested_tpa)s cannot be "
                              "transferred.")
TRANSFER_RESERVED = Template("indicator_reserved",
                             "Indicator #%(indicator_id)s has %(remaining_tpa)s left, of which %(claimed_tpa)s are "
                             "claimed by filings in review: at most %(available_tpa)s can be transferred, not "
                             "%(requested_tpa)s.")

CLAIMING = (SUBMITTED, AWAITING)  # filings in review: the tonnes they name are reserved for them

INDICATOR_FIELDS = ("enterprise_id", "origin_smelter_id", "origin_filing_id", "parent_id", "province",
                    "tonnes_tpa", "remaining_tpa", "source_document", "expires_on")
ELIGIBILITY_FIELDS = ("source_document", "expires_on")


# Indicators --------------------------------------------------------------------------------------

def indicators_for(user, filters: dict[str, Any] | None = None) -> sa.Select:
    """The indicators ``user`` may see (a filer: its enterprise's), filtered, by id."""
    filters = filters or {}
    stmt = sa.select(Indicator).order_by(Indicator.id)
    scope = enterprise_scope(user)
    if scope is not None:
        stmt = stmt.where(Indicator.enterprise_id == scope)
    for name in ("enterprise_id", "province", "origin_smelter_id", "origin_filing_id"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(Indicator, name) == filters[name])
    if filters.get("has_remaining") is True:
        stmt = stmt.where(Indicator.remaining_tpa > 0)
    elif filters.get("has_remaining") is False:
        stmt = stmt.where(Indicator.remaining_tpa == 0)
    return stmt


def get_indicator(user, indicator_id: int) -> Indicator:
    """An indicator ``user`` may see, else 404."""
    return get_visible(user, Indicator, indicator_id, NO_SUCH_INDICATOR)


def claimed_tpa(indicator_ids: list[int]) -> dict[int, int]:
    """indicator id -> tonnes reserved by filings in review (submitted or awaiting a second approval), one query.

    Drafts and returned filings reserve nothing: they are not yet (or no
    longer) before the association. An amendment claims only what it names
    beyond the tonnes its original already took from the indicator.
    """
    if not indicator_ids:
        return {}
    original = aliased(FilingReplacement)
    beyond = FilingReplacement.tonnes_tpa - sa.func.coalesce(original.tonnes_tpa, 0)
    rows = db.session.execute(
        sa.select(FilingReplacement.indicator_id, sa.func.sum(sa.case((beyond > 0, beyond), else_=0)))
        .join(Filing, Filing.id == FilingReplacement.filing_id)
        .outerjoin(original, sa.and_(original.filing_id == Filing.amends_id,
                                     original.indicator_id == FilingReplacement.indicator_id))
        .where(FilingReplacement.indicator_id.in_(set(indicator_ids)), Filing.status.in_(CLAIMING))
        .group_by(FilingReplacement.indicator_id))
    return {indicator_id: int(tonnes or 0) for indicator_id, tonnes in rows}


def available_tpa(remaining: int, claimed: int) -> int:
    """What may still be transferred or newly named: remaining less the reserved claims, never below 0."""
    return max(0, remaining - claimed)


def with_claims(indicators: list[Indicator]) -> list[dict[str, Any]]:
    """Indicators as IndicatorOut rows with ``claimed_tpa`` and ``available_tpa`` (one query for them all)."""
    claims = claimed_tpa([indicator.id for indicator in indicators])
    rows = []
    for indicator in indicators:
        claimed = claims.get(indicator.id, 0)
        row = {name: getattr(indicator, name) for name in (
            "id", "enterprise_id", "origin_smelter_id", "origin_filing_id", "parent_id", "province", "tonnes_tpa",
            "remaining_tpa", "created_at", "source_document", "expires_on")}
        rows.append({**row, "claimed_tpa": claimed, "available_tpa": available_tpa(indicator.remaining_tpa, claimed)})
    return rows


def update_indicator(indicator: Indicator, data: dict[str, Any], actor) -> Indicator:
    """Record an indicator's source document and expiry (reviewer, admin), with its audit event.

    A bought indicator's own values are edited here; the seller's stay as
    they are (each indicator is one member's record of the same document).
    """
    require_role(actor, *DECIDERS)
    before = audited_fields(indicator, ELIGIBILITY_FIELDS)
    for name in ELIGIBILITY_FIELDS:
        if name in data:
            value = data[name]
            setattr(indicator, name, value if value != "" else None)
    db.session.flush()
    record(actor, "indicator", indicator.id, "update", before=before,
           after=audited_fields(indicator, ELIGIBILITY_FIELDS))
    return indicator


def lock_indicators(ids: list[int]) -> dict[int, Indicator]:
    """Lock indicators FOR UPDATE in id order (the fixed lock order) and read them afresh."""
    stmt = (sa.select(Indicator).where(Indicator.id.in_(sorted(set(ids)))).order_by(Indicator.id)
            .with_for_update().execution_options(populate_existing=True))
    return {indicator.id: indicator for indicator in db.session.scalars(stmt)}


def create_from_closure(filing: Filing, smelter, actor) -> Indicator:
    """The indicator an approved closure creates: its tonnes, owned by the smelter's enterprise."""
    indicator = Indicator(enterprise_id=smelter.enterprise_id, origin_smelter_id=smelter.id,
                          origin_filing_id=filing.id, province=smelter.province,
                          tonnes_tpa=filing.capacity_tpa, remaining_tpa=filing.capacity_tpa)
    db.session.add(indicator)
    db.session.flush()
    record(actor, "indicator", indicator.id, "create", after=audited_fields(indicator, INDICATOR_FIELDS))
    return indicator


# A filing's replacements -------------------------------------------------------------------------

def returned_cover(filing: Filing) -> dict[int, int]:
    """indicator id -> tonnes that approving ``filing`` gives back: what its original (if any) consumed."""
    if filing.amends_id is None or filing.kind != NEW_CAPACITY:
        return {}
    return dict(db.session.execute(
        sa.select(FilingReplacement.indicator_id, FilingReplacement.tonnes_tpa)
        .where(FilingReplacement.filing_id == filing.amends_id)).all())


def carried_cover(original: Filing, capacity_tpa: int) -> list[dict[str, int]] | None:
    """An amendment's default cover: the original's indicators, as far as ``capacity_tpa`` needs them.

    A reduction keeps only the tonnes still required, so its approval gives the
    rest back; an increase keeps them all and needs more named.
    """
    if original.kind != NEW_CAPACITY:
        return None
    left = required_tpa(capacity_tpa, ratio_for(original.smelter.province, original.smelter.prefecture))
    items = []
    for row in original.replacements:
        if left <= 0:
            break
        items.append({"indicator_id": row.indicator_id, "tonnes_tpa": min(row.tonnes_tpa, left)})
        left -= items[-1]["tonnes_tpa"]
    return items


def set_replacements(filing: Filing, items: list[dict[str, int]] | None) -> None:
    """Store the indicators a filing draws on, replacing earlier ones (``None``: keep them).

    Only a new-capacity filing carries replacements, and only its own
    enterprise's indicators; whether they still have the tonnes is checked
    again, under lock, at approval.
    """
    current = db.session.scalars(sa.select(FilingReplacement).where(FilingReplacement.filing_id == filing.id))
    current = list(current)
    if items is None:
        if current and filing.kind != NEW_CAPACITY:
            raise InvalidInput("replacements", DROP_REPLACEMENTS())
        return
    if not items and not current:
        return
    if items and filing.kind != NEW_CAPACITY:
        raise InvalidInput("replacements", ONLY_NEW_CAPACITY())
    ids = [item["indicator_id"] for item in items]
    if len(set(ids)) != len(ids):
        raise InvalidInput("replacements", NAMED_TWICE())
    owned = dict(db.session.execute(
        sa.select(Indicator.id, Indicator.remaining_tpa)
        .where(Indicator.id.in_(ids), Indicator.enterprise_id == filing.smelter.enterprise_id)).all())
    for indicator_id, tonnes in returned_cover(filing).items():  # an amendment may reuse what its original took
        if indicator_id in owned:
            owned[indicator_id] += tonnes
    for item in items:
        if item["indicator_id"] not in owned:
            raise InvalidInput("replacements", INDICATOR_NOT_YOURS(indicator_id=item["indicator_id"]))
        if item["tonnes_tpa"] > owned[item["indicator_id"]]:
            raise InvalidInput("replacements", INDICATOR_TOO_SMALL(
                indicator_id=item["indicator_id"], remaining_tpa=owned[item["indicator_id"]],
                tonnes_tpa=item["tonnes_tpa"]))
    for row in current:
        db.session.delete(row)
    db.session.flush()
    for item in items:
        db.session.add(FilingReplacement(filing_id=filing.id, indicator_id=item["indicator_id"],
                                         tonnes_tpa=item["tonnes_tpa"]))
    db.session.flush()
    db.session.expire(filing, ["replacements"])


def audited_replacements(filing: Filing) -> list[dict[str, int]]:
    """The filing's replacements as JSON-ready rows, for audit events."""
    return [{"indicator_id": r.indicator_id, "tonnes_tpa": r.tonnes_tpa} for r in filing.replacements]


# Transfers ---------------------------------------------------------------------------------------

def transfer(indicator_id: int, to_enterprise_id: int, tonnes_tpa: int, note: str, actor, *,
             route: str = TRADE) -> IndicatorTransfer:
    """Record a transfer by ``route``: ``tonnes_tpa`` of an indicator move to a new indicator of the buyer.

    The seller's indicator is locked first, so concurrent transfers and
    approvals cannot together take more than it has; then the claims of
    filings in review are read, and a transfer that would take their
    tonnes is refused (409 ``indicator_reserved``). The API and the form
    require ``route``; the default is what transfers recorded before routes were.
    The bought indicator keeps the seller's source document and expiry.
    """
    require_role(actor, *DECIDERS)
    seller = lock_indicators([indicator_id]).get(indicator_id)
    if seller is None:
        raise NotFound(NO_SUCH_INDICATOR())
    buyer = db.session.get(Enterprise, to_enterprise_id)
    if buyer is None:
        raise InvalidInput("to_enterprise_id", NO_SUCH_ENTERPRISE())
    if buyer.id == seller.enterprise_id:
        raise InvalidInput("to_enterprise_id", ALREADY_OWNER())
    if tonnes_tpa > seller.remaining_tpa:
        raise Conflict(TRANSFER_TOO_LARGE(indicator_id=seller.id, remaining_tpa=seller.remaining_tpa,
                                          requested_tpa=tonnes_tpa),
                       code="indicator_insufficient", indicator_id=seller.id, remaining_tpa=seller.remaining_tpa,
                       requested_tpa=tonnes_tpa)
    claims = claimed_tpa([seller.id]).get(seller.id, 0)  # read under the lock: see the module's docstring
    available = available_tpa(seller.remaining_tpa, claims)
    if tonnes_tpa > available:
        figures = {"indicator_id": seller.id, "remaining_tpa": seller.remaining_tpa, "claimed_tpa": claims,
                   "available_tpa": available, "requested_tpa": tonnes_tpa}
        raise Conflict(TRANSFER_RESERVED(**figures), code="indicator_reserved", **figures)
    before = audited_fields(seller, INDICATOR_FIELDS)
    seller.remaining_tpa -= tonnes_tpa
    bought = Indicator(enterprise_id=buyer.id, origin_smelter_id=seller.origin_smelter_id,
                       origin_filing_id=seller.origin_filing_id, parent_id=seller.id,
                       province=seller.province, tonnes_tpa=tonnes_tpa, remaining_tpa=tonnes_tpa,
                       source_document=seller.source_document, expires_on=seller.expires_on)
    db.session.add(bought)
    db.session.flush()
    trade = IndicatorTransfer(from_indicator_id=seller.id, to_indicator_id=bought.id, tonnes_tpa=tonnes_tpa,
                              note=note or "", route=route, recorded_by=actor.id)
    db.session.add(trade)
    db.session.flush()
    record(actor, "indicator", seller.id, "transfer_out", before=before, after=audited_fields(seller, INDICATOR_FIELDS))
    record(actor, "indicator", bought.id, "create", after=audited_fields(bought, INDICATOR_FIELDS))
    record(actor, "indicator_transfer", trade.id, "create",
           after={"from_indicator_id": seller.id, "to_indicator_id": bought.id, "tonnes_tpa": tonnes_tpa,
                  "to_enterprise_id": buyer.id, "note": trade.note, "route": route})
    return trade
