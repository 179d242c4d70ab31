"""Smelters: the list with today's positions (searched, sorted, paged), and each smelter's positions over time."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from registry import months
from registry.capacity.positions import at_month, positions_at, positions_by_month
from registry.extensions import db
from registry.filings.models import Filing
from registry.members.models import Enterprise, Smelter
from registry.members.services import get_smelter, smelters_for
from registry.ui.charts import line_chart, svg_response
from registry.ui.listing import Listing
from registry.ui.pages import bp

MAX_MONTHS = 240
PAGE_SIZE = 25
# A smelter page's filings: newest effective month first unless the reader sorts them.
FILING_SORTS = {"number": Filing.id, "capacity": Filing.capacity_tpa, "effective": Filing.effective_month,
                "status": Filing.status}


@bp.route("/smelters")
def smelters():
    """The smelters this user may see with this month's position: searched, sorted and paged."""
    this_month = months.current()
    position = at_month(this_month)  # at most one row per smelter: its month's, or its last before it
    built = sa.func.coalesce(position.c.built_tpa, Smelter.baseline_built_tpa)
    operating = sa.func.coalesce(position.c.operating_tpa, Smelter.baseline_operating_tpa)
    sorts = {"name": Smelter.name, "enterprise": (Enterprise.name, Enterprise.id), "province": Smelter.province,
             "built": built, "operating": operating}
    listing = Listing.from_request(sorts, "enterprise")
    stmt = (smelters_for(current_user).join(Enterprise, Enterprise.id == Smelter.enterprise_id)
            .outerjoin(position, position.c.smelter_id == Smelter.id))
    stmt = listing.search(stmt, Smelter.name, Enterprise.name, Enterprise.name_en, id_column=Smelter.id)
    totals = db.session.execute(stmt.order_by(None).with_only_columns(
        sa.func.coalesce(sa.func.sum(built), 0), sa.func.coalesce(sa.func.sum(operating), 0))).one()
    rows, meta = listing.paged(listing.ordered(stmt, Smelter.name, Smelter.id), PAGE_SIZE)
    enterprises = {e.id: e for e in db.session.scalars(
        sa.select(Enterprise).where(Enterprise.id.in_({s.enterprise_id for s in rows})))}
    return render_template("smelters/list.html", smelters=rows, positions=positions_at(rows, this_month),
                           enterprises=enterprises, month=this_month, listing=listing, meta=meta,
                           total_built=int(totals[0]), total_operating=int(totals[1]))


def chart_range(smelter) -> tuple[str, str]:
    """From the baseline to a few months past the smelter's last filing (or ?from=&to=)."""
    last_filing = db.session.scalar(
        sa.select(sa.func.max(Filing.effective_month)).where(Filing.smelter_id == smelter.id))
    first = request.args.get("from") or smelter.baseline_month
    last = request.args.get("to") or max(months.add(last_filing or smelter.baseline_month, 6),
                                         months.add(smelter.baseline_month, 23))
    if not (months.is_month(first) and months.is_month(last)) or first > last:
        first, last = smelter.baseline_month, months.add(smelter.baseline_month, 23)
    if months.count(first, last) > MAX_MONTHS:
        first = months.add(last, -(MAX_MONTHS - 1))
    return first, last


def changes(positions) -> list:
    """The months where the position changes, for the table under the chart."""
    out, previous = [], None
    for position in positions:
        key = (position.built_tpa, position.operating_tpa)
        if key != previous:
            out.append(position)
            previous = key
    return out


@bp.route("/smelters/<int:smelter_id>")
def smelter_detail(smelter_id: int):
    """A smelter: baseline, position now, positions over time, its filings."""
    smelter = get_smelter(current_user, smelter_id)
    first, last = chart_range(smelter)
    positions = positions_by_month(smelter, first, last)
    now = positions_at([smelter], months.current())[smelter.id]
    listing = Listing.from_request(FILING_SORTS, "-effective")
    # the smelter is visible (above), so are all its filings
    stmt = listing.ordered(sa.select(Filing).where(Filing.smelter_id == smelter.id), Filing.id.desc())
    filings, meta = listing.paged(stmt, PAGE_SIZE)
    return render_template("smelters/detail.html", smelter=smelter, positions=changes(positions),
                           first=first, last=last, now=now, filings=filings, meta=meta, listing=listing,
                           enterprise=db.session.get(Enterprise, smelter.enterprise_id))


@bp.route("/smelters/<int:smelter_id>/positions.svg")
def smelter_chart(smelter_id: int):
    """Built and operating capacity month by month, as an SVG chart."""
    smelter = get_smelter(current_user, smelter_id)
    first, last = chart_range(smelter)
    positions = positions_by_month(smelter, first, last)
    chart = line_chart(_("Capacity by month (t/a)"), [p.month for p in positions])
    chart.add(_("Built"), [p.built_tpa for p in positions])
    chart.add(_("Operating"), [p.operating_tpa for p in positions])
    chart.add(_("Idle"), [p.idle_tpa for p in positions])
    return svg_response(chart)
