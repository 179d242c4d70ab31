"""Positions: a smelter's built, operating and idle capacity month by month.

The approved filings are the ledger; a position is the smelter's baseline
plus the deltas of every approved filing effective in or before the month
(domain.md, "Model"). Each filing's deltas are summed in SQL, grouped by
month, so a smelter with thousands of filings costs one grouped query.

A closure's deltas are fixed at approval: it retires idle capacity first,
then operating capacity, as the position stands in its month. Later
approvals are checked against that fixed split, so an approved closure's
plan cannot be undone by a restart approved after it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from registry.extensions import db
from registry.filings.models import (
    APPROVED,
    CLOSURE,
    CURTAILMENT,
    NEW_CAPACITY,
    RESTART,
    Filing,
)
from registry.months import span
from registry.problems import (
    BaselineConflictsWithApprovals,
    ClosureExceedsBuilt,
    CurtailmentExceedsOperating,
    OperatingExceedsBuilt,
    RestartExceedsIdle,
)


@dataclass(frozen=True)
class Position:
    """A smelter's capacity in one month."""

    month: str
    built_tpa: int
    operating_tpa: int

    @property
    def idle_tpa(self) -> int:
        return self.built_tpa - self.operating_tpa

    def to_dict(self) -> dict:
        return {"month": self.month, "built_tpa": self.built_tpa,
                "operating_tpa": self.operating_tpa, "idle_tpa": self.idle_tpa}


def nominal_deltas(kind: str, capacity: int) -> tuple[int, int]:
    """(built, operating) change of a filing before approval fixes a closure's split.

    A closure's operating part is unknown until approval; counting it as
    idle keeps pending usage on the high, cautious side.
    """
    return {
        RESTART: (0, capacity),
        NEW_CAPACITY: (capacity, capacity),
        CURTAILMENT: (0, -capacity),
        CLOSURE: (-capacity, 0),
    }[kind]


def _deltas_by_month(smelter_id: int, until: str | None = None) -> list[tuple[str, int, int]]:
    """The approved (month, built delta, operating delta) sums, in month order."""
    stmt = (
        sa.select(Filing.effective_month, sa.func.sum(Filing.built_delta_tpa),
                  sa.func.sum(Filing.operating_delta_tpa))
        .where(Filing.smelter_id == smelter_id, Filing.status == APPROVED)
        .group_by(Filing.effective_month)
        .order_by(Filing.effective_month)
    )
    if until is not None:
        stmt = stmt.where(Filing.effective_month <= until)
    return [(m, int(b), int(o)) for m, b, o in db.session.execute(stmt)]


def position_at(smelter, month: str) -> Position:
    """The smelter's position at the end of ``month``."""
    built, operating = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Filing.built_delta_tpa), 0),
                  sa.func.coalesce(sa.func.sum(Filing.operating_delta_tpa), 0))
        .where(Filing.smelter_id == smelter.id, Filing.status == APPROVED,
               Filing.effective_month <= month)
    ).one()
    return Position(month, smelter.baseline_built_tpa + int(built),
                    smelter.baseline_operating_tpa + int(operating))


def positions_at(smelters, month: str) -> dict[int, Position]:
    """Many smelters' positions at the end of ``month`` in one grouped query (for lists)."""
    smelters = list(smelters)
    if not smelters:
        return {}
    rows = db.session.execute(
        sa.select(Filing.smelter_id, sa.func.sum(Filing.built_delta_tpa), sa.func.sum(Filing.operating_delta_tpa))
        .where(Filing.smelter_id.in_([s.id for s in smelters]), Filing.status == APPROVED,
               Filing.effective_month <= month)
        .group_by(Filing.smelter_id)
    ).all()
    deltas = {smelter_id: (int(b), int(o)) for smelter_id, b, o in rows}
    return {s.id: Position(month, s.baseline_built_tpa + deltas.get(s.id, (0, 0))[0],
                           s.baseline_operating_tpa + deltas.get(s.id, (0, 0))[1])
            for s in smelters}


def positions_by_month(smelter, first: str, last: str) -> list[Position]:
    """One position per month from ``first`` to ``last`` (none before the baseline)."""
    first = max(first, smelter.baseline_month)
    if first > last:
        return []
    changes = _deltas_by_month(smelter.id, until=last)
    built, operating = smelter.baseline_built_tpa, smelter.baseline_operating_tpa
    rows, index = [], 0
    for month in span(first, last):
        while index < len(changes) and changes[index][0] <= month:
            built += changes[index][1]
            operating += changes[index][2]
            index += 1
        rows.append(Position(month, built, operating))
    return rows


def approval_deltas(smelter, filing: Filing) -> tuple[int, int]:
    """The deltas a filing takes on approval; a closure retires idle capacity first."""
    if filing.kind != CLOSURE:
        return nominal_deltas(filing.kind, filing.capacity_tpa)
    idle = position_at(smelter, filing.effective_month).idle_tpa
    from_operating = max(0, filing.capacity_tpa - max(idle, 0))
    return -filing.capacity_tpa, -from_operating


def check_positions(smelter, filing: Filing, deltas: tuple[int, int]) -> None:
    """Refuse deltas that break 0 <= operating <= built in any month from the filing's on."""
    built, operating = smelter.baseline_built_tpa, smelter.baseline_operating_tpa
    months: list[tuple[str, int, int]] = []
    for month, d_built, d_operating in _deltas_by_month(smelter.id):
        built += d_built
        operating += d_operating
        months.append((month, built, operating))
    before = Position(filing.effective_month, *_position_before(smelter, months, filing.effective_month))
    checks = [before] + [Position(m, b, o) for m, b, o in months if m > filing.effective_month]
    for position in checks:
        _check_one(filing, position, deltas)


def _position_before(smelter, months, month: str) -> tuple[int, int]:
    built, operating = smelter.baseline_built_tpa, smelter.baseline_operating_tpa
    for m, b, o in months:
        if m > month:
            break
        built, operating = b, o
    return built, operating


def _check_one(filing: Filing, position: Position, deltas: tuple[int, int]) -> None:
    built = position.built_tpa + deltas[0]
    operating = position.operating_tpa + deltas[1]
    figures = {
        "month": position.month, "effective_month": filing.effective_month, "kind": filing.kind,
        "capacity_tpa": filing.capacity_tpa, "built_tpa": position.built_tpa,
        "operating_tpa": position.operating_tpa, "idle_tpa": position.idle_tpa,
    }
    if built < 0:
        raise ClosureExceedsBuilt(**figures)
    if operating < 0:
        raise CurtailmentExceedsOperating(**figures)
    if operating > built:
        raise (RestartExceedsIdle if filing.kind == RESTART else OperatingExceedsBuilt)(**figures)


def check_ledger(smelter) -> None:
    """Refuse a smelter whose baseline and approved filings break 0 <= operating <= built."""
    built, operating = smelter.baseline_built_tpa, smelter.baseline_operating_tpa
    for month, d_built, d_operating in _deltas_by_month(smelter.id):
        built += d_built
        operating += d_operating
        if not 0 <= operating <= built:
            raise BaselineConflictsWithApprovals(month=month, built_tpa=built, operating_tpa=operating)
