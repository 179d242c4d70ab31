"""Imports over the API: templates, XLSX and CSV uploads, all rows or none, limits and hostile files."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.extensions import db
from registry.filings.models import Filing
from registry.imports.columns import FILINGS, MONTHLY_RETURNS
from registry.returns.models import MonthlyReturn
from tests.api_helpers import assert_problem, row_count

FILING_HEADER = [c.header for c in FILINGS.columns]
RETURN_HEADER = [c.header for c in MONTHLY_RETURNS.columns]


def xlsx(header: list, rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(header: list, rows: list[list], encoding: str = "utf-8") -> bytes:
    lines = [",".join(str(v) for v in header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(api, url: str, data: bytes, filename: str = "filings.xlsx"):
    return api.post(url, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def filing_row(smelter, kind="restart", capacity=50_000, month="2016-11", notes="", cells=None, amperage=None):
    return [smelter, kind, capacity, month, notes, cells, amperage]


def events(app, entity_type: str = "filing", action: str | None = None) -> list[AuditEvent]:
    with app.app_context():
        stmt = sa.select(AuditEvent).where(AuditEvent.entity_type == entity_type).order_by(AuditEvent.id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        found = list(db.session.scalars(stmt))
        db.session.remove()
        return found


def filings(app) -> list[Filing]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(Filing).order_by(Filing.id)))
        db.session.expunge_all()
        db.session.remove()
        return found


# Templates -----------------------------------------------------------------------------------------


def _template(api, name: str) -> openpyxl.Workbook:
    response = api.get(f"/api/v1/imports/templates/{name}.xlsx")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _listed_smelters(book: openpyxl.Workbook) -> set[str]:
    lists = book["选项 Lists"]
    return {row[0] for row in lists.iter_rows(min_row=2, max_col=1, values_only=True) if row[0]}


def test_filings_template_has_bilingual_headers_dropdowns_and_only_the_filers_smelters(world, api_as, factory):
    factory.smelter(world.ent_a, name="中原一厂")
    book = _template(api_as(world.filer_a), "filings")
    data = book.worksheets[0]
    assert [c.value for c in data[1]] == FILING_HEADER
    assert "电解铝厂 Smelter" in FILING_HEADER and "类型 Kind" in FILING_HEADER
    assert data.freeze_panes == "A2"
    assert data["A2"].value == "示例 Example" and data["A2"].comment is not None  # the example row, marked
    lists = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation if v.type == "list"}
    assert lists["A2:A5002"].endswith("$A$2:$A$3")  # the filer's two smelters
    assert lists["B2:B5002"].endswith("$B$2:$B$5")  # the four kinds
    kinds = [row[0] for row in book["选项 Lists"].iter_rows(min_row=2, min_col=2, max_col=2, values_only=True)]
    assert kinds == ["复产 Restart", "新增产能 New capacity", "减产 Curtailment", "关停 Closure"]
    assert _listed_smelters(book) == {world.smelter_a.name, "中原一厂"}
    assert world.smelter_b.name not in _listed_smelters(book)
    assert book.worksheets[1].title == "说明 Instructions"


def test_staff_template_lists_every_smelter_and_returns_template_has_its_columns(world, api_as):
    book = _template(api_as(world.reviewer), "monthly-returns")
    assert [c.value for c in book.worksheets[0][1]] == RETURN_HEADER
    assert _listed_smelters(book) == {world.smelter_a.name, world.smelter_b.name}


def test_filled_in_template_imports_and_its_example_row_is_skipped(world, api_as, app):
    api = api_as(world.filer_a)
    book = _template(api, "filings")
    sheet = book.worksheets[0]
    sheet.append(filing_row(world.smelter_a.name, "减产 Curtailment", 30_000, "2016-12"))
    out = io.BytesIO()
    book.save(out)
    response = upload(api, "/api/v1/imports/filings", out.getvalue())
    assert response.status_code == 201, response.json
    assert response.json["rows"] == 1 and response.json["example_rows"] == [2]
    [filing] = filings(app)
    assert (filing.kind, filing.capacity_tpa, filing.effective_month) == ("curtailment", 30_000, "2016-12")


# Imports ---------------------------------------------------------------------------------------------


def test_xlsx_import_creates_drafts_each_with_its_audit_event(world, api_as, app):
    rows = [
        filing_row(world.smelter_a.name, "restart", 50_000, "2016-11", "Line 2 back"),
        filing_row(world.smelter_a.name, "New capacity", 110_000, dt.datetime(2017, 3, 1), cells=100, amperage=400),
        filing_row(world.smelter_a.id, "closure", "20,000", "2017-01"),
    ]
    response = upload(api_as(world.filer_a), "/api/v1/imports/filings", xlsx(FILING_HEADER, rows))
    assert response.status_code == 201, response.json
    created = response.json["created"]
    assert len(created) == 3 and response.json["rows"] == 3 and response.json["dry_run"] is False
    found = filings(app)
    assert [f.id for f in found] == created
    assert [(f.kind, f.capacity_tpa, f.effective_month, f.status) for f in found] == [
        ("restart", 50_000, "2016-11", "draft"), ("new_capacity", 110_000, "2017-03", "draft"),
        ("closure", 20_000, "2017-01", "draft")]
    assert found[0].notes == "Line 2 back" and found[1].cell_count == 100
    assert {f.created_by for f in found} == {world.filer_a.id}
    assert sorted(e.entity_id for e in events(app, action="create")) == created


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_import_in_gb18030_or_utf8(world, api_as, app, factory, encoding):
    factory.smelter(world.ent_a, name="鲁北二厂")
    header = ["冶炼厂", "类型", "产能（吨/年）", "生效月份", "备注"]
    rows = [["鲁北二厂", "减产", "30000", "2016/12", "检修三号系列"],
            ["鲁北二厂", "复产", "10000", "2017年1月", ""]]
    response = upload(api_as(world.filer_a), "/api/v1/imports/filings", csv_bytes(header, rows, encoding),
                      "备案.csv")
    assert response.status_code == 201, response.json
    found = filings(app)
    assert [(f.kind, f.capacity_tpa, f.effective_month, f.notes) for f in found] == [
        ("curtailment", 30_000, "2016-12", "检修三号系列"), ("restart", 10_000, "2017-01", "")]


def test_dry_run_checks_every_row_and_writes_nothing(world, api_as, app):
    rows = [filing_row(world.smelter_a.name) for _ in range(4)]
    api = api_as(world.filer_a)  # its token's creation is an audit event too
    before = (row_count(app, Filing), row_count(app, AuditEvent))
    response = upload(api, "/api/v1/imports/filings?dry_run=true", xlsx(FILING_HEADER, rows))
    assert response.status_code == 200, response.json
    assert response.json == {"created": [], "rows": 4, "example_rows": [], "dry_run": True}
    assert (row_count(app, Filing), row_count(app, AuditEvent)) == before


def test_dry_run_with_a_bad_row_is_the_same_422(world, api_as, app):
    rows = [filing_row(world.smelter_a.name), filing_row(world.smelter_a.name, capacity=-5)]
    response = upload(api_as(world.filer_a), "/api/v1/imports/filings?dry_run=true", xlsx(FILING_HEADER, rows))
    body = assert_problem(response, 422, "row 3")
    assert list(body["errors"]) == ["row 3"] and "capacity_tpa" in body["errors"]["row 3"]


def test_rows_breaking_rules_are_422_by_row_and_field_and_nothing_is_written(world, api_as, app):
    rows = [
        filing_row(world.smelter_a.name),  # row 2: fine
        filing_row("No such works"),  # row 3
        filing_row(world.smelter_a.name, capacity=-1),  # row 4
        filing_row(world.smelter_b.id),  # row 5: another enterprise's smelter, by id
        filing_row(world.smelter_b.name),  # row 6: and by name
        filing_row(world.smelter_a.name, month="2015-12"),  # row 7: before the baseline (a service rule)
        filing_row(world.smelter_a.name, kind="expansion", month="Nov"),  # row 8: two fields at once
    ]
    api = api_as(world.filer_a)
    audit_before = row_count(app, AuditEvent)
    response = upload(api, "/api/v1/imports/filings", xlsx(FILING_HEADER, rows))
    body = assert_problem(response, 422)
    errors = body["errors"]
    assert sorted(errors) == ["row 3", "row 4", "row 5", "row 6", "row 7", "row 8"]
    assert list(errors["row 3"]) == ["smelter_id"]
    assert errors["row 3"]["smelter_id"] == ["No such smelter in your enterprise."]
    assert errors["row 5"] == errors["row 3"] == errors["row 6"]  # the single POST's answer
    assert list(errors["row 4"]) == ["capacity_tpa"]
    assert list(errors["row 7"]) == ["effective_month"]
    assert sorted(errors["row 8"]) == ["effective_month", "kind"]
    assert body["rows"] == 7 and body["failed_rows"] == 6 and body["code"] == "validation"
    assert row_count(app, Filing) == 0 and row_count(app, AuditEvent) == audit_before


def test_errors_speak_the_requests_language(world, api_as):
    api = api_as(world.filer_a)
    response = api.post("/api/v1/imports/filings", headers={"Accept-Language": "zh-CN"},
                        data={"file": (io.BytesIO(xlsx(FILING_HEADER, [filing_row("无此厂")])), "a.xlsx")},
                        content_type="multipart/form-data")
    body = assert_problem(response, 422, "row 2")
    assert body["errors"]["row 2"]["smelter_id"] != ["No such smelter in your enterprise."]


def test_submit_true_leaves_the_filings_submitted(world, api_as, app):
    rows = [filing_row(world.smelter_a.name), filing_row(world.smelter_a.name, "curtailment", 20_000)]
    response = upload(api_as(world.filer_a), "/api/v1/imports/filings?submit=true", xlsx(FILING_HEADER, rows))
    assert response.status_code == 201, response.json
    found = filings(app)
    assert [f.status for f in found] == ["submitted", "submitted"]
    assert all(f.submitted_at is not None for f in found)
    assert sorted(e.entity_id for e in events(app, action="submit")) == response.json["created"]


def test_returns_import_files_returns_and_refiling_makes_revisions(world, api_as, app):
    rows = [[world.smelter_a.name, "2016-11", 300_000, 24_000],
            [world.smelter_a.name, dt.date(2016, 12, 1), 290_000, 23_500],
            [world.smelter_a.name, "2016-11", 310_000, 24_100]]
    api = api_as(world.filer_a)
    response = upload(api, "/api/v1/imports/monthly-returns", xlsx(RETURN_HEADER, rows))
    assert response.status_code == 201, response.json
    with app.app_context():
        found = [(r.month, r.revision, r.operating_tpa) for r in db.session.scalars(
            sa.select(MonthlyReturn).order_by(MonthlyReturn.id))]
        db.session.remove()
    assert found == [("2016-11", 1, 300_000), ("2016-12", 1, 290_000), ("2016-11", 2, 310_000)]
    assert len(events(app, "monthly_return", "file")) == 3
    refused = upload(api, "/api/v1/imports/monthly-returns?submit=true", xlsx(RETURN_HEADER, rows))
    assert_problem(refused, 422, "submit")  # returns have no submit step


def test_staff_may_not_import(world, api_as, app):
    response = upload(api_as(world.reviewer), "/api/v1/imports/filings",
                      xlsx(FILING_HEADER, [filing_row(world.smelter_a.name)]))
    assert_problem(response, 403)
    assert row_count(app, Filing) == 0


def test_the_import_needs_a_token(client, world):
    response = client.post("/api/v1/imports/filings",
                           data={"file": (io.BytesIO(xlsx(FILING_HEADER, [])), "a.xlsx")})
    assert_problem(response, 401)


# Limits ----------------------------------------------------------------------------------------------


def test_more_than_5000_rows_is_422_naming_the_limit(world, api_as, app):
    rows = [[world.smelter_a.name, "restart", 1000, "2016-11"]] * 5001
    response = upload(api_as(world.filer_a), "/api/v1/imports/filings",
                      csv_bytes(FILING_HEADER[:4], rows), "many.csv")
    body = assert_problem(response, 422, "file")
    assert body["max_rows"] == 5000 and "5,000" in body["errors"]["file"][0]
    assert row_count(app, Filing) == 0


def test_a_6_mb_upload_is_413_but_3_mb_is_read_and_3_mb_of_json_elsewhere_is_still_413(world, api_as, app):
    api = api_as(world.filer_a)
    huge = upload(api, "/api/v1/imports/filings", b"x" * (6 * 1024 * 1024), "huge.csv")
    assert_problem(huge, 413)
    note = "检修" * 1900  # 3,800 characters, 11,400 bytes in UTF-8
    rows = [[world.smelter_a.name, "restart", 1000, "2016-11", note]] * 280
    data = csv_bytes(FILING_HEADER[:5], rows)
    assert 3 * 1024 * 1024 <= len(data) < 4 * 1024 * 1024
    big = upload(api, "/api/v1/imports/filings?dry_run=true", data, "big.csv")
    assert big.status_code == 200, big.get_data(as_text=True)[:300]
    assert big.json["rows"] == 280
    body = json.dumps({"smelter_id": world.smelter_a.id, "kind": "restart", "capacity_tpa": 1000,
                       "effective_month": "2016-11", "notes": "x" * (3 * 1024 * 1024)})
    elsewhere = api.post("/api/v1/filings", data=body, content_type="application/json")
    assert_problem(elsewhere, 413)


# Files that are not what they should be ------------------------------------------------------------------


def _bomb() -> bytes:
    """A workbook whose sheet inflates to 200 MB of zeros (a few hundred kB compressed)."""
    real = xlsx(FILING_HEADER, [])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            bomb.writestr(info, source.read(info))
        bomb.writestr("xl/padding.bin", b"\0" * (200 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(("name", "data"), [
    ("empty.csv", b""),
    ("noise.xlsx", b"PK\x03\x04" + bytes(range(256)) * 10),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500),
    ("binary.csv", b"\x00\x01\x02garbage"),
    ("latin.csv", b"Smelter,Kind\n" + b"\xff\xfe\xfa" * 10),
    ("header-only.csv", csv_bytes(FILING_HEADER, [])),
    ("no-kind.csv", csv_bytes(["冶炼厂 Smelter", "产能（吨/年） Capacity (t/a)", "生效月份 Effective month"],
                              [["x", 1, "2016-11"]])),
    ("unknown.csv", csv_bytes([*FILING_HEADER, "Colour"], [["x", "restart", 1, "2016-11", "", "", "", "red"]])),
    ("bomb.xlsx", None),
])
def test_a_file_that_cannot_be_imported_is_422_naming_file(world, api_as, app, name, data):
    data = _bomb() if data is None else data
    response = upload(api_as(world.filer_a), "/api/v1/imports/filings", data, name)
    assert_problem(response, 422, "file")
    assert row_count(app, Filing) == 0


@pytest.mark.parametrize("body", [
    {}, {"file": "not a file"}, None,
])
def test_no_file_is_422_naming_file(world, api_as, body):
    api = api_as(world.filer_a)
    if body is None:
        response = api.post("/api/v1/imports/filings", json={"file": "x"})
    else:
        response = api.post("/api/v1/imports/filings", data=body, content_type="multipart/form-data")
    assert_problem(response, 422, "file")


def test_hostile_cells_are_row_errors_never_500(world, api_as, app):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(FILING_HEADER)
    sheet.append([world.smelter_a.name, "restart", 1e308, "2016-11"])  # row 2
    sheet.append([world.smelter_a.name, "restart", "=1+2", "2016-11"])  # row 3: a formula, no cached value
    sheet.append([world.smelter_a.name, "restart", 1000, "2016-11", "x" * 32_000])  # row 4: a huge note
    sheet.append([world.smelter_a.name, "restart", dt.datetime(2016, 1, 1), 1e308])  # row 5: dates, numbers
    sheet.append([world.smelter_a.name, True, 1000.5, dt.datetime(9999, 12, 31)])  # row 6
    sheet.append(["=HYPERLINK(\"http://x\")", "restart", 1000, "2016-11"])  # row 7
    sheet.append([world.smelter_a.name, "restart", "1" * 5000, "2016-11", None, -1e308])  # row 8
    out = io.BytesIO()
    book.save(out)
    response = upload(api_as(world.filer_a), "/api/v1/imports/filings", out.getvalue())
    body = assert_problem(response, 422)
    errors = body["errors"]
    assert sorted(errors, key=lambda k: int(k.split()[1])) == [f"row {n}" for n in range(2, 9)]
    assert "capacity_tpa" in errors["row 2"] and "capacity_tpa" in errors["row 3"]
    assert list(errors["row 4"]) == ["notes"]
    assert {"capacity_tpa", "effective_month"} <= set(errors["row 5"])
    assert {"kind", "capacity_tpa", "effective_month"} <= set(errors["row 6"])
    assert list(errors["row 7"]) == ["smelter_id"]
    assert {"capacity_tpa", "cell_count"} <= set(errors["row 8"])
    assert row_count(app, Filing) == 0


def test_a_csv_with_a_field_too_long_to_read_is_422_naming_file(world, api_as):
    data = csv_bytes(FILING_HEADER[:5], [[world.smelter_a.name, "restart", 1000, "2016-11", "y" * 200_000]])
    assert_problem(upload(api_as(world.filer_a), "/api/v1/imports/filings", data, "a.csv"), 422, "file")


def test_the_openapi_document_describes_the_imports(client):
    spec = client.get("/api/v1/openapi.json").json
    post = spec["paths"]["/api/v1/imports/filings"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert {p["name"] for p in post["parameters"]} >= {"dry_run", "submit"}
    assert {"200", "201", "422"} <= set(post["responses"])
    assert "row N" in post["description"]
