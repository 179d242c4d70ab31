"""The summary's figures against hand-computed examples, each kind of exception, and query count."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from registry.capacity.positions import position_at
from registry.extensions import db
from registry.members.models import Smelter
from registry.summaries.services import build_summary
from tests import summary_world
from tests.summary_world import MONTH, TOTALS

AFTER_DUE = dt.date(2016, 12, 11)


@pytest.fixture
def setup(factory, world, api_as):
    extra = summary_world.build(factory, world)
    summary_world.file_returns(api_as, world)
    return extra


def summary(app, month: str = MONTH, today: dt.date = AFTER_DUE) -> dict:
    with app.app_context():
        try:
            return build_summary(month, today)
        finally:
            db.session.remove()


def rows_by_id(result: dict) -> dict[int, dict]:
    return {row["smelter_id"]: row for row in result["smelters"]}


def test_national_totals_match_the_hand_computed_figures(app, world, setup):
    result = summary(app)
    totals = result["totals"]
    assert {k: totals[k] for k in TOTALS} == TOTALS
    assert totals["reported_operating_tpa"] == 700_000
    assert totals["production_t"] == 55_000
    assert (totals["smelters"], totals["returns_in"], totals["returns_missing"]) == (3, 2, 1)
    assert result["returns_due_on"] == "2016-12-10"


def test_each_smelter_row(app, world, setup):
    rows = rows_by_id(summary(app))
    a, b, c = rows[world.smelter_a.id], rows[world.smelter_b.id], rows[setup.smelter_c.id]
    assert (a["built_tpa"], a["operating_tpa"], a["idle_tpa"]) == (500_000, 400_000, 100_000)
    assert (a["additions_tpa"], a["pending_additions_tpa"]) == (100_000, 50_000)
    assert (a["return"], a["reported_operating_tpa"], a["deviation_tpa"], a["above_approved"]) == (
        "in", 450_000, 50_000, True)
    assert (b["built_tpa"], b["operating_tpa"], b["reductions_tpa"]) == (500_000, 250_000, 0)
    assert (b["deviation_tpa"], b["above_approved"], b["production_t"]) == (0, False, 20_000)
    assert (c["built_tpa"], c["operating_tpa"], c["idle_tpa"], c["reductions_tpa"]) == (800_000, 800_000, 0, 200_000)
    assert (c["return"], c["reported_operating_tpa"], c["deviation_tpa"]) == ("missing", None, None)
    assert c["name"] == "包头铝厂 C"


def test_positions_agree_with_the_ledger(app, world, setup):
    rows = rows_by_id(summary(app))
    with app.app_context():
        for smelter in db.session.scalars(sa.select(Smelter)):
            position = position_at(smelter, MONTH)
            row = rows[smelter.id]
            assert (row["built_tpa"], row["operating_tpa"]) == (position.built_tpa, position.operating_tpa)
        db.session.remove()


def test_enterprise_and_province_rows_aggregate_their_smelters(app, world, setup):
    result = summary(app)
    ents = {e["enterprise_id"]: e for e in result["enterprises"]}
    a = ents[world.ent_a.id]
    assert (a["smelters"], a["built_tpa"], a["operating_tpa"], a["idle_tpa"]) == (2, 1_300_000, 1_200_000, 100_000)
    assert (a["returns_in"], a["returns_missing"], a["reported_operating_tpa"], a["deviation_tpa"]) == (
        1, 1, 450_000, 50_000)
    assert a["name"] == world.ent_a.name
    assert ents[world.ent_b.id]["operating_tpa"] == 250_000
    provinces = {p["province"]: p["built_tpa"] for p in result["provinces"]}
    assert provinces == {"15": 800_000, "41": 500_000, "65": 500_000}


def test_utilisation_against_the_80_percent_target(app, world, setup):
    utilisation = summary(app)["utilisation"]
    assert utilisation["target"] == 0.8
    assert utilisation["approved"] == round(1_450_000 / 1_800_000, 4)
    assert utilisation["meets_target"] is True
    assert utilisation["reported"] == round(700_000 / 1_000_000, 4)
    app.config["UTILISATION_TARGET"] = 0.85
    assert summary(app)["utilisation"]["meets_target"] is False


def test_every_kind_of_exception(app, factory, world, setup):
    national = factory.cap(name="全国运行产能", limit_tpa=1_500_000)           # 96.7 %: warning
    henan = factory.cap(name="Henan", scope="province", scope_ref="41", limit_tpa=350_000)  # breach
    factory.cap(name="Additions", basis="monthly_additions", limit_tpa=1_000_000)  # ok
    factory.cap(name="Over", limit_tpa=1, period_from="2017-01", period_to="2017-12")  # not this month
    result = summary(app)
    kinds = [(e["kind"], e.get("cap_id") or e.get("smelter_id")) for e in result["exceptions"]]
    assert kinds == [("cap_warning", national.id), ("cap_breach", henan.id),
                     ("operating_above_approved", world.smelter_a.id), ("missing_return", setup.smelter_c.id)]
    caps = {c["cap_id"]: c for c in result["caps"]}
    assert len(caps) == 3
    assert (caps[henan.id]["usage_tpa"], caps[henan.id]["headroom_tpa"], caps[henan.id]["status"]) == (
        400_000, -50_000, "breach")
    assert caps[national.id]["pending_tpa"] == 1_500_000
    assert caps[national.id]["pending_status"] == "warning"
    excess = next(e for e in result["exceptions"] if e["kind"] == "operating_above_approved")
    assert (excess["reported_operating_tpa"], excess["approved_operating_tpa"], excess["excess_tpa"]) == (
        450_000, 400_000, 50_000)


def test_an_inactive_cap_is_left_out(app, factory, world, setup, api_as):
    cap = factory.cap(limit_tpa=1)
    assert api_as(world.admin).patch(f"/api/v1/caps/{cap.id}", json={"active": False}).status_code == 200
    assert summary(app)["caps"] == []


def test_a_missing_return_is_an_exception_only_after_the_due_day(app, world, setup):
    on_due_day = summary(app, today=dt.date(2016, 12, 10))
    assert rows_by_id(on_due_day)[setup.smelter_c.id]["return"] == "not_due"
    assert "missing_return" not in {e["kind"] for e in on_due_day["exceptions"]}
    assert on_due_day["totals"]["returns_missing"] == 0
    app.config["RETURN_DUE_DAY"] = 5
    early = summary(app, today=dt.date(2016, 12, 6))
    assert rows_by_id(early)[setup.smelter_c.id]["return"] == "missing"


def test_the_latest_return_revision_counts(app, world, setup, api_as):
    api_as(world.filer_a).post("/api/v1/monthly-returns", json={
        "smelter_id": world.smelter_a.id, "month": MONTH, "operating_tpa": 400_000, "production_t": 33_000})
    a = rows_by_id(summary(app))[world.smelter_a.id]
    assert (a["return_revision"], a["reported_operating_tpa"], a["above_approved"]) == (2, 400_000, False)
    assert a["return_late"] is True


def test_smelters_registered_later_and_inactive_members_owe_nothing(app, factory, world, setup, api_as):
    factory.smelter(world.ent_b, baseline_month="2017-01")
    assert summary(app)["totals"]["smelters"] == 3
    assert api_as(world.admin).patch(f"/api/v1/enterprises/{world.ent_a.id}",
                                     json={"active": False}).status_code == 200
    c = rows_by_id(summary(app))[setup.smelter_c.id]
    assert c["return"] == "not_required"


def test_an_empty_registry(app):
    result = summary(app)
    assert result["totals"]["built_tpa"] == 0
    assert result["utilisation"]["approved"] is None
    assert result["smelters"] == result["exceptions"] == []


def _queries(app, month: str) -> int:
    statements: list[str] = []
    with app.app_context():
        def count(conn, cursor, statement, *args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            build_summary(month, AFTER_DUE)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
            db.session.remove()
    return len(statements)


def test_the_summary_costs_the_same_queries_however_many_filings(app, factory, world):
    factory.cap(limit_tpa=50_000_000)
    factory.cap(basis="monthly_additions", limit_tpa=50_000_000)
    factory.cap(basis="built_capacity", scope="province", scope_ref="41", limit_tpa=50_000_000)
    factory.filing(world.smelter_a, world.filer_a, "restart", 1_000, MONTH, status="approved")
    few = _queries(app, MONTH)
    for month in ("2016-02", "2016-05", "2016-08", "2016-11"):
        for smelter, filer in ((world.smelter_a, world.filer_a), (world.smelter_b, world.filer_b)):
            factory.filing(smelter, filer, "restart", 1_000, month, status="approved")
            factory.filing(smelter, filer, "curtailment", 500, month, status="approved")
            factory.filing(smelter, filer, "restart", 1_000, month, status="submitted")
    factory.smelter(world.ent_b)
    many = _queries(app, MONTH)
    assert many == few
    assert few <= 10
