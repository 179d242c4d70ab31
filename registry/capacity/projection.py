"""Keeping the projection: every status change that counts, in its own transaction.

A filing counts while it is approved (the ledger) or in review (pending);
an amendment only once approved (until then its original stands), and an
approved cancellation never (its approval takes the original out).
``record_transition`` moves its capacity between the month's flow columns
and replays the smelter from that month on: at most one row per later
month of one smelter, whatever the length of the ledger. It takes the
smelter's lock first, so two requests never replay one smelter at once. ``rebuild`` and ``verify`` replay every smelter
from the filings themselves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from registry import months
from registry.capacity.models import (
    FIGURE_COLUMNS,
    FLOW_COLUMNS,
    PENDING_FLOW_COLUMNS,
    POSITION_COLUMNS,
    FilingCount,
    SmelterMonth,
)
from registry.capacity.replay import FLOW_OF_KIND, NO_FLOWS, Flows, replay
from registry.extensions import db
from registry.filings.models import APPROVED, IN_REVIEW, Filing
from registry.members.models import Smelter


def counts(filing: Filing, status: str) -> bool:
    """Whether ``filing`` in ``status`` is in the projection's flows (approved, or pending)."""
    if status == APPROVED:
        return not filing.cancel
    return status in IN_REVIEW and filing.amends_id is None


def counted_clause() -> sa.ColumnElement[bool]:
    """:func:`counts` in SQL, for the replays from the filings themselves."""
    return sa.or_(sa.and_(Filing.status == APPROVED, Filing.cancel.is_(False)),
                  sa.and_(Filing.status.in_(IN_REVIEW), Filing.amends_id.is_(None)))


def approved_flows(row: SmelterMonth) -> Flows:
    return Flows(row.restart_tpa, row.new_tpa, row.curtail_tpa, row.closure_tpa)


def pending_flows(row: SmelterMonth) -> Flows:
    """Submitted filings only; add ``approved_flows`` for the pending ledger."""
    return Flows(row.pending_restart_tpa, row.pending_new_tpa, row.pending_curtail_tpa, row.pending_closure_tpa)


def _rows(smelter_id: int, first: str) -> list[SmelterMonth]:
    return list(db.session.scalars(
        sa.select(SmelterMonth).where(SmelterMonth.smelter_id == smelter_id, SmelterMonth.month >= first)
        .order_by(SmelterMonth.month)))


def _last_row(smelter_id: int) -> SmelterMonth | None:
    return db.session.scalar(sa.select(SmelterMonth).where(SmelterMonth.smelter_id == smelter_id)
                             .order_by(SmelterMonth.month.desc()).limit(1))


def _row_before(smelter: Smelter, month: str) -> tuple[int, int, int, int]:
    """(built, operating, pending built, pending operating) at the end of the month before ``month``."""
    if month <= smelter.baseline_month:
        return (smelter.baseline_built_tpa, smelter.baseline_operating_tpa) * 2
    row = db.session.get(SmelterMonth, {"smelter_id": smelter.id, "month": months.add(month, -1)})
    return row.built_tpa, row.operating_tpa, row.pending_built_tpa, row.pending_operating_tpa


def _baseline_positions(smelter: Smelter) -> dict[str, int]:
    """The POSITION_COLUMNS of a month with nothing approved or pending: the baseline."""
    built, operating = smelter.baseline_built_tpa, smelter.baseline_operating_tpa
    return dict(zip(POSITION_COLUMNS, (built, operating, built, operating), strict=True))


def extend(smelter: Smelter, through: str) -> None:
    """Rows for the smelter up to ``through``: its position carried forward, no flows."""
    last = _last_row(smelter.id)
    if last is None:  # a smelter bulk-loaded without its baseline row (rebuild gives it one too)
        first, figures = smelter.baseline_month, _baseline_positions(smelter)
    elif last.month >= through:
        return
    else:
        first = months.add(last.month, 1)
        figures = {name: getattr(last, name) for name in POSITION_COLUMNS}
        last.is_last = False
    through = max(through, first)
    db.session.add_all(SmelterMonth(smelter_id=smelter.id, month=month, is_last=month == through, **figures)
                       for month in months.span(first, through))
    db.session.flush()


def replay_from(smelter: Smelter, first: str) -> None:
    """Recompute the smelter's positions from ``first`` on, from the stored flows."""
    first = max(first, smelter.baseline_month)
    rows = _rows(smelter.id, first)
    built, operating, pending_built, pending_operating = _row_before(smelter, first)
    approved = replay(built, operating, ((r.month, approved_flows(r)) for r in rows))
    pending = replay(pending_built, pending_operating,
                     ((r.month, approved_flows(r) + pending_flows(r)) for r in rows))
    for row, step, pending_step in zip(rows, approved, pending, strict=True):
        row.built_tpa, row.operating_tpa = step.built, step.operating
        row.pending_built_tpa, row.pending_operating_tpa = pending_step.built, pending_step.operating


def _move(filing: Filing, status: str, sign: int) -> None:
    prefix = "" if status == APPROVED else "pending_"
    column = f"{prefix}{FLOW_OF_KIND[filing.kind]}_tpa"
    row = db.session.get(SmelterMonth, {"smelter_id": filing.smelter_id, "month": filing.effective_month})
    setattr(row, column, getattr(row, column) + sign * filing.capacity_tpa)


def count_filing(smelter_id: int, status: str, kind: str, by: int) -> None:
    """Add ``by`` to the smelter's count of filings in ``status`` and ``kind`` (an upsert: no race)."""
    table = FilingCount.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(table).values(smelter_id=smelter_id, status=status, kind=kind, filings=by)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.smelter_id, table.c.status, table.c.kind],
        set_={"filings": table.c.filings + stmt.excluded.filings}))


def record_transition(filing: Filing, before: str, after: str) -> None:
    """The filing went from status ``before`` to ``after``: its counts, its flows, its smelter's replay."""
    if before != after:
        count_filing(filing.smelter_id, before, filing.kind, -1)
        count_filing(filing.smelter_id, after, filing.kind, +1)
    was, now = counts(filing, before), counts(filing, after)
    if before == after or not (was or now):
        return
    # The smelter's lock serialises every replay of its months: a submit and an approval of two
    # filings of one smelter would otherwise each write months computed from the other's old rows.
    # (An approval holds it already; the order filing, smelter, caps, indicators is kept.)
    smelter = db.session.get(Smelter, filing.smelter_id, with_for_update=True, populate_existing=True)
    extend(smelter, filing.effective_month)
    if was:
        _move(filing, before, -1)
    if now:
        _move(filing, after, +1)
    replay_from(smelter, filing.effective_month)
    db.session.flush()


@sa.event.listens_for(Smelter, "after_insert")
def _baseline_row(_mapper, connection: sa.Connection, smelter: Smelter) -> None:
    """Every smelter has its baseline row from the moment it exists, however it was created.

    Usage sums the rows of the smelters in scope: a smelter without rows
    would be missing from every cap. (Bulk loads without the ORM, as
    ``seed-scale``, call ``rebuild``.)
    """
    connection.execute(sa.insert(SmelterMonth).values(
        smelter_id=smelter.id, month=smelter.baseline_month, is_last=True, **_baseline_positions(smelter),
        **dict.fromkeys(FLOW_COLUMNS + PENDING_FLOW_COLUMNS, 0)))


# Rebuilding and verifying: the filings replayed, compared with or written over the table.


@dataclass(frozen=True)
class Difference:
    """One figure of the projection that a replay of the filings does not give."""

    smelter_id: int
    month: str
    column: str
    stored: int | None
    expected: int | None

    def __str__(self) -> str:
        return (f"smelter {self.smelter_id} {self.month} {self.column}: "
                f"stored {self.stored}, the filings give {self.expected}")


def counted_flows(smelter_id: int | None = None) -> dict[int, dict[str, tuple[Flows, Flows]]]:
    """Per smelter and month: (approved, pending) flows, one grouped pass over the filings."""
    found: dict[int, dict[str, list[Flows]]] = defaultdict(dict)
    stmt = (sa.select(Filing.smelter_id, Filing.effective_month, Filing.status, Filing.kind,
                      sa.func.sum(Filing.capacity_tpa))
            .where(counted_clause())
            .group_by(Filing.smelter_id, Filing.effective_month, Filing.status, Filing.kind))
    if smelter_id is not None:
        stmt = stmt.where(Filing.smelter_id == smelter_id)
    rows = db.session.execute(stmt)
    for smelter_id, month, status, kind, total in rows:
        pair = found[smelter_id].setdefault(month, [NO_FLOWS, NO_FLOWS])
        index = 0 if status == APPROVED else 1
        pair[index] = pair[index].plus(kind, int(total))
    return {sid: {m: (a, p) for m, (a, p) in by_month.items()} for sid, by_month in found.items()}


def expected_rows(smelter: Smelter, flows: dict[str, tuple[Flows, Flows]]) -> list[dict]:
    """The smelter's rows as a replay of its counted filings gives them."""
    last = max([smelter.baseline_month, *flows])
    span = list(months.span(smelter.baseline_month, last))
    base = (smelter.baseline_built_tpa, smelter.baseline_operating_tpa)
    get = lambda month: flows.get(month, (NO_FLOWS, NO_FLOWS))  # noqa: E731
    approved = replay(*base, ((m, get(m)[0]) for m in span))
    pending = replay(*base, ((m, get(m)[0] + get(m)[1]) for m in span))
    out = []
    for month, step, pending_step in zip(span, approved, pending, strict=True):
        a, p = get(month)
        out.append({
            "smelter_id": smelter.id, "month": month,
            "restart_tpa": a.restart, "new_tpa": a.new, "curtail_tpa": a.curtail, "closure_tpa": a.closure,
            "pending_restart_tpa": p.restart, "pending_new_tpa": p.new, "pending_curtail_tpa": p.curtail,
            "pending_closure_tpa": p.closure,
            "built_tpa": step.built, "operating_tpa": step.operating,
            "pending_built_tpa": pending_step.built, "pending_operating_tpa": pending_step.operating,
            "is_last": month == last,
        })
    return out


def _expected() -> dict[int, list[dict]]:
    flows = counted_flows()
    return {s.id: expected_rows(s, flows.get(s.id, {}))
            for s in db.session.scalars(sa.select(Smelter).order_by(Smelter.id))}


def _counted() -> dict[tuple[int, str, str], int]:
    return {(sid, status, kind): int(n) for sid, status, kind, n in db.session.execute(
        sa.select(Filing.smelter_id, Filing.status, Filing.kind, sa.func.count())
        .group_by(Filing.smelter_id, Filing.status, Filing.kind))}


def _count_differences() -> list[Difference]:
    stored = {(row.smelter_id, row.status, row.kind): row.filings
              for row in db.session.scalars(sa.select(FilingCount)) if row.filings}
    expected = _counted()
    return [Difference(key[0], "-", f"filings {key[1]} {key[2]}", stored.get(key), expected.get(key))
            for key in sorted(set(stored) | set(expected)) if stored.get(key) != expected.get(key)]


def verify() -> list[Difference]:
    """Every difference between the table and a replay of the filings (empty: they agree).

    Rows past a smelter's last counted month are allowed only as carried-forward
    copies (a withdrawn filing leaves its months behind).
    """
    stored: dict[int, dict[str, dict]] = defaultdict(dict)  # smelter id -> month -> row
    for row in db.session.execute(sa.select(SmelterMonth.__table__)).mappings():
        stored[row["smelter_id"]][row["month"]] = dict(row)
    differences: list[Difference] = []
    for smelter_id, rows in _expected().items():
        last, have_rows = rows[-1], stored.pop(smelter_id, {})
        for expected in rows:
            have = have_rows.pop(expected["month"], None)
            if have is None:
                differences.append(Difference(smelter_id, expected["month"], "row", None, 1))
                continue
            for column in FIGURE_COLUMNS:
                if have[column] != expected[column]:
                    differences.append(Difference(smelter_id, expected["month"], column, have[column],
                                                  expected[column]))
        for month in sorted(have_rows):  # carried forward: no flows, the last position
            have = have_rows[month]
            for column in FIGURE_COLUMNS:
                want = last[column] if column in POSITION_COLUMNS else 0
                if have[column] != want:
                    differences.append(Difference(smelter_id, month, column, have[column], want))
    differences += [Difference(sid, month, "row", 1, None) for sid in sorted(stored) for month in sorted(stored[sid])]
    return differences + _count_differences()


def rebuild() -> int:
    """Rewrite the projection and the filing counts from the filings; returns the smelter-months written."""
    db.session.execute(sa.delete(SmelterMonth))
    rows = [row for smelter_rows in _expected().values() for row in smelter_rows]
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(SmelterMonth), rows[start:start + 5000])
    db.session.execute(sa.delete(FilingCount))
    counts = [{"smelter_id": sid, "status": status, "kind": kind, "filings": n}
              for (sid, status, kind), n in _counted().items()]
    if counts:
        db.session.execute(sa.insert(FilingCount), counts)
    return len(rows)


def rebuild_smelter(smelter: Smelter) -> None:
    """One smelter's rows from its filings (a baseline edit)."""
    db.session.execute(sa.delete(SmelterMonth).where(SmelterMonth.smelter_id == smelter.id))
    flows = counted_flows(smelter.id).get(smelter.id, {})
    db.session.execute(sa.insert(SmelterMonth), expected_rows(smelter, flows))
