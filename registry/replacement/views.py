"""Web pages: the member's indicators with their lineage, and the transfer form for staff."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry import formatting, labels
from registry.extensions import db
from registry.members.models import Enterprise, Smelter
from registry.permissions import enterprise_scope, require_role
from registry.problems import Problem
from registry.reference.provinces import PROVINCES
from registry.replacement import services
from registry.replacement.cover import cover_summaries
from registry.replacement.forms import TransferForm
from registry.replacement.lineage import lineage
from registry.replacement.models import Indicator
from registry.replacement.schemas import IndicatorFilter, TransferIn
from registry.roles import DECIDERS
from registry.ui.formkit import load, show_problem
from registry.ui.listing import Listing

bp = Blueprint("replacement", __name__)

PAGE_SIZE = 50
FILTERS = ("province", "has_remaining")
SORTS = {"number": Indicator.id, "owner": (Enterprise.name, Enterprise.id), "smelter": Smelter.name,
         "province": Indicator.province, "tonnes": Indicator.tonnes_tpa, "remaining": Indicator.remaining_tpa,
         "created": Indicator.created_at}


def _names(model, ids: set[int]) -> dict[int, str]:
    """Names of ``model`` rows by id, in one query."""
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(model.id, model.name).where(model.id.in_(ids))).all())


@bp.app_template_filter("route_label")
def route_label(code: str | None) -> str:
    """A transfer's route in the reader's language."""
    return labels.label(labels.ROUTES, code)


@bp.app_template_filter("expiry_day")
def expiry_day(value) -> str:
    """An indicator's expiry date as the reader writes days (2016年12月10日, 10 Dec 2016)."""
    return formatting.figure("expires_on", value)


@bp.app_template_global("cover_of")
def cover_of(filing, among=None) -> dict | None:
    """``cover_summary`` for templates; with ``among`` (a page's filings) all are read in one go."""
    cache = g.setdefault("replacement_covers", {})
    if filing.id not in cache:
        batch = [filing, *(other for other in (among or ()) if other.id not in cache)]
        found = cover_summaries(batch)
        cache.update({each.id: found.get(each.id) for each in batch})
    return cache[filing.id]


@bp.route("/indicators")
def indicators():
    """The enterprise's indicators (staff: all) with origin and seller: filtered, searched, sorted, paged."""
    try:
        filters = IndicatorFilter().load({k: v for k, v in request.args.items() if k in FILTERS and v})
    except ma.ValidationError:
        filters = {}
    listing = Listing.from_request(SORTS, "number")
    stmt = (services.indicators_for(current_user, filters)
            .join(Enterprise, Enterprise.id == Indicator.enterprise_id)
            .join(Smelter, Smelter.id == Indicator.origin_smelter_id))
    stmt = listing.search(stmt, Smelter.name, Enterprise.name, Enterprise.name_en, id_column=Indicator.id)
    items, meta = listing.paged(listing.ordered(stmt, Indicator.id), PAGE_SIZE)
    return render_template(
        "replacement/list.html", indicators=items, meta=meta, filters=filters, listing=listing,
        provinces=PROVINCES,
        enterprises=_names(Enterprise, {i.enterprise_id for i in items}),
        smelters=_names(Smelter, {i.origin_smelter_id for i in items}),
        claims=services.claimed_tpa([i.id for i in items]))


@bp.route("/indicators/<int:indicator_id>")
def indicator_detail(indicator_id: int):
    """One indicator: where its tonnes came from and where they went."""
    indicator = services.get_indicator(current_user, indicator_id)
    found = lineage(indicator, enterprise_scope(current_user))
    return render_template("replacement/detail.html", indicator=indicator, lineage=found,
                           owner=db.session.get(Enterprise, indicator.enterprise_id),
                           figures=services.with_claims([indicator])[0], may_transfer=current_user.role in DECIDERS)


@bp.route("/indicators/<int:indicator_id>/transfer", methods=["GET", "POST"])
def indicator_transfer(indicator_id: int):
    """Record a trade of tonnes to another member (reviewer, admin)."""
    require_role(current_user, *DECIDERS)
    indicator = services.get_indicator(current_user, indicator_id)
    form = TransferForm()
    form.to_enterprise_id.choices = [("", _("Choose the buyer"))] + [
        (e.id, e.name) for e in db.session.scalars(
            sa.select(Enterprise).where(Enterprise.id != indicator.enterprise_id, Enterprise.active.is_(True))
            .order_by(Enterprise.name))]
    form.route.choices = [("", _("Choose the route"))] + [(code, str(name)) for code, name in labels.ROUTES.items()]
    if form.validate_on_submit():
        data = load(form, TransferIn(), ("to_enterprise_id", "tonnes_tpa", "route", "note"))
        if data is not None:
            try:
                trade = services.transfer(indicator.id, data["to_enterprise_id"], data["tonnes_tpa"],
                                          data["note"], current_user, route=data["route"])
            except Problem as problem:
                show_problem(form, problem, field="tonnes_tpa")
            else:
                flash(_("Transferred %(tonnes)s t/a to indicator #%(id)s.", tonnes=f"{trade.tonnes_tpa:,}",
                        id=trade.to_indicator_id))
                return redirect(url_for("replacement.indicator_detail", indicator_id=indicator.id))
    status = 200 if request.method == "GET" else 422
    indicator = services.get_indicator(current_user, indicator_id)  # afresh, after any rollback
    return render_template("replacement/transfer.html", indicator=indicator, form=form,
                           owner=db.session.get(Enterprise, indicator.enterprise_id),
                           figures=services.with_claims([indicator])[0]), status
