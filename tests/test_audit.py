"""The audit trail: every change recorded with actor, entity, before and after; read-only."""

from __future__ import annotations

import pytest

from tests.api_helpers import assert_problem, pagination


def test_changes_are_recorded_with_before_and_after(world, api_as):
    admin = api_as(world.admin)
    url = f"/api/v1/smelters/{world.smelter_a.id}"
    admin.patch(url, json={"baseline_operating_tpa": 350_000})
    events = admin.get(f"/api/v1/audit-events?entity_type=smelter&entity_id={world.smelter_a.id}").json
    assert [e["action"] for e in events] == ["create", "update"]
    update = events[-1]
    assert update["actor_id"] == world.admin.id
    assert update["before"]["baseline_operating_tpa"] == 300_000
    assert update["after"]["baseline_operating_tpa"] == 350_000
    assert update["occurred_at"].endswith("Z")


def test_filters_and_paging(world, api_as, factory):
    filing = factory.filing(world.smelter_a, world.filer_a, status="approved", reviewer=world.reviewer)
    auditor = api_as(world.auditor)
    by_actor = auditor.get(f"/api/v1/audit-events?actor_id={world.reviewer.id}").json
    assert [(e["entity_type"], e["entity_id"], e["action"]) for e in by_actor] == [
        ("filing", filing.id, "approve")]
    approvals = auditor.get("/api/v1/audit-events?action=approve").json
    assert [e["entity_id"] for e in approvals] == [filing.id]
    everything = auditor.get("/api/v1/audit-events")
    total = pagination(everything)["total"]
    assert total == len(everything.json) > 10
    ids = [e["id"] for e in everything.json]
    assert ids == sorted(ids)
    page = auditor.get("/api/v1/audit-events?page=2&page_size=3")
    assert [e["id"] for e in page.json] == ids[3:6]


def test_refused_write_leaves_no_event(world, api_as):
    admin = api_as(world.admin)
    before = pagination(admin.get("/api/v1/audit-events"))["total"]
    admin.post("/api/v1/enterprises", json={"uscc": world.ent_a.uscc, "name": "Dup", "province": "41"})
    admin.patch(f"/api/v1/smelters/{world.smelter_a.id}", json={"baseline_operating_tpa": 900_000})
    assert pagination(admin.get("/api/v1/audit-events"))["total"] == before


@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_the_trail_cannot_be_changed_through_the_api(world, api_as, method):
    admin = api_as(world.admin)
    event_id = admin.get("/api/v1/audit-events").json[0]["id"]
    for url in ("/api/v1/audit-events", f"/api/v1/audit-events/{event_id}"):
        call = getattr(admin, method)
        response = call(url, json={}) if method != "delete" else call(url)
        assert response.status_code in (404, 405)
        assert_problem(response, response.status_code)
