"""Four eyes: a large filing needs two different approvers, the rules checked at both steps."""

from __future__ import annotations

from registry.capacity.projection import verify
from registry.extensions import db
from tests.api_helpers import assert_problem
from tests.web_helpers import sign_in, text


def _big_smelter(factory, world):
    return factory.smelter(world.ent_a, baseline_built_tpa=2_000_000, baseline_operating_tpa=1_000_000)


def test_a_600_kt_filing_needs_two_different_reviewers(world, factory, api_as):
    smelter = _big_smelter(factory, world)
    filing = factory.filing(smelter, world.filer_a, capacity_tpa=600_000, status="submitted")
    first, second = api_as(world.reviewer), api_as(world.admin)
    once = first.post(f"/api/v1/filings/{filing.id}/approve", json={})
    assert once.status_code == 200, once.get_json()
    assert once.json["status"] == "awaiting_second_approval"
    assert [a["by"] for a in once.json["approvals"]] == [world.reviewer.id]
    again = assert_problem(first.post(f"/api/v1/filings/{filing.id}/approve", json={}), 409)
    assert again["code"] == "second_approver_required"
    twice = second.post(f"/api/v1/filings/{filing.id}/approve", json={})
    assert twice.status_code == 200, twice.get_json()
    assert twice.json["status"] == "approved"
    assert [a["by"] for a in twice.json["approvals"]] == [world.reviewer.id, world.admin.id]
    listed = first.get("/api/v1/filings?status=approved").json
    assert [f["approvals"] for f in listed if f["id"] == filing.id] == [twice.json["approvals"]]
    with factory.app.app_context():
        assert verify() == []
        db.session.remove()


def test_below_the_threshold_one_approval_is_enough(world, factory, api_as):
    filing = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, status="submitted")
    approved = api_as(world.reviewer).post(f"/api/v1/filings/{filing.id}/approve", json={})
    assert (approved.json["status"], len(approved.json["approvals"])) == ("approved", 1)


def test_a_breach_found_at_the_second_step_is_refused_and_the_first_stays(world, factory, api_as):
    smelter = _big_smelter(factory, world)
    cap = factory.cap(scope="enterprise", scope_ref=str(world.ent_a.id), limit_tpa=1_900_000)
    # the enterprise runs 300,000 + 1,000,000: room for 600,000
    big = factory.filing(smelter, world.filer_a, capacity_tpa=600_000, status="submitted")
    reviewer, admin = api_as(world.reviewer), api_as(world.admin)
    assert reviewer.post(f"/api/v1/filings/{big.id}/approve", json={}).json["status"] == "awaiting_second_approval"
    usage = {r["month"]: r for r in reviewer.get(f"/api/v1/caps/{cap.id}/usage").json}["2016-11"]
    assert (usage["approved_tpa"], usage["pending_tpa"]) == (1_300_000, 1_900_000)  # pending, not approved
    small = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=50_000, status="submitted")
    assert reviewer.post(f"/api/v1/filings/{small.id}/approve", json={}).status_code == 200
    refused = assert_problem(admin.post(f"/api/v1/filings/{big.id}/approve", json={}), 409)
    assert (refused["code"], refused["excess_tpa"]) == ("cap_exceeded", 50_000)
    after = reviewer.get(f"/api/v1/filings/{big.id}").json
    assert after["status"] == "awaiting_second_approval"
    assert [a["by"] for a in after["approvals"]] == [world.reviewer.id]


def test_a_breach_at_the_first_step_is_refused_as_usual(world, factory, api_as):
    smelter = factory.smelter(world.ent_a, baseline_built_tpa=1_000_000, baseline_operating_tpa=500_000)
    filing = factory.filing(smelter, world.filer_a, capacity_tpa=600_000, status="submitted")
    refused = assert_problem(api_as(world.reviewer).post(f"/api/v1/filings/{filing.id}/approve", json={}), 409)
    assert (refused["code"], refused["idle_tpa"]) == ("restart_exceeds_idle", 500_000)
    assert api_as(world.reviewer).get(f"/api/v1/filings/{filing.id}").json["status"] == "submitted"


def test_return_reject_and_withdraw_apply_while_awaiting(world, factory, api_as):
    smelter = _big_smelter(factory, world)
    reviewer, admin, filer = api_as(world.reviewer), api_as(world.admin), api_as(world.filer_a)
    returned = factory.filing(smelter, world.filer_a, capacity_tpa=500_000, status="submitted")
    reviewer.post(f"/api/v1/filings/{returned.id}/approve", json={})
    back = admin.post(f"/api/v1/filings/{returned.id}/return", json={"note": "Attach the power contract."})
    assert back.json["status"] == "returned"
    again = filer.post(f"/api/v1/filings/{returned.id}/submit", json={})
    assert (again.json["status"], again.json["approvals"]) == ("submitted", [])  # the eyes start again
    assert reviewer.post(f"/api/v1/filings/{returned.id}/approve", json={}).json["status"] == \
        "awaiting_second_approval"  # the same reviewer may give a new first approval
    assert admin.post(f"/api/v1/filings/{returned.id}/reject", json={"note": "No."}).json["status"] == "rejected"
    withdrawn = factory.filing(smelter, world.filer_a, capacity_tpa=500_000, status="submitted")
    reviewer.post(f"/api/v1/filings/{withdrawn.id}/approve", json={})
    assert filer.post(f"/api/v1/filings/{withdrawn.id}/withdraw", json={}).json["status"] == "withdrawn"
    with factory.app.app_context():
        assert verify() == []
        db.session.remove()


def test_the_queue_shows_who_gave_the_first_approval_and_spares_them_the_button(world, factory, client, api_as):
    smelter = _big_smelter(factory, world)
    filing = factory.filing(smelter, world.filer_a, capacity_tpa=700_000, status="submitted")
    api_as(world.reviewer).post(f"/api/v1/filings/{filing.id}/approve", json={})
    sign_in(client, world.reviewer)
    page = text(client.get("/review"))
    card = page[page.index(f'id="filing-{filing.id}"'):]
    assert f"Awaits a second approval: first approved by {world.reviewer.email}" in card
    assert f'action="/filings/{filing.id}/approve"' not in card
    assert "You gave the first approval" in card
    assert [t["code"] for t in api_as(world.reviewer).get("/api/v1/me/tasks").json] == []
    assert [t["code"] for t in api_as(world.admin).get("/api/v1/me/tasks").json] == ["task_filing_to_second_approval"]
    client.post("/logout")
    sign_in(client, world.admin)
    card = text(client.get("/review"))
    assert f'action="/filings/{filing.id}/approve"' in card
    detail = text(client.get(f"/filings/{filing.id}"))
    four_eyes = detail[detail.index("Four eyes: from"):]
    assert "500,000" in four_eyes[:80] and f"First approval: {world.reviewer.email}" in four_eyes
