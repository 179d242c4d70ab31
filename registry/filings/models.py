"""Filings, their ledger deltas, and idempotency records for POST retries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import utcnow
from registry.extensions import db

RESTART = "restart"
NEW_CAPACITY = "new_capacity"
CURTAILMENT = "curtailment"
CLOSURE = "closure"
KINDS = (RESTART, NEW_CAPACITY, CURTAILMENT, CLOSURE)
ADDITION_KINDS = (RESTART, NEW_CAPACITY)  # the kinds that add capacity (a monthly_additions cap counts them)

DRAFT = "draft"
SUBMITTED = "submitted"
AWAITING = "awaiting_second_approval"  # a large filing approved once: a different reviewer must approve it too
RETURNED = "returned"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
SUPERSEDED = "superseded"  # an approved filing whose approved amendment replaced it
CANCELLED = "cancelled"  # an approved filing whose approved amendment cancelled it
STATUSES = (DRAFT, SUBMITTED, RETURNED, APPROVED, REJECTED, WITHDRAWN, SUPERSEDED, CANCELLED, AWAITING)
IN_REVIEW = (SUBMITTED, AWAITING)  # the review queue: waiting for a (first or second) approval
OPEN = (DRAFT, SUBMITTED, RETURNED, AWAITING)  # not yet decided: one such amendment per original at a time

MAX_CAPACITY_TPA = 10_000_000
_OPEN_AMENDMENT = f"amends_id IS NOT NULL AND status IN {OPEN!r}"


class Filing(db.Model):
    """A smelter's plan, moving through the review workflow.

    The approved filings are the ledger: kind, capacity and month say all a
    filing does. Its effect on positions is not stored here; it depends on
    the other filings (a closure takes idle capacity first, whenever that
    idle capacity was approved), and ``registry.capacity`` replays it.
    """

    __tablename__ = "filings"
    __table_args__ = (
        CheckConstraint(f"kind IN {KINDS!r}", name="kind"),
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint(
            f"capacity_tpa > 0 AND capacity_tpa <= {MAX_CAPACITY_TPA}", name="capacity"
        ),
        Index("ix_filings_status_month", "status", "effective_month"),
        Index("ix_filings_smelter_status_month", "smelter_id", "status", "effective_month"),
        Index("uq_filings_open_amendment", "amends_id", unique=True,
              sqlite_where=text(_OPEN_AMENDMENT), postgresql_where=text(_OPEN_AMENDMENT)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    smelter_id: Mapped[int] = mapped_column(ForeignKey("smelters.id"))
    kind: Mapped[str] = mapped_column(String(20))
    capacity_tpa: Mapped[int]
    effective_month: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(30), default=DRAFT)
    notes: Mapped[str] = mapped_column(Text, default="")
    decision_note: Mapped[str | None] = mapped_column(Text)
    cell_count: Mapped[int | None]
    cell_amperage_ka: Mapped[int | None]
    submitted_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # An amendment names the approved filing it changes; ``cancel`` withdraws that plan altogether.
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("filings.id"))
    cancel: Mapped[bool] = mapped_column(default=False, server_default=false())
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("filings.id"))  # the amendment approved
    # Four eyes: the first of two approvals of a large filing (cleared when it goes back to the filer).
    first_approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_approved_at: Mapped[dt.datetime | None]

    smelter = relationship("Smelter", lazy="joined", innerjoin=True)

    @property
    def is_amendment(self) -> bool:
        return self.amends_id is not None

    @property
    def approvals(self) -> list[dict]:
        """Who approved, when: the first of four eyes, then the decision that approved it."""
        return approvals_of(self.first_approved_by, self.first_approved_at, self.status, self.decided_by,
                            self.decided_at)


def approvals_of(first_by, first_at, status, decided_by, decided_at) -> list[dict]:
    """``Filing.approvals`` from the columns (the list endpoint reads rows, not objects)."""
    found = [{"by": first_by, "at": first_at}] if first_by is not None else []
    if status in (APPROVED, SUPERSEDED, CANCELLED) and decided_by is not None:
        found.append({"by": decided_by, "at": decided_at})
    return found


class IdempotencyKey(db.Model):
    """The filing a client's ``Idempotency-Key`` created, and the body it sent."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
