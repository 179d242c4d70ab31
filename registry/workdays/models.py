"""The calendar's tables: the years it knows, and the days that break the Monday-to-Friday rule."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import utcnow
from registry.extensions import db


class CalendarYear(db.Model):
    """A year whose arrangement is loaded: working days are computed only inside known years."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(200))  # e.g. 国务院办公厅通知 or the package it was copied from
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CalendarDay(db.Model):
    """A day that is not what its weekday says: a public holiday on a weekday, or a make-up working weekend (调休)."""

    __tablename__ = "calendar_days"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, ForeignKey("calendar_years.year", ondelete="CASCADE"), index=True)
    working: Mapped[bool]
    name: Mapped[str | None] = mapped_column(String(100))
