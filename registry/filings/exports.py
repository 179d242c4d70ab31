"""Downloads of the filings list and the review queue (CSV and XLSX), with the list's filters.

Each download runs the page's own statement (``filings_listing`` and
``queue_listing``): the same filters, search, sort and visibility, so a
filer's file holds its own enterprise's filings only. One query reads the
rows with their smelter and enterprise names; at most ``EXPORT_LIMIT`` rows
are written, and a note says so when the list is longer.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectField

from registry import labels, spreadsheets
from registry.db import utcnow
from registry.extensions import db
from registry.filings.models import Filing
from registry.filings.review import queue_listing
from registry.filings.views import filings_listing
from registry.formatting import month_label, number, province, when
from registry.members.models import Enterprise, Smelter
from registry.messages import Template
from registry.months import is_month
from registry.permissions import require_role
from registry.problems import Invalid
from registry.roles import STAFF
from registry.spreadsheets import DATETIME, ID, INT, MONTH, TEXT, Column, Table, wan
from registry.ui.pages import bp

EXPORT_LIMIT = 20_000
ROW_COLUMNS = (
    Filing.id, Filing.kind, Filing.capacity_tpa, Filing.effective_month, Filing.status, Filing.notes,
    Filing.submitted_at, Filing.decided_at, Filing.first_approved_at, Filing.amends_id, Filing.cancel,
    Smelter.name.label("smelter_name"), Smelter.province, Enterprise.name.label("enterprise_name"),
)
FILTERS_INVALID = Template("export_filters_invalid",
                           "These filters are not valid: %(fields)s. Correct them on the list, then download again.")


def _rows(stmt: sa.Select) -> tuple[list[dict[str, Any]], bool]:
    """The listing's rows (one query, names joined in), and whether the limit cut it."""
    found = [dict(row) for row in db.session.execute(
        stmt.with_only_columns(*ROW_COLUMNS).limit(EXPORT_LIMIT + 1)).mappings()]
    rows = [{**row, "province_name": province(row["province"]),
             "kind_label": labels.label(labels.KINDS, row["kind"]),
             "status_label": labels.label(labels.STATUSES, row["status"]),
             "submitted": spreadsheets.beijing(row["submitted_at"]),
             "decided": spreadsheets.beijing(row["decided_at"]),
             "first_approved": spreadsheets.beijing(row["first_approved_at"])} for row in found[:EXPORT_LIMIT]]
    return rows, len(found) > EXPORT_LIMIT


def _refuse_invalid(form) -> None:
    """A download with filters the list refuses is a 422 naming them, not a file of every filing."""
    if form.errors:
        fields = ", ".join(str(form[name].label.text) for name in form.errors)
        message = FILTERS_INVALID(fields=fields)
        raise Invalid(message, errors={name: [message] for name in form.errors})


def _filter_text(form) -> str:
    """The filters and search in force, as a line under the title."""
    parts = []
    for field in form:
        if not field.data or field.errors:
            continue
        if isinstance(field, SelectField):
            value = dict((str(key), text) for key, text in field.choices).get(str(field.data), str(field.data))
        elif isinstance(field.data, str) and is_month(field.data):
            value = month_label(field.data)
        else:
            value = f"“{field.data}”"
        parts.append(f"{field.label.text}: {value}")
    return _("Filters: %(filters)s", filters="; ".join(parts)) if parts else _("All the filings you may see.")


def _note(form, cut: bool) -> str:
    note = _filter_text(form)
    if cut:
        note += " " + _("Only the first %(limit)s rows are included: narrow the filters to download the rest.",
                        limit=number(EXPORT_LIMIT))
    return note


def _common_columns(staff: bool) -> list[Column]:
    return [
        Column("id", _("No."), ID),
        *([Column("enterprise_name", _("Enterprise"))] if staff else []),
        Column("smelter_name", _("Smelter")), Column("province_name", _("Province")),
        Column("kind_label", _("Kind")),
        *wan(Column("capacity_tpa", _("Capacity (t/a)"), INT, total=True), _("Capacity (10,000 t/a)")),
        Column("effective_month", _("Effective month"), MONTH),
    ]


def filing_columns(staff: bool) -> list[Column]:
    """The filings download's columns; the enterprise only for staff, as on the page."""
    return [*_common_columns(staff), Column("status_label", _("Status")),
            Column("submitted", _("Submitted (Beijing time)"), DATETIME),
            Column("decided", _("Decided (Beijing time)"), DATETIME),
            Column("amends_id", _("Amends filing No."), ID), Column("notes", _("Notes"), TEXT)]


def queue_columns() -> list[Column]:
    """The review queue download's columns."""
    return [*_common_columns(True), Column("status_label", _("Stage")),
            Column("submitted", _("Submitted (Beijing time)"), DATETIME),
            Column("first_approved", _("First approval (Beijing time)"), DATETIME),
            Column("amends_id", _("Amends filing No."), ID), Column("notes", _("Notes"), TEXT)]


def _send(table: Table, stem: str, sheet: str, fmt: str):
    today = spreadsheets.beijing(utcnow()).date().isoformat()
    if fmt == "csv":
        return spreadsheets.download(spreadsheets.csv_bytes(table), spreadsheets.file_name(stem, "csv", today))
    return spreadsheets.download(spreadsheets.workbook_bytes([(sheet, table)]),
                                 spreadsheets.file_name(stem, "xlsx", today))


def _title(name: str) -> str:
    return f"{name} · " + _("Exported %(when)s", when=when(utcnow()))


@bp.route("/filings.<any(csv, xlsx):fmt>")
def filings_export(fmt: str):
    """The filings list as the page shows it (filters, search, sort), as CSV or XLSX."""
    form, _listing, stmt = filings_listing()
    _refuse_invalid(form)
    rows, cut = _rows(stmt)
    table = Table(_title(_("Filings")), filing_columns(current_user.is_staff), rows, total_label=_("Total"),
                  note=_note(form, cut))
    return _send(table, "filings", _("Filings"), fmt)


@bp.route("/review.<any(csv, xlsx):fmt>")
def review_export(fmt: str):
    """The review queue as the page shows it (staff), as CSV or XLSX."""
    require_role(current_user, *STAFF)
    form, _listing, stmt = queue_listing()
    _refuse_invalid(form)
    rows, cut = _rows(stmt)
    table = Table(_title(_("Review queue")), queue_columns(), rows, total_label=_("Total"),
                  note=_note(form, cut))
    return _send(table, "review-queue", _("Review queue"), fmt)
