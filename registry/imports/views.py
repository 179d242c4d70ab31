"""Import pages: upload, a preview of every row with its errors, then confirm."""

from __future__ import annotations

from flask import Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from registry import labels
from registry.formatting import month_label
from registry.imports import stash
from registry.imports.cells import Smelters
from registry.imports.columns import KIND, MONTH, SHEETS, SMELTER, TEXT, WHOLE
from registry.imports.forms import ConfirmForm, UploadForm
from registry.imports.reading import read_upload
from registry.imports.services import Outcome, run_import
from registry.imports.uploads import NOT_A_FILE, allow_upload_size, upload_bytes
from registry.imports.workbooks import XLSX, template_workbook
from registry.messages import localize
from registry.months import is_month
from registry.permissions import require_role
from registry.problems import Invalid
from registry.roles import FILER
from registry.ui.filters import tpa
from registry.ui.pages import bp

bp.url_value_preprocessor(allow_upload_size(frozenset({"web.imports"})))
NOTE_PREVIEW, CELL_PREVIEW = 120, 40  # characters shown of a note, and of any other cell that did not parse


def _wants_json() -> bool:
    """The page's script uploads with XMLHttpRequest and wants where to go next, not a page."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@bp.route("/imports", methods=["GET", "POST"])
def imports():
    """Choose what to import, download a template, upload the filled-in file (filers)."""
    require_role(current_user, FILER)
    form = UploadForm()
    if request.method == "GET" and request.args.get("what") in SHEETS:
        form.what.data = request.args["what"]
    if form.is_submitted():
        form.validate()
        sheet_name = form.what.data if form.what.data in SHEETS else None
        if sheet_name is not None:  # else the radio buttons say what is wrong
            try:
                data = upload_bytes(form.file.data if form.file.data else None)
                read_upload(data, SHEETS[sheet_name])  # a file that cannot be read goes back to this form
            except Invalid as problem:
                form.file.errors = [localize(m) for m in problem.errors.get("file", [problem.message])]
            else:
                token = stash.keep(current_user, sheet_name, form.file.data.filename or "", data)
                target = url_for("web.import_preview", token=token)
                if _wants_json():
                    return jsonify(location=target)
                return redirect(target, 303)
        if _wants_json():
            return jsonify(errors=form.file.errors or [localize(NOT_A_FILE())]), 422
    status = 422 if request.method == "POST" else 200
    return render_template("imports/upload.html", upload_form=form, **_limits()), status


@bp.route("/imports/templates/<any(filings, 'monthly-returns'):name>.xlsx")
def import_template(name: str):
    """The XLSX template, as the API serves it, for a signed-in user."""
    sheet = SHEETS["filings" if name == "filings" else "monthly_returns"]
    response = Response(template_workbook(sheet, current_user), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _shown(value: object, kind: str) -> object:
    """A parsed value as the preview shows it; what did not parse, as it was typed (shortened)."""
    if value is None or value == "":
        return ""
    if kind == WHOLE and isinstance(value, int) and not isinstance(value, bool):
        return tpa(value, unit=False)
    if kind == KIND and isinstance(value, str) and value in labels.KINDS:
        return labels.label(labels.KINDS, value)
    if kind == MONTH and isinstance(value, str) and is_month(value):
        return month_label(value)
    text, limit = str(value), NOTE_PREVIEW if kind == TEXT else CELL_PREVIEW
    return text if len(text) <= limit else text[:limit] + "…"


def _rows(outcome: Outcome, smelters: Smelters) -> list[dict]:
    names = {smelter_id: name for name, smelter_id in smelters.choices}
    columns = {column.key: column for column in outcome.sheet.columns}
    rows = []
    for row in outcome.rows:
        cells = []
        for column in outcome.sheet.columns:
            value = row.body.get(column.key)
            if column.kind == SMELTER and isinstance(value, int):
                value = names.get(value, f"#{value}")
            cells.append(_shown(value, column.kind))
        errors = [(columns.get(name), [localize(m) for m in messages]) for name, messages in row.errors.items()]
        rows.append({"number": row.number, "cells": cells, "errors": errors})
    return rows


def _limits() -> dict:
    config = current_app.config
    return {"max_rows": config["IMPORT_MAX_ROWS"], "max_size": f"{config['IMPORT_MAX_BYTES'] / 2**20:g} MB"}


def _preview(stashed: stash.Stashed, outcome: Outcome, form: ConfirmForm, status: int = 200):
    return render_template("imports/preview.html", stashed=stashed, outcome=outcome, columns=outcome.sheet.columns,
                           rows=_rows(outcome, Smelters.of(current_user)), form=form,
                           upload_form=UploadForm(what=stashed.sheet_name, formdata=None), **_limits()), status


@bp.route("/imports/<token>")
def import_preview(token: str):
    """Every row of the upload with its parsed values and errors; nothing is written yet."""
    require_role(current_user, FILER)
    stashed = stash.load(current_user, token)
    try:
        outcome = run_import(stashed.sheet_name, stashed.data, current_user, dry_run=True)
    except Invalid as problem:
        flash(localize(problem.message), "error")
        return redirect(url_for("web.imports", what=stashed.sheet_name))
    return _preview(stashed, outcome, ConfirmForm())


@bp.route("/imports/<token>/confirm", methods=["POST"])
def import_confirm(token: str):
    """Import every row of the upload, or none when any fails (then the preview again, with the errors)."""
    require_role(current_user, FILER)
    stashed = stash.load(current_user, token)
    form = ConfirmForm()
    submit = bool(form.submit_for_review.data) and stashed.sheet_name == "filings"
    try:
        outcome = run_import(stashed.sheet_name, stashed.data, current_user, submit=submit)
    except Invalid as problem:
        flash(localize(problem.message), "error")
        return redirect(url_for("web.imports", what=stashed.sheet_name))
    if outcome.failed:
        flash(_("Nothing was imported: the rows marked below have errors."), "error")
        return _preview(stashed, outcome, form, 422)
    stash.discard(token)
    count = len(outcome.created)
    if stashed.sheet_name == "filings":
        flash(ngettext("Imported %(num)s filing and submitted it for review.",
                       "Imported %(num)s filings and submitted them for review.", count) if submit else
              ngettext("Imported %(num)s filing as a draft.", "Imported %(num)s filings as drafts.", count), "info")
        return redirect(url_for("web.filings"))
    flash(ngettext("Imported %(num)s monthly return.", "Imported %(num)s monthly returns.", count), "info")
    return redirect(url_for("web.imports", what="monthly_returns"))
