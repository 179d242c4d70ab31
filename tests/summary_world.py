"""A small registry with hand-computed figures for November 2016 (see ``expected``)."""

from __future__ import annotations

from types import SimpleNamespace

MONTH = "2016-11"


def build(factory, world) -> SimpleNamespace:
    """Three smelters, approved and pending filings around November 2016, two returns.

    November 2016, approved positions:
      A (ent A, Henan 41):     built 500,000  operating 400,000 (restart 100,000 in Nov)
      B (ent B, Xinjiang 65):  built 500,000  operating 250,000 (curtailment 50,000 in Oct)
      C (ent A, Inner Mon. 15): built 800,000 operating 800,000 (closure 200,000 in Nov, no idle)
    B's restart in December and pending filings of other months do not count.
    """
    w = world
    c = factory.smelter(w.ent_a, name="包头铝厂 C", province="15", baseline_built_tpa=1_000_000,
                        baseline_operating_tpa=1_000_000)
    factory.filing(w.smelter_a, w.filer_a, "restart", 100_000, MONTH, status="approved")
    factory.filing(w.smelter_b, w.filer_b, "curtailment", 50_000, "2016-10", status="approved")
    factory.filing(c, w.filer_a, "closure", 200_000, MONTH, status="approved")
    factory.filing(w.smelter_b, w.filer_b, "restart", 100_000, "2016-12", status="approved")
    factory.filing(w.smelter_a, w.filer_a, "restart", 50_000, MONTH, status="submitted")
    factory.filing(w.smelter_b, w.filer_b, "restart", 30_000, "2016-12", status="submitted")
    factory.filing(w.smelter_b, w.filer_b, "restart", 40_000, MONTH, status="rejected")
    return SimpleNamespace(smelter_c=c)


def file_returns(api_as, world) -> None:
    """A reports 450,000 operating (50,000 above approval); B reports; C's return is missing."""
    a = api_as(world.filer_a).post("/api/v1/monthly-returns", json={
        "smelter_id": world.smelter_a.id, "month": MONTH, "operating_tpa": 450_000, "production_t": 35_000})
    b = api_as(world.filer_b).post("/api/v1/monthly-returns", json={
        "smelter_id": world.smelter_b.id, "month": MONTH, "operating_tpa": 250_000, "production_t": 20_000})
    assert a.status_code == b.status_code == 201, (a.json, b.json)


TOTALS = {
    "built_tpa": 1_800_000, "operating_tpa": 1_450_000, "idle_tpa": 350_000,
    "additions_tpa": 100_000, "reductions_tpa": 200_000, "pending_additions_tpa": 50_000,
}


def build_with_returns_and_cap(factory, world, api_as) -> SimpleNamespace:
    """The hand-computed world, its returns filed, and a national operating cap of 1.5 Mt."""
    extra = build(factory, world)
    file_returns(api_as, world)
    extra.cap = factory.cap(name="全国运行产能", limit_tpa=1_500_000)
    return extra
