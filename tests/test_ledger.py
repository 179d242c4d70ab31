"""Position math with hand-computed examples, and approvals refused by the position rules."""

from __future__ import annotations

import pytest

from tests.api_helpers import assert_problem


@pytest.fixture
def smelter(world, factory):
    """1,000,000 t/a built, 600,000 operating (400,000 idle) from 2016-01."""
    return factory.smelter(world.ent_a, baseline_built_tpa=1_000_000, baseline_operating_tpa=600_000)


def _positions(client, smelter_id: int, first: str, last: str) -> dict[str, tuple[int, int, int]]:
    rows = client.get(f"/api/v1/smelters/{smelter_id}/positions?from={first}&to={last}").json
    return {r["month"]: (r["built_tpa"], r["operating_tpa"], r["idle_tpa"]) for r in rows}


def _approve(client, filing_id: int):
    return client.post(f"/api/v1/filings/{filing_id}/approve", json={"note": "ok"})


def test_every_kind_moves_the_position(world, api_as, factory, smelter):
    approve = factory.filing
    # New capacity needs replacement cover: a closure at the enterprise's other smelter provides it.
    approve(world.smelter_a, world.filer_a, "closure", 200_000, "2016-06", "approved")
    cover = [{"indicator_id": api_as(world.filer_a).get("/api/v1/indicators").json[0]["id"], "tonnes_tpa": 200_000}]
    approve(smelter, world.filer_a, "restart", 150_000, "2016-11", "approved")
    approve(smelter, world.filer_a, "new_capacity", 200_000, "2016-12", "approved", replacements=cover)
    approve(smelter, world.filer_a, "curtailment", 100_000, "2017-01", "approved")
    # 2017-02: 1,200,000 built, 850,000 operating, 350,000 idle. A 500,000 closure takes
    # the 350,000 idle first, then 150,000 operating.
    approve(smelter, world.filer_a, "closure", 500_000, "2017-02", "approved")
    # Filings not approved do not count.
    factory.filing(smelter, world.filer_a, "restart", 50_000, "2016-11", "submitted")
    factory.filing(smelter, world.filer_a, "restart", 60_000, "2016-11", "rejected")
    factory.filing(smelter, world.filer_a, "restart", 70_000, "2016-11", "draft")
    assert _positions(api_as(world.reviewer), smelter.id, "2016-10", "2017-03") == {
        "2016-10": (1_000_000, 600_000, 400_000),
        "2016-11": (1_000_000, 750_000, 250_000),
        "2016-12": (1_200_000, 950_000, 250_000),
        "2017-01": (1_200_000, 850_000, 350_000),
        "2017-02": (700_000, 700_000, 0),
        "2017-03": (700_000, 700_000, 0),
    }


def test_closure_within_idle_leaves_operating_alone(world, api_as, factory, smelter):
    factory.filing(smelter, world.filer_a, "closure", 300_000, "2016-06", "approved")
    assert _positions(api_as(world.admin), smelter.id, "2016-06", "2016-06") == {
        "2016-06": (700_000, 600_000, 100_000)}


def test_closure_of_a_fully_running_smelter_takes_operating(world, api_as, factory):
    full = factory.smelter(world.ent_a, baseline_built_tpa=400_000, baseline_operating_tpa=400_000)
    factory.filing(full, world.filer_a, "closure", 100_000, "2016-06", "approved")
    assert _positions(api_as(world.admin), full.id, "2016-05", "2016-06") == {
        "2016-05": (400_000, 400_000, 0), "2016-06": (300_000, 300_000, 0)}


def test_same_month_filings_add_up(world, api_as, factory, smelter):
    factory.filing(smelter, world.filer_a, "restart", 100_000, "2016-11", "approved")
    factory.filing(smelter, world.filer_a, "restart", 300_000, "2016-11", "approved")  # exactly the rest
    assert _positions(api_as(world.admin), smelter.id, "2016-11", "2016-11") == {
        "2016-11": (1_000_000, 1_000_000, 0)}


@pytest.mark.parametrize(("kind", "capacity", "rule", "limit_field", "limit"), [
    ("restart", 400_001, "restart_exceeds_idle", "idle_tpa", 400_000),
    ("curtailment", 600_001, "curtailment_exceeds_operating", "operating_tpa", 600_000),
    ("closure", 1_000_001, "closure_exceeds_built", "built_tpa", 1_000_000),
])
def test_approval_beyond_the_position_is_refused(world, api_as, factory, smelter, app,
                                                 kind, capacity, rule, limit_field, limit):
    filing = factory.filing(smelter, world.filer_a, kind, capacity, "2016-11", "submitted")
    reviewer = api_as(world.reviewer)
    body = assert_problem(_approve(reviewer, filing.id), 409)
    assert body["rule"] == rule
    assert body["month"] == "2016-11"
    assert body["capacity_tpa"] == capacity
    assert body[limit_field] == limit
    assert (body["built_tpa"], body["operating_tpa"], body["idle_tpa"]) == (1_000_000, 600_000, 400_000)
    _assert_nothing_changed(reviewer, filing, smelter, world, rule)


@pytest.mark.parametrize(("kind", "capacity"), [
    ("restart", 400_000), ("curtailment", 600_000), ("closure", 1_000_000)])
def test_approval_exactly_at_the_limit_passes(world, api_as, factory, smelter, kind, capacity):
    filing = factory.filing(smelter, world.filer_a, kind, capacity, "2016-11", "submitted")
    assert _approve(api_as(world.reviewer), filing.id).status_code == 200


def _assert_nothing_changed(reviewer, filing, smelter, world, rule) -> None:
    after = reviewer.get(f"/api/v1/filings/{filing.id}").json
    assert (after["status"], after["version"], after["decided_by"]) == ("submitted", filing.version, None)
    assert _positions(reviewer, smelter.id, "2016-11", "2017-01") == {
        m: (1_000_000, 600_000, 400_000) for m in ("2016-11", "2016-12", "2017-01")
    }
    events = reviewer.get(f"/api/v1/audit-events?entity_type=filing&entity_id={filing.id}").json
    actions = [e["action"] for e in events]
    assert "approve" not in actions
    refused = [e for e in events if e["action"] == "approve_refused"]
    assert len(refused) == 1
    assert refused[0]["actor_id"] == world.reviewer.id
    assert refused[0]["after"]["rule"] == rule


def test_refusal_leaves_positions_unchanged(world, api_as, factory, smelter):
    filing = factory.filing(smelter, world.filer_a, "restart", 500_000, "2016-11", "submitted")
    reviewer = api_as(world.reviewer)
    before = _positions(reviewer, smelter.id, "2016-10", "2017-01")
    assert_problem(_approve(reviewer, filing.id), 409)
    assert _positions(reviewer, smelter.id, "2016-10", "2017-01") == before


def test_earlier_restart_that_breaks_a_later_approved_restart(world, api_as, factory, smelter):
    # December already restarts all 400,000 idle; one more tonne in November would leave
    # operating above built from December on.
    factory.filing(smelter, world.filer_a, "restart", 400_000, "2016-12", "approved")
    filing = factory.filing(smelter, world.filer_a, "restart", 1, "2016-11", "submitted")
    reviewer = api_as(world.reviewer)
    body = assert_problem(_approve(reviewer, filing.id), 409)
    assert (body["rule"], body["month"]) == ("restart_exceeds_idle", "2016-12")
    assert (body["built_tpa"], body["operating_tpa"], body["idle_tpa"]) == (1_000_000, 1_000_000, 0)
    assert reviewer.get(f"/api/v1/filings/{filing.id}").json["status"] == "submitted"


def test_earlier_curtailment_that_breaks_a_later_approved_curtailment(world, api_as, factory, smelter):
    factory.filing(smelter, world.filer_a, "curtailment", 600_000, "2017-01", "approved")
    filing = factory.filing(smelter, world.filer_a, "curtailment", 10_000, "2016-11", "submitted")
    body = assert_problem(_approve(api_as(world.reviewer), filing.id), 409)
    assert (body["rule"], body["month"]) == ("curtailment_exceeds_operating", "2017-01")
    assert (body["operating_tpa"], body["capacity_tpa"]) == (0, 10_000)


def test_earlier_closure_that_breaks_a_later_approved_closure(world, api_as, factory, smelter):
    factory.filing(smelter, world.filer_a, "closure", 1_000_000, "2017-01", "approved")
    filing = factory.filing(smelter, world.filer_a, "closure", 1_000, "2016-11", "submitted")
    body = assert_problem(_approve(api_as(world.reviewer), filing.id), 409)
    assert (body["rule"], body["month"], body["built_tpa"]) == ("closure_exceeds_built", "2017-01", 0)


def test_earlier_closure_of_idle_that_a_later_restart_uses(world, api_as, factory, smelter):
    # A December restart uses all 400,000 idle; a November closure of 100,000 would retire
    # idle capacity that December needs, leaving operating above built.
    factory.filing(smelter, world.filer_a, "restart", 400_000, "2016-12", "approved")
    filing = factory.filing(smelter, world.filer_a, "closure", 100_000, "2016-11", "submitted")
    body = assert_problem(_approve(api_as(world.reviewer), filing.id), 409)
    assert body["month"] == "2016-12"
    assert body["rule"] == "operating_exceeds_built"
    assert (body["built_tpa"], body["operating_tpa"]) == (1_000_000, 1_000_000)


def test_later_filing_is_checked_against_earlier_approvals(world, api_as, factory, smelter):
    factory.filing(smelter, world.filer_a, "restart", 300_000, "2016-11", "approved")
    filing = factory.filing(smelter, world.filer_a, "restart", 100_001, "2017-03", "submitted")
    body = assert_problem(_approve(api_as(world.reviewer), filing.id), 409)
    assert (body["rule"], body["month"], body["idle_tpa"]) == ("restart_exceeds_idle", "2017-03", 100_000)
