"""The approval preview and the surge status: what the review page and dashboard show."""

from __future__ import annotations

import sqlalchemy as sa

from registry.caps.services import approval_preview, approval_previews, surge_by_month, surge_status
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
        by_month = surge_by_month("2016-10", "2016-12")
        assert [(m, r["pending_tpa"], r["surge"]) for m, r in by_month.items()] == [
            ("2016-10", 0, False), ("2016-11", 2_150_000, True), ("2016-12", 0, False)]


def test_queue_preview_matches_single_previews_with_one_read_per_cap(app, factory, world):
    factory.cap(limit_tpa=900_000)
    factory.cap(basis="monthly_additions", limit_tpa=150_000, period_from="2016-06", period_to="2016-12")
    factory.cap(scope="province", scope_ref="65", limit_tpa=350_000)
    filings = [factory.filing(world.smelter_a if i % 2 else world.smelter_b,
                              world.filer_a if i % 2 else world.filer_b, capacity_tpa=20_000 * (i + 1),
                              effective_month=f"2016-{i + 3:02d}", status="submitted") for i in range(8)]
    with app.app_context():
        queue = db.session.scalars(sa.select(Filing).order_by(Filing.id)).all()
        one_by_one = {f.id: approval_preview(f) for f in queue}
        assert approval_previews(queue) == one_by_one
        # per smelter its caps and its projection rows, then one or two grouped reads per cap,
        # however long the queue
        assert queries(lambda: approval_previews(queue[2:4])) == queries(lambda: approval_previews(queue)) == 9
    # smelter A: national and additions caps; smelter B also the Xinjiang cap
    assert [r["refused"] for r in one_by_one[filings[7].id]] == [False, True]  # 160,000 of additions
    assert [r["refused"] for r in one_by_one[filings[6].id]] == [False, False, True]  # 440,000 in 65


def queries(action) -> int:
    """How many statements ``action`` sends to the database."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)
