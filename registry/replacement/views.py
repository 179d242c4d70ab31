"""Web pages: the member's indicators with their lineage, and the transfer form for staff."""

from __future__ import annotations

import json

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.extensions import db
from registry.members.models import Enterprise, Smelter
from registry.permissions import enterprise_scope, require_role
from registry.problems import Problem
from registry.reference.provinces import PROVINCES
from registry.replacement import services
from registry.replacement.cover import cover_summaries
from registry.replacement.forms import TransferForm
from registry.replacement.lineage import lineage
from registry.replacement.schemas import IndicatorFilter, TransferIn
from registry.rest.paging import MAX_PAGE, paginate
from registry.roles import DECIDERS
from registry.ui.formkit import load, show_problem

bp = Blueprint("replacement", __name__)

PAGE_SIZE = 50
FILTERS = ("province", "has_remaining")


def _names(model, ids: set[int]) -> dict[int, str]:
    """Names of ``model`` rows by id, in one query."""
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(model.id, model.name).where(model.id.in_(ids))).all())


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
    """The user's enterprise's indicators (staff: all), with origin and the seller they came from."""
    try:
        filters = IndicatorFilter().load({k: v for k, v in request.args.items() if k in FILTERS and v})
    except ma.ValidationError:
        filters = {}
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    items, headers = paginate(services.indicators_for(current_user, filters), page, PAGE_SIZE)
    return render_template(
        "replacement/list.html", indicators=items, meta=json.loads(headers["X-Pagination"]), filters=filters,
        provinces=PROVINCES,
        enterprises=_names(Enterprise, {i.enterprise_id for i in items}),
        smelters=_names(Smelter, {i.origin_smelter_id for i in items}))


@bp.route("/indicators/<int:indicator_id>")
def indicator_detail(indicator_id: int):
    """One indicator: where its tonnes came from and where they went."""
    indicator = services.get_indicator(current_user, indicator_id)
    found = lineage(indicator, enterprise_scope(current_user))
    return render_template("replacement/detail.html", indicator=indicator, lineage=found,
                           owner=db.session.get(Enterprise, indicator.enterprise_id),
                           may_transfer=current_user.role in DECIDERS)


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
    if form.validate_on_submit():
        data = load(form, TransferIn(), ("to_enterprise_id", "tonnes_tpa", "note"))
        if data is not None:
            try:
                trade = services.transfer(indicator.id, data["to_enterprise_id"], data["tonnes_tpa"],
                                          data["note"], current_user)
            except Problem as problem:
                show_problem(form, problem, field="tonnes_tpa")
            else:
                flash(_("Transferred %(tonnes)s t/a to indicator #%(id)s.", tonnes=f"{trade.tonnes_tpa:,}",
                        id=trade.to_indicator_id))
                return redirect(url_for("replacement.indicator_detail", indicator_id=indicator.id))
    status = 200 if request.method == "GET" else 422
    indicator = services.get_indicator(current_user, indicator_id)  # afresh, after any rollback
    return render_template("replacement/transfer.html", indicator=indicator, form=form,
                           owner=db.session.get(Enterprise, indicator.enterprise_id)), status
