"""Summaries over the API: JSON, CSV and XLSX parsed back, and who may see what."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests import summary_world
from tests.api_helpers import assert_problem
from tests.summary_world import MONTH, TOTALS

URL = f"/api/v1/summaries/{MONTH}"


@pytest.fixture
def setup(factory, world, api_as):
    return summary_world.build_with_returns_and_cap(factory, world, api_as)


def test_staff_and_auditors_see_the_whole_open_summary(world, setup, api_as):
    for role in ("admin", "reviewer", "auditor"):
        response = api_as(getattr(world, role)).get(URL)
        assert response.status_code == 200
        body = response.json
        assert (body["month"], body["closed"], body["sha256"], body["scope"]) == (MONTH, False, None, None)
        assert {k: body["totals"][k] for k in TOTALS} == TOTALS
        assert len(body["smelters"]) == 3
        assert response.headers["ETag"]


def test_a_filer_sees_only_its_own_rows_and_no_national_figure_of_two_members(world, setup, api_as):
    body = api_as(world.filer_b).get(URL).json
    assert body["scope"] == {"enterprise_id": world.ent_b.id}
    # two enterprises: national minus B's own rows would be A's, so every national figure is withheld
    assert {k: body["totals"][k] for k in TOTALS} == dict.fromkeys(TOTALS)
    assert body["utilisation"]["approved"] is None
    assert all(c["usage_tpa"] is None and c["status"] for c in body["caps"] if c["scope"] != "enterprise")
    assert [s["smelter_id"] for s in body["smelters"]] == [world.smelter_b.id]
    assert [e["enterprise_id"] for e in body["enterprises"]] == [world.ent_b.id]
    assert body["provinces"] == []
    assert [e["kind"] for e in body["exceptions"]] == ["cap_warning"]  # not A's excess nor C's missing return
    assert [c["cap_id"] for c in body["caps"]] == [setup.cap.id]
    rows = list(csv.reader(io.StringIO(api_as(world.filer_b).get(URL + ".csv").data.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:-2]] == [str(world.smelter_b.id)]  # then the total row and the note


def test_a_month_that_is_not_a_month_is_404(world, api_as):
    for bad in ("2016-13", "16-11", "1989-12", "2016-11.pdf"):
        assert_problem(api_as(world.auditor).get(f"/api/v1/summaries/{bad}"), 404)


def test_csv_opens_in_excel_with_chinese_intact(world, setup, api_as):
    response = api_as(world.auditor).get(URL + ".csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"summary-{MONTH}.csv" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 5  # three smelters, the total, the note
    by_id = {r["Smelter ID"]: r for r in rows}
    c = by_id[str(setup.smelter_c.id)]
    assert c["Smelter"] == "包头铝厂 C"
    assert c["Enterprise"] == world.ent_a.name and "铝业" in world.ent_a.name
    assert c["Province"] == "Inner Mongolia"
    assert (c["Built capacity (t/a)"], c["Monthly return"], c["Reported operating capacity (t/a)"]) == (
        "800000", "Missing", "")
    a = by_id[str(world.smelter_a.id)]
    assert (a["Deviation (t/a)"], a["Above approved capacity"]) == ("50000", "Yes")
    total = rows[3]
    assert total["Smelter"] == "Total"
    assert int(total["Operating capacity (t/a)"]) == TOTALS["operating_tpa"]
    assert int(total["Pending additions (t/a)"]) == TOTALS["pending_additions_tpa"]
    assert sum(int(r["Built capacity (t/a)"]) for r in rows[:3]) == int(total["Built capacity (t/a)"])


def test_csv_text_that_looks_like_a_formula_is_quoted(world, factory, api_as):
    factory.smelter(world.ent_a, name="=HYPERLINK(\"http://x\")")
    rows = list(csv.reader(io.StringIO(api_as(world.auditor).get(URL + ".csv").data.decode("utf-8-sig"))))
    names = [r[2] for r in rows if len(r) > 2]
    assert "'=HYPERLINK(\"http://x\")" in names


def test_xlsx_has_a_formatted_sheet_per_section(world, setup, api_as):
    response = api_as(world.auditor).get(URL + ".xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Overview", "Smelters", "Enterprises", "Provinces", "Caps", "Exceptions"]
    sheet = book["Smelters"]
    header = [cell.value for cell in sheet[3]]  # under the title and its note
    assert all(cell.font.bold for cell in sheet[3])
    assert sheet.freeze_panes == "A4"
    built = header.index("Built capacity (t/a)") + 1
    name = header.index("Smelter") + 1
    names = {sheet.cell(row=r, column=name).value: r for r in range(4, sheet.max_row + 1)}
    c_row = names["包头铝厂 C"]
    assert sheet.cell(row=c_row, column=built).value == 800_000
    assert sheet.cell(row=c_row, column=built).number_format == "#,##0"
    assert sheet.cell(row=sheet.max_row, column=name).value == "Total"
    assert sheet.cell(row=sheet.max_row, column=built).value.startswith("=SUM(")
    assert sheet.column_dimensions[sheet.cell(row=3, column=name).column_letter].width >= len("包头铝厂 C")
    caps = book["Caps"]
    cap_header = [cell.value for cell in caps[3]]
    assert caps.cell(row=4, column=cap_header.index("Cap") + 1).value == "全国运行产能"
    assert caps.cell(row=4, column=cap_header.index("Status") + 1).value == "Near limit"
    kinds = [row[1] for row in book["Exceptions"].iter_rows(min_row=4, values_only=True)]
    assert kinds == ["Cap warning", "Operating above approved capacity", "Monthly return missing"]
    overview = dict(book["Overview"].iter_rows(min_row=4, values_only=True))
    assert overview["Month"].strftime("%Y-%m") == MONTH
    assert overview["Idle capacity (t/a)"] == TOTALS["idle_tpa"]
    enterprises = book["Enterprises"]
    ent_name = [cell.value for cell in enterprises[3]].index("Enterprise") + 1
    assert {enterprises.cell(row=r, column=ent_name).value for r in (4, 5)} == {world.ent_a.name, world.ent_b.name}


def test_only_an_admin_closes_or_corrects(world, setup, api_as):
    for role in ("reviewer", "auditor", "filer_a"):
        client = api_as(getattr(world, role))
        assert_problem(client.post(URL + "/close"), 403)
        assert_problem(client.post(URL + "/corrections", json={"note": "x"}), 403)


TYPES = {"integer": int, "string": str, "boolean": bool, "object": dict, "array": list, "number": (int, float)}


def conform(value, schema: dict, spec: dict, path: str = "$") -> list[str]:
    """Where ``value`` breaks its OpenAPI schema (types, nullability, undeclared keys)."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if value is None:
        return [] if schema.get("nullable") else [f"{path} is null"]
    kind = schema.get("type")
    if kind and (not isinstance(value, TYPES[kind]) or (kind == "integer" and isinstance(value, bool))):
        return [f"{path} is not {kind}: {value!r}"]
    problems = []
    if kind == "object":
        properties = schema.get("properties", {})
        for key, inner in value.items():
            if key in properties:
                problems += conform(inner, properties[key], spec, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                problems.append(f"{path}.{key} is not documented")
    if kind == "array":
        for index, item in enumerate(value):
            problems += conform(item, schema.get("items", {}), spec, f"{path}[{index}]")
    return problems


def test_responses_match_the_openapi_document(factory, world, setup, api_as):
    admin = api_as(world.admin)
    spec = admin.get("/api/v1/openapi.json").json
    summary = {"$ref": "#/components/schemas/SummaryOut"}
    assert conform(admin.get(URL).json, summary, spec) == []
    admin.post(URL + "/close")
    factory.filing(world.smelter_b, world.filer_b, "curtailment", 10_000, MONTH, status="approved")
    closed = admin.get(URL).json
    assert closed["amendments"]["changed"]
    assert conform(closed, summary, spec) == []
    assert conform(api_as(world.filer_a).get(URL).json, summary, spec) == []
    revisions = admin.get(URL + "/revisions").json
    assert conform(revisions, {"type": "array", "items": {"$ref": "#/components/schemas/RevisionOut"}}, spec) == []
    returns = admin.get("/api/v1/monthly-returns").json
    assert conform(returns, {"type": "array", "items": {"$ref": "#/components/schemas/ReturnOut"}}, spec) == []


def test_a_filer_sees_a_national_figure_once_enough_members_share_it(world, factory, api_as):
    """Three enterprises, none above 75 %: the national built capacity is the public's too, so the filer sees it."""
    for size in (500_000, 400_000):
        enterprise = factory.enterprise(province="15")
        factory.smelter(enterprise, baseline_built_tpa=size, baseline_operating_tpa=size)
    body = api_as(world.filer_a).get(URL).json
    assert body["totals"]["built_tpa"] == 500_000 + 500_000 + 500_000 + 400_000  # world's two and these two
    assert body["totals"]["operating_tpa"] == 300_000 + 300_000 + 500_000 + 400_000
