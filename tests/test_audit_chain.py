"""The tamper-evident audit chain: seq without gaps, hashes an outsider recomputes, `audit verify` finds breaks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import Counter

import pytest
import requests
import sqlalchemy as sa

from registry.audit.models import AuditChainHead, AuditEvent
from registry.audit.services import record
from registry.db import UTCDateTime
from registry.demo import load_demo
from registry.extensions import db
from registry.summaries.models import SummarySnapshot
from tests import summary_world
from tests.scratch import run_cli as _cli
from tests.web_helpers import sign_in, text

GENESIS = "0" * 64
HASHED = ("seq", "occurred_at", "actor_id", "entity_type", "entity_id", "action", "before", "after", "prev_hash")


def outside_hash(event: dict) -> str:
    """The recipe of the API docs, applied to an event as the API shows it (not the registry's own code)."""
    text_ = json.dumps({k: event[k] for k in HASHED}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def api_events(api) -> list[dict]:
    events, page = [], 1
    while True:
        batch = api.get(f"/api/v1/audit-events?page={page}&page_size=500").json
        events += batch
        if len(batch) < 500:
            return sorted(events, key=lambda e: e["seq"])
        page += 1


def audit_verify(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify"], catch_exceptions=False)
    with app.app_context():
        db.session.remove()
    return result


def rows(app) -> list[AuditEvent]:
    with app.app_context():
        found = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)).all()
        db.session.expunge_all()
        db.session.remove()
        return found


def tamper(app, statement) -> None:
    """A raw write to the database, around the application (what the chain must expose)."""
    with app.app_context():
        db.session.execute(statement)
        db.session.commit()
        db.session.remove()


def test_events_are_numbered_without_gaps_and_each_hash_recomputes_from_the_api(world, api_as, factory):
    factory.filing(world.smelter_a, world.filer_a, status="approved", reviewer=world.reviewer)
    api_as(world.admin).patch(f"/api/v1/smelters/{world.smelter_b.id}", json={"name": "新疆铝厂 乙"})
    auditor = api_as(world.auditor)  # its token's creation is an event too
    events = api_events(auditor)
    assert len(events) > 10
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["prev_hash"] == GENESIS
    for before, event in zip([None, *events], events, strict=False):
        assert event["prev_hash"] == (before["hash"] if before else GENESIS)
        assert event["hash"] == outside_hash(event), event
    assert any("新疆铝厂 乙" in json.dumps(e["after"], ensure_ascii=False) for e in events)  # hashed unescaped
    head = auditor.get("/api/v1/audit-events/head")
    assert head.status_code == 200
    assert head.json == {"seq": events[-1]["seq"], "hash": events[-1]["hash"]}


def test_the_head_is_read_by_whoever_reads_the_trail(world, api_as):
    for user in (world.admin, world.reviewer, world.auditor):
        assert api_as(user).get("/api/v1/audit-events/head").status_code == 200
    filer = api_as(world.filer_a)
    refused = filer.get("/api/v1/audit-events/head")
    assert refused.status_code == filer.get("/api/v1/audit-events").status_code
    assert refused.status_code in (403, 404)
    assert "hash" not in (refused.json or {})
    assert api_as(world.admin).post("/api/v1/audit-events/head", json={}).status_code == 405


def test_an_empty_trail_has_head_zero(app):
    with app.app_context():  # no user yet: nothing audited
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0
        db.session.remove()
    verdict = audit_verify(app)
    assert verdict.exit_code == 0, verdict.output
    assert f"0 events, head #0 {GENESIS}" in verdict.output


def test_verify_passes_and_prints_the_count_and_the_head(app, world, api_as):
    head = api_as(world.auditor).get("/api/v1/audit-events/head").json
    result = audit_verify(app)
    assert result.exit_code == 0, result.output
    assert f"The audit chain holds: {head['seq']:,} events, head #{head['seq']} {head['hash']}." in result.output


def test_an_event_edited_in_the_database_is_named(app, world):
    third = rows(app)[2]
    tamper(app, sa.update(AuditEvent.__table__).where(AuditEvent.__table__.c.seq == 3)
           .values(after={**(third.after or {}), "name": "rewritten"}))
    result = audit_verify(app)
    assert result.exit_code == 1
    assert f"Event #3 (id {third.id}, {third.entity_type} {third.entity_id} {third.action}) does not hold" \
        in result.output
    assert "after 2 good events" in result.output


def test_an_edit_that_rehashes_the_event_breaks_the_link_to_the_next(app, world):
    third = rows(app)[2]
    forged = {name: getattr(third, name) for name in HASHED} | {"after": {"forged": True}}
    forged["occurred_at"] = third.occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    tamper(app, sa.update(AuditEvent.__table__).where(AuditEvent.__table__.c.seq == 3)
           .values(after={"forged": True}, hash=outside_hash(forged)))
    result = audit_verify(app)
    assert result.exit_code == 1
    assert "Event #4 (id " in result.output and "does not follow #3" in result.output


def test_a_deleted_event_is_named_as_a_gap(app, world):
    events = rows(app)
    tamper(app, sa.delete(AuditEvent.__table__).where(AuditEvent.__table__.c.seq == 5))
    result = audit_verify(app)
    assert result.exit_code == 1
    assert (f"Event #5 is missing: the chain goes from #4 (id {events[3].id}, {events[3].entity_type} "
            f"{events[3].entity_id} {events[3].action}) to #6 (id {events[5].id}") in result.output


def test_deleting_the_last_events_shows_against_the_head(app, world):
    events = rows(app)
    tamper(app, sa.delete(AuditEvent.__table__).where(AuditEvent.__table__.c.seq >= len(events) - 1))
    result = audit_verify(app)
    assert result.exit_code == 1
    assert (f"The chain head records #{len(events)} {events[-1].hash}, but the last event is "
            f"#{len(events) - 2} {events[-3].hash}") in result.output


def test_an_event_written_around_the_chain_is_reported(app, world):
    tamper(app, sa.insert(AuditEvent.__table__).values(
        occurred_at=rows(app)[0].occurred_at, entity_type="filing", entity_id=1, action="approve"))
    result = audit_verify(app)
    assert result.exit_code == 1
    assert "(filing 1 approve) has no place in the chain" in result.output


def test_a_refused_approvals_kept_event_is_in_the_chain(app, factory, world, api_as):
    factory.cap(limit_tpa=600_000)  # both smelters already operate 600,000: no restart fits
    filing = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    auditor = api_as(world.auditor)
    refused = api_as(world.reviewer).post(f"/api/v1/filings/{filing.id}/approve")
    assert refused.status_code == 409, refused.json
    events = api_events(auditor)
    assert (events[-1]["action"], events[-1]["entity_id"]) == ("approve_refused", filing.id)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["hash"] == outside_hash(events[-1])
    assert audit_verify(app).exit_code == 0


def test_a_savepoint_rolled_back_keeps_the_events_recorded_before_it(app, world):
    with app.app_context():
        record(None, "smelter", world.smelter_a.id, "before_savepoint")
        with pytest.raises(RuntimeError), db.session.begin_nested():
            record(None, "smelter", world.smelter_a.id, "inside_savepoint")
            db.session.flush()
            raise RuntimeError("undone")
        with db.session.begin_nested():  # a savepoint's release numbers nothing yet
            record(None, "smelter", world.smelter_a.id, "released_savepoint")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.seq.is_(None))) == 2
        db.session.commit()
        db.session.remove()
    last = rows(app)[-2:]
    assert [e.action for e in last] == ["before_savepoint", "released_savepoint"]
    assert "inside_savepoint" not in [e.action for e in rows(app)]
    assert audit_verify(app).exit_code == 0


def test_a_rolled_back_request_numbers_nothing(app, world, api_as):
    admin = api_as(world.admin)
    before = admin.get("/api/v1/audit-events/head").json
    duplicate = admin.post("/api/v1/enterprises", json={"uscc": world.ent_a.uscc, "name": "Dup", "province": "41"})
    assert duplicate.status_code in (409, 422)
    assert admin.get("/api/v1/audit-events/head").json == before
    created = admin.patch(f"/api/v1/smelters/{world.smelter_a.id}", json={"name": "Renamed"})
    assert created.status_code == 200
    assert admin.get("/api/v1/audit-events/head").json["seq"] == before["seq"] + 1


def test_a_closed_month_records_the_head_at_closing(app, client, factory, world, api_as):
    summary_world.build(factory, world)
    summary_world.file_returns(api_as, world)
    admin = api_as(world.admin)
    head = admin.get("/api/v1/audit-events/head").json
    assert admin.get(f"/api/v1/summaries/{summary_world.MONTH}").json["audit_head"] is None  # open
    closed = admin.post(f"/api/v1/summaries/{summary_world.MONTH}/close")
    assert closed.status_code == 201, closed.json
    assert closed.json["audit_head"] == head
    with app.app_context():
        frozen = json.loads(db.session.scalar(sa.select(SummarySnapshot.canonical_json)))
        db.session.remove()
    assert frozen["audit_head"] == head  # inside the body the sha256 covers
    assert admin.get("/api/v1/audit-events/head").json["seq"] == head["seq"] + 1  # the close's own event
    later = admin.get(f"/api/v1/summaries/{summary_world.MONTH}").json
    assert later["audit_head"] == head

    sign_in(client, world.auditor)
    page = text(client.get(f"/summaries/{summary_world.MONTH}"))
    assert "Audit chain at closing" in page and f"#{head['seq']}" in page and head["hash"] in page


# --- the migration, and a dump's round trip ------------------------------------------------------------


OLD_EVENTS = sa.table("audit_events", sa.column("id"), sa.column("occurred_at", UTCDateTime()), sa.column("actor_id"),
                      sa.column("entity_type"), sa.column("entity_id"), sa.column("action"),
                      sa.column("before", sa.JSON()), sa.column("after", sa.JSON()))


def test_the_migration_chains_the_events_already_stored(scratch):
    app = scratch("old")
    assert _cli(app, "db", "upgrade", "0007").exit_code == 0
    with app.app_context():  # events written before the chain existed, as 0007's schema has them
        db.session.execute(OLD_EVENTS.insert(), [
            {"occurred_at": dt.datetime(2016, 11, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n), "actor_id": None,
             "entity_type": "smelter", "entity_id": n, "action": "update", "before": {"name": f"旧 {n}"},
             "after": {"name": f"新 {n}", "n": n}}
            for n in range(1, 2_501)])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    assert _cli(app, "db", "upgrade").exit_code == 0
    result = audit_verify(app)
    assert result.exit_code == 0, result.output
    assert "2,500 events" in result.output
    with app.app_context():
        ordered = db.session.execute(sa.select(AuditEvent.id, AuditEvent.seq).order_by(AuditEvent.id)).all()
        head = db.session.get(AuditChainHead, 1)
        assert [seq for _, seq in ordered] == list(range(1, 2_501))
        assert (head.seq, head.hash) == (2_500, db.session.scalar(
            sa.select(AuditEvent.hash).where(AuditEvent.seq == 2_500)))
        db.session.remove()
        db.engine.dispose()


def test_downgrading_keeps_a_chain_it_cannot_rebuild_unless_forced(scratch, caplog):
    app = scratch("down")
    assert _cli(app, "db", "upgrade").exit_code == 0
    with app.app_context():
        load_demo()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    # the later revisions' own guards are not this test's business
    assert _cli(app, "db", "downgrade", "-x", "force", "0008").exit_code == 0
    # untouched and in id order: the upgrade gives back every hash, so dropping loses nothing
    assert _cli(app, "db", "downgrade", "0007").exit_code == 0
    assert _cli(app, "db", "upgrade", "0008").exit_code == 0
    assert audit_verify(app).exit_code == 0
    tamper(app, sa.update(AuditEvent.__table__).where(AuditEvent.__table__.c.seq == 2).values(action="edited"))
    with app.app_context():
        db.engine.dispose()
    refused = _cli(app, "db", "downgrade", "0007")
    assert refused.exit_code == 1
    assert "would drop data: audit_events.seq" in caplog.text and "-x force" in caplog.text
    assert _cli(app, "db", "downgrade", "-x", "force", "0007").exit_code == 0
    assert _cli(app, "db", "upgrade").exit_code == 0 and audit_verify(app).exit_code == 0  # chained afresh


def test_an_export_loads_with_its_chain_and_the_chain_goes_on(scratch, tmp_path):
    source = scratch("source")
    assert _cli(source, "db", "upgrade").exit_code == 0
    for n in range(3):
        assert _cli(source, "users", "create", f"reviewer{n}@registry.example", "--role", "reviewer",
                    "--password", "a-long-password-1", "--name", f"审核员 {n}").exit_code == 0
    dump = tmp_path / "dump.json"
    assert _cli(source, "export", str(dump)).exit_code == 0
    document = json.loads(dump.read_text(encoding="utf-8"))
    assert document["tables"]["audit_chain_head"]["rows"]
    assert "hash" in document["tables"]["audit_events"]["columns"]

    target = scratch("target")
    assert _cli(target, "db", "upgrade").exit_code == 0
    loaded = _cli(target, "import-dump", str(dump))
    assert loaded.exit_code == 0, loaded.output
    held = audit_verify(target)
    assert held.exit_code == 0, held.output
    count = len(document["tables"]["audit_events"]["rows"])
    assert f"{count:,} events" in held.output
    assert _cli(target, "users", "create", "new-reviewer@registry.example", "--role", "reviewer",
                "--password", "a-long-password-1").exit_code == 0
    after = audit_verify(target)
    assert after.exit_code == 0 and f"{count + 1:,} events" in after.output, after.output
    with target.app_context():
        db.engine.dispose()


# --- concurrent writers on several workers --------------------------------------------------------------

TIMEOUT = 60


def storm(base: str, calls: list[tuple[str, str]]) -> list[tuple[int, dict]]:
    """Send every (path, token) POST at the same instant; (status, body) in call order."""
    for _, token in calls:  # a token's first use writes last_used_at: not during the storm
        assert requests.get(base + "/api/v1/caps", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT).ok
    barrier = threading.Barrier(len(calls))
    results: list[tuple[int, dict] | None] = [None] * len(calls)

    def fire(index: int, path: str, token: str) -> None:
        session = requests.Session()
        barrier.wait()
        response = session.post(base + path, headers={"Authorization": f"Bearer {token}"}, json={}, timeout=TIMEOUT)
        results[index] = (response.status_code, response.json())

    threads = [threading.Thread(target=fire, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert all(result is not None for result in results), "a request did not answer"
    return results


@pytest.mark.server
def test_thirty_concurrent_audited_writes_leave_one_chain(app, factory, server):
    """30 approvals at once on 4 workers: 15 on their own smelters, 15 competing for one smelter's idle
    capacity (10 fit, 5 refused, each refusal keeping its event): seq 1..N, no gap, and the chain holds."""
    enterprise = factory.enterprise()
    crowded = factory.smelter(enterprise)  # built 500,000, operating 300,000: 200,000 idle
    filer = factory.user("filer", enterprise)
    filings = [factory.filing(crowded, filer, capacity_tpa=20_000, status="submitted") for _ in range(15)]
    filings += [factory.filing(factory.smelter(enterprise), filer, capacity_tpa=20_000, status="submitted")
                for _ in range(15)]
    tokens = [factory.token(factory.user("reviewer")) for _ in filings]
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.max(AuditEvent.seq)))
        db.session.remove()

    results = storm(server, [(f"/api/v1/filings/{f.id}/approve", t) for f, t in zip(filings, tokens, strict=True)])

    assert Counter(status for status, _ in results) == {200: 25, 409: 5}, results
    with app.app_context():
        chained = db.session.execute(sa.select(AuditEvent.seq, AuditEvent.action)
                                     .where(AuditEvent.entity_type == "filing")
                                     .order_by(AuditEvent.seq)).all()
        seqs = db.session.scalars(sa.select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        db.session.remove()
    assert seqs == list(range(1, len(seqs) + 1))
    assert Counter(action for seq, action in chained if seq > before) == {"approve": 25, "approve_refused": 5}
    result = audit_verify(app)
    assert result.exit_code == 0, result.output
    assert f"{len(seqs):,} events, head #{len(seqs)} " in result.output
