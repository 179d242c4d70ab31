"""REST endpoints: /api/v1/summaries/{YYYY-MM}, its CSV and XLSX, closing and corrections.

Who may see what: association staff (admin, reviewer) and auditors see the
whole summary. A filer sees the national totals and utilisation, the caps
that cover its enterprise, and its own enterprise's rows, exceptions and
amendments only (``scope`` says so; no province table). Only an admin closes
a month or publishes a correction.
"""

from __future__ import annotations

from flask import Response, jsonify
from flask_login import current_user

from registry.permissions import roles_required
from registry.rest.etag import etag_of
from registry.rest.schema import Blueprint
from registry.roles import ADMIN
from registry.summaries import snapshots
from registry.summaries.converters import install_month_converter
from registry.summaries.exports import to_csv, to_xlsx
from registry.summaries.schemas import CorrectionIn, RevisionOut, SummaryOut

blp = Blueprint("summaries", __name__, url_prefix="/api/v1/summaries",
                description="Monthly compliance summaries; a closed month is frozen and hashed. "
                            "Staff and auditors see the whole summary; a filer sees the national totals, "
                            "utilisation, the caps covering its enterprise and its own enterprise's rows, "
                            "exceptions and amendments (marked by `scope`). Only an admin closes a month "
                            "or publishes a correction.")
blp.record_once(install_month_converter)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _json(body: dict, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["ETag"] = etag_of(body)
    return response


def _download(body: bytes, summary: dict, mimetype: str, extension: str) -> Response:
    name = f"summary-{summary['month']}" + (f"-r{summary['revision']}" if summary["revision"] else "")
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    if summary["sha256"]:
        response.headers["X-Summary-SHA256"] = summary["sha256"]
    return response


@blp.route("/<month:month>")
@blp.response(200, SummaryOut)
def get_summary(month):
    """The month's summary: live while open; once closed, the frozen latest revision with amendments.

    Totals, cap usage and status, a row per smelter, enterprise and province,
    exceptions (cap warning or breach, a smelter reporting more operating
    capacity than approved, a return missing after its due date) and
    utilisation against Document No. 42's 80 % target. A filer sees its own
    enterprise's rows only; staff and auditors see everything.

    To verify a closed summary's sha256 (staff copy): drop the keys closed,
    sha256, revision, closed_at, closed_by, note, amendments and scope;
    serialise the rest with sorted keys, separators (",", ":") and non-ASCII
    characters unescaped (ensure_ascii=False); encode as UTF-8; hash with SHA-256.
    """
    return _json(snapshots.summary_for(current_user, month))


@blp.route("/<month:month>.csv")
@blp.response(200, description="UTF-8 CSV with a byte-order mark: a header row, a row per smelter, "
                               "and a last TOTAL row of the national totals.", content_type="text/csv")
def get_summary_csv(month):
    """The summary's per-smelter table as CSV for Excel (bilingual headers; sections are in the XLSX)."""
    summary = snapshots.summary_for(current_user, month)
    return _download(to_csv(summary), summary, "text/csv", "csv")


@blp.route("/<month:month>.xlsx")
@blp.response(200, description="An XLSX workbook with a sheet per section.", content_type=XLSX)
def get_summary_xlsx(month):
    """The summary as a workbook: overview, smelters, enterprises, provinces, caps, exceptions, amendments."""
    summary = snapshots.summary_for(current_user, month)
    return _download(to_xlsx(summary), summary, XLSX, "xlsx")


@blp.route("/<month:month>/close", methods=["POST"])
@roles_required(ADMIN)
@blp.response(201, SummaryOut)
def close_month(month):
    """Close the month (admin): store its canonical JSON and sha256; 409 if already closed.

    A month can be closed once it has ended. Later approvals and returns that
    change it show as ``amendments``; the stored summary never changes.
    """
    snapshots.close_month(month, current_user)
    return _json(snapshots.summary_for(current_user, month), 201)


@blp.route("/<month:month>/corrections", methods=["POST"])
@roles_required(ADMIN)
@blp.arguments(CorrectionIn)
@blp.response(201, SummaryOut)
def publish_correction(data, month):
    """Publish a corrected revision of a closed month (admin) with its own sha256; earlier revisions stay.

    409 if the month is not closed or nothing changed since the latest revision.
    """
    snapshots.publish_correction(month, data["note"], current_user)
    return _json(snapshots.summary_for(current_user, month), 201)


@blp.route("/<month:month>/revisions")
@blp.response(200, RevisionOut(many=True))
def list_revisions(month):
    """Every frozen revision of the month, oldest first (empty while open)."""
    return snapshots.revisions(month)


@blp.route("/<month:month>/revisions/<int:revision>")
@blp.response(200, SummaryOut)
def get_revision(month, revision):
    """One frozen revision exactly as stored (its sha256 checks against its body)."""
    return _json(snapshots.revision_for(current_user, month, revision))
