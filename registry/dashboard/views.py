"""The start page: what each role needs first."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from registry import months
from registry.audit.models import AuditEvent
from registry.capacity.positions import positions_at
from registry.capacity.usage import STATUS_ORDER, usage_report
from registry.caps.services import caps_for, surge_status
from registry.extensions import db
from registry.filings.models import IN_REVIEW, OPEN, Filing
from registry.filings.services import filings_for
from registry.members.services import smelters_for
from registry.roles import ADMIN, REVIEWER
from registry.tasks.services import tasks_for
from registry.ui.pages import bp

OPEN_STATUSES = OPEN  # a filer's filings still to be decided


def cap_overview(user) -> list[dict]:
    """Each active cap with its usage now (or at its period's busiest month when now is outside it)."""
    this_month = months.current()
    overview = []
    for cap in db.session.scalars(caps_for(user, active=True)):
        rows = usage_report(cap, cap.period_from, cap.period_to)
        if not rows:
            continue
        current = next((r for r in rows if r["month"] == this_month), None)
        peak = max(rows, key=lambda r: (STATUS_ORDER[r["pending_status"]], r["pending_tpa"]))
        overview.append({"cap": cap, "now": current, "peak": peak})
    return overview


REFUSALS_SHOWN = 5


def latest_refusals() -> list[tuple[AuditEvent, Filing]]:
    """The latest approvals the rules refused, newest first, with their filings: what staff should see at once."""
    return list(db.session.execute(
        sa.select(AuditEvent, Filing).join(Filing, Filing.id == AuditEvent.entity_id)
        .where(AuditEvent.entity_type == "filing", AuditEvent.action == "approve_refused")
        .order_by(AuditEvent.id.desc()).limit(REFUSALS_SHOWN)).all())


@bp.route("/")
def index():
    """A filer: its smelters, their positions and its open filings. Staff: queue, caps, surge."""
    this_month = months.current()
    if current_user.is_staff:
        queue_size = db.session.scalar(
            sa.select(sa.func.count()).select_from(Filing).where(Filing.status.in_(IN_REVIEW)))
        oldest = db.session.scalar(
            sa.select(sa.func.min(Filing.submitted_at)).where(Filing.status.in_(IN_REVIEW)))
        tasks = tasks_for(current_user) if current_user.role in (REVIEWER, ADMIN) else None  # auditors review nothing
        return render_template("dashboard_staff.html", queue_size=queue_size, oldest=oldest,
                               caps=cap_overview(current_user), surge=surge_status(this_month),
                               last_surge=surge_status(months.add(this_month, -1)), tasks=tasks,
                               refusals=latest_refusals())
    smelters = list(db.session.scalars(smelters_for(current_user)))
    positions = positions_at(smelters, this_month)
    open_filings = list(db.session.scalars(
        filings_for(current_user).where(Filing.status.in_(OPEN_STATUSES))
        .order_by(None).order_by(Filing.effective_month, Filing.id)))
    return render_template("dashboard_filer.html", smelters=smelters, positions=positions,
                           open_filings=open_filings, caps=cap_overview(current_user), tasks=tasks_for(current_user))
