"""seed-scale: a synthetic data set whose approved filings are a valid ledger, on both databases."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from registry import months
from registry.auth.models import User
from registry.capacity.checks import check_baseline
from registry.capacity.models import SmelterMonth
from registry.capacity.projection import verify
from registry.caps.models import BASES, SCOPES, Cap
from registry.extensions import db
from registry.filings import workflow
from registry.filings.models import (
    APPROVED,
    AWAITING,
    CANCELLED,
    CLOSURE,
    KINDS,
    STATUSES,
    SUBMITTED,
    SUPERSEDED,
    Filing,
)
from registry.filings.services import create_filing
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


def _broken_months() -> list:
    """Smelter-months of the projection with operating above built or below zero."""
    return db.session.execute(sa.select(SmelterMonth.smelter_id, SmelterMonth.month).where(sa.or_(
        SmelterMonth.operating_tpa < 0, SmelterMonth.operating_tpa > SmelterMonth.built_tpa))).all()


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
    assert _broken_months() == []
    checked = db.session.scalar(sa.select(sa.func.count()).select_from(SmelterMonth))
    assert checked > 300  # many smelter-months were checked, not an empty ledger
    assert verify() == []  # the projection written at the end is the engine's replay of the filings


def test_every_kind_status_scope_and_basis_is_there(ctx):
    counts = _seed()
    assert counts["filings"] == SMALL.filings
    pairs = {tuple(row) for row in db.session.execute(sa.select(Filing.kind, Filing.status).distinct())}
    # superseded and cancelled come only from approved amendments, awaiting_second_approval from a first of
    # two approvals: workflow steps the bulk generator does not write
    generated = [status for status in STATUSES if status not in (SUPERSEDED, CANCELLED, AWAITING)]
    assert pairs == {(kind, status) for kind in KINDS for status in generated}
    caps = {tuple(row) for row in db.session.execute(sa.select(Cap.scope, Cap.basis).distinct())}
    assert {scope for scope, _ in caps} == set(SCOPES)
    assert {basis for _, basis in caps} == set(BASES)
    assert db.session.scalar(sa.select(sa.func.count(MonthlyReturn.month.distinct()))) == SMALL.months
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Smelter)) == SMALL.smelters
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise)) == SMALL.enterprises


def test_the_generated_ledger_passes_every_position_rule_of_the_engine(ctx):
    _seed()
    for smelter in db.session.scalars(sa.select(Smelter)):
        check_baseline(smelter)  # raises on the first month that breaks a rule
    closures = db.session.scalar(sa.select(sa.func.count()).select_from(Filing).where(
        Filing.status == APPROVED, Filing.kind == CLOSURE))
    assert closures >= 5


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
            Filing.id, Filing.smelter_id, Filing.kind, Filing.capacity_tpa, Filing.effective_month,
            Filing.status).order_by(Filing.id)).all()
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    _seed()
    first = digest()
    with pytest.raises(Conflict):
        generate(SMALL)
    db.session.rollback()
    for table in ("smelter_months", "filing_counts", "filing_replacements", "indicators", "monthly_returns",
                  "caps", "filings", "users", "smelters", "enterprises"):
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
    assert _broken_months() == []
    assert verify() == []  # each approval kept the projection in step


def test_summary_caps_agree_with_cap_usage_on_the_scale_data(ctx):
    from registry.capacity.usage import cap_usage
    from registry.summaries.services import build_summary

    _seed()
    for month in (months.add(SMALL.start, 5), months.add(SMALL.start, SMALL.months - 1)):
        rows = build_summary(month)["caps"]
        assert rows
        for row in rows:
            usage = cap_usage(db.session.get(Cap, row["cap_id"]), month, month)[0]
            assert (row["usage_tpa"], row["pending_tpa"]) == (usage.approved_tpa, usage.pending_tpa), row
