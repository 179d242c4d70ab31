"""Caps: each cap's usage against its limit over its period, as a chart and a table."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from registry.capacity.usage import STATUS_ORDER, usage_report
from registry.caps.models import Cap
from registry.caps.services import caps_for, get_cap, usage_disclosed, withheld_usage
from registry.extensions import db
from registry.members.models import Enterprise
from registry.ui.charts import line_chart, svg_response
from registry.ui.listing import Listing
from registry.ui.pages import bp

USAGE_BLUE, PENDING_ORANGE, LIMIT_RED = "#0b5cad", "#d97706", "#b91c1c"
PAGE_SIZE = 25  # each cap reads its usage over its period: a page bounds the work
SORTS = {"number": Cap.id, "name": Cap.name, "limit": Cap.limit_tpa, "period": (Cap.period_from, Cap.period_to)}


@bp.route("/caps")
def caps():
    """The caps this user may see, searched, sorted and paged, each with its worst month, chart and busiest months."""
    listing = Listing.from_request(SORTS, "number")
    stmt = listing.search(caps_for(current_user), Cap.name, id_column=Cap.id)
    page, meta = listing.paged(listing.ordered(stmt, Cap.id), PAGE_SIZE)
    entries = []
    for cap in page:
        rows = usage_report(cap, cap.period_from, cap.period_to)
        peak = max(rows, key=lambda r: (STATUS_ORDER[r["pending_status"]], r["pending_tpa"])) if rows else None
        busiest = sorted(rows, key=lambda r: -r["pending_tpa"])[:6]
        withheld = not usage_disclosed(current_user, cap)
        if withheld:  # a filer reads only the status of the others' sum
            peak, busiest = (withheld_usage([peak])[0] if peak else None), []
        entries.append({"cap": cap, "peak": peak, "rows": sorted(busiest, key=lambda r: r["month"]),
                        "withheld": withheld,
                        "enterprise": db.session.get(Enterprise, cap.scope_enterprise_id)
                        if cap.scope_enterprise_id else None})
    return render_template("caps/list.html", entries=entries, listing=listing, meta=meta)


@bp.route("/caps/<int:cap_id>/usage.svg")
def cap_chart(cap_id: int):
    """Approved and pending usage against the limit, month by month, as an SVG chart."""
    cap = get_cap(current_user, cap_id)
    rows = usage_report(cap, cap.period_from, cap.period_to)
    if not usage_disclosed(current_user, cap):
        rows = withheld_usage(rows)  # the limit alone: the usage lines would be the other members' sum
    chart = line_chart(_("Usage against the limit (t/a)"), [r["month"] for r in rows],
                       colors=(USAGE_BLUE, PENDING_ORANGE, LIMIT_RED))
    chart.add(_("Approved"), [r["approved_tpa"] for r in rows], stroke_style={"width": 3.5})
    chart.add(_("With pending filings"), [r["pending_tpa"] for r in rows],
              stroke_style={"width": 2.5, "dasharray": "8,5"})
    chart.add(_("Limit"), [r["limit_tpa"] for r in rows], show_dots=False, stroke_style={"width": 2.5})
    return svg_response(chart)
