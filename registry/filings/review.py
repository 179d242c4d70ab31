"""The reviewer's queue: submitted filings, oldest first, with what approval would do to the caps."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from registry.auth.models import User
from registry.caps.services import approval_previews, surge_by_month
from registry.extensions import db
from registry.filings.models import IN_REVIEW, Filing
from registry.filings.services import filings_for
from registry.permissions import require_role
from registry.readiness import refusals_for
from registry.roles import DECIDERS, STAFF
from registry.ui.forms import (
    ActionForm,
    NoteForm,
)
from registry.ui.pages import bp

QUEUE_LIMIT = 200  # a queue longer than this is read through /filings and its paging


@bp.route("/review")
def review():
    """Submitted filings oldest first; each with its cap preview and the decision buttons."""
    require_role(current_user, *STAFF)
    stmt = (filings_for(current_user).where(Filing.status.in_(IN_REVIEW)).order_by(None)
            .order_by(Filing.submitted_at, Filing.id))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    queue = list(db.session.scalars(stmt.limit(QUEUE_LIMIT)))
    months = sorted({f.effective_month for f in queue})
    surges = surge_by_month(months[0], months[-1]) if months else {}
    rows_of: dict[int, list] = {}  # each smelter's projection rows, read once for previews and refusals
    previews = approval_previews(queue, rows_of)  # one usage read per cap, whatever the queue's length
    refusals = refusals_for(queue, previews, rows_of)  # the idle-capacity rule and cover too, not only the caps
    items = [{"filing": f, "preview": previews[f.id], "surge": surges[f.effective_month], "refusals": refusals[f.id]}
             for f in queue]
    may_decide = current_user.role in DECIDERS
    first_ids = {f.first_approved_by for f in queue if f.first_approved_by}
    first_approvers = dict(db.session.execute(sa.select(User.id, User.email).where(User.id.in_(first_ids)))
                           .all()) if first_ids else {}
    return render_template("review/queue.html", items=items, total=total, may_decide=may_decide,
                           first_approvers=first_approvers,
                           approve_form=ActionForm(), note_form=NoteForm())
