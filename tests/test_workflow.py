"""The filing state machine: every transition allowed and refused, and who may take it."""

from __future__ import annotations

import pytest

from tests.api_helpers import assert_problem

STATUSES = ("draft", "submitted", "returned", "approved", "rejected", "withdrawn")
ALLOWED = {  # action: (from statuses, to status, the role that takes it in the test)
    "submit": ({"draft", "returned"}, "submitted", "filer_a"),
    "withdraw": ({"draft", "submitted", "returned"}, "withdrawn", "filer_a"),
    "approve": ({"submitted"}, "approved", "reviewer"),
    "reject": ({"submitted"}, "rejected", "reviewer"),
    "return": ({"submitted"}, "returned", "reviewer"),
}
CASES = [(action, status) for action in ALLOWED for status in STATUSES]


@pytest.mark.parametrize(("action", "status"), CASES)
def test_every_transition_from_every_status(world, api_as, factory, action, status):
    sources, target, actor = ALLOWED[action]
    filing = factory.filing(world.smelter_a, world.filer_a, status=status, reviewer=world.reviewer)
    client = api_as(getattr(world, actor))
    response = client.post(f"/api/v1/filings/{filing.id}/{action}", json={"note": "Because."})
    if status in sources:
        assert response.status_code == 200, response.json
        assert response.json["status"] == target
        assert response.json["version"] == filing.version + 1
    else:
        body = assert_problem(response, 409)
        assert body["current_status"] == status
        assert status in body["detail"]
        assert client.get(f"/api/v1/filings/{filing.id}").json["status"] == status


@pytest.mark.parametrize("action", ["reject", "return"])
@pytest.mark.parametrize("payload", [None, {}, {"note": ""}, {"note": "   "}, {"note": None}])
def test_reject_and_return_need_a_note(world, api_as, factory, action, payload):
    filing = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    reviewer = api_as(world.reviewer)
    response = reviewer.post(f"/api/v1/filings/{filing.id}/{action}", json=payload)
    assert_problem(response, 422, "note")
    assert reviewer.get(f"/api/v1/filings/{filing.id}").json["status"] == "submitted"


@pytest.mark.parametrize(("action", "deciders"), [
    ("submit", {"filer_a"}), ("withdraw", {"filer_a"}),
    ("approve", {"reviewer", "admin"}), ("reject", {"reviewer", "admin"}), ("return", {"reviewer", "admin"}),
])
@pytest.mark.parametrize("role", ["admin", "reviewer", "auditor", "filer_a"])
def test_who_may_take_each_transition(world, api_as, factory, action, deciders, role):
    start = "draft" if action == "submit" else "submitted"
    filing = factory.filing(world.smelter_a, world.filer_a, status=start)
    client = api_as(getattr(world, role))
    response = client.post(f"/api/v1/filings/{filing.id}/{action}", json={"note": "ok"})
    if role in deciders:
        assert response.status_code == 200, response.json
    else:
        assert_problem(response, 403)
        assert client.get(f"/api/v1/filings/{filing.id}").json["status"] == start


@pytest.mark.parametrize("action", list(ALLOWED))
def test_another_enterprises_filer_gets_404(world, api_as, factory, action):
    filing = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    assert_problem(api_as(world.filer_b).post(f"/api/v1/filings/{filing.id}/{action}",
                                              json={"note": "x"}), 404)


def test_submit_and_decide_stamp_who_and_when(world, api_as, factory):
    filing = factory.filing(world.smelter_a, world.filer_a)
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    submitted = filer.post(f"/api/v1/filings/{filing.id}/submit").json
    assert submitted["submitted_at"].endswith("Z")
    assert submitted["decided_at"] is None
    approved = reviewer.post(f"/api/v1/filings/{filing.id}/approve", json={"note": "Within caps."}).json
    assert approved["status"] == "approved"
    assert approved["decided_by"] == world.reviewer.id
    assert approved["decided_at"].endswith("Z")
    assert approved["decision_note"] == "Within caps."


def test_approve_without_a_body_is_fine(world, api_as, factory):
    filing = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    response = api_as(world.admin).post(f"/api/v1/filings/{filing.id}/approve")
    assert response.status_code == 200, response.json
    assert response.json["decision_note"] is None


def test_returned_filing_is_edited_and_resubmitted(world, api_as, factory):
    filing = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    url = f"/api/v1/filings/{filing.id}"
    returned = reviewer.post(url + "/return", json={"note": "Attach the dismantling plan."}).json
    assert (returned["status"], returned["decision_note"]) == ("returned", "Attach the dismantling plan.")
    assert filer.patch(url, json={"notes": "Plan attached."}).status_code == 200
    assert filer.post(url + "/submit").json["status"] == "submitted"
    final = reviewer.post(url + "/reject", json={"note": "Over the cap."}).json
    assert (final["status"], final["decision_note"]) == ("rejected", "Over the cap.")


def test_every_transition_is_audited(world, api_as, factory):
    filing = factory.filing(world.smelter_a, world.filer_a)
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    url = f"/api/v1/filings/{filing.id}"
    filer.post(url + "/submit")
    reviewer.post(url + "/return", json={"note": "More detail."})
    filer.post(url + "/submit")
    reviewer.post(url + "/approve")
    events = api_as(world.auditor).get(f"/api/v1/audit-events?entity_type=filing&entity_id={filing.id}").json
    assert [(e["action"], e["actor_id"]) for e in events] == [
        ("create", world.filer_a.id), ("submit", world.filer_a.id), ("return", world.reviewer.id),
        ("submit", world.filer_a.id), ("approve", world.reviewer.id)]
    assert [(e["before"]["status"], e["after"]["status"]) for e in events[1:]] == [
        ("draft", "submitted"), ("submitted", "returned"), ("returned", "submitted"),
        ("submitted", "approved")]


def test_unknown_action_is_404_problem(world, api_as, factory):
    filing = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    assert_problem(api_as(world.admin).post(f"/api/v1/filings/{filing.id}/publish"), 404)


def test_transition_of_a_missing_filing_is_404(world, api_as):
    assert_problem(api_as(world.admin).post("/api/v1/filings/424242/approve"), 404)
