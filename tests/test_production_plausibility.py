"""Production plausibility (domain.md): a return producing more than its capacity can is an exception.

Above the return's own operating capacity x days / 365 by more than 5 %, or
above the approved built capacity at the month's end x days / 365 by any
amount. Bounds are whole tonnes, rounded down.
"""

from __future__ import annotations

import html as html_lib
import io
import re

import openpyxl
import pytest

from tests import summary_world
from tests.web_helpers import sign_in, text

KIND = "production_implausible"
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def file_return(api_as, filer, smelter, month: str, operating_tpa: int, production_t: int) -> None:
    response = api_as(filer).post("/api/v1/monthly-returns", json={
        "smelter_id": smelter.id, "month": month, "operating_tpa": operating_tpa, "production_t": production_t})
    assert response.status_code == 201, response.json


def implausible(api_as, user, month: str) -> list[dict]:
    response = api_as(user).get(f"/api/v1/summaries/{month}")
    assert response.status_code == 200, response.json
    return [e for e in response.json["exceptions"] if e["kind"] == KIND]


def test_zero_operating_and_fifty_thousand_tonnes_is_an_exception(world, api_as):
    """Issue 18's case: 0 t/a operating, 50,000 t produced."""
    file_return(api_as, world.filer_a, world.smelter_a, "2016-11", 0, 50_000)
    [found] = implausible(api_as, world.auditor, "2016-11")
    assert found == {
        "kind": KIND, "smelter_id": world.smelter_a.id, "smelter_name": world.smelter_a.name,
        "enterprise_id": world.ent_a.id, "production_t": 50_000, "reported_operating_tpa": 0,
        "built_tpa": 500_000, "max_from_operating_t": 0, "max_from_built_t": 41_095,  # 500,000 x 30 / 365
        "detail": found["detail"]}
    assert "50,000 t" in found["detail"] and "0 t/a" in found["detail"]


@pytest.mark.parametrize(("month", "bound"), [
    ("2016-11", 63_000),  # 730,000 x 30 / 365 x 1.05
    ("2016-12", 65_100),  # 31 days
    ("2016-02", 60_900),  # 29 days: 2016 is a leap year
])
def test_five_percent_over_operating_is_plausible_one_tonne_more_is_not(factory, world, api_as, month, bound):
    smelter = factory.smelter(world.ent_a, baseline_built_tpa=1_000_000, baseline_operating_tpa=730_000)
    file_return(api_as, world.filer_a, smelter, month, 730_000, bound)
    assert implausible(api_as, world.auditor, month) == []
    file_return(api_as, world.filer_a, smelter, month, 730_000, bound + 1)  # a revision: the latest counts
    [found] = implausible(api_as, world.auditor, month)
    assert (found["smelter_id"], found["production_t"], found["max_from_operating_t"]) == (
        smelter.id, bound + 1, bound)
    file_return(api_as, world.filer_a, smelter, month, 730_000, bound)
    assert implausible(api_as, world.auditor, month) == []


def test_above_built_capacity_is_an_exception_whatever_operating_is_reported(world, api_as):
    # 600,000 t/a reported on 500,000 built: the operating bound (51,780 t) is not reached, the built one is
    file_return(api_as, world.filer_a, world.smelter_a, "2016-11", 600_000, 41_095)
    assert implausible(api_as, world.auditor, "2016-11") == []
    file_return(api_as, world.filer_a, world.smelter_a, "2016-11", 600_000, 45_000)
    [found] = implausible(api_as, world.auditor, "2016-11")
    assert (found["built_tpa"], found["max_from_built_t"], found["max_from_operating_t"]) == (
        500_000, 41_095, 51_780)


def test_built_is_the_approved_position_at_the_months_end(factory, world, api_as):
    """Smelter C closes 200,000 of its 1,000,000 t/a in November: 800,000 built allows 65,753 t."""
    extra = summary_world.build(factory, world)
    file_return(api_as, world.filer_a, extra.smelter_c, summary_world.MONTH, 800_000, 66_000)
    [found] = implausible(api_as, world.auditor, summary_world.MONTH)
    assert (found["smelter_id"], found["built_tpa"], found["max_from_built_t"]) == (
        extra.smelter_c.id, 800_000, 65_753)


def test_the_openapi_document_lists_the_kind_and_its_figures(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    [exception] = [s for s in schemas.values() if "max_from_built_t" in s.get("properties", {})]
    assert KIND in exception["properties"]["kind"]["enum"]
    assert {"production_t", "built_tpa", "max_from_operating_t"} <= set(exception["properties"])


def test_a_filer_sees_its_own_smelters_exception_and_not_another_enterprises(world, api_as):
    file_return(api_as, world.filer_a, world.smelter_a, "2016-11", 0, 50_000)
    assert [e["smelter_id"] for e in implausible(api_as, world.filer_a, "2016-11")] == [world.smelter_a.id]
    assert implausible(api_as, world.filer_b, "2016-11") == []


def test_a_closed_month_keeps_its_exceptions_and_lists_the_new_one_as_an_amendment(world, api_as):
    file_return(api_as, world.filer_a, world.smelter_a, "2016-11", 300_000, 20_000)
    assert api_as(world.admin).post("/api/v1/summaries/2016-11/close").status_code == 201
    file_return(api_as, world.filer_a, world.smelter_a, "2016-11", 300_000, 50_000)
    body = api_as(world.auditor).get("/api/v1/summaries/2016-11").json
    assert [e for e in body["exceptions"] if e["kind"] == KIND] == []  # the frozen summary is unchanged
    assert [(e["kind"], e["smelter_id"]) for e in body["amendments"]["exceptions_added"]] == [
        (KIND, world.smelter_a.id)]
    file_return(api_as, world.filer_a, world.smelter_a, "2016-11", 300_000, 20_000)
    body = api_as(world.auditor).get("/api/v1/summaries/2016-11").json
    assert body["amendments"]["exceptions_added"] == []


def exceptions_sheet(response) -> list[dict]:
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[-1]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_workbook_labels_the_exception_and_gives_its_figures(world, api_as):
    file_return(api_as, world.filer_a, world.smelter_a, "2016-11", 0, 50_000)
    url = "/api/v1/summaries/2016-11.xlsx"
    [row] = [r for r in exceptions_sheet(api_as(world.auditor).get(url)) if r["Smelter ID"] == world.smelter_a.id
             and r["Exception"] != "Monthly return missing"]
    assert row["Exception"] == "Implausible production"
    assert row["Detail"] == (f"{world.smelter_a.name} reports 50,000 t produced in the month: its reported "
                             "operating capacity of 0 t/a allows at most 0 t (5 % tolerance included) and its "
                             "built capacity of 500,000 t/a at most 41,095 t.")


def test_the_chinese_workbook_labels_the_exception_in_chinese(factory, world, api_as):
    """Needs the catalogue filled with this part's msgids (/tmp/zh_plausibility.json)."""
    smelter = factory.smelter(world.ent_a, name="中州铝厂")
    file_return(api_as, world.filer_a, smelter, "2016-11", 0, 50_000)
    rows = exceptions_sheet(api_as(world.auditor).get("/api/v1/summaries/2016-11.xlsx",
                                                      headers={"Accept-Language": "zh-CN"}))
    [row] = [r for r in rows if r["电解铝厂编号"] == smelter.id]
    assert row["异常类型"] == "产量超出产能"
    assert "5万吨" in row["说明"] and "50万吨/年" in row["说明"]
    assert ENGLISH_WORD.findall(row["异常类型"] + row["说明"]) == []


def exception_items(page: str) -> list[str]:
    """The text of each implausible-production item of the page's exceptions list."""
    items = re.findall(rf'<li class="exc exc-{KIND}">(.*?)</li>', page, re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def test_the_page_says_it_with_the_figures(client, world, api_as):
    file_return(api_as, world.filer_a, world.smelter_a, "2016-11", 0, 50_000)
    sign_in(client, world.auditor)
    [item] = exception_items(text(client.get("/summaries/2016-11")))
    assert item.startswith("Implausible production")
    assert "50,000 t produced" in item and "built capacity of 500,000 t/a at most 41,095 t" in item


def test_the_chinese_page_says_it_in_chinese(client, factory, world, api_as):
    """Needs the catalogue filled with this part's msgids (/tmp/zh_plausibility.json)."""
    smelter = factory.smelter(world.ent_a, name="中州铝厂")
    file_return(api_as, world.filer_a, smelter, "2016-11", 0, 50_000)
    sign_in(client, world.auditor)
    client.post("/language/zh_CN")
    [item] = exception_items(text(client.get("/summaries/2016-11")))
    assert item.startswith("产量超出产能") and "中州铝厂" in item and "5万吨" in item
    assert ENGLISH_WORD.findall(item) == []
