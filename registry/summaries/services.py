"""A month's compliance summary, computed from the projection in a constant number of queries.

One query reads every smelter's row of the month from the projection
(``registry.capacity``): its approved position, its additions and reductions
in the month and its pending changes; the latest return revision of each
smelter joins in as a grouped subquery. Each active cap's usage is summed
from those smelter rows (the figures ``registry.capacity.usage`` gives), so
the caps cost no further query. Nothing here reads the filings: the cost is
the number of smelters, not the length of the ledger.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import current_app

from registry import clock, months
from registry.capacity.positions import at_month
from registry.capacity.usage import OK, Scope, status_for
from registry.caps.models import BUILT, ENTERPRISE, NATIONAL, OPERATING, PROVINCE, Cap
from registry.extensions import db
from registry.members.models import Enterprise, Smelter
from registry.messages import Template
from registry.returns.models import MonthlyReturn, due_date
from registry.returns.services import is_overdue, latest_revisions

RETURN_IN, RETURN_MISSING, RETURN_NOT_DUE, RETURN_NOT_REQUIRED = "in", "missing", "not_due", "not_required"
CAPACITY_FIELDS = ("built_tpa", "operating_tpa", "idle_tpa", "additions_tpa", "reductions_tpa",
                   "pending_additions_tpa")
REPORTED_FIELDS = ("reported_operating_tpa", "production_t")
PRODUCTION_TOLERANCE_PERCENT = 5  # domain.md, "Production plausibility": above operating capacity by more than 5 %

PRODUCTION_IMPLAUSIBLE = Template(
    "summary_production_implausible",
    "%(smelter)s reports %(production_t)s produced in the month: its reported operating capacity of "
    "%(reported_operating_tpa)s allows at most %(max_from_operating_t)s (5 %% tolerance included) and its "
    "built capacity of %(built_tpa)s at most %(max_from_built_t)s.")


def _ledger(month: str) -> sa.Subquery:
    """Per smelter: the position at the end of ``month``, the month's additions, reductions, pending."""
    rows = at_month(month)

    def in_month(value):  # a carried-forward row's flows took effect in an earlier month
        return sa.case((rows.c.in_month, value), else_=0)

    return sa.select(
        rows.c.smelter_id,
        rows.c.built_tpa.label("built"),
        rows.c.operating_tpa.label("operating"),
        in_month(rows.c.restart_tpa + rows.c.new_tpa).label("additions"),
        in_month(rows.c.curtail_tpa + rows.c.closure_tpa).label("reductions"),
        in_month(rows.c.pending_restart_tpa + rows.c.pending_new_tpa).label("pending_additions"),
        (rows.c.pending_built_tpa - rows.c.built_tpa).label("pending_built"),
        (rows.c.pending_operating_tpa - rows.c.operating_tpa).label("pending_operating"),
    ).subquery("ledger")


def _smelter_rows(month: str) -> list[sa.Row]:
    """One query: every smelter existing in ``month`` with its position and latest return."""
    ledger = _ledger(month)
    latest = latest_revisions(month)
    return db.session.execute(
        sa.select(
            Smelter.id, Smelter.name, Smelter.province, Smelter.enterprise_id,
            Enterprise.name.label("enterprise_name"), Enterprise.uscc, Enterprise.active.label("enterprise_active"),
            sa.func.coalesce(ledger.c.built, Smelter.baseline_built_tpa).label("built"),
            sa.func.coalesce(ledger.c.operating, Smelter.baseline_operating_tpa).label("operating"),
            sa.func.coalesce(ledger.c.additions, 0).label("additions"),
            sa.func.coalesce(ledger.c.reductions, 0).label("reductions"),
            sa.func.coalesce(ledger.c.pending_additions, 0).label("pending_additions"),
            sa.func.coalesce(ledger.c.pending_built, 0).label("pending_built"),
            sa.func.coalesce(ledger.c.pending_operating, 0).label("pending_operating"),
            MonthlyReturn.operating_tpa.label("reported_operating"), MonthlyReturn.production_t,
            MonthlyReturn.revision, MonthlyReturn.submitted_at,
        )
        .join(Enterprise, Enterprise.id == Smelter.enterprise_id)
        .outerjoin(ledger, ledger.c.smelter_id == Smelter.id)
        .outerjoin(latest, latest.c.smelter_id == Smelter.id)
        .outerjoin(MonthlyReturn, sa.and_(MonthlyReturn.smelter_id == latest.c.smelter_id,
                                          MonthlyReturn.month == month,
                                          MonthlyReturn.revision == latest.c.revision))
        .where(Smelter.baseline_month <= month)
        .order_by(Smelter.id)
    ).all()


def _return_status(row: sa.Row, month: str, today: dt.date) -> str:
    """in, missing (past its due date), not_due, or not_required (inactive member or nothing built)."""
    if row.revision is not None:
        return RETURN_IN
    if not row.enterprise_active or int(row.built) == 0:
        return RETURN_NOT_REQUIRED
    return RETURN_MISSING if is_overdue(month, today) else RETURN_NOT_DUE


def _smelter_row(row: sa.Row, month: str, today: dt.date, due: dt.date) -> dict[str, Any]:
    built, operating = int(row.built), int(row.operating)
    reported = row.reported_operating
    return {
        "smelter_id": row.id, "name": row.name, "province": row.province,
        "enterprise_id": row.enterprise_id, "enterprise_name": row.enterprise_name,
        "uscc": row.uscc, "built_tpa": built, "operating_tpa": operating, "idle_tpa": built - operating,
        "additions_tpa": int(row.additions), "reductions_tpa": int(row.reductions),
        "pending_additions_tpa": int(row.pending_additions),
        "return": _return_status(row, month, today),
        "return_revision": row.revision,
        "return_late": None if row.submitted_at is None else clock.beijing_date(row.submitted_at) > due,
        "reported_operating_tpa": reported, "production_t": row.production_t,
        "deviation_tpa": None if reported is None else reported - operating,
        "above_approved": reported is not None and reported > operating,
    }


def _add(target: dict[str, Any], row: dict[str, Any]) -> None:
    """Add a smelter row's figures into an aggregate row."""
    target["smelters"] += 1
    for name in CAPACITY_FIELDS:
        target[name] += row[name]
    if row["return"] == RETURN_IN:
        target["returns_in"] += 1
        target["reported_operating_tpa"] += row["reported_operating_tpa"]
        target["production_t"] += row["production_t"]
        target["deviation_tpa"] += row["deviation_tpa"]
    elif row["return"] == RETURN_MISSING:
        target["returns_missing"] += 1


def _empty(**keys: Any) -> dict[str, Any]:
    return {**keys, "smelters": 0, "returns_in": 0, "returns_missing": 0, "deviation_tpa": 0,
            **dict.fromkeys(CAPACITY_FIELDS + REPORTED_FIELDS, 0)}


def _scope_totals(rows: list[sa.Row]) -> dict[tuple[str, Any], tuple[int, ...]]:
    """Per cap scope (national, each province, each enterprise): the smelter rows' figures summed.

    Figures: built, operating, additions, and each with pending filings too;
    the same as ``registry.capacity.usage`` gives for the month.
    """
    totals: dict[tuple[str, Any], list[int]] = {}
    for row in rows:
        built, operating, additions = int(row.built), int(row.operating), int(row.additions)
        figures = (built, operating, additions, built + int(row.pending_built),
                   operating + int(row.pending_operating), additions + int(row.pending_additions))
        for key in ((NATIONAL, None), (PROVINCE, row.province), (ENTERPRISE, row.enterprise_id)):
            target = totals.setdefault(key, [0] * len(figures))
            for index, value in enumerate(figures):
                target[index] += value
    return {key: tuple(values) for key, values in totals.items()}


def _usage(cap: Cap, totals: dict[tuple[str, Any], tuple[int, ...]]) -> tuple[int, int]:
    """The cap's (approved, pending) usage in the month."""
    scope = Scope.of(cap)
    figures = totals.get((scope.kind, scope.ref), (0,) * 6)
    index = {BUILT: 0, OPERATING: 1}.get(cap.basis, 2)
    return figures[index], figures[index + 3]


def _cap_rows(month: str, rows: list[sa.Row]) -> list[dict[str, Any]]:
    """Each active cap whose period covers ``month``: usage, limit, headroom, status."""
    caps = db.session.scalars(
        sa.select(Cap).where(Cap.active.is_(True), Cap.period_from <= month, Cap.period_to >= month)
        .order_by(Cap.id)).all()
    totals = _scope_totals(rows)
    out = []
    for cap in caps:
        approved, pending = _usage(cap, totals)
        out.append({
            "cap_id": cap.id, "name": cap.name, "scope": cap.scope, "scope_ref": cap.scope_ref,
            "basis": cap.basis, "limit_tpa": cap.limit_tpa, "usage_tpa": approved,
            "pending_tpa": pending, "headroom_tpa": cap.limit_tpa - approved,
            "status": status_for(approved, cap.limit_tpa),
            "pending_status": status_for(pending, cap.limit_tpa),
        })
    return out


def plausible_production(month: str, operating_tpa: int, built_tpa: int) -> tuple[int, int]:
    """The most tonnes a month's return may report: (from its operating capacity, from built capacity).

    domain.md: production above operating capacity x days / 365 by more than
    5 %, or above built capacity x days / 365 by any amount, is implausible.
    Whole tonnes, rounded down, in integers: a production of ``p`` tonnes is
    above the bound exactly when it is above the bound's floor.
    """
    days = months.days_in(month)
    return (operating_tpa * days * (100 + PRODUCTION_TOLERANCE_PERCENT) // (365 * 100),
            built_tpa * days // 365)


def _production_implausible(row: dict[str, Any], month: str) -> dict[str, Any] | None:
    """The exception of a return whose production its capacity cannot give, else None.

    The operating figure is the return's own (what the smelter says ran: the
    return must agree with itself, whatever was approved; reporting more than
    approved is ``operating_above_approved``); the built figure is the approved
    built position at the month's end, which no smelter can outproduce.
    """
    if row["return"] != RETURN_IN:
        return None
    production, reported, built = row["production_t"], row["reported_operating_tpa"], row["built_tpa"]
    from_operating, from_built = plausible_production(month, reported, built)
    if production <= from_operating and production <= from_built:
        return None
    figures = {"production_t": production, "reported_operating_tpa": reported, "built_tpa": built,
               "max_from_operating_t": from_operating, "max_from_built_t": from_built}
    return {"kind": "production_implausible", "smelter_id": row["smelter_id"], "smelter_name": row["name"],
            "enterprise_id": row["enterprise_id"], **figures,
            "detail": str(PRODUCTION_IMPLAUSIBLE(smelter=row["name"], **figures))}


def _exceptions(caps: list[dict], smelters: list[dict], month: str) -> list[dict[str, Any]]:
    """Cap warnings and breaches, smelters operating above approval, implausible production, overdue returns."""
    found: list[dict[str, Any]] = []
    for cap in caps:
        if cap["status"] != OK:
            found.append({
                "kind": f"cap_{cap['status']}", "cap_id": cap["cap_id"], "cap_name": cap["name"],
                "usage_tpa": cap["usage_tpa"], "limit_tpa": cap["limit_tpa"],
                "detail": f"Cap \u201c{cap['name']}\u201d at {cap['usage_tpa']:,} t/a of its "
                          f"{cap['limit_tpa']:,} t/a limit ({cap['status']}).",
            })
    for row in smelters:
        if row["above_approved"]:
            found.append({
                "kind": "operating_above_approved", "smelter_id": row["smelter_id"],
                "smelter_name": row["name"], "enterprise_id": row["enterprise_id"],
                "reported_operating_tpa": row["reported_operating_tpa"],
                "approved_operating_tpa": row["operating_tpa"], "excess_tpa": row["deviation_tpa"],
                "detail": f"{row['name']} reports {row['reported_operating_tpa']:,} t/a operating, "
                          f"{row['deviation_tpa']:,} t/a above its approved {row['operating_tpa']:,} t/a.",
            })
    for row in smelters:
        implausible = _production_implausible(row, month)
        if implausible is not None:
            found.append(implausible)
    for row in smelters:
        if row["return"] == RETURN_MISSING:
            found.append({
                "kind": "missing_return", "smelter_id": row["smelter_id"], "smelter_name": row["name"],
                "enterprise_id": row["enterprise_id"],
                "detail": f"No return from {row['name']} for this month.",
            })
    return found


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def build_summary(month: str, today: dt.date | None = None) -> dict[str, Any]:
    """The live summary of ``month``: what the canonical JSON of a closed month holds."""
    today = today or clock.today()
    due = due_date(month)
    rows = _smelter_rows(month)
    smelters = [_smelter_row(row, month, today, due) for row in rows]
    totals = _empty()
    enterprises: dict[int, dict[str, Any]] = {}
    provinces: dict[str, dict[str, Any]] = {}
    reported_built = 0
    for row in smelters:
        _add(totals, row)
        _add(enterprises.setdefault(row["enterprise_id"], _empty(
            enterprise_id=row["enterprise_id"], name=row["enterprise_name"], uscc=row["uscc"])), row)
        _add(provinces.setdefault(row["province"], _empty(province=row["province"])), row)
        if row["return"] == RETURN_IN:
            reported_built += row["built_tpa"]
    caps = _cap_rows(month, rows)
    target = current_app.config["UTILISATION_TARGET"]
    approved = _ratio(totals["operating_tpa"], totals["built_tpa"])
    return {
        "month": month,
        "returns_due_on": due.isoformat(),
        "totals": totals,
        "utilisation": {
            "target": target,
            "approved": approved,
            "reported": _ratio(totals["reported_operating_tpa"], reported_built),
            "meets_target": approved is not None and approved >= target,
        },
        "caps": caps,
        "exceptions": _exceptions(caps, smelters, month),
        "enterprises": sorted(enterprises.values(), key=lambda e: e["enterprise_id"]),
        "provinces": sorted(provinces.values(), key=lambda p: p["province"]),
        "smelters": smelters,
    }
