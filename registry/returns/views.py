"""Monthly return pages: the month's form for each of the filer's smelters, revisions, who is missing."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from registry import months
from registry.extensions import db
from registry.formatting import figure, month_label, when
from registry.members.models import Enterprise, Smelter
from registry.members.services import enterprises_for
from registry.permissions import require_role
from registry.problems import InvalidInput
from registry.reference.provinces import PROVINCE_CODES
from registry.rest.paging import pagination_header
from registry.returns import services
from registry.returns.forms import MonthFilterForm, ReturnRowForm, ReturnsForm
from registry.returns.models import MonthlyReturn, due_date
from registry.returns.schemas import ReturnIn
from registry.roles import FILER
from registry.ui.formkit import load, show_problem
from registry.ui.forms import province_choices
from registry.ui.listing import Listing
from registry.ui.pages import bp

PAGE_SIZE = 50
FIGURES = ("operating_tpa", "production_t")


def _month_from_args(filters: MonthFilterForm) -> tuple[str, int]:
    """The month asked for (default: the one whose return is due next) and the page's status."""
    month = (request.args.get("month") or "").strip() or months.add(months.current(), -1)
    filters.month.data = month
    try:
        services.check_month(month)
    except InvalidInput as problem:
        show_problem(filters, problem)
        return month, 422
    return month, 200


def _due_label(month: str) -> str:
    """The month's due date as a reader writes a day: 2016年12月10日, 10 Dec 2016."""
    return figure("due_on", due_date(month))


def _month_nav(month: str) -> dict:
    """Previous and next month (no next beyond the current month: a return is for a month that has begun)."""
    following = months.add(month, 1) if months.is_month(month) else None
    previous = months.add(month, -1) if months.is_month(month) else None
    return {"previous": previous if previous and months.is_month(previous) else None,
            "following": following if following and following <= months.current() else None}


@bp.route("/returns", methods=["GET", "POST"])
def returns():
    """A filer files the month's returns of its smelters; staff see who filed, who is missing."""
    filters = MonthFilterForm(request.args)
    filters.enterprise_id.choices = [("", _("Any enterprise"))] + [
        (e.id, e.name) for e in db.session.scalars(enterprises_for(current_user))]
    filters.province.choices = province_choices(_("Any province"))
    month, status = _month_from_args(filters)
    if request.method == "POST":
        require_role(current_user, FILER)
    if status != 200:
        return render_template("returns/month.html", month=month, filters=filters, bad_month=True,
                               **_month_nav(month)), status
    if current_user.role == FILER:
        return _filer_page(month, filters)
    return _staff_page(month, filters)


def _prefill(row) -> dict:
    """The latest revision's figures, else the approved operating capacity and no production."""
    if row.revision is not None:
        return {"operating_tpa": row.operating_tpa, "production_t": row.production_t}
    return {"operating_tpa": int(row.approved_tpa), "production_t": None}


def _filer_page(month: str, filters: MonthFilterForm):
    rows = list(db.session.execute(services.month_rows(current_user, month)))
    form = ReturnsForm() if request.method == "POST" else ReturnsForm(formdata=None)
    posted = {}
    if request.method == "POST":
        form.validate()
        posted = {row.form.smelter_id.data: row.form for row in form.rows}
    pairs = []
    for row in rows:
        sub = posted.pop(str(row.smelter_id), None)
        if sub is None:
            entry = form.rows.append_entry({"smelter_id": str(row.smelter_id), **_prefill(row)})
            sub = entry.form
        pairs.append((row, sub))
    status = 200
    if request.method == "POST":
        if posted:  # a smelter that is not (or no longer) on this page: nothing is filed
            flash(_("The page was out of date: check the figures and file again."), "error")
            status = 422
        else:
            done = _file(month, pairs)
            if done is not None:
                return done
            status = 422
    return render_template("returns/month.html", month=month, filters=filters, form=form, pairs=pairs,
                           due_label=_due_label(month), overdue=services.is_overdue(month),
                           **_month_nav(month)), status


def _touched(row, sub: ReturnRowForm) -> bool:
    """Whether the clerk entered something: not both empty, and not the figures the page offered."""
    if any(sub[name].errors for name in FIGURES):
        return True
    values = {name: sub[name].data for name in FIGURES}
    return any(v is not None for v in values.values()) and values != _prefill(row)


def _file(month: str, pairs: list):
    """File every row the clerk filled, all or none; a redirect when filed, else None (messages placed)."""
    items, ok = [], True
    for row, sub in pairs:
        if not _touched(row, sub):
            continue
        data = load(sub, ReturnIn(), FIGURES, smelter_id=row.smelter_id, month=month)
        if data is None:
            ok = False
        else:
            items.append((sub, data))
    if not ok:
        flash(_("Nothing was filed: correct the marked figures."), "error")
        return None
    if not items:
        flash(_("Nothing to file: enter both figures for at least one smelter."), "error")
        return None
    filed, refused = services.file_month([data for _sub, data in items], current_user)
    if refused:
        for index, problem in refused.items():
            show_problem(items[index][0], problem, field="operating_tpa")
        flash(_("Nothing was filed: correct the marked figures."), "error")
        return None
    flash(ngettext("%(num)s return filed for %(month)s.", "%(num)s returns filed for %(month)s.",
                   len(filed), month=month_label(month)), "info")
    return redirect(url_for("web.returns", month=month))


def _staff_page(month: str, filters: MonthFilterForm):
    filters.validate()
    enterprise_id = None if filters.enterprise_id.errors else filters.enterprise_id.data
    province = filters.province.data if filters.province.data in PROVINCE_CODES else None
    status = 422 if filters.province.errors or filters.enterprise_id.errors else 200
    listed = services.month_rows(current_user, month, enterprise_id=enterprise_id, province=province)
    # approved_tpa is a label of the row's select: ordering by it names the column, whatever it is made of
    sorts = {"smelter": Smelter.name, "enterprise": (Enterprise.name, Enterprise.id), "province": Smelter.province,
             "approved": listed.selected_columns["approved_tpa"], "reported": MonthlyReturn.operating_tpa,
             "filed": MonthlyReturn.submitted_at}
    listing = Listing.from_request(sorts, "enterprise")
    listed = listing.search(listed, Smelter.name, Enterprise.name, Enterprise.name_en, id_column=Smelter.id)
    listed = listing.ordered(listed, Smelter.name, Smelter.id)
    counts = services.month_counts(listed, month)
    meta = json.loads(pagination_header(counts["smelters"], listing.page, PAGE_SIZE))
    rows = services.page_of(listed, listing.page, PAGE_SIZE)
    return render_template("returns/month.html", month=month, filters=filters, rows=rows, counts=counts,
                           meta=meta, listing=listing, due_label=_due_label(month), overdue=services.is_overdue(month),
                           **_month_nav(month)), status


@bp.route("/returns/<int:smelter_id>/<month>")
def return_history(smelter_id: int, month: str):
    """Every revision of a smelter's return for a month, newest first."""
    if not months.is_month(month):
        abort(404)
    smelter, history = services.revisions_of(current_user, smelter_id, month)
    return render_template("returns/history.html", smelter=smelter, month=month, history=history,
                           due_label=_due_label(month), beijing_time=when)
