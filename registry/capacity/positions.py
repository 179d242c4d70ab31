"""Reading positions from the projection: a smelter's month, many smelters' month, a series.

Months after a smelter's last row hold its last position; months before its
baseline month hold the baseline (nothing can take effect before it).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from registry import months
from registry.capacity.models import SmelterMonth
from registry.capacity.replay import Position
from registry.extensions import db


def at_month(month: str) -> sa.Subquery:
    """Each smelter's row for ``month``: that month's, or its last row when that is earlier.

    ``in_month`` tells them apart: a carried-forward row's flows did not happen in ``month``.
    """
    exact = sa.select(SmelterMonth, sa.true().label("in_month")).where(SmelterMonth.month == month)
    carried = sa.select(SmelterMonth, sa.false().label("in_month")).where(
        SmelterMonth.is_last.is_(True), SmelterMonth.month < month)
    return sa.union_all(exact, carried).subquery("at_month")


def positions_at(smelters: Iterable, month: str) -> dict[int, Position]:
    """The smelters' positions at the end of ``month``, in one query."""
    smelters = list(smelters)
    if not smelters:
        return {}
    rows = at_month(month)
    found = {sid: (b, o) for sid, b, o in db.session.execute(
        sa.select(rows.c.smelter_id, rows.c.built_tpa, rows.c.operating_tpa)
        .where(rows.c.smelter_id.in_([s.id for s in smelters])))}
    return {s.id: Position(month, *found.get(s.id, (s.baseline_built_tpa, s.baseline_operating_tpa)))
            for s in smelters}


def position_at(smelter, month: str) -> Position:
    """The smelter's position at the end of ``month``."""
    return positions_at([smelter], month)[smelter.id]


def positions_by_month(smelter, first: str, last: str) -> list[Position]:
    """One position per month from ``first`` to ``last`` (none before the baseline)."""
    first = max(first, smelter.baseline_month)
    if first > last:
        return []
    rows = db.session.execute(
        sa.select(SmelterMonth.month, SmelterMonth.built_tpa, SmelterMonth.operating_tpa)
        .where(SmelterMonth.smelter_id == smelter.id, SmelterMonth.month <= last)
        .where(sa.or_(SmelterMonth.month >= first, SmelterMonth.is_last.is_(True)))
        .order_by(SmelterMonth.month)).all()
    by_month = {month: (built, operating) for month, built, operating in rows}
    current = (smelter.baseline_built_tpa, smelter.baseline_operating_tpa)
    if rows and rows[0].month < first:  # the last row lies before the range: carried forward
        current = by_month[rows[0].month]
    out = []
    for month in months.span(first, last):
        current = by_month.get(month, current)
        out.append(Position(month, *current))
    return out
