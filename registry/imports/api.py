"""REST endpoints: /api/v1/imports (templates and uploads)."""

from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_login import current_user
from flask_smorest.fields import Upload

from registry.imports.columns import SHEETS
from registry.imports.services import import_or_refuse
from registry.imports.uploads import allow_upload_size, upload_bytes
from registry.imports.workbooks import XLSX, template_workbook
from registry.rest.schema import Blueprint, Schema

blp = Blueprint("imports", __name__, url_prefix="/api/v1/imports",
                description="Imports (导入): XLSX templates, and uploads of filings and monthly returns.")
blp.url_value_preprocessor(allow_upload_size(frozenset({"imports.import_filings", "imports.import_returns"})))

COLUMNS_DOC = {
    "filings": "Columns (row 1, in Chinese, English or both, or the field names): 电解铝厂 Smelter (`smelter_id`: "
               "the smelter's name as the template lists it, or its id), 类型 Kind (`kind`: the code or its "
               "label in either language), 产能（吨/年） Capacity (t/a) (`capacity_tpa`), 生效月份 Effective "
               "month (`effective_month`: 2027-01 or a date cell), and optionally 备注 Notes (`notes`), "
               "电解槽数 Number of cells (`cell_count`), 电流强度（千安） Cell amperage (kA) "
               "(`cell_amperage_ka`).",
    "monthly_returns": "Columns (row 1, in Chinese, English or both, or the field names): 电解铝厂 Smelter "
                       "(`smelter_id`), 月份 Month (`month`), 运行产能（吨/年） Operating capacity (t/a) "
                       "(`operating_tpa`), 产量（吨） Production (t) (`production_t`).",
}
RULES_DOC = (
    "Send the file as multipart/form-data field `file`: XLSX (the first sheet is read), or CSV in UTF-8 "
    "(with or without BOM) or GB18030. At most IMPORT_MAX_ROWS (5,000) data rows and IMPORT_MAX_BYTES "
    "(5 MB; beyond: 413). A row whose smelter cell still says 示例 Example (the template's example row) and "
    "empty rows are skipped. Every row goes through the rules of the single POST, and each record created "
    "has its audit event. All rows or none: if any row fails, the answer is 422 with `errors` mapping "
    "\"row N\" (N as in the sheet; the header is row 1) to that row's fields and their messages "
    "(`_schema` for a refusal naming no field), and nothing is written. A file that cannot be read, has "
    "no rows or lacks a required column is 422 naming `file`.\n\n"
    "201: `{created: [ids], rows: N, example_rows: [...], dry_run: false}`. With `dry_run=true` every row "
    "is checked the same way and nothing is written (no record, no audit event): 200 with "
    "`{created: [], rows: N, example_rows: [...], dry_run: true}`, or the same 422."
)


class UploadIn(Schema):
    file = Upload(required=True, metadata={"description": "The filled-in template: .xlsx or .csv."})


class ReturnImportArgs(Schema):
    dry_run = ma.fields.Boolean(load_default=False, metadata={"description": "Check every row, write nothing."})


class FilingImportArgs(ReturnImportArgs):
    submit = ma.fields.Boolean(load_default=False,
                               metadata={"description": "Submit each new draft for review, as "
                                                        "POST /api/v1/filings/{id}/submit does."})


class ImportOut(Schema):
    created = ma.fields.List(ma.fields.Integer(), metadata={"description": "The ids created; empty on a dry run."})
    rows = ma.fields.Integer(metadata={"description": "Data rows read (the example and empty rows left out)."})
    example_rows = ma.fields.List(ma.fields.Integer(),
                                  metadata={"description": "Rows skipped as the template's example."})
    dry_run = ma.fields.Boolean()


def _template(name: str) -> Response:
    body = template_workbook(SHEETS[name], current_user)
    response = Response(body, mimetype=XLSX)
    filename = "filings.xlsx" if name == "filings" else "monthly-returns.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@blp.route("/templates/filings.xlsx")
@blp.response(200, description="An XLSX template: bilingual headers, drop-downs of kinds and of the smelters "
                               "you may file for, an example row and a sheet of instructions.", content_type=XLSX)
def filings_template():
    """The filings template (a filer's lists its own enterprise's smelters; staff's all)."""
    return _template("filings")


@blp.route("/templates/monthly-returns.xlsx")
@blp.response(200, description="An XLSX template for monthly returns, with drop-downs of your smelters.",
              content_type=XLSX)
def returns_template():
    """The monthly returns template (a filer's lists its own enterprise's smelters; staff's all)."""
    return _template("monthly_returns")


def _answer(outcome) -> tuple[dict, int]:
    body = {"created": outcome.created, "rows": len(outcome.rows), "example_rows": outcome.example_rows,
            "dry_run": outcome.dry_run}
    return body, 200 if outcome.dry_run else 201


@blp.route("/filings", methods=["POST"], endpoint="import_filings")
@blp.arguments(FilingImportArgs, location="query")
@blp.arguments(UploadIn, location="files")
@blp.response(201, ImportOut)
@blp.alt_response(200, schema=ImportOut, description="Dry run: every row passed; nothing was written.")
@blp.doc(description=COLUMNS_DOC["filings"] + "\n\n" + RULES_DOC)
def import_filings(args, files):
    """Import draft filings from a sheet (filer), all rows or none; ``submit=true`` submits them too."""
    data = upload_bytes(files["file"])
    return _answer(import_or_refuse("filings", data, current_user, dry_run=args["dry_run"],
                                    submit=args["submit"]))


@blp.route("/monthly-returns", methods=["POST"], endpoint="import_returns")
@blp.arguments(ReturnImportArgs, location="query")
@blp.arguments(UploadIn, location="files")
@blp.response(201, ImportOut)
@blp.alt_response(200, schema=ImportOut, description="Dry run: every row passed; nothing was written.")
@blp.doc(description=COLUMNS_DOC["monthly_returns"] + "\n\n" + RULES_DOC)
def import_returns(args, files):
    """Import monthly returns from a sheet (filer), all rows or none; a smelter and month again is a revision."""
    data = upload_bytes(files["file"])
    return _answer(import_or_refuse("monthly_returns", data, current_user, dry_run=args["dry_run"]))
