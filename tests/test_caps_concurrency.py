"""Concurrent approvals against a running server: caps and idle capacity are never overspent.

Each test starts gunicorn with four workers on the test's database, builds
filings that together exceed a cap (or a smelter's idle capacity), then
releases all approvals at once from threads behind a barrier, each thread
with its own reviewer token. Exactly as many are approved as fit; the rest
are 409 problems; no request fails with a 500 (a deadlock on PostgreSQL, a
busy database on SQLite); and usage read while the approvals run never
passes the limit.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
import requests
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.capacity.projection import verify
from registry.extensions import db
from registry.filings.models import APPROVED, Filing

pytestmark = pytest.mark.server

TIMEOUT = 60



def reviewer_tokens(factory, count: int) -> list[str]:
    """One token per thread, each of its own reviewer (no shared row to queue on)."""
    return [factory.token(factory.user("reviewer")) for _ in range(count)]


def storm(base: str, calls: list[tuple[str, str, str]], *, watch=None) -> list[tuple[int, dict]]:
    """Send every (method, path, token) call at the same instant; (status, body) in call order.

    ``watch``, if given, is called repeatedly until the last call has answered
    (to sample usage while the approvals run).
    """
    for _, _, token in calls:  # each token's first use writes last_used_at: do it now
        assert requests.get(base + "/api/v1/caps", headers=_auth(token), timeout=TIMEOUT).ok
    barrier = threading.Barrier(len(calls))
    results: list[tuple[int, dict] | None] = [None] * len(calls)
    done = threading.Event()

    def fire(index: int, method: str, path: str, token: str) -> None:
        session = requests.Session()
        barrier.wait()
        response = session.request(method, base + path, headers=_auth(token), json={}, timeout=TIMEOUT)
        results[index] = (response.status_code, response.json())

    threads = [threading.Thread(target=fire, args=(i, *call)) for i, call in enumerate(calls)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    watcher = None
    if watch is not None:
        def keep_watching() -> None:
            while not done.is_set():
                watch()
        watcher = threading.Thread(target=keep_watching)
        watcher.start()
    for thread in threads:
        thread.join(TIMEOUT)
    done.set()
    if watcher is not None:
        watcher.join(TIMEOUT)
    elapsed = time.monotonic() - started
    print(f"\n{len(calls)} concurrent requests answered in {elapsed:.2f} s: "
          f"{dict(Counter(status for status, _ in results))}")
    assert all(result is not None for result in results), "a request did not answer"
    return results


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _approved_count(app, filing_ids: list[int]) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Filing).where(
            Filing.id.in_(filing_ids), Filing.status == APPROVED))
        db.session.remove()
        return count


@pytest.mark.parametrize("basis", ["operating_capacity", "monthly_additions"])
def test_concurrent_approvals_never_exceed_a_cap(app, factory, server, basis):
    """12 restarts of 100,000 t/a on 12 smelters, room for 3: exactly 3 approved.

    Room for fewer than the workers can run at once, so the first wave already competes.
    """
    enterprises = [factory.enterprise(province=p) for p in ("41", "65", "15", "53")]
    smelters = [factory.smelter(enterprises[i % 4]) for i in range(12)]
    filers = {e.id: factory.user("filer", e) for e in enterprises}
    filings = [factory.filing(s, filers[s.enterprise_id], capacity_tpa=100_000, effective_month="2016-11",
                              status="submitted") for s in smelters]
    # 12 smelters operate 300,000 t/a each: 3,600,000 before any restart
    limit = 300_000 if basis == "monthly_additions" else 3_600_000 + 300_000
    cap = factory.cap(basis=basis, limit_tpa=limit, period_from="2016-10", period_to="2016-12")
    admin_token = factory.token(factory.user("admin"))
    seen: list[int] = []

    def watch() -> None:
        rows = requests.get(f"{server}/api/v1/caps/{cap.id}/usage", headers=_auth(admin_token),
                            timeout=TIMEOUT).json()
        seen.append(max(row["approved_tpa"] for row in rows))

    tokens = reviewer_tokens(factory, len(filings))
    calls = [("POST", f"/api/v1/filings/{f.id}/approve", t) for f, t in zip(filings, tokens, strict=True)]
    results = storm(server, calls,
                    watch=watch)

    statuses = Counter(status for status, _ in results)
    assert statuses == {200: 3, 409: 9}, results
    refusals = [body for status, body in results if status == 409]
    assert {body["rule"] for body in refusals} == {"cap_exceeded"}
    assert all(body["cap_id"] == cap.id and body["month"] == "2016-11" and body["limit_tpa"] == limit
               and body["usage_tpa"] == limit and body["excess_tpa"] == 100_000 for body in refusals)
    assert _approved_count(app, [f.id for f in filings]) == 3
    final = requests.get(f"{server}/api/v1/caps/{cap.id}/usage", headers=_auth(admin_token), timeout=TIMEOUT).json()
    assert [row["approved_tpa"] for row in final] == (
        [3_600_000, 3_900_000, 3_900_000] if basis == "operating_capacity" else [0, 300_000, 0])
    print(f"usage sampled {len(seen)} times while approving; highest {max(seen, default=0):,} t/a "
          f"of {limit:,}")
    assert seen and max(seen) <= limit


def test_concurrent_restarts_never_spend_the_same_idle_capacity(app, factory, server):
    """One smelter with 200,000 t/a idle, 12 restarts of 50,000 t/a and no cap: exactly 4 approved."""
    enterprise = factory.enterprise()
    smelter = factory.smelter(enterprise)  # built 500,000, operating 300,000
    filer = factory.user("filer", enterprise)
    filings = [factory.filing(smelter, filer, capacity_tpa=50_000, effective_month=f"2016-{m:02d}",
                              status="submitted") for m in (3, 6, 9, 11) * 3]
    admin_token = factory.token(factory.user("admin"))
    seen: list[int] = []

    def watch() -> None:
        rows = requests.get(f"{server}/api/v1/smelters/{smelter.id}/positions?from=2016-01&to=2016-12",
                            headers=_auth(admin_token), timeout=TIMEOUT).json()
        seen.append(min(row["idle_tpa"] for row in rows))

    tokens = reviewer_tokens(factory, len(filings))
    calls = [("POST", f"/api/v1/filings/{f.id}/approve", t) for f, t in zip(filings, tokens, strict=True)]
    results = storm(server, calls,
                    watch=watch)

    assert Counter(status for status, _ in results) == {200: 4, 409: 8}, results
    assert {body["rule"] for status, body in results if status == 409} == {"restart_exceeds_idle"}
    assert _approved_count(app, [f.id for f in filings]) == 4
    rows = requests.get(f"{server}/api/v1/smelters/{smelter.id}/positions?from=2016-12&to=2016-12",
                        headers=_auth(admin_token), timeout=TIMEOUT).json()
    assert (rows[0]["operating_tpa"], rows[0]["idle_tpa"]) == (500_000, 0)
    assert seen and min(seen) >= 0


def test_concurrent_approvals_of_one_filing_approve_it_once(app, factory, server):
    """Ten reviewers approve the same filing at once: one 200, nine 409 naming its status."""
    enterprise = factory.enterprise()
    smelter = factory.smelter(enterprise)
    filing = factory.filing(smelter, factory.user("filer", enterprise), capacity_tpa=50_000,
                            status="submitted")
    tokens = reviewer_tokens(factory, 10)
    results = storm(server, [("POST", f"/api/v1/filings/{filing.id}/approve", t) for t in tokens])

    assert Counter(status for status, _ in results) == {200: 1, 409: 9}, results
    assert {body.get("current_status") for status, body in results if status == 409} == {"approved"}
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.entity_type == "filing", AuditEvent.entity_id == filing.id)).all()
        assert Counter(actions)["approve"] == 1
        assert db.session.get(Filing, filing.id).version == filing.version + 1
        db.session.remove()


def test_approvals_sharing_caps_across_smelters_do_not_deadlock(app, factory, server):
    """16 approvals on 8 smelters under national, province and enterprise caps, with cap edits
    running at the same time: every answer is a 200 or a 409, never a 500, and no cap is passed."""
    enterprises = [factory.enterprise(province=p) for p in ("41", "41", "65", "65")]
    smelters = [factory.smelter(enterprises[i % 4]) for i in range(8)]
    filers = {e.id: factory.user("filer", e) for e in enterprises}
    filings = [factory.filing(s, filers[s.enterprise_id], capacity_tpa=60_000, effective_month="2016-11",
                              status="submitted") for s in smelters * 2]
    # created in an order unlike any smelter's, so every approval locks several caps by id
    caps = [
        factory.cap(scope="enterprise", scope_ref=str(enterprises[3].id), limit_tpa=600_000 + 60_000),
        factory.cap(scope="province", scope_ref="65", limit_tpa=1_200_000 + 180_000),
        factory.cap(basis="monthly_additions", limit_tpa=600_000),
        factory.cap(scope="province", scope_ref="41", limit_tpa=10_000_000),
        factory.cap(scope="enterprise", scope_ref=str(enterprises[0].id), limit_tpa=10_000_000),
    ]
    admin_tokens = [factory.token(factory.user("admin")) for _ in range(4)]
    reviewers = reviewer_tokens(factory, len(filings))
    calls = [("POST", f"/api/v1/filings/{f.id}/approve", t) for f, t in zip(filings, reviewers, strict=True)]
    # admins rename caps meanwhile: each PATCH locks a cap row an approval may hold
    calls += [("PATCH", f"/api/v1/caps/{caps[i].id}", t) for i, t in enumerate(admin_tokens)]
    results = storm(server, calls)

    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {200, 409}, results
    assert statuses[200] == 10 + len(admin_tokens)  # 600,000 of additions: ten approvals of 60,000
    admin = admin_tokens[0]
    for cap in caps:
        rows = requests.get(f"{server}/api/v1/caps/{cap.id}/usage?from=2016-11&to=2016-11",
                            headers=_auth(admin), timeout=TIMEOUT).json()
        assert rows[0]["approved_tpa"] <= rows[0]["limit_tpa"], (cap, rows)
    # enterprise 3 has room for one of its four restarts; province 65 for three of eight
    approved = _approved_count(app, [f.id for f in filings])
    assert approved == 10


def test_submits_and_approvals_of_one_smelter_at_once_keep_the_projection_exact(app, server, factory, world):
    """Each status change replays the smelter's months: under its lock, none is lost."""
    from registry.capacity.projection import verify

    to_approve = [factory.filing(world.smelter_a, world.filer_a, kind="curtailment", capacity_tpa=1_000,
                                 effective_month=f"2016-{m:02d}", status="submitted") for m in range(2, 8)]
    to_submit = [factory.filing(world.smelter_a, world.filer_a, kind="restart", capacity_tpa=1_000,
                                effective_month=f"2016-{m:02d}") for m in range(3, 9)]
    filer_tokens = [factory.token(world.filer_a) for _ in to_submit]
    calls = [("POST", f"/api/v1/filings/{f.id}/approve", token)
             for f, token in zip(to_approve, reviewer_tokens(factory, len(to_approve)), strict=True)]
    calls += [("POST", f"/api/v1/filings/{f.id}/submit", token)
              for f, token in zip(to_submit, filer_tokens, strict=True)]
    results = storm(server, calls)
    assert [status for status, _ in results] == [200] * len(calls), results
    with app.app_context():
        assert verify() == []
        db.session.remove()


def test_an_amendment_and_new_filings_competing_for_one_months_headroom_fit_exactly(app, factory, server):
    """An approved restart brought forward into December against five December restarts: room for one."""
    enterprise = factory.enterprise(province="41")
    filer = factory.user("filer", enterprise)
    smelters = [factory.smelter(enterprise) for _ in range(6)]
    cap = factory.cap(basis="monthly_additions", limit_tpa=100_000, period_from="2016-10", period_to="2017-06")
    original = factory.filing(smelters[0], filer, capacity_tpa=100_000, effective_month="2017-03",
                              status="approved")
    token = factory.token(filer)
    created = requests.post(f"{server}/api/v1/filings", headers=_auth(token), timeout=TIMEOUT,
                            json={"amends_id": original.id, "effective_month": "2016-12"})
    assert created.status_code == 201, created.json()
    amendment_id = created.json()["id"]
    assert requests.post(f"{server}/api/v1/filings/{amendment_id}/submit", headers=_auth(token), json={},
                         timeout=TIMEOUT).ok
    rivals = [factory.filing(s, filer, capacity_tpa=100_000, effective_month="2016-12", status="submitted")
              for s in smelters[1:]]
    ids = [amendment_id, *(f.id for f in rivals)]
    tokens = reviewer_tokens(factory, len(ids))
    results = storm(server, [("POST", f"/api/v1/filings/{i}/approve", t) for i, t in zip(ids, tokens, strict=True)])

    assert Counter(status for status, _ in results) == {200: 1, 409: 5}, results
    assert {body["code"] for status, body in results if status == 409} == {"cap_exceeded"}
    admin = _auth(factory.token(factory.user("admin")))
    usage = {r["month"]: r["approved_tpa"] for r in requests.get(
        f"{server}/api/v1/caps/{cap.id}/usage", headers=admin, timeout=TIMEOUT).json()}
    assert usage["2016-12"] == 100_000
    amendment_won = results[0][0] == 200
    assert usage["2017-03"] == (0 if amendment_won else 100_000)  # the original left March only if it moved
    with app.app_context():
        assert verify() == []
        assert db.session.get(Filing, original.id).status == ("superseded" if amendment_won else "approved")
        db.session.remove()
