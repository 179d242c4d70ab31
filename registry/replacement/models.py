"""Replacement indicators, their use by new-capacity filings, transfers and ratios."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from registry.db import utcnow
from registry.extensions import db


class Indicator(db.Model):
    """Tonnes of retired capacity that may offset new capacity, spent once.

    Created by an approved closure (``origin_filing_id``) or by a transfer
    (``parent_id`` names the seller's indicator, so lineage can be followed).
    """

    __tablename__ = "indicators"
    __table_args__ = (
        CheckConstraint("remaining_tpa >= 0 AND remaining_tpa <= tonnes_tpa", name="remaining"),
        CheckConstraint("tonnes_tpa > 0", name="tonnes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    origin_smelter_id: Mapped[int] = mapped_column(ForeignKey("smelters.id"))
    origin_filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"), index=True)
    province: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    tonnes_tpa: Mapped[int]
    remaining_tpa: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    voided_at: Mapped[dt.datetime | None]  # its closure was cancelled by an amendment: it never existed


class FilingReplacement(db.Model):
    """Tonnes of one indicator that a new-capacity filing names as its cover."""

    __tablename__ = "filing_replacements"
    __table_args__ = (
        UniqueConstraint("filing_id", "indicator_id", name="uq_filing_replacements_filing_indicator"),
        CheckConstraint("tonnes_tpa > 0", name="tonnes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    tonnes_tpa: Mapped[int]

    # ``Filing.replacements``, loaded in one query per list of filings (FilingOut shows them).
    filing = relationship("Filing", viewonly=True, backref=backref(
        "replacements", lazy="selectin", order_by="FilingReplacement.indicator_id", viewonly=True))


class IndicatorTransfer(db.Model):
    """A recorded trade: tonnes moved from a seller's indicator to a new one of the buyer's."""

    __tablename__ = "indicator_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    to_indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    tonnes_tpa: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReplacementRatio(db.Model):
    """Tonnes retired per tonne of new capacity in a province (default 1.0)."""

    __tablename__ = "replacement_ratios"
    __table_args__ = (CheckConstraint("ratio >= 1 AND ratio <= 10", name="ratio"),)

    province: Mapped[str] = mapped_column(ForeignKey("provinces.code"), primary_key=True)
    ratio: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
