"""The capacity engine: the closure rule in every approval order, and a projection that ledger verify proves."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.capacity.models import POSITION_COLUMNS, SmelterMonth
from registry.capacity.projection import expected_rows, record_transition, verify
from registry.capacity.replay import NO_FLOWS, Flows, replay
from registry.extensions import db
from registry.filings.models import APPROVED, SUBMITTED, Filing
from registry.members.models import Smelter
from tests.api_helpers import assert_problem

KINDS = ("restart", "new_capacity", "curtailment", "closure")


def _position(api, smelter_id: int, month: str) -> dict:
    rows = api.get(f"/api/v1/smelters/{smelter_id}/positions?from={month}&to={month}").get_json()
    return rows[0]


@pytest.mark.parametrize("closure_first", [True, False])
def test_the_issue_example_gives_the_same_september_in_either_order(factory, world, api_as, closure_first):
    """100 kt built and operating; a 50 kt closure at 2016-09 and a 30 kt curtailment at 2016-03."""
    smelter = factory.smelter(world.ent_a, baseline_built_tpa=100_000, baseline_operating_tpa=100_000)
    closure = factory.filing(smelter, world.filer_a, kind="closure", capacity_tpa=50_000,
                             effective_month="2016-09", status="submitted")
    curtailment = factory.filing(smelter, world.filer_a, kind="curtailment", capacity_tpa=30_000,
                                 effective_month="2016-03", status="submitted")
    reviewer = api_as(world.reviewer)
    for filing in (closure, curtailment) if closure_first else (curtailment, closure):
        response = reviewer.post(f"/api/v1/filings/{filing.id}/approve", json={})
        assert response.status_code == 200, response.get_json()
    assert _position(reviewer, smelter.id, "2016-08") == {
        "month": "2016-08", "built_tpa": 100_000, "operating_tpa": 70_000, "idle_tpa": 30_000}
    # the closure takes the 30 kt idle first, then 20 kt operating: 50 kt operating either way
    assert _position(reviewer, smelter.id, "2016-09") == {
        "month": "2016-09", "built_tpa": 50_000, "operating_tpa": 50_000, "idle_tpa": 0}


def test_a_restart_must_fit_the_idle_capacity_a_same_month_closure_leaves(factory, world, api_as):
    smelter = factory.smelter(world.ent_a, baseline_built_tpa=100_000, baseline_operating_tpa=60_000)
    factory.filing(smelter, world.filer_a, kind="closure", capacity_tpa=40_000, effective_month="2016-05",
                   status="approved")
    restart = factory.filing(smelter, world.filer_a, kind="restart", capacity_tpa=1_000,
                             effective_month="2016-05", status="submitted")
    body = assert_problem(api_as(world.reviewer).post(f"/api/v1/filings/{restart.id}/approve", json={}), 409)
    assert (body["rule"], body["month"], body["idle_tpa"]) == ("restart_exceeds_idle", "2016-05", 0)


# Property: positions do not depend on the order of approvals -----------------------------------------

MONTHS = [f"2016-{m:02d}" for m in range(1, 13)]
filing_lists = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(1, 40).map(lambda k: k * 5_000),
                                  st.sampled_from(MONTHS)), min_size=1, max_size=12)


def _positions_of(smelter_id: int) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(
        sa.select(SmelterMonth.month, *(getattr(SmelterMonth, c) for c in POSITION_COLUMNS))
        .where(SmelterMonth.smelter_id == smelter_id).order_by(SmelterMonth.month))]


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(filings=filing_lists, seed=st.integers(0, 2**16))
def test_positions_are_the_same_in_every_approval_order(ctx, world, filings, seed):
    """The same filings approved in two random orders into two twin smelters: identical months.

    Approvals here go straight to the projection (no rule check): the property is the
    arithmetic's, whatever the rules would have refused. Both equal a replay from scratch.
    """
    twins = []
    for _ in range(2):
        smelter = Smelter(enterprise_id=world.ent_a.id, name="Twin", province="41", baseline_month="2016-01",
                          baseline_built_tpa=400_000, baseline_operating_tpa=250_000, cell_amperage_ka=400,
                          power_source="grid")
        db.session.add(smelter)
        db.session.flush()
        rows = [Filing(smelter_id=smelter.id, kind=k, capacity_tpa=c, effective_month=m, status=SUBMITTED,
                       created_by=world.filer_a.id) for k, c, m in filings]
        db.session.add_all(rows)
        db.session.flush()
        for filing in rows:
            record_transition(filing, "draft", SUBMITTED)
        twins.append((smelter, rows))
    rng = random.Random(seed)
    for _, rows in twins:
        for filing in rng.sample(rows, len(rows)):  # a different order for each twin
            filing.status = APPROVED
            record_transition(filing, SUBMITTED, APPROVED)
    first, second = (_positions_of(s.id) for s, _ in twins)
    assert first == second
    flows: dict[str, tuple[Flows, Flows]] = {}
    for kind, capacity, month in filings:
        approved, pending = flows.get(month, (NO_FLOWS, NO_FLOWS))
        flows[month] = (approved.plus(kind, capacity), pending)
    expected = [(r["month"], *(r[c] for c in POSITION_COLUMNS)) for r in expected_rows(twins[0][0], flows)]
    assert first == expected
    # and the replay is the rule of domain.md: operating after a month's closures is min(operating, built)
    built, operating = 400_000, 250_000
    for step, month in zip(replay(built, operating, ((m, flows.get(m, (NO_FLOWS,))[0]) for m in MONTHS)),
                           MONTHS, strict=True):
        month_flows = flows.get(month, (NO_FLOWS,))[0]
        closed = built - month_flows.closure
        assert step.operating == min(operating, closed) + month_flows.restart + month_flows.new - \
            month_flows.curtail
        built, operating = step.built, step.operating
    db.session.rollback()


# ledger verify and rebuild ---------------------------------------------------------------------------


def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=["ledger", *args])
    with app.app_context():
        db.session.remove()
    return result


def test_verify_agrees_after_random_work_and_names_a_row_changed_behind_its_back(app, factory, world, api_as):
    rng = random.Random(11)
    reviewer, admin = api_as(world.reviewer), api_as(world.admin)
    smelters = [world.smelter_a, factory.smelter(world.ent_a, baseline_built_tpa=300_000,
                                                 baseline_operating_tpa=100_000)]
    for _ in range(30):
        smelter = rng.choice(smelters)
        filing = factory.filing(smelter, world.filer_a, kind=rng.choice(KINDS),
                                capacity_tpa=rng.randrange(1, 20) * 5_000, effective_month=rng.choice(MONTHS),
                                status="submitted")
        action = rng.choice(("approve", "approve", "approve", "reject", "return", "keep"))
        if action != "keep":
            reviewer.post(f"/api/v1/filings/{filing.id}/{action}", json={"note": "checked"})
    edited = admin.patch(f"/api/v1/smelters/{smelters[1].id}", json={"baseline_built_tpa": 320_000})
    assert edited.status_code == 200, edited.get_json()

    result = _cli(app, "verify")
    assert (result.exit_code, result.output.strip()) == (0, "The projection agrees with the filings.")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Filing).where(
            Filing.status == APPROVED)) >= 5
        db.session.execute(sa.update(SmelterMonth).where(
            SmelterMonth.smelter_id == smelters[1].id, SmelterMonth.month == "2016-06")
            .values(operating_tpa=SmelterMonth.operating_tpa + 1))
        db.session.commit()
        db.session.remove()
    result = _cli(app, "verify")
    assert result.exit_code == 1
    assert f"smelter {smelters[1].id} 2016-06 operating_tpa" in result.output

    rebuilt = _cli(app, "rebuild")
    assert rebuilt.exit_code == 0 and "Rebuilt the projection" in rebuilt.output
    assert _cli(app, "verify").exit_code == 0


def test_verify_names_a_missing_row(app, world):
    with app.app_context():
        db.session.execute(sa.delete(SmelterMonth).where(SmelterMonth.smelter_id == world.smelter_b.id))
        db.session.commit()
        assert [str(d) for d in verify()] == [
            f"smelter {world.smelter_b.id} 2016-01 row: stored None, the filings give 1"]
        db.session.remove()
