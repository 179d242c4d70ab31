"""The reviewer's queue: submitted filings, oldest first, with what approval would do to the caps."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from registry import labels
from registry.auth.models import User
from registry.caps.services import approval_previews, surge_by_month
from registry.extensions import db
from registry.filings.forms import QueueFilterForm
from registry.filings.models import IN_REVIEW, KINDS, Filing
from registry.filings.services import filings_for
from registry.members.models import Enterprise, Smelter
from registry.permissions import require_role
from registry.readiness import refusals_for
from registry.roles import DECIDERS, STAFF
from registry.ui.forms import ActionForm, NoteForm, province_choices
from registry.ui.listing import Listing
from registry.ui.pages import bp

PAGE_SIZE = 20  # compact rows: a page of twenty stays about one screen per five filings

# The queue's sortable columns: oldest submission first unless the reviewer asks otherwise.
SORTS = {"submitted": Filing.submitted_at, "number": Filing.id, "smelter": Smelter.name,
         "capacity": Filing.capacity_tpa, "effective": Filing.effective_month}


def queue_listing() -> tuple[QueueFilterForm, Listing, sa.Select]:
    """The queue as the query string asks for it: filters, search and sort; the page and its exports share it."""
    form = QueueFilterForm(request.args)
    form.kind.choices = [("", _("Any kind"))] + [(k, str(labels.KINDS[k])) for k in KINDS]
    form.status.choices = [("", _("Any stage"))] + [(s, str(labels.STATUSES[s])) for s in IN_REVIEW]
    form.province.choices = province_choices(_("Any province"))
    filters: dict = {}
    if request.args and form.validate():
        filters = {name: getattr(form, name).data for name in ("kind", "status", "province")
                   if getattr(form, name).data}
    listing = Listing.from_request(SORTS, "submitted")
    stmt = filings_for(current_user, filters, join_smelter=True).join(
        Enterprise, Enterprise.id == Smelter.enterprise_id).where(Filing.status.in_(IN_REVIEW))
    stmt = listing.search(stmt, Smelter.name, Enterprise.name, Enterprise.name_en, id_column=Filing.id)
    return form, listing, listing.ordered(stmt, Filing.id)


@bp.route("/review")
def review():
    """Submitted filings oldest first, a page at a time; each with its cap preview and the decision buttons."""
    require_role(current_user, *STAFF)
    form, listing, stmt = queue_listing()
    queue, meta = listing.paged(stmt, PAGE_SIZE)
    months = sorted({f.effective_month for f in queue})
    surges = surge_by_month(months[0], months[-1]) if months else {}
    rows_of: dict[int, list] = {}  # each smelter's projection rows, read once for previews and refusals
    previews = approval_previews(queue, rows_of)  # one usage read per cap, for this page's filings only
    refusals = refusals_for(queue, previews, rows_of)  # the idle-capacity rule and cover too, not only the caps
    items = [{"filing": f, "preview": previews[f.id], "surge": surges[f.effective_month], "refusals": refusals[f.id]}
             for f in queue]
    may_decide = current_user.role in DECIDERS
    first_ids = {f.first_approved_by for f in queue if f.first_approved_by}
    first_approvers = dict(db.session.execute(sa.select(User.id, User.email).where(User.id.in_(first_ids)))
                           .all()) if first_ids else {}
    return render_template("review/queue.html", items=items, total=meta["total"], meta=meta,
                           may_decide=may_decide, first_approvers=first_approvers, form=form, listing=listing,
                           approve_form=ActionForm(), note_form=NoteForm())
