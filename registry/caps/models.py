"""Caps (总量控制): a limit on one basis, over a scope, for a period of months."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import utcnow
from registry.extensions import db

NATIONAL = "national"
PROVINCE = "province"
ENTERPRISE = "enterprise"
SCOPES = (NATIONAL, PROVINCE, ENTERPRISE)

OPERATING = "operating_capacity"
BUILT = "built_capacity"
MONTHLY_ADDITIONS = "monthly_additions"
BASES = (OPERATING, BUILT, MONTHLY_ADDITIONS)


class Cap(db.Model):
    """An agreed ceiling. Deactivated, never deleted; edits are audited."""

    __tablename__ = "caps"
    __table_args__ = (
        CheckConstraint(f"scope IN {SCOPES!r}", name="scope"),
        CheckConstraint(f"basis IN {BASES!r}", name="basis"),
        CheckConstraint("limit_tpa >= 0", name="limit"),
        CheckConstraint("period_from <= period_to", name="period"),
        CheckConstraint(
            "(scope = 'national' AND scope_province IS NULL AND scope_enterprise_id IS NULL)"
            " OR (scope = 'province' AND scope_province IS NOT NULL AND scope_enterprise_id IS NULL)"
            " OR (scope = 'enterprise' AND scope_enterprise_id IS NOT NULL AND scope_province IS NULL)",
            name="scope_ref",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(20))
    scope_province: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    scope_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    basis: Mapped[str] = mapped_column(String(30))
    limit_tpa: Mapped[int]
    period_from: Mapped[str] = mapped_column(String(7))
    period_to: Mapped[str] = mapped_column(String(7))
    source: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def scope_ref(self) -> str | None:
        """The province code or enterprise id the scope names, as text."""
        if self.scope == PROVINCE:
            return self.scope_province
        if self.scope == ENTERPRISE:
            return str(self.scope_enterprise_id)
        return None
