"""Notices with their objections and announcement, and the dismantling of closures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import utcnow
from registry.extensions import db


class Notice(db.Model):
    """One publication of a new-capacity filing's replacement plan; the latest (``replaced_at`` empty) counts.

    An upheld objection means the plan is published again: a new row, the old one
    replaced. The announcement that follows the notice is recorded on it.
    """

    __tablename__ = "filing_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    authority: Mapped[str] = mapped_column(String(200))
    published_on: Mapped[dt.date]
    url: Mapped[str] = mapped_column(String(500))
    ends_on: Mapped[dt.date]
    announced_on: Mapped[dt.date | None]
    document_no: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    replaced_at: Mapped[dt.datetime | None]

    objections = relationship("Objection", order_by="Objection.id", lazy="selectin", viewonly=True)


class Objection(db.Model):
    """An objection raised during a notice (staff record it), open until resolved upheld or not."""

    __tablename__ = "notice_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("filing_notices.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    upheld: Mapped[bool | None]
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[dt.datetime | None]


class Dismantling(db.Model):
    """A closure's retired cells dismantled: recorded by its filer, confirmed by association staff."""

    __tablename__ = "dismantlings"

    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), primary_key=True, autoincrement=False)
    completed_on: Mapped[dt.date]
    evidence: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[dt.datetime | None]
