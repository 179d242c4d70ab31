"""Filings: creation as a draft, reading, editing, list filters and paging."""

from __future__ import annotations

import pytest

from registry.filings.models import Filing
from tests.api_helpers import assert_problem, filing_body, pagination, row_count

FIELDS = {"id", "smelter_id", "kind", "capacity_tpa", "effective_month", "status", "notes",
          "decision_note", "submitted_at", "decided_at", "decided_by", "created_by", "version"}


def test_filer_creates_a_draft(world, api_as):
    filer = api_as(world.filer_a)
    body = filing_body(world.smelter_a.id, kind="new_capacity", capacity_tpa=250_000,
                       effective_month="2017-03", notes="Phase 2, 500 kA cells.")
    created = filer.post("/api/v1/filings", json=body)
    assert created.status_code == 201, created.json
    filing = created.json
    assert set(filing) >= FIELDS
    assert {k: filing[k] for k in body} == body
    assert filing["status"] == "draft"
    assert filing["created_by"] == world.filer_a.id
    assert filing["submitted_at"] is None and filing["decided_at"] is None and filing["decided_by"] is None
    assert filing["version"] == 1
    fetched = filer.get(f"/api/v1/filings/{filing['id']}")
    assert fetched.json == filing
    assert fetched.headers["ETag"] == created.headers["ETag"]


def test_filer_cannot_file_for_another_enterprises_smelter(world, api_as, app):
    response = api_as(world.filer_a).post("/api/v1/filings", json=filing_body(world.smelter_b.id))
    assert_problem(response, 422, "smelter_id")
    assert row_count(app, Filing) == 0


def test_effective_month_before_the_baseline_is_422(world, api_as):
    response = api_as(world.filer_a).post(
        "/api/v1/filings", json=filing_body(world.smelter_a.id, effective_month="2015-12"))
    assert_problem(response, 422, "effective_month")


def test_capacity_beyond_what_the_cells_can_make_is_422(world, api_as):
    # 100 cells of 400 kA at 96 %: 100 * 400 * 0.96 * 0.3356 * 8760 / 1000 = 112,890.47 t/a.
    filer = api_as(world.filer_a)
    ok = filer.post("/api/v1/filings", json=filing_body(
        world.smelter_a.id, capacity_tpa=112_890, cell_count=100, cell_amperage_ka=400))
    assert ok.status_code == 201, ok.json
    too_much = filer.post("/api/v1/filings", json=filing_body(
        world.smelter_a.id, capacity_tpa=112_891, cell_count=100, cell_amperage_ka=400))
    body = assert_problem(too_much, 422, "capacity_tpa")
    assert body["max_plausible_tpa"] == 112_890


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_filer_edits_a_draft_or_returned_filing(world, api_as, factory, status):
    filing = factory.filing(world.smelter_a, world.filer_a, status=status)
    filer = api_as(world.filer_a)
    url = f"/api/v1/filings/{filing.id}"
    response = filer.patch(url, json={"capacity_tpa": 60_000, "notes": "Revised."})
    assert response.status_code == 200, response.json
    assert (response.json["capacity_tpa"], response.json["notes"]) == (60_000, "Revised.")
    assert response.json["version"] == filing.version + 1
    assert response.json["status"] == status
    assert filer.get(url).json["capacity_tpa"] == 60_000


@pytest.mark.parametrize("status", ["submitted", "approved", "rejected", "withdrawn"])
def test_patch_of_a_filing_past_review_is_409(world, api_as, factory, status):
    filing = factory.filing(world.smelter_a, world.filer_a, status=status)
    filer = api_as(world.filer_a)
    response = filer.patch(f"/api/v1/filings/{filing.id}", json={"capacity_tpa": 60_000})
    body = assert_problem(response, 409)
    assert status in body["detail"]
    assert filer.get(f"/api/v1/filings/{filing.id}").json["capacity_tpa"] == filing.capacity_tpa


def test_patch_cannot_move_a_filing_to_another_smelter(world, api_as, factory):
    filing = factory.filing(world.smelter_a, world.filer_a)
    response = api_as(world.filer_a).patch(f"/api/v1/filings/{filing.id}",
                                           json={"smelter_id": world.smelter_b.id})
    assert_problem(response, 422, "smelter_id")


@pytest.fixture
def spread(world, factory):
    """Filings across two enterprises, kinds, statuses and months."""
    second_a = factory.smelter(world.ent_a, province="15")
    make = factory.filing
    return {
        "a_restart_nov": make(world.smelter_a, world.filer_a, "restart", 10_000, "2016-11", "approved"),
        "a_curtail_dec": make(world.smelter_a, world.filer_a, "curtailment", 20_000, "2016-12", "submitted"),
        "a2_new_jan": make(second_a, world.filer_a, "new_capacity", 30_000, "2017-01", "draft"),
        "b_restart_dec": make(world.smelter_b, world.filer_b, "restart", 40_000, "2016-12", "submitted"),
        "b_closure_feb": make(world.smelter_b, world.filer_b, "closure", 50_000, "2017-02", "rejected"),
        "second_a": second_a,
    }


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [f["id"] for f in response.json]


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["a_restart_nov", "a_curtail_dec", "a2_new_jan", "b_restart_dec", "b_closure_feb"]),
    ("status=submitted", ["a_curtail_dec", "b_restart_dec"]),
    ("kind=restart", ["a_restart_nov", "b_restart_dec"]),
    ("province=65", ["b_restart_dec", "b_closure_feb"]),
    ("province=15", ["a2_new_jan"]),
    ("effective_from=2016-12", ["a_curtail_dec", "a2_new_jan", "b_restart_dec", "b_closure_feb"]),
    ("effective_to=2016-12", ["a_restart_nov", "a_curtail_dec", "b_restart_dec"]),
    ("effective_from=2016-12&effective_to=2017-01&kind=restart", ["b_restart_dec"]),
])
def test_staff_filter_the_list(world, api_as, spread, query, expected):
    response = api_as(world.reviewer).get(f"/api/v1/filings?{query}")
    assert _ids(response) == [spread[name].id for name in expected]
    assert pagination(response)["total"] == len(expected)


def test_filter_by_smelter_and_enterprise(world, api_as, spread):
    auditor = api_as(world.auditor)
    assert _ids(auditor.get(f"/api/v1/filings?smelter_id={spread['second_a'].id}")) == [spread["a2_new_jan"].id]
    assert _ids(auditor.get(f"/api/v1/filings?enterprise_id={world.ent_b.id}")) == [
        spread["b_restart_dec"].id, spread["b_closure_feb"].id]


def test_filer_lists_only_its_own_enterprises_filings(world, api_as, spread):
    filer = api_as(world.filer_b)
    assert _ids(filer.get("/api/v1/filings")) == [spread["b_restart_dec"].id, spread["b_closure_feb"].id]
    assert _ids(filer.get(f"/api/v1/filings?enterprise_id={world.ent_a.id}")) == []
    assert _ids(filer.get(f"/api/v1/filings?smelter_id={world.smelter_a.id}")) == []
    assert_problem(filer.get(f"/api/v1/filings/{spread['a_restart_nov'].id}"), 404)


def test_paging(world, api_as, factory):
    ids = [factory.filing(world.smelter_a, world.filer_a, capacity_tpa=1_000 + n).id for n in range(7)]
    admin = api_as(world.admin)
    first = admin.get("/api/v1/filings?page_size=3")
    assert _ids(first) == ids[:3]
    assert pagination(first) == {"total": 7, "total_pages": 3, "page": 1, "page_size": 3}
    last = admin.get("/api/v1/filings?page=3&page_size=3")
    assert _ids(last) == ids[6:]
    assert _ids(admin.get("/api/v1/filings?page=4&page_size=3")) == []
    assert pagination(admin.get("/api/v1/filings"))["page_size"] == 50
    assert admin.get("/api/v1/filings?page_size=500").status_code == 200
    assert_problem(admin.get("/api/v1/filings?page_size=501"), 422, "page_size")
    assert_problem(admin.get("/api/v1/filings?page=0"), 422, "page")


def test_the_list_page_is_each_filing_as_its_own_resource_shows_it(world, api_as, factory, app):
    """The list builds its rows without the ORM or marshmallow: the same documents as GET /filings/{id}."""
    from tests.test_caps_rules import cover

    lines = cover(factory, world, "a", 130_000)
    factory.filing(world.smelter_a, world.filer_a, kind="new_capacity", capacity_tpa=100_000,
                   replacements=lines, status="submitted")
    factory.filing(world.smelter_b, world.filer_b, status="rejected")
    factory.filing(world.smelter_a, world.filer_a, notes="多行\n备注")
    reviewer = api_as(world.reviewer)
    listed = reviewer.get("/api/v1/filings?page_size=10")
    assert listed.status_code == 200
    assert pagination(listed)["total"] == len(listed.json) == 4
    for row in listed.json:
        assert row == reviewer.get(f"/api/v1/filings/{row['id']}").json
    assert any(row["replacements"] == lines for row in listed.json)
    mine = api_as(world.filer_b).get("/api/v1/filings").json
    assert [row["enterprise_id"] for row in mine] == [world.ent_b.id]
