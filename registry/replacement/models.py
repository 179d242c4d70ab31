"""Replacement indicators, their use by new-capacity filings, transfers and ratios."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
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
    source_document: Mapped[str | None] = mapped_column(Text)  # the document that approved the retired capacity
    expires_on: Mapped[dt.date | None]  # last day it may be used (MIIT 2018 No. 12): refused at approval after it


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


MERGER, INTRA_GROUP, TRADE = "merger", "intra_group", "trade"
ROUTES = (MERGER, INTRA_GROUP, TRADE)  # MIIT 2018 No. 12: how indicators may change hands


class IndicatorTransfer(db.Model):
    """A recorded transfer: tonnes moved from a seller's indicator to a new one of the buyer's, by ``route``."""

    __tablename__ = "indicator_transfers"
    __table_args__ = (CheckConstraint(f"route IN {ROUTES!r}", name="route"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    to_indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    tonnes_tpa: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    route: Mapped[str] = mapped_column(String(20))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReplacementRatio(db.Model):
    """Tonnes retired per tonne of new capacity in a province (default 1.0)."""

    __tablename__ = "replacement_ratios"
    __table_args__ = (CheckConstraint("ratio >= 1 AND ratio <= 10", name="ratio"),)

    province: Mapped[str] = mapped_column(ForeignKey("provinces.code"), primary_key=True)
    ratio: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PrefectureRatio(db.Model):
    """A prefecture's ratio (GB/T 2260, four digits), which applies before its province's."""

    __tablename__ = "prefecture_ratios"
    __table_args__ = (CheckConstraint("ratio >= 1 AND ratio <= 10", name="ratio"),)

    prefecture: Mapped[str] = mapped_column(String(4), primary_key=True)
    province: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    ratio: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProvinceIndicatorPolicy(db.Model):
    """Whether a province lets its indicators be traded out (no row: allowed; Henan forbade it in 2017)."""

    __tablename__ = "province_indicator_policies"

    province: Mapped[str] = mapped_column(ForeignKey("provinces.code"), primary_key=True)
    trade_out_allowed: Mapped[bool]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
