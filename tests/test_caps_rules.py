"""The cap check on approval: each basis, each scope, the edges of a period, reductions.

The world: smelter A (enterprise A, Henan 41) and smelter B (enterprise B,
Xinjiang 65), each built 500,000 t/a and operating 300,000 t/a from 2016-01.
National operating capacity is therefore 600,000 t/a before any filing.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.capacity.models import SmelterMonth
from registry.extensions import db
from registry.filings.models import Filing
from registry.replacement.models import Indicator
from tests.api_helpers import assert_problem


@pytest.fixture
def reviewer(world, api_as):
    return api_as(world.reviewer)


def submitted(factory, world, smelter: str = "a", **kw):
    """A submitted filing of smelter A or B (a restart of 100,000 t/a in 2016-11 by default)."""
    target = world.smelter_a if smelter == "a" else world.smelter_b
    filer = world.filer_a if smelter == "a" else world.filer_b
    return factory.filing(target, filer, status="submitted", **kw)


def cover(factory, world, smelter: str, tonnes: int) -> list[dict]:
    """Replacement indicators for a new-capacity filing of smelter A's or B's enterprise.

    A donor smelter, built ``tonnes`` and operating none, closes in its
    baseline month: it adds nothing to any cap's usage from then on.
    """
    enterprise, filer = (world.ent_a, world.filer_a) if smelter == "a" else (world.ent_b, world.filer_b)
    donor = factory.smelter(enterprise, baseline_built_tpa=tonnes, baseline_operating_tpa=0)
    closure = factory.filing(donor, filer, kind="closure", capacity_tpa=tonnes, effective_month="2016-01",
                             status="approved")
    with factory.app.app_context():
        indicator_id = db.session.scalar(sa.select(Indicator.id).where(Indicator.origin_filing_id == closure.id))
    return [{"indicator_id": indicator_id, "tonnes_tpa": tonnes}]


def approve(reviewer, filing) -> object:
    return reviewer.post(f"/api/v1/filings/{filing.id}/approve")


def assert_approved(response) -> None:
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "approved"


def assert_cap_refusal(response, cap, month: str, usage: int, excess: int) -> dict:
    body = assert_problem(response, 409)
    assert body["rule"] == "cap_exceeded"
    assert (body["cap_id"], body["month"], body["usage_tpa"], body["limit_tpa"], body["excess_tpa"]) == (
        cap.id, month, usage, cap.limit_tpa, excess)
    return body


# --- each basis -----------------------------------------------------------------------------

def test_operating_capacity_cap_admits_up_to_its_limit_and_refuses_one_tonne_more(factory, world, reviewer):
    cap = factory.cap(basis="operating_capacity", limit_tpa=700_000)
    assert_approved(approve(reviewer, submitted(factory, world, capacity_tpa=100_000)))
    refused = approve(reviewer, submitted(factory, world, "b", capacity_tpa=1))
    body = assert_cap_refusal(refused, cap, "2016-11", usage=700_000, excess=1)
    assert body["resulting_tpa"] == 700_001


def test_built_capacity_cap_counts_new_capacity_not_restarts(factory, world, reviewer):
    cap = factory.cap(basis="built_capacity", limit_tpa=1_100_000)
    assert_approved(approve(reviewer, submitted(factory, world, kind="new_capacity", capacity_tpa=100_000,
                                                replacements=cover(factory, world, "a", 100_000))))
    # a restart uses idle capacity: built capacity does not change
    assert_approved(approve(reviewer, submitted(factory, world, capacity_tpa=150_000)))
    refused = approve(reviewer, submitted(factory, world, "b", kind="new_capacity", capacity_tpa=20_000))
    assert_cap_refusal(refused, cap, "2016-11", usage=1_100_000, excess=20_000)


def test_monthly_additions_cap_counts_restarts_and_new_capacity_of_its_months_only(factory, world, reviewer):
    cap = factory.cap(basis="monthly_additions", limit_tpa=150_000, period_from="2016-11",
                      period_to="2016-11")
    assert_approved(approve(reviewer, submitted(factory, world, capacity_tpa=100_000)))
    refused = approve(reviewer, submitted(factory, world, "b", kind="new_capacity", capacity_tpa=60_000))
    assert_cap_refusal(refused, cap, "2016-11", usage=100_000, excess=10_000)
    # the month after the period is outside the cap; additions do not carry over
    assert_approved(approve(reviewer, submitted(factory, world, "b", kind="new_capacity", capacity_tpa=60_000,
                                                effective_month="2016-12",
                                                replacements=cover(factory, world, "b", 60_000))))
    assert_approved(approve(reviewer, submitted(factory, world, "b", capacity_tpa=50_000)))


# --- each scope -----------------------------------------------------------------------------

def test_province_cap_covers_only_smelters_of_its_province(factory, world, reviewer):
    cap = factory.cap(scope="province", scope_ref="41", limit_tpa=300_000)
    assert_approved(approve(reviewer, submitted(factory, world, "b")))
    assert_cap_refusal(approve(reviewer, submitted(factory, world, "a")), cap, "2016-11",
                       usage=300_000, excess=100_000)


def test_enterprise_cap_covers_only_that_enterprises_smelters(factory, world, reviewer):
    cap = factory.cap(scope="enterprise", scope_ref=str(world.ent_b.id), limit_tpa=350_000)
    assert_approved(approve(reviewer, submitted(factory, world, "a")))
    assert_cap_refusal(approve(reviewer, submitted(factory, world, "b")), cap, "2016-11",
                       usage=300_000, excess=50_000)


def test_national_cap_covers_every_smelter(factory, world, reviewer):
    cap = factory.cap(limit_tpa=650_000)
    assert_cap_refusal(approve(reviewer, submitted(factory, world, "a")), cap, "2016-11",
                       usage=600_000, excess=50_000)
    assert_cap_refusal(approve(reviewer, submitted(factory, world, "b")), cap, "2016-11",
                       usage=600_000, excess=50_000)


def test_deactivated_cap_no_longer_refuses(factory, world, reviewer, api_as):
    cap = factory.cap(limit_tpa=600_000)
    filing = submitted(factory, world)
    assert_problem(approve(reviewer, filing), 409)
    patched = api_as(world.admin).patch(f"/api/v1/caps/{cap.id}", json={"active": False})
    assert patched.status_code == 200 and patched.get_json()["active"] is False
    assert_approved(approve(reviewer, filing))


# --- the months of a period -----------------------------------------------------------------

def test_first_and_last_month_of_the_period_are_checked(factory, world, reviewer):
    cap = factory.cap(limit_tpa=650_000, period_from="2016-06", period_to="2016-12")
    assert_cap_refusal(approve(reviewer, submitted(factory, world, effective_month="2016-06")),
                       cap, "2016-06", usage=600_000, excess=50_000)
    assert_cap_refusal(approve(reviewer, submitted(factory, world, effective_month="2016-12")),
                       cap, "2016-12", usage=600_000, excess=50_000)
    # effective before the period, it still runs in the period's first month
    assert_cap_refusal(approve(reviewer, submitted(factory, world, effective_month="2016-05")),
                       cap, "2016-06", usage=600_000, excess=50_000)
    # effective after the period, it changes none of its months
    assert_approved(approve(reviewer, submitted(factory, world, effective_month="2017-01")))


def test_a_later_month_of_the_period_can_be_the_one_that_refuses(factory, world, reviewer):
    factory.filing(world.smelter_b, world.filer_b, capacity_tpa=40_000, effective_month="2016-10",
                   status="approved")
    cap = factory.cap(limit_tpa=650_000, period_from="2016-01", period_to="2016-12")
    # 620,000 from 2016-04 is fine until the approved restart makes it 660,000 in 2016-10
    assert_cap_refusal(approve(reviewer, submitted(factory, world, capacity_tpa=20_000,
                                                   effective_month="2016-04")),
                       cap, "2016-10", usage=640_000, excess=10_000)
    assert_approved(approve(reviewer, submitted(factory, world, capacity_tpa=10_000,
                                                effective_month="2016-04")))


def test_monthly_additions_in_first_and_last_month(factory, world, reviewer):
    cap = factory.cap(basis="monthly_additions", limit_tpa=100_000, period_from="2016-06",
                      period_to="2016-12")
    for month in ("2016-06", "2016-12"):
        assert_approved(approve(reviewer, submitted(factory, world, effective_month=month)))
        assert_cap_refusal(approve(reviewer, submitted(factory, world, "b", capacity_tpa=1,
                                                       effective_month=month)),
                           cap, month, usage=100_000, excess=1)
    assert_approved(approve(reviewer, submitted(factory, world, "b", effective_month="2016-05")))
    assert_approved(approve(reviewer, submitted(factory, world, "b", effective_month="2017-01")))


# --- caps created after approvals, reductions --------------------------------------------

def test_cap_created_below_todays_usage_shows_breach_and_refuses_additions(factory, world, reviewer, api_as):
    factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, status="approved")
    cap = factory.cap(limit_tpa=650_000, period_from="2016-10", period_to="2016-12")
    usage = api_as(world.admin).get(f"/api/v1/caps/{cap.id}/usage").get_json()
    assert [(r["month"], r["approved_tpa"], r["headroom_tpa"], r["status"]) for r in usage] == [
        ("2016-10", 600_000, 50_000, "warning"),
        ("2016-11", 700_000, -50_000, "breach"),
        ("2016-12", 700_000, -50_000, "breach"),
    ]
    assert_cap_refusal(approve(reviewer, submitted(factory, world, "b", capacity_tpa=1)),
                       cap, "2016-11", usage=700_000, excess=50_001)
    # a reduction passes even though the cap stays in breach afterwards
    assert_approved(approve(reviewer, submitted(factory, world, kind="curtailment", capacity_tpa=10_000,
                                                effective_month="2016-12")))


@pytest.mark.parametrize("basis", ["operating_capacity", "built_capacity", "monthly_additions"])
def test_reductions_always_pass_a_full_cap(factory, world, reviewer, basis):
    limit = {"operating_capacity": 600_000, "built_capacity": 1_000_000, "monthly_additions": 0}[basis]
    factory.cap(basis=basis, limit_tpa=limit)
    assert_approved(approve(reviewer, submitted(factory, world, kind="curtailment", capacity_tpa=50_000)))
    # retires the 200,000 idle and 100,000 operating: both bases fall
    assert_approved(approve(reviewer, submitted(factory, world, "b", kind="closure", capacity_tpa=300_000)))
    assert_problem(approve(reviewer, submitted(factory, world, "b", capacity_tpa=1)), 409)


def test_refused_approval_leaves_only_its_audit_event(app, factory, world, reviewer):
    cap = factory.cap(limit_tpa=600_000)
    filing = submitted(factory, world)
    assert_problem(approve(reviewer, filing), 409)
    with app.app_context():
        row = db.session.get(Filing, filing.id)
        assert (row.status, row.version, row.decided_at) == ("submitted", filing.version, None)
        month = db.session.get(SmelterMonth, {"smelter_id": filing.smelter_id, "month": filing.effective_month})
        assert (month.restart_tpa, month.pending_restart_tpa) == (0, filing.capacity_tpa)  # still only pending
        events = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "filing", AuditEvent.entity_id == filing.id,
            AuditEvent.action.in_(("approve", "approve_refused")))).all()
        assert [(e.action, e.after["rule"], e.after["cap_id"]) for e in events] == [
            ("approve_refused", "cap_exceeded", cap.id)]


def test_second_approval_of_the_same_filing_is_409(factory, world, reviewer):
    filing = submitted(factory, world)
    assert_approved(approve(reviewer, filing))
    body = assert_problem(approve(reviewer, filing), 409)
    assert body["current_status"] == "approved"
