"""Cap usage per scope and month, approved and pending, summed from the projection.

A cap's scope is national, a province or an enterprise; its basis is
operating capacity, built capacity or monthly additions. Usage in a month is
the sum over the smelters in scope: their rows for the month, plus the last
row of each smelter whose rows end earlier (its position carried forward,
with no additions). Cost: smelters in scope x months asked, never filings.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from registry import months
from registry.capacity.models import SmelterMonth
from registry.caps.models import BUILT, ENTERPRISE, MONTHLY_ADDITIONS, NATIONAL, OPERATING, PROVINCE, Cap
from registry.extensions import db
from registry.members.models import Smelter

OK, WARNING, BREACH = "ok", "warning", "breach"
STATUS_ORDER = {OK: 0, WARNING: 1, BREACH: 2}  # worst last: a page shows a cap's worst month

_M = SmelterMonth
# (approved, pending) expressions per basis, as row sums
_BASIS_COLUMNS = {
    BUILT: (_M.built_tpa, _M.pending_built_tpa),
    OPERATING: (_M.operating_tpa, _M.pending_operating_tpa),
    MONTHLY_ADDITIONS: (_M.restart_tpa + _M.new_tpa,
                        _M.restart_tpa + _M.new_tpa + _M.pending_restart_tpa + _M.pending_new_tpa),
}


@dataclass(frozen=True)
class Usage:
    month: str
    approved_tpa: int
    pending_tpa: int


@dataclass(frozen=True)
class Scope:
    """Which smelters a cap (or a total) covers: national, a province or an enterprise."""

    kind: str
    ref: str | int | None = None

    @classmethod
    def of(cls, cap: Cap) -> Scope:
        ref = cap.scope_province if cap.scope == PROVINCE else \
            cap.scope_enterprise_id if cap.scope == ENTERPRISE else None
        return cls(cap.scope, ref)

    def restrict(self, stmt: sa.Select) -> sa.Select:
        """``stmt`` over ``SmelterMonth`` limited to the scope's smelters (national: no join)."""
        if self.kind == NATIONAL:
            return stmt
        return stmt.join(Smelter, Smelter.id == _M.smelter_id).where(self.condition())

    def condition(self) -> sa.ColumnElement[bool]:
        """The scope as a condition on ``Smelter``."""
        if self.kind == PROVINCE:
            return Smelter.province == self.ref
        if self.kind == ENTERPRISE:
            return Smelter.enterprise_id == self.ref
        return sa.true()


def caps_covering(province, enterprise_id) -> sa.ColumnElement[bool]:
    """``Scope``'s rule seen from the caps: national, the province's, the enterprise's.

    ``province`` is a code, or a SELECT of codes (the caps covering any smelter of an enterprise).
    """
    in_province = Cap.scope_province.in_(province) if isinstance(province, sa.Select) else \
        Cap.scope_province == province
    return sa.or_(Cap.scope == NATIONAL, sa.and_(Cap.scope == PROVINCE, in_province),
                  sa.and_(Cap.scope == ENTERPRISE, Cap.scope_enterprise_id == enterprise_id))


NATIONAL_SCOPE = Scope(NATIONAL)


def usage_series(scope: Scope, basis: str, first: str, last: str) -> list[Usage]:
    """Approved and pending usage of ``basis`` over ``scope`` for each month ``first``..``last``."""
    approved_col, pending_col = _BASIS_COLUMNS[basis]
    in_period = db.session.execute(scope.restrict(
        sa.select(_M.month, sa.func.sum(approved_col), sa.func.sum(pending_col))
        .where(_M.month.between(first, last)))
        .group_by(_M.month)).all()
    by_month = {month: [int(a), int(p)] for month, a, p in in_period}
    if basis != MONTHLY_ADDITIONS:  # positions carry forward past a smelter's last row
        tails = db.session.execute(scope.restrict(
            sa.select(_M.month, sa.func.sum(approved_col), sa.func.sum(pending_col))
            .where(_M.is_last.is_(True), _M.month < last))
            .group_by(_M.month)).all()
        carried = [0, 0]
        ends = {month: (int(a), int(p)) for month, a, p in tails}
        for month in sorted(m for m in ends if m < first):
            carried[0] += ends[month][0]
            carried[1] += ends[month][1]
        series = []
        for month in months.span(first, last):
            here = by_month.get(month, [0, 0])
            series.append(Usage(month, here[0] + carried[0], here[1] + carried[1]))
            if month in ends:  # from the next month on, that smelter is carried
                carried[0] += ends[month][0]
                carried[1] += ends[month][1]
        return series
    return [Usage(m, *by_month.get(m, (0, 0))) for m in months.span(first, last)]


def cap_usage(cap: Cap, first: str, last: str) -> list[Usage]:
    return usage_series(Scope.of(cap), cap.basis, first, last)


def status_for(approved: int, limit: int) -> str:
    """ok, warning (at or above the warning ratio of the limit) or breach (above it)."""
    if approved > limit:
        return BREACH
    if approved >= limit * current_app.config["CAP_WARNING_RATIO"]:
        return WARNING
    return OK


def national_additions(first: str, last: str) -> dict[str, tuple[int, int]]:
    """Restarts and new capacity per month, nationally: (approved, with pending)."""
    return {u.month: (u.approved_tpa, u.pending_tpa)
            for u in usage_series(NATIONAL_SCOPE, MONTHLY_ADDITIONS, first, last)}


def is_surge(additions_with_pending: int) -> bool:
    """Whether one month's additions reach the surge threshold (the November 2016 case)."""
    return additions_with_pending >= current_app.config["SURGE_THRESHOLD_TPA"]


def status_row(cap: Cap, usage: Usage, national_additions_tpa: int) -> dict:
    """The cap status row of the usage API, the cap pages and the dashboard."""
    return {
        "month": usage.month,
        "approved_tpa": usage.approved_tpa,
        "pending_tpa": usage.pending_tpa,
        "limit_tpa": cap.limit_tpa,
        "headroom_tpa": cap.limit_tpa - usage.approved_tpa,
        "status": status_for(usage.approved_tpa, cap.limit_tpa),
        "pending_status": status_for(usage.pending_tpa, cap.limit_tpa),
        "national_additions_tpa": national_additions_tpa,
        "surge": is_surge(national_additions_tpa),
    }


def usage_report(cap: Cap, first: str, last: str) -> list[dict]:
    """Rows for the usage API and pages: usage, headroom, status and the surge flag."""
    surge = national_additions(first, last)
    return [status_row(cap, usage, surge.get(usage.month, (0, 0))[1]) for usage in cap_usage(cap, first, last)]
