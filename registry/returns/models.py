"""Monthly returns, one row per revision; earlier revisions stay readable."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import utcnow
from registry.extensions import db


class MonthlyReturn(db.Model):
    """A smelter's report for a month: operating capacity and production."""

    __tablename__ = "monthly_returns"
    __table_args__ = (
        UniqueConstraint("smelter_id", "month", "revision", name="uq_monthly_returns_revision"),
        CheckConstraint("operating_tpa >= 0", name="operating"),
        CheckConstraint("production_t >= 0", name="production"),
        Index("ix_monthly_returns_month_smelter", "month", "smelter_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    smelter_id: Mapped[int] = mapped_column(ForeignKey("smelters.id"))
    month: Mapped[str] = mapped_column(String(7))
    operating_tpa: Mapped[int]
    production_t: Mapped[int]
    revision: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
