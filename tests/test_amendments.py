"""Amendments: an approved plan changes, the ledger follows, the history stays."""

from __future__ import annotations

import random

import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.capacity.projection import verify
from registry.extensions import db
from registry.replacement.models import Indicator
from tests.api_helpers import assert_problem
from tests.proof import prove_replacement
from tests.test_replacement_cover import closure_indicator, remaining


def amend(api, original_id: int, **body) -> dict:
    """A submitted amendment of ``original_id``."""
    created = api.post("/api/v1/filings", json={"amends_id": original_id, **body})
    assert created.status_code == 201, created.get_json()
    submitted = api.post(f"/api/v1/filings/{created.json['id']}/submit", json={})
    assert submitted.status_code == 200, submitted.get_json()
    return submitted.json


def usage(api, cap_id: int) -> dict[str, int]:
    return {row["month"]: row["approved_tpa"] for row in api.get(f"/api/v1/caps/{cap_id}/usage").json}


def positions(api, smelter_id: int, month: str) -> tuple[int, int]:
    response = api.get(f"/api/v1/smelters/{smelter_id}/positions?from={month}&to={month}")
    assert response.status_code == 200, response.get_json()
    [body] = response.json
    return body["built_tpa"], body["operating_tpa"]


def test_postponing_a_restart_past_a_caps_period_frees_its_months(world, factory, api_as):
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    cap = factory.cap(scope="enterprise", scope_ref=str(world.ent_a.id), limit_tpa=450_000,
                      period_from="2016-10", period_to="2016-12")
    restart = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, effective_month="2016-11",
                             status="approved")
    assert usage(reviewer, cap.id) == {"2016-10": 300_000, "2016-11": 400_000, "2016-12": 400_000}
    amendment = amend(filer, restart.id, effective_month="2017-03")
    assert (amendment["kind"], amendment["capacity_tpa"], amendment["amends_id"]) == ("restart", 100_000, restart.id)
    assert usage(reviewer, cap.id)["2016-11"] == 400_000  # a pending amendment changes nothing yet

    approved = reviewer.post(f"/api/v1/filings/{amendment['id']}/approve", json={})
    assert approved.status_code == 200, approved.get_json()
    assert usage(reviewer, cap.id) == {"2016-10": 300_000, "2016-11": 300_000, "2016-12": 300_000}
    original = reviewer.get(f"/api/v1/filings/{restart.id}").json
    assert (original["status"], original["superseded_by"]) == ("superseded", amendment["id"])
    assert positions(reviewer, world.smelter_a.id, "2017-02") == (500_000, 300_000)
    assert positions(reviewer, world.smelter_a.id, "2017-03") == (500_000, 400_000)
    listed = reviewer.get("/api/v1/filings?status=superseded").json
    assert [f["id"] for f in listed] == [restart.id]
    assert listed[0]["superseded_by"] == amendment["id"]
    with factory.app.app_context():
        assert verify() == []


def test_bringing_a_restart_forward_into_a_full_month_is_refused(world, factory, api_as):
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    cap = factory.cap(basis="monthly_additions", limit_tpa=150_000, period_from="2016-10", period_to="2016-12")
    factory.filing(world.smelter_b, world.filer_b, capacity_tpa=100_000, effective_month="2016-10", status="approved")
    restart = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, effective_month="2016-12",
                             status="approved")
    amendment = amend(filer, restart.id, effective_month="2016-10")
    [check] = filer.get(f"/api/v1/filings/{amendment['id']}/checks").json["refusals"]
    refused = assert_problem(reviewer.post(f"/api/v1/filings/{amendment['id']}/approve", json={}), 409)
    assert (refused["code"], refused["cap_id"], refused["month"]) == ("cap_exceeded", cap.id, "2016-10")
    assert (refused["usage_tpa"], refused["resulting_tpa"], refused["excess_tpa"]) == (100_000, 200_000, 50_000)
    assert check["code"] == "cap_exceeded" and check["excess_tpa"] == 50_000
    assert reviewer.get(f"/api/v1/filings/{restart.id}").json["status"] == "approved"  # nothing moved
    assert usage(reviewer, cap.id) == {"2016-10": 100_000, "2016-11": 0, "2016-12": 100_000}


def test_a_restart_moved_into_a_month_without_idle_capacity_is_refused(world, factory, api_as):
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    # 500,000 built: all of it runs from 2016-12, a curtailment frees 100,000 in 2017-02, a restart takes it in 2017-03
    factory.filing(world.smelter_a, world.filer_a, capacity_tpa=200_000, effective_month="2016-12", status="approved")
    factory.filing(world.smelter_a, world.filer_a, kind="curtailment", capacity_tpa=100_000,
                   effective_month="2017-02", status="approved")
    restart = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, effective_month="2017-03",
                             status="approved")
    amendment = amend(filer, restart.id, effective_month="2016-12")
    refused = assert_problem(reviewer.post(f"/api/v1/filings/{amendment['id']}/approve", json={}), 409)
    assert (refused["code"], refused["month"], refused["idle_tpa"]) == ("restart_exceeds_idle", "2016-12", 0)
    assert filer.post(f"/api/v1/filings/{amendment['id']}/withdraw", json={}).status_code == 200
    later = amend(filer, restart.id, effective_month="2017-05")
    assert reviewer.post(f"/api/v1/filings/{later['id']}/approve", json={}).status_code == 200
    assert positions(reviewer, world.smelter_a.id, "2017-04") == (500_000, 400_000)


def test_reducing_new_capacity_returns_exactly_the_tonnes_it_no_longer_needs(world, factory, api_as, app):
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    indicator = closure_indicator(factory, app, world.smelter_a, world.filer_a, 200_000)
    built = factory.filing(world.smelter_a, world.filer_a, kind="new_capacity", capacity_tpa=150_000,
                           effective_month="2017-06", status="approved",
                           replacements=[{"indicator_id": indicator.id, "tonnes_tpa": 150_000}])
    assert remaining(app, indicator.id) == 50_000
    amendment = amend(filer, built.id, capacity_tpa=100_000)
    assert amendment["replacements"] == [{"indicator_id": indicator.id, "tonnes_tpa": 100_000}]
    approved = reviewer.post(f"/api/v1/filings/{amendment['id']}/approve", json={})
    assert approved.status_code == 200, approved.get_json()
    assert remaining(app, indicator.id) == 100_000  # 50,000 back
    assert positions(reviewer, world.smelter_a.id, "2017-06")[0] == 500_000 - 200_000 + 100_000


def test_increasing_new_capacity_needs_more_cover_and_consumes_it(world, factory, api_as, app):
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    first = closure_indicator(factory, app, world.smelter_a, world.filer_a, 150_000)
    built = factory.filing(world.smelter_a, world.filer_a, kind="new_capacity", capacity_tpa=150_000,
                           effective_month="2017-06", status="approved",
                           replacements=[{"indicator_id": first.id, "tonnes_tpa": 150_000}])
    short = amend(filer, built.id, capacity_tpa=200_000)  # the original's cover only
    refused = assert_problem(reviewer.post(f"/api/v1/filings/{short['id']}/approve", json={}), 409)
    assert (refused["code"], refused["required_tpa"], refused["offered_tpa"]) == ("short_cover", 200_000, 150_000)
    assert remaining(app, first.id) == 0  # the refusal gave nothing back
    assert filer.post(f"/api/v1/filings/{short['id']}/withdraw", json={}).status_code == 200

    second = closure_indicator(factory, app, world.smelter_b, world.filer_b, 80_000)  # B's: not usable by A
    third = closure_indicator(factory, app, world.smelter_a, world.filer_a, 80_000)
    assert second.id != third.id
    covered = amend(filer, built.id, capacity_tpa=200_000, replacements=[
        {"indicator_id": first.id, "tonnes_tpa": 150_000}, {"indicator_id": third.id, "tonnes_tpa": 50_000}])
    refused = assert_problem(reviewer.post(f"/api/v1/filings/{covered['id']}/approve", json={}), 409)
    assert (refused["code"], refused["indicator_id"]) == ("dismantling_unconfirmed", third.id)  # the new closure
    with app.app_context():
        prove_replacement(covered["id"])
    approved = reviewer.post(f"/api/v1/filings/{covered['id']}/approve", json={})
    assert approved.status_code == 200, approved.get_json()
    assert (remaining(app, first.id), remaining(app, third.id)) == (0, 30_000)


def test_cancelling_new_capacity_gives_all_its_tonnes_back(world, factory, api_as, app):
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    indicator = closure_indicator(factory, app, world.smelter_a, world.filer_a, 120_000)
    built = factory.filing(world.smelter_a, world.filer_a, kind="new_capacity", capacity_tpa=100_000,
                           effective_month="2017-06", status="approved",
                           replacements=[{"indicator_id": indicator.id, "tonnes_tpa": 100_000}])
    cancel = amend(filer, built.id, cancel=True)
    assert (cancel["cancel"], cancel["replacements"]) == (True, [])
    assert reviewer.post(f"/api/v1/filings/{cancel['id']}/approve", json={}).status_code == 200
    assert remaining(app, indicator.id) == 120_000
    assert reviewer.get(f"/api/v1/filings/{built.id}").json["status"] == "cancelled"
    assert positions(reviewer, world.smelter_a.id, "2017-06") == (380_000, 300_000)  # the closure's 120,000 gone


def test_cancelling_a_closure_with_an_unused_indicator_voids_it(world, factory, api_as, app):
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    indicator = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    assert positions(reviewer, world.smelter_a.id, "2016-11") == (400_000, 300_000)
    cancel = amend(filer, indicator.closure_id, cancel=True)
    assert reviewer.post(f"/api/v1/filings/{cancel['id']}/approve", json={}).status_code == 200
    assert positions(reviewer, world.smelter_a.id, "2016-11") == (500_000, 300_000)
    with app.app_context():
        voided = db.session.get(Indicator, indicator.id)
        assert (voided.remaining_tpa, voided.voided_at is not None) == (0, True)
        db.session.remove()
    assert reviewer.get(f"/api/v1/filings/{indicator.closure_id}").json["status"] == "cancelled"


def test_cancelling_a_closure_whose_indicator_was_used_is_refused(world, factory, api_as, app):
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    indicator = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    factory.filing(world.smelter_a, world.filer_a, kind="new_capacity", capacity_tpa=40_000,
                   effective_month="2017-06", status="approved",
                   replacements=[{"indicator_id": indicator.id, "tonnes_tpa": 40_000}])
    cancel = amend(filer, indicator.closure_id, cancel=True)
    [check] = filer.get(f"/api/v1/filings/{cancel['id']}/checks").json["refusals"]
    refused = assert_problem(reviewer.post(f"/api/v1/filings/{cancel['id']}/approve", json={}), 409)
    assert refused["code"] == check["code"] == "indicator_already_used"
    assert (refused["indicator_id"], refused["remaining_tpa"], refused["withdrawn_tpa"]) == (
        indicator.id, 60_000, 100_000)
    assert reviewer.get(f"/api/v1/filings/{indicator.closure_id}").json["status"] == "approved"
    assert remaining(app, indicator.id) == 60_000
    # a smaller closure that the unused tonnes still cover is fine: the indicator shrinks with it
    filer.post(f"/api/v1/filings/{cancel['id']}/withdraw", json={})
    smaller = amend(filer, indicator.closure_id, capacity_tpa=50_000)
    assert reviewer.post(f"/api/v1/filings/{smaller['id']}/approve", json={}).status_code == 200
    with app.app_context():
        shrunk = db.session.get(Indicator, indicator.id)
        assert (shrunk.tonnes_tpa, shrunk.remaining_tpa, shrunk.origin_filing_id) == (50_000, 10_000, smaller["id"])
        db.session.remove()


def test_one_open_amendment_per_original(world, factory, api_as):
    filer = api_as(world.filer_a)
    restart = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=50_000, status="approved")
    first = filer.post("/api/v1/filings", json={"amends_id": restart.id, "capacity_tpa": 40_000})
    assert first.status_code == 201
    second = assert_problem(filer.post("/api/v1/filings", json={"amends_id": restart.id, "cancel": True}), 409)
    assert (second["code"], second["amendment_id"]) == ("amendment_open", first.json["id"])
    assert filer.post(f"/api/v1/filings/{first.json['id']}/withdraw", json={}).status_code == 200
    assert filer.post("/api/v1/filings", json={"amends_id": restart.id, "cancel": True}).status_code == 201


def test_what_cannot_be_amended(world, factory, api_as):
    filer = api_as(world.filer_a)
    draft = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=50_000)
    theirs = factory.filing(world.smelter_b, world.filer_b, capacity_tpa=50_000, status="approved")
    mine = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=50_000, status="approved")
    assert assert_problem(filer.post("/api/v1/filings", json={"amends_id": draft.id, "capacity_tpa": 1}),
                          409)["code"] == "amends_not_approved"
    assert_problem(filer.post("/api/v1/filings", json={"amends_id": theirs.id, "capacity_tpa": 1}), 422, "amends_id")
    assert_problem(filer.post("/api/v1/filings", json={"amends_id": 10**9, "capacity_tpa": 1}), 422, "amends_id")
    assert_problem(filer.post("/api/v1/filings", json={"amends_id": mine.id}), 422, "capacity_tpa")
    assert_problem(filer.post("/api/v1/filings", json={"amends_id": mine.id, "capacity_tpa": 50_000}), 422,
                   "capacity_tpa")  # changes nothing
    assert_problem(filer.post("/api/v1/filings", json={"amends_id": mine.id, "cancel": True,
                                                       "capacity_tpa": 10}), 422, "capacity_tpa")
    assert_problem(filer.post("/api/v1/filings", json={"amends_id": mine.id, "kind": "closure",
                                                       "capacity_tpa": 10}), 422, "kind")
    assert_problem(filer.post("/api/v1/filings", json={"smelter_id": world.smelter_a.id, "kind": "restart",
                                                       "capacity_tpa": 10, "effective_month": "2016-11",
                                                       "cancel": True}), 422, "cancel")
    assert_problem(filer.post("/api/v1/filings", json={"kind": "restart"}), 422, "smelter_id")
    assert_problem(api_as(world.reviewer).post("/api/v1/filings", json={"amends_id": mine.id, "capacity_tpa": 1}),
                   403)


def test_the_audit_trail_shows_both_filings_transitions(world, factory, api_as, app):
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    restart = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=50_000, status="approved")
    amendment = amend(filer, restart.id, capacity_tpa=30_000)
    reviewer.post(f"/api/v1/filings/{amendment['id']}/approve", json={})
    with app.app_context():
        events = db.session.execute(sa.select(AuditEvent.entity_id, AuditEvent.action, AuditEvent.after)
                                    .where(AuditEvent.entity_type == "filing",
                                           AuditEvent.entity_id.in_([restart.id, amendment["id"]]))
                                    .order_by(AuditEvent.id)).all()
        db.session.remove()
    assert [(e, a) for e, a, _ in events] == [
        (restart.id, "create"), (restart.id, "submit"), (restart.id, "approve"),
        (amendment["id"], "create"), (amendment["id"], "submit"),
        (restart.id, "supersede"), (amendment["id"], "approve")]
    assert events[3][2]["amends_id"] == restart.id
    assert (events[5][2]["status"], events[5][2]["superseded_by"]) == ("superseded", amendment["id"])


def test_a_closed_month_lists_the_amendment_that_changed_it(world, factory, api_as):
    filer, reviewer, admin = api_as(world.filer_a), api_as(world.reviewer), api_as(world.admin)
    restart = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, effective_month="2016-11",
                             status="approved")
    assert admin.post("/api/v1/summaries/2016-11/close").status_code == 201
    amendment = amend(filer, restart.id, effective_month="2017-02")
    assert reviewer.post(f"/api/v1/filings/{amendment['id']}/approve", json={}).status_code == 200
    amended = admin.get("/api/v1/summaries/2016-11").json["amendments"]
    assert amended["changed"] is True
    assert amended["totals"]["additions_tpa"]["delta"] == -100_000
    [listed] = amended["filings"]
    assert (listed["id"], listed["amends_id"], listed["original_effective_month"], listed["effective_month"]) == (
        amendment["id"], restart.id, "2016-11", "2017-02")
    assert api_as(world.filer_b).get("/api/v1/summaries/2016-11").json["amendments"]["filings"] == []
    assert filer.get("/api/v1/summaries/2016-11").json["amendments"]["filings"][0]["id"] == amendment["id"]


def test_the_projection_agrees_with_the_filings_after_random_amendments(world, factory, api_as, app):
    rng = random.Random(5)
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    approved = [factory.filing(world.smelter_a, world.filer_a, kind=kind, capacity_tpa=c,
                               effective_month=m, status="approved")
                for kind, c, m in (("restart", 40_000, "2016-08"), ("curtailment", 30_000, "2016-10"),
                                   ("closure", 50_000, "2016-12"), ("restart", 20_000, "2017-02"))]
    for original in approved * 2:
        body = rng.choice(({"effective_month": rng.choice(("2016-06", "2016-11", "2017-04"))},
                           {"capacity_tpa": rng.randrange(1, 8) * 5_000}, {"cancel": True}))
        created = filer.post("/api/v1/filings", json={"amends_id": original.id, **body})
        if created.status_code != 201:
            continue  # the original was superseded by an earlier round
        filer.post(f"/api/v1/filings/{created.json['id']}/submit", json={})
        decision = reviewer.post(f"/api/v1/filings/{created.json['id']}/approve", json={})
        assert decision.status_code in (200, 409), decision.get_json()
        if decision.status_code == 200:
            original.id = created.json["id"]  # amend the amendment next round
    with app.app_context():
        assert verify() == []
        db.session.remove()
