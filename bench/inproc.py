"""In-process timings: a month's summary, a cap's usage, their SQL floors, and approval latency.

Each figure is the median of several runs on a warm connection, in
milliseconds. The product and the floor are checked to agree before either
is timed, so the floor cannot be cheaper by computing less.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from bench import floor
from registry import months
from registry.auth.models import User
from registry.capacity.positions import position_at
from registry.capacity.usage import cap_usage
from registry.caps.models import NATIONAL, OPERATING, Cap
from registry.extensions import db
from registry.filings import workflow
from registry.filings.services import create_filing
from registry.members.models import Smelter
from registry.problems import RuleBroken
from registry.returns.services import is_overdue
from registry.scale import ScaleSpec
from registry.summaries.services import build_summary


def median_ms(action: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``action`` over ``repeat`` runs, after one warm-up run."""
    action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


def measure(spec: ScaleSpec, repeat: int) -> dict[str, Any]:
    """Every in-process figure for the data set in the app's database."""
    last = months.add(spec.start, spec.months - 1)
    out: dict[str, Any] = {}
    out.update(_summary(last, repeat))
    out.update(_usage(repeat))
    out.update(_approval(spec, repeat))
    db.session.rollback()
    return out


def _summary(month: str, repeat: int) -> dict[str, Any]:
    today = dt.datetime.now(dt.UTC).date()
    overdue = is_overdue(month, today)
    product = build_summary(month, today)["totals"]
    with db.engine.connect() as conn:
        totals = floor.summary_totals(conn, month, overdue)
        mismatch = {k: (product[k], v) for k, v in totals.items() if product[k] != v}
        if mismatch:
            raise AssertionError(f"summary totals differ from the SQL floor (product, floor): {mismatch}")
        floor_ms = median_ms(lambda: floor.summary_totals(conn, month, overdue), repeat)
    db.session.rollback()
    summary_ms = median_ms(lambda: (build_summary(month, today), db.session.rollback()), repeat)
    return {"summary_month": month, "summary_ms": summary_ms, "summary_floor_ms": floor_ms}


def _usage(repeat: int) -> dict[str, Any]:
    cap = db.session.scalar(sa.select(Cap).where(Cap.scope == NATIONAL, Cap.basis == OPERATING,
                                                 Cap.active.is_(True)).order_by(Cap.id))
    first, last = max(cap.period_from, months.add(cap.period_to, -11)), cap.period_to
    product = [(u.month, u.approved_tpa, u.pending_tpa) for u in cap_usage(cap, first, last)]
    with db.engine.connect() as conn:
        if floor.national_operating_usage(conn, first, last) != product:
            raise AssertionError("cap usage differs from the SQL floor")
        floor_ms = median_ms(lambda: floor.national_operating_usage(conn, first, last), repeat)
    db.session.rollback()
    usage_ms = median_ms(lambda: (cap_usage(cap, first, last), db.session.rollback()), repeat)
    return {"usage_cap_id": cap.id, "usage_months": len(product), "usage_ms": usage_ms,
            "usage_floor_ms": floor_ms}


def _approval(spec: ScaleSpec, repeat: int) -> dict[str, Any]:
    """Approve a fresh submitted restart, rolled back each time, so every run sees the same data.

    A restart adds to operating-capacity and additions caps, so the position
    rules and the cap checks both run; smelters are tried until one passes.
    """
    month = months.add(spec.start, max(0, spec.months - 12))
    reviewer = db.session.scalar(sa.select(User).where(User.role == "reviewer").order_by(User.id))
    outcome = "refused"
    for smelter in db.session.scalars(sa.select(Smelter).order_by(Smelter.id).limit(60)).all():
        if position_at(smelter, months.add(spec.start, spec.months - 1)).idle_tpa < 1000:
            continue
        filer = db.session.scalar(sa.select(User).where(User.enterprise_id == smelter.enterprise_id))
        filing = create_filing({"smelter_id": smelter.id, "kind": "restart", "capacity_tpa": 1000,
                                "effective_month": month, "notes": "bench"}, filer)
        workflow.transition(filing.id, "submit", filer)
        db.session.commit()
        filing_id = filing.id
        try:
            workflow.transition(filing_id, "approve", reviewer)
            outcome = "approved"
        except RuleBroken as refusal:
            outcome = f"refused: {refusal.rule}"
        db.session.rollback()
        if outcome == "approved":
            break

    def approve() -> None:
        with contextlib.suppress(RuleBroken):  # a refusal runs the same checks
            workflow.transition(filing_id, "approve", reviewer)
        db.session.rollback()

    return {"approval_ms": median_ms(approve, repeat), "approval_outcome": outcome,
            "approval_month": month}
