"""The approval preview and the surge status: what the review page and dashboard show."""

from __future__ import annotations

from registry.caps.services import approval_preview, surge_status
from registry.extensions import db
from registry.filings.models import Filing


def _preview(app, filing_id: int) -> list[dict]:
    with app.app_context():
        return approval_preview(db.session.get(Filing, filing_id))


def test_preview_names_worst_month_and_refusal(app, factory, world):
    factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, effective_month="2016-10",
                   status="approved")
    cap = factory.cap(limit_tpa=450_000, period_from="2016-06", period_to="2016-12")
    filing = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000,
                            effective_month="2016-08", status="submitted")
    # smelter_b runs 300,000 too: 600,000 + 100,000 already breaches, more so from 2016-10
    [row] = _preview(app, filing.id)
    assert row["cap_id"] == cap.id
    assert row["month"] == "2016-10"
    assert row["usage_tpa"] == 700_000
    assert row["resulting_tpa"] == 800_000
    assert row["status"] == "breach"
    assert row["refused"] is True


def test_preview_ok_warning_and_reduction(app, factory, world):
    factory.cap(limit_tpa=1_000_000, scope="province", scope_ref="41")
    factory.cap(limit_tpa=400_000, scope="enterprise", scope_ref=str(world.ent_a.id))
    factory.cap(limit_tpa=300_000, scope="enterprise", scope_ref=str(world.ent_a.id))
    restart = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=60_000, status="submitted")
    rows = _preview(app, restart.id)
    assert [(r["status"], r["refused"], r["resulting_tpa"]) for r in rows] == [
        ("ok", False, 360_000), ("warning", False, 360_000), ("breach", True, 360_000)]
    cut = factory.filing(world.smelter_a, world.filer_a, kind="curtailment", capacity_tpa=10_000,
                         status="submitted")
    assert [(r["status"], r["refused"]) for r in _preview(app, cut.id)] == [
        ("ok", False), ("ok", False), ("warning", False)]


def test_surge_status_counts_pending(app, factory, world):
    factory.filing(world.smelter_a, world.filer_a, capacity_tpa=150_000, effective_month="2016-11",
                   status="approved")
    factory.filing(world.smelter_b, world.filer_b, kind="new_capacity", capacity_tpa=2_000_000,
                   effective_month="2016-11", status="submitted")
    with app.app_context():
        assert surge_status("2016-11") == {"month": "2016-11", "approved_tpa": 150_000,
                                           "pending_tpa": 2_150_000, "threshold_tpa": 2_000_000,
                                           "surge": True}
        assert surge_status("2016-12")["surge"] is False
