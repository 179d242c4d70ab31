"""seed-scale: a synthetic data set whose approved filings are a valid ledger, on both databases."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from registry import months
from registry.auth.models import User
from registry.caps.models import BASES, SCOPES, Cap
from registry.extensions import db
from registry.filings import workflow
from registry.filings.models import APPROVED, CLOSURE, KINDS, STATUSES, SUBMITTED, Filing
from registry.filings.services import create_filing
from registry.ledger import nominal_deltas, position_at
from registry.members.models import Enterprise, Smelter
from registry.problems import Conflict, RuleBroken
from registry.replacement.models import FilingReplacement, Indicator
from registry.returns.models import MonthlyReturn
from registry.roles import ROLES
from registry.scale import ScaleSpec, generate

SMALL = ScaleSpec(enterprises=6, smelters=20, months=24, filings=3000, seed=7)


def _seed(spec: ScaleSpec = SMALL) -> dict:
    counts = generate(spec)
    db.session.commit()
    return counts


def _month_positions() -> sa.Select:
    """Each smelter's built and operating capacity at the end of every month with approved filings."""
    by_month = (
        sa.select(Filing.smelter_id, Filing.effective_month,
                  sa.func.sum(Filing.built_delta_tpa).label("built"),
                  sa.func.sum(Filing.operating_delta_tpa).label("operating"))
        .where(Filing.status == APPROVED)
        .group_by(Filing.smelter_id, Filing.effective_month)
        .subquery()
    )
    window = {"partition_by": by_month.c.smelter_id, "order_by": by_month.c.effective_month}
    return sa.select(
        by_month.c.smelter_id, by_month.c.effective_month,
        (Smelter.baseline_built_tpa + sa.func.sum(by_month.c.built).over(**window)).label("built"),
        (Smelter.baseline_operating_tpa + sa.func.sum(by_month.c.operating).over(**window)).label("operating"),
    ).join(Smelter, Smelter.id == by_month.c.smelter_id)


def test_command_writes_the_counts_asked_for_and_refuses_a_second_run(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        with app.app_context():  # as ``flask`` does for every command
            result = runner.invoke(args=["seed-scale", *args])
            db.session.remove()
            return result

    def count(model) -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    result = invoke("--enterprises", "4", "--smelters", "9", "--months", "12", "--filings", "500", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "500 filings" in result.output
    assert (count(Enterprise), count(Smelter), count(Filing)) == (4, 9, 500)
    with app.app_context():
        assert set(db.session.scalars(sa.select(User.role).distinct())) == set(ROLES)

    again = invoke("--enterprises", "4", "--smelters", "9", "--filings", "10")
    assert again.exit_code != 0
    assert "already has 500 filings" in again.output
    appended = invoke("--enterprises", "2", "--smelters", "2", "--months", "12", "--filings", "100", "--append")
    assert appended.exit_code == 0, appended.output
    assert (count(Enterprise), count(Filing)) == (6, 600)


def test_approved_filings_never_leave_a_month_with_operating_above_built_or_below_zero(ctx):
    _seed()
    positions = _month_positions().subquery()
    broken = db.session.execute(
        sa.select(positions).where(sa.or_(positions.c.operating < 0, positions.c.operating > positions.c.built))
    ).all()
    assert broken == []
    checked = db.session.scalar(sa.select(sa.func.count()).select_from(positions))
    assert checked > 300  # many smelter-months were checked, not an empty ledger


def test_every_kind_status_scope_and_basis_is_there(ctx):
    counts = _seed()
    assert counts["filings"] == SMALL.filings
    pairs = {tuple(row) for row in db.session.execute(sa.select(Filing.kind, Filing.status).distinct())}
    assert pairs == {(kind, status) for kind in KINDS for status in STATUSES}
    caps = {tuple(row) for row in db.session.execute(sa.select(Cap.scope, Cap.basis).distinct())}
    assert {scope for scope, _ in caps} == set(SCOPES)
    assert {basis for _, basis in caps} == set(BASES)
    assert db.session.scalar(sa.select(sa.func.count(MonthlyReturn.month.distinct()))) == SMALL.months
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Smelter)) == SMALL.smelters
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise)) == SMALL.enterprises


def test_deltas_are_what_approval_would_fix_closures_taking_idle_capacity_first(ctx):
    _seed()
    approved = db.session.scalars(sa.select(Filing).where(Filing.status == APPROVED)).all()
    per_month: dict[tuple[int, str], int] = {}
    for filing in approved:
        key = (filing.smelter_id, filing.effective_month)
        per_month[key] = per_month.get(key, 0) + 1
    closures_checked = 0
    for filing in approved:
        if filing.kind != CLOSURE:
            assert (filing.built_delta_tpa, filing.operating_delta_tpa) == nominal_deltas(
                filing.kind, filing.capacity_tpa)
        elif per_month[(filing.smelter_id, filing.effective_month)] == 1:
            idle = position_at(filing.smelter, months.add(filing.effective_month, -1)).idle_tpa
            assert filing.built_delta_tpa == -filing.capacity_tpa
            assert filing.operating_delta_tpa == -max(0, filing.capacity_tpa - idle)
            closures_checked += 1
    assert closures_checked >= 5


def test_closures_create_indicators_and_new_capacity_consumes_them(ctx):
    _seed()
    closures = db.session.scalar(sa.select(sa.func.count()).select_from(Filing).where(
        Filing.status == APPROVED, Filing.kind == CLOSURE))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Indicator)) == closures
    used = {indicator_id: int(tonnes) for indicator_id, tonnes in db.session.execute(
        sa.select(FilingReplacement.indicator_id, sa.func.sum(FilingReplacement.tonnes_tpa))
        .group_by(FilingReplacement.indicator_id))}
    assert used
    for indicator in db.session.scalars(sa.select(Indicator)):
        assert indicator.remaining_tpa == indicator.tonnes_tpa - used.get(indicator.id, 0)


def test_the_same_seed_gives_the_same_data_set(ctx):
    def digest() -> str:
        rows = db.session.execute(sa.select(
            Filing.id, Filing.smelter_id, Filing.kind, Filing.capacity_tpa, Filing.effective_month, Filing.status,
            Filing.built_delta_tpa, Filing.operating_delta_tpa).order_by(Filing.id)).all()
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    _seed()
    first = digest()
    with pytest.raises(Conflict):
        generate(SMALL)
    db.session.rollback()
    for table in ("filing_replacements", "indicators", "monthly_returns", "caps", "filings", "users", "smelters",
                  "enterprises"):
        db.session.execute(db.metadata.tables[table].delete())
    db.session.commit()
    generate(SMALL)
    assert digest() == first


def test_the_product_keeps_working_on_the_generated_data(ctx):
    _seed()
    filer = db.session.scalar(sa.select(User).where(User.role == "filer").order_by(User.id))
    smelter = db.session.scalar(sa.select(Smelter).where(Smelter.enterprise_id == filer.enterprise_id))
    created = create_filing({"smelter_id": smelter.id, "kind": "curtailment", "capacity_tpa": 1000,
                             "effective_month": months.add(SMALL.start, SMALL.months - 1)}, filer)
    assert created.id > SMALL.filings  # the id sequence was moved past the generated ids
    reviewer = db.session.scalar(sa.select(User).where(User.role == "reviewer"))
    submitted = db.session.scalars(sa.select(Filing.id).where(Filing.status == SUBMITTED).limit(5)).all()
    outcomes = set()
    for filing_id in submitted:
        try:
            outcomes.add(workflow.transition(filing_id, "approve", reviewer).status)
        except RuleBroken as refusal:
            outcomes.add(refusal.rule)
    assert outcomes
    db.session.commit()
    broken = db.session.execute(sa.select(_month_positions().subquery()).where(sa.text("operating > built"))).all()
    assert broken == []


def test_summary_caps_agree_with_cap_usage_on_the_scale_data(ctx):
    from registry.caps.usage import usage_series
    from registry.summaries.services import build_summary

    _seed()
    for month in (months.add(SMALL.start, 5), months.add(SMALL.start, SMALL.months - 1)):
        rows = build_summary(month)["caps"]
        assert rows
        for row in rows:
            usage = usage_series(db.session.get(Cap, row["cap_id"]), month, month)[0]
            assert (row["usage_tpa"], row["pending_tpa"]) == (usage.approved_tpa, usage.pending_tpa), row
