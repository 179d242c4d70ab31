"""What approving a filing does to its smelter, and the position rules it must keep.

``approval_effect`` replays the smelter's months from the filing's on, with
and without it (the projection's flows, one query): the difference is the
filing's effect on built and operating capacity in every later month (a
restart's effect ends where a later closure takes that capacity). A month
that breaks a rule refuses the approval, naming the month and the position.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from registry import months
from registry.capacity.models import SmelterMonth
from registry.capacity.projection import approved_flows, counted_flows
from registry.capacity.replay import NO_FLOWS, Flows, Position, replay
from registry.caps.models import BUILT, MONTHLY_ADDITIONS
from registry.extensions import db
from registry.filings.models import ADDITION_KINDS, RESTART, Filing
from registry.problems import (
    BaselineConflictsWithApprovals,
    ClosureExceedsBuilt,
    CurtailmentExceedsOperating,
    OperatingExceedsBuilt,
    RestartExceedsIdle,
)


@dataclass(frozen=True)
class Effect:
    """The filing's change to built and operating capacity from its month on (the last holds after)."""

    filing: Filing
    built: tuple[int, ...]
    operating: tuple[int, ...]

    def delta(self, basis: str, month: str) -> int:
        """How much approving the filing adds to ``basis`` in ``month``."""
        first = self.filing.effective_month
        if basis == MONTHLY_ADDITIONS:
            return self.filing.capacity_tpa if month == first and self.filing.kind in ADDITION_KINDS else 0
        if month < first:
            return 0
        series = self.built if basis == BUILT else self.operating
        return series[min(months.to_index(month) - months.to_index(first), len(series) - 1)]


def smelter_rows(smelter, first: str | None = None) -> list[SmelterMonth]:
    """The smelter's projection rows from the month before ``first`` (all when None), and its last row."""
    stmt = sa.select(SmelterMonth).where(SmelterMonth.smelter_id == smelter.id).order_by(SmelterMonth.month)
    if first is not None:
        stmt = stmt.where(sa.or_(SmelterMonth.month >= months.add(first, -1), SmelterMonth.is_last.is_(True)))
    return list(db.session.scalars(stmt))


def _months_from(smelter, first: str, rows: list[SmelterMonth]) -> tuple[tuple[int, int],
                                                                        list[tuple[str, Flows, Position]]]:
    """The position before ``first`` and each month from ``first`` to the smelter's last row."""
    before = months.add(first, -1)
    rows = [row for row in rows if row.month >= before or row.is_last]
    start = (smelter.baseline_built_tpa, smelter.baseline_operating_tpa)
    later = []
    for row in rows:
        if row.month < first:
            start = (row.built_tpa, row.operating_tpa)  # the month before, or a last row carried to it
        else:
            later.append((row.month, approved_flows(row), Position(row.month, row.built_tpa, row.operating_tpa)))
    if not later:  # the filing's month is past the smelter's last row
        later = [(first, NO_FLOWS, Position(first, *start))]
    return start, later


def approval_effect(smelter, filing: Filing, *, check: bool = True,
                    rows: list[SmelterMonth] | None = None) -> Effect:
    """The filing's effect if approved now; refuses it if a month would break a position rule.

    ``check=False`` (previews) gives the effect even then; the approval will refuse it.
    ``rows``: the smelter's ``smelter_rows``, when a queue of its filings shares one read.
    """
    if rows is None:
        rows = smelter_rows(smelter, filing.effective_month)
    start, later = _months_from(smelter, filing.effective_month, rows)
    with_filing = [(month, flows.plus(filing.kind, filing.capacity_tpa) if month == filing.effective_month
                    else flows) for month, flows, _ in later]
    built, operating = [], []
    for step, (_, _, old) in zip(replay(*start, with_filing), later, strict=True):
        if check and step.broken:
            _refuse(step.broken, filing, old)
        built.append(step.built - old.built_tpa)
        operating.append(step.operating - old.operating_tpa)
    return Effect(filing, tuple(built), tuple(operating))


def _refuse(broken: str, filing: Filing, position: Position) -> None:
    figures = {
        "month": position.month, "effective_month": filing.effective_month, "kind": filing.kind,
        "capacity_tpa": filing.capacity_tpa, "built_tpa": position.built_tpa,
        "operating_tpa": position.operating_tpa, "idle_tpa": position.idle_tpa,
    }
    if broken == "closure":
        raise ClosureExceedsBuilt(**figures)
    if broken == "curtailment":
        raise CurtailmentExceedsOperating(**figures)
    raise (RestartExceedsIdle if filing.kind == RESTART else OperatingExceedsBuilt)(**figures)


def check_baseline(smelter) -> None:
    """Refuse a baseline under which the approved filings break a position rule in some month."""
    flows = counted_flows(smelter.id).get(smelter.id, {})
    if not flows:
        return
    span = months.span(smelter.baseline_month, max(flows))
    steps = replay(smelter.baseline_built_tpa, smelter.baseline_operating_tpa,
                   ((m, flows.get(m, (NO_FLOWS, NO_FLOWS))[0]) for m in span))
    for step in steps:
        if step.broken:
            raise BaselineConflictsWithApprovals(month=step.month, built_tpa=step.built,
                                                 operating_tpa=step.operating)
