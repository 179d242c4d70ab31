"""What approving a filing does to its smelter, and the position rules it must keep.

``approval_effect`` replays the smelter's months from the filing's on, with
and without it (the projection's flows, one query): the difference is the
filing's effect on built and operating capacity in every later month (a
restart's effect ends where a later closure takes that capacity). A month
that breaks a rule refuses the approval, naming the month and the position.
An amendment's effect is the ledger without its original and with it: the
original's capacity leaves its month, the amendment's (none, for a
cancellation) enters its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    """The filing's change to built and operating capacity from ``first`` on (the last holds after)."""

    filing: Filing
    first: str  # the earliest month the approval changes (an amendment: its own or its original's)
    built: tuple[int, ...]
    operating: tuple[int, ...]
    additions: dict[str, int] = field(default_factory=dict)  # month -> change to restarts and new capacity

    def delta(self, basis: str, month: str) -> int:
        """How much approving the filing adds to ``basis`` in ``month`` (negative: takes away)."""
        if basis == MONTHLY_ADDITIONS:
            return self.additions.get(month, 0)
        if month < self.first:
            return 0
        series = self.built if basis == BUILT else self.operating
        return series[min(months.to_index(month) - months.to_index(self.first), len(series) - 1)]


def changes(filing: Filing) -> list[tuple[str, str, int]]:
    """(month, kind, capacity) an approval of ``filing`` puts into the ledger, and takes out of it."""
    found = [] if filing.cancel else [(filing.effective_month, filing.kind, filing.capacity_tpa)]
    if filing.amends_id is not None:
        original = db.session.get(Filing, filing.amends_id)
        found.append((original.effective_month, original.kind, -original.capacity_tpa))
    return found


def smelter_rows(smelter, first: str | None = None) -> list[SmelterMonth]:
    """The smelter's projection rows from the month before ``first`` (all when None), and its last row."""
    stmt = sa.select(SmelterMonth).where(SmelterMonth.smelter_id == smelter.id).order_by(SmelterMonth.month)
    if first is not None:
        stmt = stmt.where(sa.or_(SmelterMonth.month >= months.add(first, -1), SmelterMonth.is_last.is_(True)))
    return list(db.session.scalars(stmt))


def _months_from(smelter, first: str, rows: list[SmelterMonth], last: str
                 ) -> tuple[tuple[int, int], list[tuple[str, Flows, Position]]]:
    """The position before ``first`` and each month from ``first`` to the smelter's last row or ``last``."""
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
    final = later[-1][2]
    if final.month < last:  # an amendment moved past the last row: its position carried on
        later += [(month, NO_FLOWS, Position(month, final.built_tpa, final.operating_tpa))
                  for month in months.span(months.add(final.month, 1), last)]
    return start, later


def approval_effect(smelter, filing: Filing, *, check: bool = True,
                    rows: list[SmelterMonth] | None = None) -> Effect:
    """The filing's effect if approved now; refuses it if a month would break a position rule.

    ``check=False`` (previews) gives the effect even then; the approval will refuse it.
    ``rows``: the smelter's ``smelter_rows``, when a queue of its filings shares one read.
    """
    moved = changes(filing)
    first, last = min(month for month, _, _ in moved), max(month for month, _, _ in moved)
    if rows is None:
        rows = smelter_rows(smelter, first)
    start, later = _months_from(smelter, first, rows, last)
    with_filing = []
    for month, flows, _ in later:
        for changed_month, kind, capacity in moved:
            if changed_month == month:
                flows = flows.plus(kind, capacity)
        with_filing.append((month, flows))
    built, operating = [], []
    for step, (_, _, old) in zip(replay(*start, with_filing), later, strict=True):
        if check and step.broken:
            _refuse(step.broken, filing, old)
        built.append(step.built - old.built_tpa)
        operating.append(step.operating - old.operating_tpa)
    additions: dict[str, int] = {}
    for month, kind, capacity in moved:
        if kind in ADDITION_KINDS:
            additions[month] = additions.get(month, 0) + capacity
    return Effect(filing, first, tuple(built), tuple(operating), additions)


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
