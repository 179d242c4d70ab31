"""A new-capacity filing's cover: the indicators it names against capacity x ratio.

``consume_cover`` is the approval step (called from
``registry.filings.workflow``): it locks the named indicators FOR UPDATE in id
order, after the filing, the smelter and the caps, so two approvals drawing
on one indicator are serialised and the second sees what the first left.
On SQLite the request already holds the write lock (``registry.db``).

Eligibility (MIIT 2018 No. 12; domain.md, "Indicator eligibility") is checked
with the tonnes, here, so the approval, the readiness warnings and the
cover tables agree:

- an indicator whose ``expires_on`` is before today (``registry.clock``, the
  day of the approval) is expired: an indicator expiring on E still covers
  a filing approved on E, not one approved the day after;
- a traded indicator (a ``trade`` anywhere in its chain of transfers) from a
  province whose policy forbids trading out covers only new capacity in
  that province, as the policy stands at approval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from registry.audit.services import record
from registry.clock import today
from registry.extensions import db
from registry.filings.models import APPROVED, NEW_CAPACITY, Filing
from registry.members.models import Smelter
from registry.problems import IndicatorExpired, IndicatorProvinceRestricted, RuleBroken, ShortCover
from registry.replacement.lineage import traded
from registry.replacement.models import FilingReplacement, Indicator, ProvinceIndicatorPolicy
from registry.replacement.ratios import ratio_for, ratios_for, required_tpa
from registry.replacement.services import lock_indicators, returned_cover


@dataclass
class CoverLine:
    """One indicator named by a filing, and what it has left."""

    indicator_id: int
    tonnes_tpa: int
    remaining_tpa: int
    expires_on: dt.date | None = None
    expired: bool = False
    restricted_to: str | None = None  # the province a traded indicator must stay in, when the filing is elsewhere

    @property
    def enough(self) -> bool:
        return self.remaining_tpa >= self.tonnes_tpa

    @property
    def eligible(self) -> bool:
        return not self.expired and self.restricted_to is None


@dataclass
class Cover:
    """Required against offered tonnes for one filing."""

    capacity_tpa: int
    ratio: Decimal
    lines: list[CoverLine] = field(default_factory=list)
    consumed: bool = False

    @property
    def required_tpa(self) -> int:
        return required_tpa(self.capacity_tpa, self.ratio)

    @property
    def offered_tpa(self) -> int:
        return sum(line.tonnes_tpa for line in self.lines)

    @property
    def shortfall_tpa(self) -> int:
        return max(0, self.required_tpa - self.offered_tpa)

    @property
    def lacking(self) -> list[CoverLine]:
        """Lines whose indicator no longer has the tonnes (never, once consumed)."""
        return [] if self.consumed else [line for line in self.lines if not line.enough]

    @property
    def ineligible(self) -> list[CoverLine]:
        """Lines whose indicator may not cover this filing: expired or restricted (never, once consumed)."""
        return [] if self.consumed else [line for line in self.lines if not line.eligible]

    def to_dict(self) -> dict[str, Any]:
        return {
            "capacity_tpa": self.capacity_tpa, "ratio": float(self.ratio),
            "required_tpa": self.required_tpa, "offered_tpa": self.offered_tpa,
            "shortfall_tpa": self.shortfall_tpa, "consumed": self.consumed,
            "covered": self.shortfall_tpa == 0 and not self.lacking and not self.ineligible,
            "lines": [{"indicator_id": line.indicator_id, "tonnes_tpa": line.tonnes_tpa,
                       "remaining_tpa": line.remaining_tpa, "enough": self.consumed or line.enough,
                       "expires_on": line.expires_on, "expired": not self.consumed and line.expired,
                       "restricted_to": None if self.consumed else line.restricted_to}
                      for line in self.lines],
        }


def _cover(filing: Filing, smelter: Smelter, indicators: dict[int, Indicator],
           credit: dict[int, int] | None = None) -> Cover:
    """The filing's cover from ``indicators`` (another enterprise's indicator offers nothing).

    ``credit``: tonnes an amendment's approval gives back first (its original's cover).
    """
    credit = credit or {}
    cover = Cover(filing.capacity_tpa, ratio_for(smelter.province, smelter.prefecture))
    for row in filing.replacements:
        indicator = indicators.get(row.indicator_id)
        mine = indicator is not None and indicator.enterprise_id == smelter.enterprise_id
        remaining = indicator.remaining_tpa + credit.get(row.indicator_id, 0) if mine else 0
        cover.lines.append(CoverLine(row.indicator_id, row.tonnes_tpa, remaining,
                                     expires_on=indicator.expires_on if mine else None))
    _judge([(line, smelter.province) for line in cover.lines],
           {i.id: i.province for i in indicators.values() if i.enterprise_id == smelter.enterprise_id})
    return cover


def _closed_provinces() -> set[str]:
    """Provinces whose policy forbids trading their indicators out."""
    return set(db.session.scalars(sa.select(ProvinceIndicatorPolicy.province)
                                  .where(ProvinceIndicatorPolicy.trade_out_allowed.is_(False))))


def _judge(lines: list[tuple[CoverLine, str]], origin: dict[int, str]) -> None:
    """Mark each line expired or restricted (module docstring); two queries for any number of lines.

    ``lines``: each with the province of the filing's smelter; ``origin``: indicator id -> its province.
    """
    day = today()
    for line, _ in lines:
        line.expired = line.expires_on is not None and line.expires_on < day
    closed = _closed_provinces() if lines else set()
    suspects = [(line, origin[line.indicator_id]) for line, province in lines
                if origin.get(line.indicator_id) in closed and origin[line.indicator_id] != province]
    bought = traded([line.indicator_id for line, _ in suspects])
    for line, home in suspects:
        if line.indicator_id in bought:
            line.restricted_to = home


def check_cover(cover: Cover, smelter: Smelter) -> None:
    """Refuse an ineligible indicator (409 ``indicator_expired``, ``indicator_province_restricted``), then short
    cover (409 ``short_cover``): in total, or an indicator without the tonnes named."""
    for line in cover.ineligible:
        if line.expired:
            raise IndicatorExpired(indicator_id=line.indicator_id, expires_on=line.expires_on.isoformat(),
                                   today=today().isoformat())
        raise IndicatorProvinceRestricted(indicator_id=line.indicator_id, province=line.restricted_to,
                                          smelter_province=smelter.province)
    figures = {"capacity_tpa": cover.capacity_tpa, "ratio": float(cover.ratio), "province": smelter.province,
               "required_tpa": cover.required_tpa, "offered_tpa": cover.offered_tpa,
               "shortfall_tpa": cover.shortfall_tpa}
    if cover.shortfall_tpa:
        raise ShortCover(**figures)
    if cover.lacking:
        line = cover.lacking[0]
        raise ShortCover(
            **figures, indicator_id=line.indicator_id, indicator_remaining_tpa=line.remaining_tpa,
            indicator_wanted_tpa=line.tonnes_tpa,
            lacking=[{"indicator_id": x.indicator_id, "remaining_tpa": x.remaining_tpa,
                      "wanted_tpa": x.tonnes_tpa} for x in cover.lacking])


def cover_refusal(filing: Filing, smelter: Smelter) -> RuleBroken | None:
    """What :func:`consume_cover` would refuse now, read without locks (previews); None if covered."""
    ids = [row.indicator_id for row in filing.replacements]
    found = db.session.scalars(sa.select(Indicator).where(Indicator.id.in_(ids))) if ids else []
    try:
        check_cover(_cover(filing, smelter, {indicator.id: indicator for indicator in found},
                           returned_cover(filing)), smelter)
    except (ShortCover, IndicatorExpired, IndicatorProvinceRestricted) as refusal:
        return refusal
    return None


def consume_cover(filing: Filing, smelter: Smelter, actor) -> Cover:
    """Refuse short cover (:func:`check_cover`), else take the tonnes from each indicator."""
    rows = list(filing.replacements)
    locked = lock_indicators([row.indicator_id for row in rows]) if rows else {}
    cover = _cover(filing, smelter, locked)
    check_cover(cover, smelter)
    for row in rows:
        indicator = locked[row.indicator_id]
        before = indicator.remaining_tpa
        indicator.remaining_tpa -= row.tonnes_tpa
        record(actor, "indicator", indicator.id, "consume", before={"remaining_tpa": before},
               after={"remaining_tpa": indicator.remaining_tpa, "filing_id": filing.id,
                      "tonnes_tpa": row.tonnes_tpa})
    db.session.flush()
    cover.consumed = True
    return cover


def cover_summaries(filings: list[Filing]) -> dict[int, dict[str, Any]]:
    """``cover_summary`` for many filings in a fixed number of queries (for lists such as the review queue)."""
    wanted = [f for f in filings if f.kind == NEW_CAPACITY]
    if not wanted:
        return {}
    ratios = ratios_for({(f.smelter.province, f.smelter.prefecture) for f in wanted})
    lines: dict[int, list[CoverLine]] = {}
    origin: dict[int, str] = {}
    destination = {f.id: f.smelter.province for f in wanted}
    judged: list[tuple[CoverLine, str]] = []
    for filing_id, indicator_id, tonnes, remaining, expires_on, province in db.session.execute(
        sa.select(FilingReplacement.filing_id, FilingReplacement.indicator_id, FilingReplacement.tonnes_tpa,
                  Indicator.remaining_tpa, Indicator.expires_on, Indicator.province)
        .join(Indicator, Indicator.id == FilingReplacement.indicator_id)
        .where(FilingReplacement.filing_id.in_([f.id for f in wanted]))
        .order_by(FilingReplacement.filing_id, FilingReplacement.indicator_id)
    ):
        line = CoverLine(indicator_id, tonnes, remaining, expires_on=expires_on)
        lines.setdefault(filing_id, []).append(line)
        judged.append((line, destination[filing_id]))
        origin[indicator_id] = province
    _judge(judged, origin)
    out = {}
    for filing in wanted:
        ratio = ratios[(filing.smelter.province, filing.smelter.prefecture)]
        cover = Cover(filing.capacity_tpa, ratio, lines.get(filing.id, []), consumed=filing.status == APPROVED)
        out[filing.id] = cover.to_dict()
    return out


def cover_summary(filing: Filing) -> dict[str, Any] | None:
    """What a reviewer checks: required, offered, ratio, shortfall and each indicator; None unless new capacity.

    Keys: capacity_tpa, ratio, required_tpa, offered_tpa, shortfall_tpa,
    consumed (approved: the tonnes were taken), covered (approval would pass
    the cover rule now), lines [{indicator_id, tonnes_tpa, remaining_tpa, enough}].
    """
    return cover_summaries([filing]).get(filing.id)
