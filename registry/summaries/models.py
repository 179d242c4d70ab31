"""Frozen summaries of closed months; a correction is a new revision, both kept."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import utcnow
from registry.extensions import db


class SummarySnapshot(db.Model):
    """The canonical JSON of a closed month's summary and its SHA-256."""

    __tablename__ = "summary_snapshots"
    __table_args__ = (UniqueConstraint("month", "revision", name="uq_summary_snapshots_month_revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    revision: Mapped[int] = mapped_column(default=1)
    canonical_json: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    closed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
