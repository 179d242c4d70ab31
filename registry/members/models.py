"""Enterprises (member companies) and smelters with their baselines."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import utcnow
from registry.extensions import db

POWER_SOURCES = ("captive_coal", "grid", "hydro", "other")


class Enterprise(db.Model):
    """A member company, identified by its Unified Social Credit Code."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    smelters: Mapped[list[Smelter]] = relationship(
        back_populates="enterprise", order_by="Smelter.id"
    )


class Smelter(db.Model):
    """A smelter and its baseline: built and operating capacity as of a month."""

    __tablename__ = "smelters"
    __table_args__ = (
        CheckConstraint(
            "baseline_operating_tpa >= 0 AND baseline_operating_tpa <= baseline_built_tpa",
            name="baseline_operating",
        ),
        CheckConstraint(f"power_source IN {POWER_SOURCES!r}", name="power_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    prefecture: Mapped[str | None] = mapped_column(String(4))  # GB/T 2260, starting with the province's code
    baseline_month: Mapped[str] = mapped_column(String(7))
    baseline_built_tpa: Mapped[int]
    baseline_operating_tpa: Mapped[int]
    cell_amperage_ka: Mapped[int | None]
    power_source: Mapped[str] = mapped_column(String(20), default="grid")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enterprise: Mapped[Enterprise] = relationship(back_populates="smelters")
