"""Cap usage month by month, aggregated in SQL.

Each query groups by month; Python only runs the cumulative sum over the
months of the range, never over filings. ``approved`` counts approved
filings; ``pending`` adds every submitted filing as if it were approved.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from registry.caps.models import BUILT, ENTERPRISE, MONTHLY_ADDITIONS, PROVINCE, Cap
from registry.extensions import db
from registry.filings.models import ADDITION_KINDS, APPROVED, SUBMITTED, Filing
from registry.members.models import Smelter
from registry.months import span

OK, WARNING, BREACH = "ok", "warning", "breach"


@dataclass(frozen=True)
class Usage:
    month: str
    approved_tpa: int
    pending_tpa: int


def scope_condition(cap: Cap) -> sa.ColumnElement[bool]:
    """Which smelters a cap covers, as a condition on ``Smelter``."""
    if cap.scope == PROVINCE:
        return Smelter.province == cap.scope_province
    if cap.scope == ENTERPRISE:
        return Smelter.enterprise_id == cap.scope_enterprise_id
    return sa.true()


def _approved_sum(value):
    return sa.func.coalesce(sa.func.sum(sa.case((Filing.status == APPROVED, value), else_=0)), 0)


def _all_sum(value):
    return sa.func.coalesce(sa.func.sum(value), 0)


def usage_series(cap: Cap, first: str, last: str) -> list[Usage]:
    """The cap's approved and pending usage for each month ``first``..``last``."""
    if cap.basis == MONTHLY_ADDITIONS:
        return _additions(scope_condition(cap), first, last)
    return _capacity(cap.basis, scope_condition(cap), first, last)


def _additions(condition, first: str, last: str) -> list[Usage]:
    rows = db.session.execute(
        sa.select(Filing.effective_month, _approved_sum(Filing.capacity_tpa), _all_sum(Filing.capacity_tpa))
        .join(Smelter, Smelter.id == Filing.smelter_id)
        .where(condition, Filing.kind.in_(ADDITION_KINDS), Filing.status.in_((APPROVED, SUBMITTED)),
               Filing.effective_month.between(first, last))
        .group_by(Filing.effective_month)
    ).all()
    by_month = {month: (int(a), int(p)) for month, a, p in rows}
    return [Usage(m, *by_month.get(m, (0, 0))) for m in span(first, last)]


def _capacity(basis: str, condition, first: str, last: str) -> list[Usage]:
    baseline_col = Smelter.baseline_built_tpa if basis == BUILT else Smelter.baseline_operating_tpa
    delta_col = Filing.built_delta_tpa if basis == BUILT else Filing.operating_delta_tpa
    baselines = db.session.execute(
        sa.select(Smelter.baseline_month, sa.func.sum(baseline_col))
        .where(condition, Smelter.baseline_month <= last)
        .group_by(Smelter.baseline_month)
    ).all()
    deltas = db.session.execute(
        sa.select(Filing.effective_month, _approved_sum(delta_col), _all_sum(delta_col))
        .join(Smelter, Smelter.id == Filing.smelter_id)
        .where(condition, Filing.status.in_((APPROVED, SUBMITTED)), Filing.effective_month <= last)
        .group_by(Filing.effective_month)
    ).all()
    approved = pending = 0
    changes: dict[str, list[int]] = {}
    for month, total in baselines:
        target = changes.setdefault(max(month, first), [0, 0])
        target[0] += int(total)
        target[1] += int(total)
    for month, a, p in deltas:
        target = changes.setdefault(max(month, first), [0, 0])
        target[0] += int(a)
        target[1] += int(p)
    series = []
    for month in span(first, last):
        change = changes.get(month)
        if change:
            approved += change[0]
            pending += change[1]
        series.append(Usage(month, approved, pending))
    return series


STATUS_ORDER = {OK: 0, WARNING: 1, BREACH: 2}  # worst last: a page shows a cap's worst month


def status_for(approved: int, limit: int) -> str:
    """ok, warning (at or above the warning ratio of the limit) or breach (above it)."""
    if approved > limit:
        return BREACH
    if approved >= limit * current_app.config["CAP_WARNING_RATIO"]:
        return WARNING
    return OK


def national_additions(first: str, last: str) -> dict[str, tuple[int, int]]:
    """Restarts and new capacity per month, nationally: (approved, with pending)."""
    return {u.month: (u.approved_tpa, u.pending_tpa) for u in _additions(sa.true(), first, last)}


def is_surge(additions_with_pending: int) -> bool:
    """Whether one month's additions reach the surge threshold (the November 2016 case)."""
    return additions_with_pending >= current_app.config["SURGE_THRESHOLD_TPA"]


def basis_delta(basis: str, filing: Filing, deltas: tuple[int, int]) -> int:
    """How much a filing with these deltas adds to a cap's basis."""
    if basis == MONTHLY_ADDITIONS:
        return filing.capacity_tpa if filing.kind in ADDITION_KINDS else 0
    return deltas[0] if basis == BUILT else deltas[1]





def usage_report(cap: Cap, first: str, last: str) -> list[dict]:
    """Rows for the usage API and pages: usage, headroom, status and the surge flag."""
    surge = national_additions(first, last)
    rows = []
    for usage in usage_series(cap, first, last):
        additions = surge.get(usage.month, (0, 0))[1]
        rows.append({
            "month": usage.month,
            "approved_tpa": usage.approved_tpa,
            "pending_tpa": usage.pending_tpa,
            "limit_tpa": cap.limit_tpa,
            "headroom_tpa": cap.limit_tpa - usage.approved_tpa,
            "status": status_for(usage.approved_tpa, cap.limit_tpa),
            "pending_status": status_for(usage.pending_tpa, cap.limit_tpa),
            "national_additions_tpa": additions,
            "surge": is_surge(additions),
        })
    return rows
