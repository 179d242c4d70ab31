"""Replacement cover: closures create indicators, new capacity is covered at its province's ratio.

The world: enterprise A in Henan (41, ratio 1.0) and B in Xinjiang (65); each
smelter is built 500,000 t/a, operating 300,000 t/a from 2016-01.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.extensions import db
from registry.replacement.models import Indicator

PROBLEM_JSON = "application/problem+json"


def problem(response, status: int) -> dict:
    """The problem+json body of a refusal with ``status``."""
    assert response.status_code == status, (response.status_code, response.get_json())
    assert response.mimetype == PROBLEM_JSON
    return response.get_json()


def closure_indicator(factory, app, smelter, filer, tonnes: int) -> SimpleNamespace:
    """Approve a closure of ``tonnes`` at ``smelter`` and return the indicator it created."""
    closure = factory.filing(smelter, filer, kind="closure", capacity_tpa=tonnes, status="approved")
    with app.app_context():
        indicator = db.session.scalar(sa.select(Indicator).where(Indicator.origin_filing_id == closure.id))
        out = SimpleNamespace(id=indicator.id, closure_id=closure.id, tonnes_tpa=indicator.tonnes_tpa)
        db.session.remove()
        return out


def remaining(app, indicator_id: int) -> int:
    with app.app_context():
        value = db.session.get(Indicator, indicator_id).remaining_tpa
        db.session.remove()
        return value


def new_capacity(factory, smelter, filer, capacity: int, replacements: list[tuple[int, int]], **kw):
    """A submitted new-capacity filing drawing ``[(indicator_id, tonnes)]``."""
    return factory.filing(smelter, filer, kind="new_capacity", capacity_tpa=capacity, status="submitted",
                          replacements=[{"indicator_id": i, "tonnes_tpa": t} for i, t in replacements], **kw)


@pytest.fixture
def reviewer(world, api_as):
    return api_as(world.reviewer)


def test_approved_closure_creates_an_indicator_of_its_tonnes_for_the_enterprise(world, api_as, factory):
    filer = api_as(world.filer_a)
    created = filer.post("/api/v1/filings", json={"smelter_id": world.smelter_a.id, "kind": "closure",
                                                   "capacity_tpa": 150_000, "effective_month": "2016-11"})
    filing_id = created.json["id"]
    assert filer.post(f"/api/v1/filings/{filing_id}/submit").status_code == 200
    assert filer.get("/api/v1/indicators").json == []  # nothing until approval

    assert api_as(world.reviewer).post(f"/api/v1/filings/{filing_id}/approve").status_code == 200

    listed = filer.get("/api/v1/indicators").json
    assert len(listed) == 1
    indicator = listed[0]
    assert (indicator["enterprise_id"], indicator["origin_smelter_id"], indicator["origin_filing_id"],
            indicator["province"], indicator["tonnes_tpa"], indicator["remaining_tpa"], indicator["parent_id"]) == (
        world.ent_a.id, world.smelter_a.id, filing_id, "41", 150_000, 150_000, None)
    assert api_as(world.filer_b).get("/api/v1/indicators").json == []  # not B's
    assert api_as(world.filer_b).get(f"/api/v1/indicators/{indicator['id']}").status_code == 404


def test_rejected_closure_creates_no_indicator(world, api_as, factory):
    factory.filing(world.smelter_a, world.filer_a, kind="closure", capacity_tpa=100_000, status="rejected")
    assert api_as(world.reviewer).get("/api/v1/indicators").json == []


def test_cover_at_ratio_one_exactly_consumes_the_tonnes(app, world, factory, reviewer):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 200_000)
    filing = new_capacity(factory, world.smelter_a, world.filer_a, 120_000, [(ind.id, 120_000)])

    response = reviewer.post(f"/api/v1/filings/{filing.id}/approve")

    assert response.status_code == 200, response.json
    assert response.json["replacements"] == [{"indicator_id": ind.id, "tonnes_tpa": 120_000}]
    assert remaining(app, ind.id) == 80_000
    detail = reviewer.get(f"/api/v1/indicators/{ind.id}").json
    assert [(u["filing_id"], u["tonnes_tpa"]) for u in detail["lineage"]["consumed_by"]] == [(filing.id, 120_000)]


def test_cover_one_tonne_short_at_ratio_one_is_refused(app, world, factory, reviewer):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 200_000)
    filing = new_capacity(factory, world.smelter_a, world.filer_a, 120_000, [(ind.id, 119_999)])

    body = problem(reviewer.post(f"/api/v1/filings/{filing.id}/approve"), 409)

    assert body["rule"] == "short_cover"
    assert (body["required_tpa"], body["offered_tpa"], body["shortfall_tpa"], body["ratio"]) == (
        120_000, 119_999, 1, 1.0)
    assert "1 t/a short" in body["detail"]
    assert remaining(app, ind.id) == 200_000
    assert reviewer.get(f"/api/v1/filings/{filing.id}").json["status"] == "submitted"


@pytest.mark.parametrize("province", ["13", "32"])  # Hebei and Jiangsu: sensitive regions, 1.25
def test_sensitive_region_needs_one_and_a_quarter_times_the_capacity(app, factory, api_as, province):
    ent = factory.enterprise(province=province)
    smelter = factory.smelter(ent)
    filer = factory.user("filer", ent)
    reviewer = api_as(factory.user("reviewer"))
    assert reviewer.get(f"/api/v1/replacement-ratios/{province}").json["ratio"] == 1.25
    ind = closure_indicator(factory, app, smelter, filer, 300_000)

    at_par = new_capacity(factory, smelter, filer, 100_000, [(ind.id, 100_000)])
    body = problem(reviewer.post(f"/api/v1/filings/{at_par.id}/approve"), 409)
    assert (body["required_tpa"], body["offered_tpa"], body["shortfall_tpa"], body["ratio"]) == (
        125_000, 100_000, 25_000, 1.25)

    covered = new_capacity(factory, smelter, filer, 100_000, [(ind.id, 125_000)])
    assert reviewer.post(f"/api/v1/filings/{covered.id}/approve").status_code == 200
    assert remaining(app, ind.id) == 175_000


def test_cover_may_combine_indicators_and_required_rounds_up(app, factory, api_as):
    ent = factory.enterprise(province="13")
    smelter = factory.smelter(ent)
    filer = factory.user("filer", ent)
    reviewer = api_as(factory.user("reviewer"))
    first = closure_indicator(factory, app, smelter, filer, 60_000)
    second = closure_indicator(factory, app, smelter, filer, 60_000)
    # 80,001 x 1.25 = 100,001.25: 100,002 t/a are needed.
    short = new_capacity(factory, smelter, filer, 80_001, [(first.id, 50_001), (second.id, 50_000)])
    assert problem(reviewer.post(f"/api/v1/filings/{short.id}/approve"), 409)["shortfall_tpa"] == 1
    enough = new_capacity(factory, smelter, filer, 80_001, [(first.id, 50_002), (second.id, 50_000)])
    assert reviewer.post(f"/api/v1/filings/{enough.id}/approve").status_code == 200
    assert (remaining(app, first.id), remaining(app, second.id)) == (9_998, 10_000)


def test_admin_sets_a_ratio_and_approval_uses_it(app, world, factory, api_as, reviewer):
    admin = api_as(world.admin)
    assert reviewer.get("/api/v1/replacement-ratios/41").json == {"province": "41", "ratio": 1.0, "default": True}
    assert reviewer.put("/api/v1/replacement-ratios/41", json={"ratio": 1.5}).status_code == 403
    assert problem(admin.put("/api/v1/replacement-ratios/41", json={"ratio": 0.9}), 422)["errors"]["ratio"]
    assert problem(admin.put("/api/v1/replacement-ratios/41", json={"ratio": 10.5}), 422)["errors"]["ratio"]
    put = admin.put("/api/v1/replacement-ratios/41", json={"province": "41", "ratio": 1.5})
    assert put.status_code == 200, put.json
    assert put.json == {"province": "41", "ratio": 1.5, "default": False}
    listed = {row["province"]: row["ratio"] for row in reviewer.get("/api/v1/replacement-ratios").json}
    assert (listed["41"], listed["13"], listed["65"]) == (1.5, 1.25, 1.0)

    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 200_000)
    filing = new_capacity(factory, world.smelter_a, world.filer_a, 100_000, [(ind.id, 120_000)])
    assert problem(reviewer.post(f"/api/v1/filings/{filing.id}/approve"), 409)["required_tpa"] == 150_000


def test_indicator_is_never_spent_twice(app, world, factory, reviewer):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    first = new_capacity(factory, world.smelter_a, world.filer_a, 70_000, [(ind.id, 70_000)])
    second = new_capacity(factory, world.smelter_a, world.filer_a, 70_000, [(ind.id, 70_000)])

    assert reviewer.post(f"/api/v1/filings/{first.id}/approve").status_code == 200
    body = problem(reviewer.post(f"/api/v1/filings/{second.id}/approve"), 409)

    assert body["rule"] == "short_cover"
    assert (body["indicator_id"], body["indicator_remaining_tpa"], body["indicator_wanted_tpa"]) == (
        ind.id, 30_000, 70_000)
    assert f"#{ind.id} has 30,000 t/a left" in body["detail"]
    assert remaining(app, ind.id) == 30_000
    with app.app_context():
        refused = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_id == second.id, AuditEvent.action == "approve_refused")).all()
        assert [e.after["rule"] for e in refused] == ["short_cover"]
        db.session.remove()


def test_new_capacity_without_replacements_is_short_by_all_of_it(world, factory, reviewer):
    filing = factory.filing(world.smelter_a, world.filer_a, kind="new_capacity", capacity_tpa=50_000,
                            status="submitted")
    body = problem(reviewer.post(f"/api/v1/filings/{filing.id}/approve"), 409)
    assert (body["required_tpa"], body["offered_tpa"], body["shortfall_tpa"]) == (50_000, 0, 50_000)


def test_replacements_must_be_the_enterprises_own_known_indicators(app, world, factory, api_as):
    own = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    theirs = closure_indicator(factory, app, world.smelter_b, world.filer_b, 100_000)
    filer = api_as(world.filer_a)
    body = {"smelter_id": world.smelter_a.id, "kind": "new_capacity", "capacity_tpa": 50_000,
            "effective_month": "2016-11"}

    for bad in ([{"indicator_id": theirs.id, "tonnes_tpa": 50_000}],
                [{"indicator_id": 999_999, "tonnes_tpa": 50_000}],
                [{"indicator_id": own.id, "tonnes_tpa": 100_001}],
                [{"indicator_id": own.id, "tonnes_tpa": 1}, {"indicator_id": own.id, "tonnes_tpa": 2}]):
        assert "replacements" in problem(filer.post("/api/v1/filings", json={**body, "replacements": bad}),
                                         422)["errors"]
    restart = {**body, "kind": "restart", "replacements": [{"indicator_id": own.id, "tonnes_tpa": 1}]}
    assert "replacements" in problem(filer.post("/api/v1/filings", json=restart), 422)["errors"]

    created = filer.post("/api/v1/filings", json={**body, "replacements": [
        {"indicator_id": own.id, "tonnes_tpa": 50_000}]})
    assert created.status_code == 201, created.json
    assert created.json["replacements"] == [{"indicator_id": own.id, "tonnes_tpa": 50_000}]
    patched = filer.patch(f"/api/v1/filings/{created.json['id']}", json={"replacements": [
        {"indicator_id": theirs.id, "tonnes_tpa": 50_000}]})
    assert "replacements" in problem(patched, 422)["errors"]
    patched = filer.patch(f"/api/v1/filings/{created.json['id']}", json={"replacements": [
        {"indicator_id": own.id, "tonnes_tpa": 60_000}]})
    assert patched.json["replacements"] == [{"indicator_id": own.id, "tonnes_tpa": 60_000}]


def test_plausibility_refuses_more_than_the_cells_can_make(world, api_as):
    filer = api_as(world.filer_a)
    # 300 cells x 500 kA x 0.96 x 0.3356 kg/kA-h x 8,760 h = 423,339 t/a.
    body = {"smelter_id": world.smelter_a.id, "kind": "restart", "effective_month": "2016-11",
            "cell_count": 300, "cell_amperage_ka": 500}

    refused = problem(filer.post("/api/v1/filings", json={**body, "capacity_tpa": 423_340}), 422)

    assert refused["max_plausible_tpa"] == 423_339
    assert "423,339" in refused["errors"]["capacity_tpa"][0]
    assert filer.post("/api/v1/filings", json={**body, "capacity_tpa": 423_339}).status_code == 201
    # Without cell figures nothing is checked.
    plain = {k: v for k, v in body.items() if not k.startswith("cell")}
    assert filer.post("/api/v1/filings", json={**plain, "capacity_tpa": 423_340}).status_code == 201


def test_replacements_belong_to_new_capacity_only_and_an_edit_must_drop_them(app, world, factory, api_as):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    filer = api_as(world.filer_a)
    created = filer.post("/api/v1/filings", json={
        "smelter_id": world.smelter_a.id, "kind": "new_capacity", "capacity_tpa": 50_000,
        "effective_month": "2016-11", "replacements": [{"indicator_id": ind.id, "tonnes_tpa": 50_000}]}).json
    url = f"/api/v1/filings/{created['id']}"

    assert "replacements" in problem(filer.patch(url, json={"kind": "restart"}), 422)["errors"]
    changed = filer.patch(url, json={"kind": "restart", "replacements": []})

    assert changed.status_code == 200, changed.json
    assert (changed.json["kind"], changed.json["replacements"]) == ("restart", [])


def test_ratio_endpoints_refuse_unknown_provinces_and_mismatched_bodies(world, api_as):
    admin = api_as(world.admin)
    assert problem(admin.get("/api/v1/replacement-ratios/99"), 404)
    assert problem(admin.put("/api/v1/replacement-ratios/99", json={"ratio": 1.5}), 404)
    assert "province" in problem(admin.put("/api/v1/replacement-ratios/41",
                                           json={"province": "13", "ratio": 1.5}), 422)["errors"]
    assert admin.put("/api/v1/replacement-ratios/41", json={"ratio": 1.2345}).json["ratio"] == 1.235  # as stored
    assert api_as(world.filer_a).get("/api/v1/replacement-ratios/13").json["ratio"] == 1.25
