"""The projection: each smelter's flows and positions month by month, approved and pending.

One row per smelter and month from its baseline month to the last month any
counted filing touches (``is_last`` marks it; later months hold its
position with no flows). Flows are the capacity of the filings effective in
the month by kind, approved and submitted ("pending"); positions are the
replay of the approved flows, and of approved plus pending ones. Written in
the transaction of every status change that counts (``projection``);
``flask --app wsgi ledger verify`` proves it equals a replay of the filings.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db

FLOW_COLUMNS = ("restart_tpa", "new_tpa", "curtail_tpa", "closure_tpa")
PENDING_FLOW_COLUMNS = tuple(f"pending_{name}" for name in FLOW_COLUMNS)
POSITION_COLUMNS = ("built_tpa", "operating_tpa", "pending_built_tpa", "pending_operating_tpa")
FIGURE_COLUMNS = FLOW_COLUMNS + PENDING_FLOW_COLUMNS + POSITION_COLUMNS


class SmelterMonth(db.Model):
    """A smelter's month: what takes effect in it and where that leaves the smelter."""

    __tablename__ = "smelter_months"
    __table_args__ = (
        # Month first: a cap's period is one range of the key. On SQLite the table is that index
        # (WITHOUT ROWID), so summing a period reads consecutive rows, five times faster.
        PrimaryKeyConstraint("month", "smelter_id"),
        Index("ix_smelter_months_smelter_id", "smelter_id", "month"),  # one smelter's months: a replay
        Index("ix_smelter_months_last", "is_last", "month"),
        {"sqlite_with_rowid": False},
    )

    month: Mapped[str] = mapped_column(String(7))
    smelter_id: Mapped[int] = mapped_column(ForeignKey("smelters.id"))
    restart_tpa: Mapped[int] = mapped_column(default=0)
    new_tpa: Mapped[int] = mapped_column(default=0)
    curtail_tpa: Mapped[int] = mapped_column(default=0)
    closure_tpa: Mapped[int] = mapped_column(default=0)
    pending_restart_tpa: Mapped[int] = mapped_column(default=0)
    pending_new_tpa: Mapped[int] = mapped_column(default=0)
    pending_curtail_tpa: Mapped[int] = mapped_column(default=0)
    pending_closure_tpa: Mapped[int] = mapped_column(default=0)
    built_tpa: Mapped[int]
    operating_tpa: Mapped[int]
    pending_built_tpa: Mapped[int]
    pending_operating_tpa: Mapped[int]
    is_last: Mapped[bool] = mapped_column(default=False)


class FilingCount(db.Model):
    """How many filings each smelter has in each status and kind.

    The filings list's exact total without counting the ledger's rows: a sum
    over at most smelters x statuses x kinds rows, kept in the transaction of
    every creation, edit of kind and status change (``projection``).
    """

    __tablename__ = "filing_counts"

    smelter_id: Mapped[int] = mapped_column(ForeignKey("smelters.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(30), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    filings: Mapped[int] = mapped_column(default=0)
