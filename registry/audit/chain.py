"""The tamper-evident audit chain: every event carries the hash of the one before it.

What is hashed (so that an outside auditor can recompute it)
-------------------------------------------------------------
Each event's ``hash`` is the SHA-256 (lower-case hex) of the UTF-8 bytes of
its canonical JSON: one object with exactly these keys, serialised with
sorted keys, compact separators (``,`` and ``:``) and non-ASCII characters
kept as they are (Python: ``json.dumps(doc, sort_keys=True,
separators=(",", ":"), ensure_ascii=False)``)::

    seq          1, 2, 3, ... (integer)
    occurred_at  UTC to the second, as the API shows it: "2016-11-30T08:15:00Z"
    actor_id     the user's id, or null (a command run without a user)
    entity_type  "filing", "smelter", ...
    entity_id    integer
    action       "create", "approve", ...
    before       the JSON object stored (or null)
    after        the JSON object stored (or null)
    prev_hash    the previous event's hash; for event 1, 64 zeros (GENESIS)

The database id is not hashed (it is a storage detail; ``seq`` is the
event's place). ``GET /api/v1/audit-events`` shows every one of these
fields exactly so (``?page_size`` pages through them oldest first), so the
chain can be checked from the API alone; ``flask --app wsgi
audit verify`` does it from the database.

When seq and hash are given, and why then
------------------------------------------
A service only adds its event to the session (``registry.audit.services.record``);
the numbering happens in a ``before_commit`` hook, as the transaction commits
(the request's commit in registry.transactions, a command's ``@committed``,
a step of ``notify``). The hook first flushes everything else the
transaction changed, so every row lock it needs is already held, then locks
the chain head (the one row of ``audit_chain_head``, ``SELECT ... FOR UPDATE``
on PostgreSQL; on SQLite the writing transaction already holds the database's
write lock), numbers the session's new events in the order they were
recorded, hashes them and moves the head. The head lock is therefore the last
lock any transaction takes and is held only while it commits: no transaction
waits for the head while holding a lock another one needs first (an approval
locks filing, smelter, caps and indicators, then records), so the head adds
no deadlock, and concurrent writers on any number of workers queue on it
and never fork or gap the chain. A rolled-back transaction numbered nothing
(its head update rolls back with it); a refused approval's event, recorded
after the rollback (registry.errors.settle_refusal), is numbered by the
commit that keeps it. Savepoint releases do not number anything; only the
outermost commit does.

So ``seq`` is NULL only inside the uncommitted transaction that wrote the
event (which may have flushed it early): the column is nullable and unique,
and ``audit verify`` reports any committed event without a place in the
chain. The head row is absent while the trail is empty (a fresh database,
like an export's target, holds no rows); the first append creates it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, scoped_session

from registry.audit.models import AuditChainHead, AuditEvent
from registry.db import is_postgresql

GENESIS = "0" * 64  # the prev_hash of event 1
HASHED = ("seq", "occurred_at", "actor_id", "entity_type", "entity_id", "action", "before", "after", "prev_hash")
QUEUE = "audit_events_to_chain"  # session.info key: events added in this transaction, in order
BATCH = 1000


def _timestamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_stored(value: Any) -> Any:
    """A JSON value as the database gives it back (keys as strings, tuples as lists)."""
    return None if value is None else json.loads(json.dumps(value))


def canonical(fields: Mapping[str, Any]) -> str:
    """The canonical JSON of an event: ``fields`` holds at least the keys of HASHED."""
    doc = {name: fields[name] for name in HASHED}
    doc["occurred_at"] = _timestamp(doc["occurred_at"])
    doc["before"], doc["after"] = _as_stored(doc["before"]), _as_stored(doc["after"])
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 hex of the event's canonical JSON (its prev_hash included)."""
    return hashlib.sha256(canonical(fields).encode("utf-8")).hexdigest()


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in HASHED}


def _last_chained(session: Session) -> tuple[int, str]:
    row = session.execute(sa.select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.is_not(None))
                          .order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row is not None else (0, GENESIS)


def current_head(session: Session) -> tuple[int, str]:
    """The chain's head as last committed (seq 0 and GENESIS while empty), without locking it."""
    row = session.execute(sa.select(AuditChainHead.seq, AuditChainHead.hash).where(AuditChainHead.id == 1)).first()
    return (row.seq, row.hash) if row is not None else _last_chained(session)


def _lock_head(session: Session) -> tuple[int, str]:
    """Lock the head row (creating it on the first append) and return it."""
    locked = sa.select(AuditChainHead.seq, AuditChainHead.hash).where(AuditChainHead.id == 1).with_for_update()
    row = session.execute(locked).first()
    if row is None:
        seq, last = _last_chained(session)
        insert = pg_insert if is_postgresql(session) else sqlite_insert
        session.execute(insert(AuditChainHead.__table__).values(id=1, seq=seq, hash=last)
                        .on_conflict_do_nothing(index_elements=["id"]))
        row = session.execute(locked).first()
    return row.seq, row.hash


@sa.event.listens_for(Session, "transient_to_pending")
def _queue(session: Session, instance: object) -> None:
    if isinstance(instance, AuditEvent):
        session.info.setdefault(QUEUE, []).append(instance)


@sa.event.listens_for(Session, "before_commit")
def _chain(session: Session) -> None:
    """Number and hash this transaction's new events, last thing before it commits."""
    if session.in_nested_transaction():
        return  # a savepoint's release: the outermost commit numbers
    queued = session.info.pop(QUEUE, None)
    if not queued:
        return
    session.flush()  # every other change first, so its row locks are taken before the head's
    # A rollback (of the transaction or of a savepoint) expunged what it undid: only what is still in the
    # session commits. (No after_rollback hook empties the queue: a savepoint's rollback fires it too.)
    events = [e for e in queued if e in session and e.seq is None and not sa.inspect(e).deleted]
    if not events:
        return
    seq, prev = _lock_head(session)
    for event in events:
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = chain_hash(_fields(event))
    session.execute(AuditChainHead.__table__.update().where(AuditChainHead.__table__.c.id == 1)
                    .values(seq=seq, hash=prev))


# --- verification -----------------------------------------------------------------------------


@dataclass
class Verdict:
    """What ``verify`` found: the events walked, the head, and the first problem (None when it holds)."""

    count: int
    head_seq: int
    head_hash: str
    problem: str | None = None


def _walk(session: Session) -> Iterator[sa.Row]:
    """Every chained event in seq order, a batch at a time (keyset on seq)."""
    last = 0
    columns = (AuditEvent.id, *(getattr(AuditEvent, name) for name in HASHED), AuditEvent.hash)
    while True:
        rows = session.execute(sa.select(*columns).where(AuditEvent.seq > last)
                               .order_by(AuditEvent.seq).limit(BATCH)).all()
        yield from rows
        if len(rows) < BATCH:
            return
        last = rows[-1].seq


def _name(row) -> str:
    return f"#{row.seq} (id {row.id}, {row.entity_type} {row.entity_id} {row.action})"


def verify(session: Session) -> Verdict:
    """Walk the chain in seq order recomputing every hash; the first break is the problem.

    On PostgreSQL the walk reads one snapshot (REPEATABLE READ, when it starts
    the transaction), so writers may go on meanwhile; the caller ends the
    transaction.
    """
    if isinstance(session, scoped_session):
        session = session()
    if is_postgresql(session) and not session.in_transaction():
        session.connection().exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    count, prev_seq, prev_hash, prev = 0, 0, GENESIS, None
    for row in _walk(session):
        if row.seq != prev_seq + 1:
            missing = (f"Event #{prev_seq + 1} is missing" if row.seq == prev_seq + 2
                       else f"Events #{prev_seq + 1} to #{row.seq - 1} are missing")
            where = (f"the chain goes from {_name(prev)} to {_name(row)}" if prev is not None
                     else f"the chain starts at {_name(row)}")
            return Verdict(count, prev_seq, prev_hash, f"{missing}: {where}. An event was deleted.")
        if row.prev_hash != prev_hash:
            return Verdict(count, prev_seq, prev_hash,
                           f"Event {_name(row)} does not follow #{prev_seq}: its prev_hash {row.prev_hash} "
                           f"is not #{prev_seq}'s hash {prev_hash}.")
        computed = chain_hash(row._mapping)
        if computed != row.hash:
            return Verdict(count, prev_seq, prev_hash,
                           f"Event {_name(row)} does not hold: its content hashes to {computed}, but the chain "
                           f"records {row.hash}. It was changed after it was written.")
        count, prev_seq, prev_hash, prev = count + 1, row.seq, row.hash, row
    loose = session.execute(sa.select(AuditEvent.id, AuditEvent.entity_type, AuditEvent.entity_id,
                                      AuditEvent.action).where(AuditEvent.seq.is_(None))
                            .order_by(AuditEvent.id).limit(1)).first()
    if loose is not None:
        return Verdict(count, prev_seq, prev_hash,
                       f"Event id {loose.id} ({loose.entity_type} {loose.entity_id} {loose.action}) has no place in "
                       "the chain (no seq): it was written around the chain.")
    head = session.execute(sa.select(AuditChainHead.seq, AuditChainHead.hash)
                           .where(AuditChainHead.id == 1)).first()
    if head is None and count:
        return Verdict(count, prev_seq, prev_hash, f"The chain head is missing, though the chain holds {count:,} "
                                                   "events.")
    if head is not None and (head.seq, head.hash) != (prev_seq, prev_hash):
        return Verdict(count, prev_seq, prev_hash,
                       f"The chain head records #{head.seq} {head.hash}, but the last event is #{prev_seq} "
                       f"{prev_hash}: later events were deleted, or the head was changed.")
    return Verdict(count, prev_seq, prev_hash)
