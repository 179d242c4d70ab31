"""The printable summary page (staff and auditors), its charts and downloads, and the admin's buttons."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry.auth.models import User
from registry.errors import settle_refusal
from registry.extensions import db
from registry.filings.models import Filing
from registry.formatting import month_label
from registry.messages import localize
from registry.months import add, current, is_month
from registry.permissions import roles_required
from registry.problems import Problem
from registry.roles import ADMIN, STAFF
from registry.summaries import snapshots
from registry.summaries.charts import cap_usage_chart, provinces_chart, svg_response
from registry.summaries.converters import install_month_converter
from registry.summaries.exports import to_csv, to_xlsx
from registry.summaries.forms import CloseForm, CorrectionForm

bp = Blueprint("summary_pages", __name__, url_prefix="/summaries")
bp.record_once(install_month_converter)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refusal(problem: Problem) -> str:
    """A close or correction refused by the service, in the reader's language."""
    settle_refusal(problem)
    return localize(problem.message)


@bp.route("")
@login_required
@roles_required(*STAFF)
def latest():
    """Last month's summary, or the month asked for with ``?month=``."""
    month = request.args.get("month", "")
    return redirect(url_for(".page", month=month if is_month(month) else add(current(), -1)))


@bp.route("/<month:month>")
@login_required
@roles_required(*STAFF)
def page(month: str, correction_form: CorrectionForm | None = None):
    """The month's summary, frozen once closed, with amendments and revisions."""
    summary = snapshots.summary_for(current_user, month)
    closer = db.session.get(User, summary["closed_by"]) if summary["closed_by"] else None
    return render_template(
        "summaries/page.html", summary=summary, month=month, closer=closer,
        revisions=snapshots.revisions(month), can_close=month < current(),
        previous=add(month, -1), following=add(month, 1),
        close_form=CloseForm(), correction_form=correction_form or CorrectionForm())


@bp.route("/<month:month>/caps.svg")
@login_required
@roles_required(*STAFF)
def caps_chart(month: str) -> Response:
    return svg_response(cap_usage_chart(snapshots.summary_for(current_user, month)))


@bp.route("/<month:month>/provinces.svg")
@login_required
@roles_required(*STAFF)
def provinces_svg(month: str) -> Response:
    return svg_response(provinces_chart(snapshots.summary_for(current_user, month), str(get_locale())))


def _download(body: bytes, summary: dict, mimetype: str, extension: str) -> Response:
    name = f"summary-{summary['month']}" + (f"-r{summary['revision']}" if summary["revision"] else "")
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"'})


@bp.route("/<month:month>.csv")
@login_required
@roles_required(*STAFF)
def csv_download(month: str) -> Response:
    summary = snapshots.summary_for(current_user, month)
    return _download(to_csv(summary), summary, "text/csv", "csv")


@bp.route("/<month:month>.xlsx")
@login_required
@roles_required(*STAFF)
def xlsx_download(month: str) -> Response:
    summary = snapshots.summary_for(current_user, month)
    return _download(to_xlsx(summary), summary, XLSX, "xlsx")


def _pending_filings(month: str) -> int:
    """Filings effective in ``month`` still waiting for a decision: closing leaves them out."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Filing).where(
        Filing.effective_month == month, Filing.status.in_(("submitted", "awaiting_second_approval")))) or 0


def _approved_filings(month: str) -> int:
    """Approved filings effective in ``month``: those the closed summary counts in."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Filing).where(
        Filing.effective_month == month, Filing.status == "approved")) or 0


@bp.route("/<month:month>/close", methods=["POST"])
@login_required
@roles_required(ADMIN)
def close(month: str):
    """Freeze the month (admin), after a confirmation page that says what closing does (``confirm=yes``)."""
    form = CloseForm()
    if not form.validate_on_submit():
        return redirect(url_for(".page", month=month))
    if request.form.get("confirm") != "yes":
        summary = snapshots.summary_for(current_user, month)
        if summary["closed"] or month >= current():
            flash(_("%(month)s is already closed.", month=month_label(month)) if summary["closed"]
                  else _("A month can be closed once it has ended."), "error")
            return redirect(url_for(".page", month=month))
        return render_template("summaries/close_confirm.html", summary=summary, month=month, close_form=form,
                               approved=_approved_filings(month), pending=_pending_filings(month))
    try:
        snapshot = snapshots.close_month(month, current_user)
    except Problem as problem:
        flash(_refusal(problem), "error")
        return redirect(url_for(".page", month=month))
    flash(_("%(month)s is closed. SHA-256: %(sha)s", month=month_label(month), sha=snapshot.sha256))
    return redirect(url_for(".page", month=month))


@bp.route("/<month:month>/corrections", methods=["POST"])
@login_required
@roles_required(ADMIN)
def correct(month: str):
    """Publish a corrected revision (admin); the note is required."""
    form = CorrectionForm()
    if not form.validate_on_submit():
        return page(month, correction_form=form), 422
    try:
        snapshot = snapshots.publish_correction(month, form.note.data, current_user)
    except Problem as problem:
        flash(_refusal(problem), "error")
        return redirect(url_for(".page", month=month))
    flash(_("Revision %(revision)s of %(month)s is published. SHA-256: %(sha)s",
            revision=snapshot.revision, month=month_label(month), sha=snapshot.sha256))
    return redirect(url_for(".page", month=month))
