"""Smelters: registration with a baseline, filters, visibility, and positions."""

from __future__ import annotations

from registry.members.models import Smelter
from tests.api_helpers import assert_problem, pagination, row_count


def _new(enterprise_id: int, **overrides) -> dict:
    return {"enterprise_id": enterprise_id, "name": "准东新区电解铝厂", "province": "65",
            "baseline_month": "2016-01", "baseline_built_tpa": 800_000,
            "baseline_operating_tpa": 650_000, "cell_amperage_ka": 500,
            "power_source": "captive_coal", **overrides}


def test_admin_registers_a_smelter(world, api_as):
    admin = api_as(world.admin)
    created = admin.post("/api/v1/smelters", json=_new(world.ent_b.id))
    assert created.status_code == 201, created.json
    assert created.json == {**_new(world.ent_b.id), "id": created.json["id"], "prefecture": None}
    assert created.headers["ETag"]
    fetched = admin.get(f"/api/v1/smelters/{created.json['id']}")
    assert fetched.json == created.json
    assert fetched.headers["ETag"] == created.headers["ETag"]


def test_power_source_defaults_to_grid(world, api_as):
    body = _new(world.ent_b.id)
    del body["power_source"]
    assert api_as(world.admin).post("/api/v1/smelters", json=body).json["power_source"] == "grid"


def test_operating_above_built_is_422(world, api_as, app):
    response = api_as(world.admin).post(
        "/api/v1/smelters", json=_new(world.ent_b.id, baseline_operating_tpa=900_000))
    assert_problem(response, 422, "baseline_operating_tpa")
    assert row_count(app, Smelter) == 2


def test_unknown_enterprise_is_422(world, api_as, app):
    response = api_as(world.admin).post("/api/v1/smelters", json=_new(987_654))
    assert_problem(response, 422, "enterprise_id")
    assert row_count(app, Smelter) == 2


def test_list_filters_by_enterprise_and_province(world, api_as, factory):
    extra = factory.smelter(world.ent_a, province="15")
    admin = api_as(world.admin)
    everything = admin.get("/api/v1/smelters")
    assert [s["id"] for s in everything.json] == [world.smelter_a.id, world.smelter_b.id, extra.id]
    assert pagination(everything)["total"] == 3
    by_enterprise = admin.get(f"/api/v1/smelters?enterprise_id={world.ent_a.id}").json
    assert [s["id"] for s in by_enterprise] == [world.smelter_a.id, extra.id]
    assert [s["id"] for s in admin.get("/api/v1/smelters?province=15").json] == [extra.id]
    assert [s["id"] for s in admin.get("/api/v1/smelters?province=65").json] == [world.smelter_b.id]


def test_filer_sees_only_its_enterprises_smelters(world, api_as):
    filer = api_as(world.filer_a)
    assert [s["id"] for s in filer.get("/api/v1/smelters").json] == [world.smelter_a.id]
    assert filer.get(f"/api/v1/smelters?enterprise_id={world.ent_b.id}").json == []
    assert_problem(filer.get(f"/api/v1/smelters/{world.smelter_b.id}"), 404)
    assert_problem(filer.get(f"/api/v1/smelters/{world.smelter_b.id}/positions"), 404)


def test_admin_edits_a_smelter_with_if_match(world, api_as):
    admin = api_as(world.admin)
    url = f"/api/v1/smelters/{world.smelter_a.id}"
    etag = admin.get(url).headers["ETag"]
    response = admin.patch(url, json={"baseline_built_tpa": 550_000, "name": "Renamed"},
                           headers={"If-Match": etag})
    assert response.status_code == 200, response.json
    assert (response.json["baseline_built_tpa"], response.json["name"]) == (550_000, "Renamed")
    assert admin.get(url).json["baseline_built_tpa"] == 550_000


def test_baseline_that_breaks_approved_filings_is_refused(world, api_as, factory):
    # 500,000 built, 300,000 operating; a 150,000 t/a restart is approved for 2016-11.
    factory.filing(world.smelter_a, world.filer_a, "restart", 150_000, "2016-11", status="approved")
    admin = api_as(world.admin)
    url = f"/api/v1/smelters/{world.smelter_a.id}"
    response = admin.patch(url, json={"baseline_built_tpa": 400_000})
    body = assert_problem(response, 409)
    assert body["rule"] == "baseline_conflicts_with_approvals"
    assert (body["month"], body["built_tpa"], body["operating_tpa"]) == ("2016-11", 400_000, 450_000)
    assert admin.get(url).json["baseline_built_tpa"] == 500_000


def test_baseline_month_after_a_filing_is_422(world, api_as, factory):
    factory.filing(world.smelter_a, world.filer_a, "restart", 10_000, "2016-03")
    response = api_as(world.admin).patch(f"/api/v1/smelters/{world.smelter_a.id}",
                                         json={"baseline_month": "2016-06"})
    assert_problem(response, 422, "baseline_month")


def test_positions_from_baseline_only(world, api_as):
    rows = api_as(world.auditor).get(
        f"/api/v1/smelters/{world.smelter_a.id}/positions?from=2016-01&to=2016-03").json
    assert rows == [
        {"month": m, "built_tpa": 500_000, "operating_tpa": 300_000, "idle_tpa": 200_000}
        for m in ("2016-01", "2016-02", "2016-03")
    ]


def test_positions_never_start_before_the_baseline(world, api_as):
    rows = api_as(world.admin).get(
        f"/api/v1/smelters/{world.smelter_a.id}/positions?from=2015-11&to=2016-02").json
    assert [r["month"] for r in rows] == ["2016-01", "2016-02"]


def test_positions_range_checks(world, api_as):
    admin = api_as(world.admin)
    url = f"/api/v1/smelters/{world.smelter_a.id}/positions"
    assert_problem(admin.get(url + "?from=2016-05&to=2016-04"), 422, "to")
    assert_problem(admin.get(url + "?from=2016-01&to=2066-01"), 422, "to")
    assert_problem(admin.get(url + "?from=2016-13"), 422, "from")
    assert admin.get(url + "?from=2016-01&to=2065-12").status_code == 200  # 600 months


def test_filer_reads_its_own_positions(world, api_as):
    response = api_as(world.filer_a).get(
        f"/api/v1/smelters/{world.smelter_a.id}/positions?from=2016-01&to=2016-01")
    assert response.status_code == 200
    assert response.json[0]["idle_tpa"] == 200_000
