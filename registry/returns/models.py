"""Monthly returns, one row per revision; earlier revisions stay readable."""

from __future__ import annotations

import calendar
import datetime as dt

from flask import current_app
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.clock import beijing_date
from registry.db import utcnow
from registry.extensions import db
from registry.months import add


def due_date(month: str) -> dt.date:
    """The last day a return for ``month`` is on time: RETURN_DUE_DAY of the next month.

    A due day past the end of a short month (31 in February) means its last day.
    """
    following = add(month, 1)
    year, number = int(following[:4]), int(following[5:7])
    day = min(current_app.config["RETURN_DUE_DAY"], calendar.monthrange(year, number)[1])
    return dt.date(year, number, day)


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

    smelter = relationship("Smelter", lazy="joined", innerjoin=True)

    @property
    def enterprise_id(self) -> int:
        return self.smelter.enterprise_id

    @property
    def due_on(self) -> dt.date:
        return due_date(self.month)

    @property
    def late(self) -> bool:
        """Filed after the due date (UTC)."""
        return beijing_date(self.submitted_at) > self.due_on
