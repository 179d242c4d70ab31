"""Idempotency-Key on POST /filings (also under concurrent retries) and ETag / If-Match."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.extensions import db
from registry.filings.models import Filing, IdempotencyKey
from tests.api_helpers import assert_problem, filing_body, row_count
from tests.server_helpers import gunicorn, request

# --- Idempotency-Key ---------------------------------------------------------------


def test_same_key_and_body_returns_the_same_filing(world, api_as, app):
    filer = api_as(world.filer_a)
    body = filing_body(world.smelter_a.id)
    first = filer.post("/api/v1/filings", json=body, headers={"Idempotency-Key": "k-1"})
    again = filer.post("/api/v1/filings", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert row_count(app, Filing) == 1


def test_same_key_with_another_body_is_422(world, api_as, app):
    filer = api_as(world.filer_a)
    filer.post("/api/v1/filings", json=filing_body(world.smelter_a.id), headers={"Idempotency-Key": "k-1"})
    other = filer.post("/api/v1/filings", json=filing_body(world.smelter_a.id, capacity_tpa=60_000),
                       headers={"Idempotency-Key": "k-1"})
    assert_problem(other, 422, "Idempotency-Key")
    assert row_count(app, Filing) == 1


def test_different_keys_make_different_filings(world, api_as, app):
    filer = api_as(world.filer_a)
    body = filing_body(world.smelter_a.id)
    a = filer.post("/api/v1/filings", json=body, headers={"Idempotency-Key": "k-1"}).json
    b = filer.post("/api/v1/filings", json=body, headers={"Idempotency-Key": "k-2"}).json
    c = filer.post("/api/v1/filings", json=body).json
    assert len({a["id"], b["id"], c["id"]}) == 3
    assert row_count(app, Filing) == 3


def test_keys_belong_to_their_user(world, api_as, factory, app):
    colleague = factory.user("filer", world.ent_a)
    body = filing_body(world.smelter_a.id)
    mine = api_as(world.filer_a).post("/api/v1/filings", json=body, headers={"Idempotency-Key": "k"}).json
    theirs = api_as(colleague).post("/api/v1/filings", json=body, headers={"Idempotency-Key": "k"}).json
    assert mine["id"] != theirs["id"]


@pytest.mark.parametrize("key", ["x" * 201])
def test_overlong_key_is_422(world, api_as, app, key):
    response = api_as(world.filer_a).post("/api/v1/filings", json=filing_body(world.smelter_a.id),
                                          headers={"Idempotency-Key": key})
    assert_problem(response, 422, "Idempotency-Key")
    assert row_count(app, Filing) == 0


@pytest.mark.server
def test_concurrent_retries_make_one_filing(world, factory, app, database_url):
    token = factory.token(world.filer_a)
    body = filing_body(world.smelter_a.id, notes="retried over a flaky link")
    results: list[tuple[int, dict]] = []
    start = threading.Barrier(8)

    with gunicorn(database_url, workers=3) as base:
        def post() -> None:
            start.wait()
            results.append(request("POST", base + "/api/v1/filings", token, body,
                                   {"Idempotency-Key": "retry-me"}))

        threads = [threading.Thread(target=post) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert [status for status, _ in results] == [201] * 8, results
    assert len({payload["id"] for _, payload in results}) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Filing)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey)) == 1
        creates = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "filing", AuditEvent.action == "create"))
        assert creates == 1
        db.session.remove()


# --- ETag and If-Match ---------------------------------------------------------------


@pytest.fixture
def resources(world, factory):
    """The URL of one enterprise, one smelter and one draft filing, with a field to change."""
    filing = factory.filing(world.smelter_a, world.filer_a)
    return {
        "enterprise": (f"/api/v1/enterprises/{world.ent_a.id}", "admin", {"name_en": "Changed"}),
        "smelter": (f"/api/v1/smelters/{world.smelter_a.id}", "admin", {"name": "Changed"}),
        "filing": (f"/api/v1/filings/{filing.id}", "filer_a", {"notes": "Changed"}),
    }


@pytest.mark.parametrize("kind", ["enterprise", "smelter", "filing"])
def test_get_returns_a_stable_etag(world, api_as, resources, kind):
    url, role, _ = resources[kind]
    client = api_as(getattr(world, role))
    first, second = client.get(url), client.get(url)
    assert first.headers["ETag"].startswith('"')
    assert first.headers["ETag"] == second.headers["ETag"]


@pytest.mark.parametrize("kind", ["enterprise", "smelter", "filing"])
def test_stale_if_match_is_412_and_changes_nothing(world, api_as, resources, kind):
    url, role, change = resources[kind]
    client = api_as(getattr(world, role))
    stale = client.get(url).headers["ETag"]
    field = next(iter(change))
    assert client.patch(url, json={field: "First edit"}, headers={"If-Match": stale}).status_code == 200
    before = client.get(url)
    assert_problem(client.patch(url, json=change, headers={"If-Match": stale}), 412)
    after = client.get(url)
    assert after.json == before.json
    assert after.headers["ETag"] == before.headers["ETag"]


@pytest.mark.parametrize("kind", ["enterprise", "smelter", "filing"])
def test_current_if_match_succeeds(world, api_as, resources, kind):
    url, role, change = resources[kind]
    client = api_as(getattr(world, role))
    current = client.get(url).headers["ETag"]
    response = client.patch(url, json=change, headers={"If-Match": current})
    assert response.status_code == 200, response.json
    field, value = next(iter(change.items()))
    assert response.json[field] == value
    assert response.headers["ETag"] == client.get(url).headers["ETag"] != current


def test_if_match_star_and_lists(world, api_as, resources):
    url, _, _ = resources["enterprise"]
    admin = api_as(world.admin)
    current = admin.get(url).headers["ETag"]
    assert admin.patch(url, json={"name_en": "A"}, headers={"If-Match": "*"}).status_code == 200
    current = admin.get(url).headers["ETag"]
    assert admin.patch(url, json={"name_en": "B"},
                       headers={"If-Match": f'"nope", {current}'}).status_code == 200


def test_patch_of_a_submitted_filing_is_409_even_with_the_current_etag(world, api_as, factory):
    filing = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    filer = api_as(world.filer_a)
    url = f"/api/v1/filings/{filing.id}"
    etag = filer.get(url).headers["ETag"]
    assert_problem(filer.patch(url, json={"notes": "late"}, headers={"If-Match": etag}), 409)
    assert filer.get(url).headers["ETag"] == etag


def test_transition_changes_the_etag(world, api_as, factory):
    filing = factory.filing(world.smelter_a, world.filer_a)
    filer = api_as(world.filer_a)
    url = f"/api/v1/filings/{filing.id}"
    draft_etag = filer.get(url).headers["ETag"]
    submitted = filer.post(url + "/submit")
    assert submitted.headers["ETag"] != draft_etag
    assert submitted.headers["ETag"] == filer.get(url).headers["ETag"]
