"""A large, realistic data set for performance work (``flask --app wsgi seed-scale``).

Rows go in with Core ``insert()`` executemany in chunks, never ORM objects one
by one, so 200,000 filings load in seconds. The filings are generated month
by month, tracking every smelter's built and operating capacity, so the
approved filings are a valid ledger: restarts <= idle, curtailments <=
operating, closures <= built, each position moved by the capacity engine's
own replay (``registry.capacity.replay``), and the projection is rebuilt from
the filings at the end. Approved closures create replacement indicators;
approved new capacity consumes them at the province's ratio. Everything
follows from the seed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from registry import months
from registry.auth.models import User
from registry.auth.services import hash_password
from registry.capacity.projection import rebuild as rebuild_projection
from registry.capacity.replay import NO_FLOWS, step
from registry.caps.models import BASES, BUILT, ENTERPRISE, MONTHLY_ADDITIONS, NATIONAL, OPERATING, PROVINCE, Cap
from registry.extensions import db
from registry.filings.models import (
    APPROVED,
    CLOSURE,
    CURTAILMENT,
    DRAFT,
    NEW_CAPACITY,
    REJECTED,
    RESTART,
    RETURNED,
    SUBMITTED,
    WITHDRAWN,
    Filing,
)
from registry.members.models import Enterprise, Smelter
from registry.messages import Template
from registry.problems import Conflict
from registry.reference.uscc import make_uscc
from registry.replacement.models import FilingReplacement, Indicator, ReplacementRatio
from registry.replacement.ratios import DEFAULT_RATIO, required_tpa
from registry.returns.models import MonthlyReturn, due_date
from registry.roles import ADMIN, AUDITOR, FILER, REVIEWER

NOT_EMPTY = Template("database_not_empty", "The database already has %(filings)s filings; pass --append to add to "
                                          "them.")

SCALE_PASSWORD = "scale-password-1"  # noqa: S105 - synthetic accounts, printed by the command
CHUNK = 10_000
# Provinces that smelt aluminium, weighted roughly by their share of capacity.
PROVINCES = (("65", 14), ("37", 13), ("15", 12), ("53", 8), ("41", 7), ("45", 5), ("52", 5), ("62", 5),
             ("63", 4), ("64", 3), ("14", 4), ("50", 2), ("51", 3), ("61", 2), ("21", 1), ("32", 1), ("13", 1))
STATUS_WEIGHTS = {  # past months, and the last six months of the range (more still open)
    "past": ((APPROVED, 62), (REJECTED, 10), (WITHDRAWN, 8), (RETURNED, 3), (SUBMITTED, 7), (DRAFT, 10)),
    "recent": ((APPROVED, 35), (REJECTED, 5), (WITHDRAWN, 5), (RETURNED, 10), (SUBMITTED, 30), (DRAFT, 15)),
}
VERSION = {DRAFT: 1, SUBMITTED: 2, WITHDRAWN: 2, RETURNED: 3, APPROVED: 3, REJECTED: 3}
NOTES = ("Potline restart as prices recover.", "Curtailment for the heating season.",
         "Retire old 160 kA cells.", "New 500 kA line under a replacement plan.", "Power tariff review.", "")


@dataclass(frozen=True)
class ScaleSpec:
    """What to generate."""

    enterprises: int = 100
    smelters: int = 500
    months: int = 120
    filings: int = 200_000
    seed: int = 1
    start: str = "2016-01"


@dataclass
class _Smelter:
    id: int
    enterprise: int
    province: str
    first: int  # index of its baseline month in the range
    built: int
    operating: int
    target: float  # the utilisation it drifts toward
    floor: int  # closures stop at this built capacity
    amperage: int


@dataclass
class _Run:
    """Ids handed out so far and the rows waiting to be written."""

    rng: random.Random
    next_id: dict[str, int]
    users: dict[str, list[int]] = field(default_factory=dict)
    filers: dict[int, int] = field(default_factory=dict)
    indicators: list[dict] = field(default_factory=list)
    cover: dict[int, list[dict]] = field(default_factory=dict)  # enterprise -> indicators with tonnes left
    replacements: list[dict] = field(default_factory=list)
    returns: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def take_id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table] - 1


def _insert(table: sa.Table, rows: list[dict], counts: dict[str, int]) -> None:
    for i in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(table), rows[i:i + CHUNK])
    counts[table.name] = counts.get(table.name, 0) + len(rows)


def _at(month: str, day: int, hour: int = 9) -> dt.datetime:
    year, number = int(month[:4]), int(month[5:7])
    return dt.datetime(year, number, min(day, calendar.monthrange(year, number)[1]), hour, tzinfo=dt.UTC)


def generate(spec: ScaleSpec, *, append: bool = False, progress: Callable[[int], None] | None = None) -> dict:
    """Write the data set in the session's transaction (the caller commits); the row counts per table."""
    existing = db.session.scalar(sa.select(sa.func.count()).select_from(Filing)) or 0
    if existing and not append:
        raise Conflict(NOT_EMPTY(filings=existing), code="database_not_empty")
    tables = (Enterprise, Smelter, User, Filing, Indicator)
    run = _Run(random.Random(spec.seed), {  # noqa: S311 - reproducible synthetic data, not secrets
        m.__tablename__: (db.session.scalar(sa.select(sa.func.max(m.id))) or 0) + 1 for m in tables})
    first_month = months.to_index(spec.start)
    smelters = _members(spec, run)
    _users(spec, run)
    ratios = {p: Decimal(str(r)) for p, r in db.session.execute(
        sa.select(ReplacementRatio.province, ReplacementRatio.ratio))}
    buckets: list[list[_Smelter]] = [[] for _ in range(spec.months)]
    for _ in range(spec.filings):
        smelter = run.rng.choice(smelters)
        buckets[run.rng.randrange(smelter.first, spec.months)].append(smelter)
    history: list[dict[int, tuple[int, int]]] = []  # per month: smelter id -> (built, operating)
    additions: list[dict[int, int]] = []  # per month: smelter id -> approved restarts and new capacity
    last_return = months.to_index(months.current()) - 1
    pending: list[dict] = []
    for index, bucket in enumerate(buckets):
        month = months.from_index(first_month + index)
        added: dict[int, int] = {}
        for smelter in bucket:
            pending.append(_filing(run, smelter, month, index >= spec.months - 6,
                                   ratios.get(smelter.province, DEFAULT_RATIO), added))
            if len(pending) == CHUNK:
                _insert(Filing.__table__, pending, run.counts)
                if progress:
                    progress(len(pending))
                pending = []
        history.append({s.id: (s.built, s.operating) for s in smelters if s.first <= index})
        additions.append(added)
        if first_month + index <= last_return:
            _returns(run, smelters, month, index)
    _insert(Filing.__table__, pending, run.counts)
    if progress:
        progress(len(pending))
    _insert(Indicator.__table__, run.indicators, run.counts)
    _insert(FilingReplacement.__table__, run.replacements, run.counts)
    _insert(MonthlyReturn.__table__, run.returns, run.counts)
    _insert(Cap.__table__, _caps(spec, smelters, history, additions), run.counts)
    _reset_sequences([m.__table__ for m in tables])
    run.counts["smelter_months"] = rebuild_projection()
    if db.session.get_bind().dialect.name == "postgresql":
        # Planner statistics for the new rows, as after any bulk load (autovacuum would come later).
        db.session.execute(sa.text("ANALYZE"))
    return run.counts


def _members(spec: ScaleSpec, run: _Run) -> list[_Smelter]:
    rng, now = run.rng, _at(spec.start, 1)
    codes, weights = zip(*PROVINCES, strict=True)
    enterprises = []
    for n in range(spec.enterprises):
        eid, province = run.take_id("enterprises"), rng.choices(codes, weights)[0]
        enterprises.append({"id": eid, "uscc": make_uscc(f"91{province}0000MB{eid:07d}"),
                            "name": f"规模测试铝业{eid}有限公司", "name_en": f"Scale Aluminium {eid}",
                            "province": province, "active": n % 25 != 24, "created_at": now, "updated_at": now})
    smelters, rows = [], []
    for n in range(spec.smelters):
        owner = enterprises[n] if n < len(enterprises) else rng.choice(enterprises)
        province = owner["province"] if rng.random() < 0.8 else rng.choices(codes, weights)[0]
        built = rng.randrange(10, 201) * 10_000
        operating = int(built * rng.uniform(0.6, 1.0)) // 1000 * 1000
        first = 0 if rng.random() < 0.85 else rng.randrange(1, max(2, spec.months // 2))
        smelter = _Smelter(run.take_id("smelters"), owner["id"], province, first, built, operating,
                           rng.uniform(0.7, 0.95), built // 2, rng.choice((300, 350, 400, 500, 600)))
        smelters.append(smelter)
        rows.append({"id": smelter.id, "enterprise_id": owner["id"], "name": f"规模测试电解铝厂{smelter.id}",
                     "province": province, "baseline_month": months.add(spec.start, first),
                     "baseline_built_tpa": built, "baseline_operating_tpa": operating,
                     "cell_amperage_ka": smelter.amperage,
                     "power_source": rng.choice(("captive_coal", "grid", "hydro", "other")),
                     "created_at": now, "updated_at": now})
    _insert(Enterprise.__table__, enterprises, run.counts)
    _insert(Smelter.__table__, rows, run.counts)
    return smelters


def _users(spec: ScaleSpec, run: _Run) -> None:
    password_hash, now = hash_password(SCALE_PASSWORD), _at(spec.start, 1)
    staff = [(ADMIN, None)] * 2 + [(REVIEWER, None)] * 5 + [(AUDITOR, None)] * 2
    first_enterprise = run.next_id["enterprises"] - spec.enterprises
    filers = [(FILER, first_enterprise + n) for n in range(spec.enterprises)]
    rows = []
    for role, enterprise in staff + filers:
        uid = run.take_id("users")
        run.users.setdefault(role, []).append(uid)
        if enterprise is not None:
            run.filers[enterprise] = uid
        rows.append({"id": uid, "email": f"scale-{role}-{uid}@scale.example", "name": f"Scale {role} {uid}",
                     "password_hash": password_hash, "role": role, "enterprise_id": enterprise,
                     "active": True, "created_at": now})
    _insert(User.__table__, rows, run.counts)


def _approved_move(run: _Run, s: _Smelter, ratio: Decimal) -> tuple[str, int] | None:
    """A kind and capacity that the position rules (and the cover rule) allow now."""
    rng, idle = run.rng, s.built - s.operating
    size = rng.randrange(2, 31) * 1000
    low = s.built == 0 or s.operating / s.built < s.target
    options = []
    if idle >= 1000:
        options.append((RESTART, min(size, idle // 1000 * 1000), 6 if low else 1))
    if s.operating >= 1000:
        options.append((CURTAILMENT, min(size, s.operating // 1000 * 1000), 1 if low else 6))
    if s.built - s.floor >= 1000:
        options.append((CLOSURE, min(size, (s.built - s.floor) // 1000 * 1000), 0.6))
    cover = sum(i["remaining_tpa"] for i in run.cover.get(s.enterprise, ()))
    if cover >= required_tpa(1000, ratio):
        largest = max(x for x in range(1000, size + 1, 1000) if required_tpa(x, ratio) <= cover)
        options.append((NEW_CAPACITY, largest, 1.5))
    if not options:
        return None
    kind, capacity, _ = rng.choices(options, [w for *_, w in options])[0]
    return kind, capacity


def _filing(run: _Run, s: _Smelter, month: str, recent: bool, ratio: Decimal, added: dict[int, int]) -> dict:
    rng, fid = run.rng, run.take_id("filings")
    statuses, weights = zip(*STATUS_WEIGHTS["recent" if recent else "past"], strict=True)
    status = rng.choices(statuses, weights)[0]
    created = _at(months.add(month, -rng.randrange(1, 4)), rng.randrange(1, 29), rng.randrange(8, 18))
    submitted = created + dt.timedelta(days=rng.randrange(1, 10))
    decided = submitted + dt.timedelta(days=rng.randrange(1, 20))
    move = _approved_move(run, s, ratio) if status == APPROVED else None
    if status == APPROVED and move is None:
        status = REJECTED  # nothing this smelter could do now would pass review
    if move is None:
        kind, capacity = rng.choice((RESTART, NEW_CAPACITY, CURTAILMENT, CLOSURE)), rng.randrange(2, 61) * 1000
    else:
        kind, capacity = move
        _apply(run, s, month, kind, capacity, fid, ratio, decided)
        if kind in (RESTART, NEW_CAPACITY):
            added[s.id] = added.get(s.id, 0) + capacity
    submitted = None if status == DRAFT else submitted
    decided = decided if status in (APPROVED, REJECTED, RETURNED) else None
    per_cell = s.amperage * 0.92 * 0.3356 * 8.76  # t/a of one cell at 92 % current efficiency
    return {
        "id": fid, "smelter_id": s.id, "kind": kind, "capacity_tpa": capacity, "effective_month": month,
        "status": status, "notes": rng.choice(NOTES),
        "decision_note": {REJECTED: "Over the agreed cap.", RETURNED: "Attach the power contract."}.get(status),
        "cell_count": int(capacity / per_cell) + 1 if kind == NEW_CAPACITY else None,
        "cell_amperage_ka": s.amperage if kind == NEW_CAPACITY else None,
        "submitted_at": submitted,
        "decided_at": decided, "decided_by": rng.choice(run.users[REVIEWER]) if decided else None,
        "created_by": run.filers[s.enterprise], "created_at": created, "updated_at": decided or submitted or created,
        "version": VERSION[status],
    }


def _apply(run: _Run, s: _Smelter, month: str, kind: str, capacity: int, fid: int, ratio: Decimal,
           decided: dt.datetime) -> None:
    """Move the smelter's position as approval would (filings come in month order)."""
    if kind == CLOSURE:
        indicator = {"id": run.take_id("indicators"), "enterprise_id": s.enterprise, "origin_smelter_id": s.id,
                     "origin_filing_id": fid, "parent_id": None, "province": s.province,
                     "tonnes_tpa": capacity, "remaining_tpa": capacity, "created_at": decided}
        run.indicators.append(indicator)
        run.cover.setdefault(s.enterprise, []).append(indicator)
    if kind == NEW_CAPACITY:  # consume the enterprise's indicators, oldest first
        needed = required_tpa(capacity, ratio)
        for indicator in run.cover[s.enterprise]:
            used = min(needed, indicator["remaining_tpa"])
            if used:
                indicator["remaining_tpa"] -= used
                run.replacements.append({"filing_id": fid, "indicator_id": indicator["id"], "tonnes_tpa": used})
                needed -= used
        run.cover[s.enterprise] = [i for i in run.cover[s.enterprise] if i["remaining_tpa"]]
    moved = step(s.built, s.operating, month, NO_FLOWS.plus(kind, capacity))
    s.built, s.operating = moved.built, moved.operating


def _returns(run: _Run, smelters: Iterable[_Smelter], month: str, index: int) -> None:
    """Each existing smelter's return for a finished month: some missing, late, revised or above approval."""
    rng, due = run.rng, due_date(month)
    days = calendar.monthrange(int(month[:4]), int(month[5:7]))[1]
    for s in smelters:
        if s.first > index or s.built == 0 or rng.random() < 0.03:
            continue
        factor = rng.uniform(1.02, 1.1) if rng.random() < 0.02 else rng.uniform(0.97, 1.0)
        reported = int(s.operating * factor)
        late = rng.random() < 0.05
        day = dt.datetime(due.year, due.month, due.day, 10, tzinfo=dt.UTC)
        submitted = day + dt.timedelta(days=rng.randrange(1, 15)) if late else \
            day - dt.timedelta(days=rng.randrange(0, 9))
        for revision in (1, 2) if rng.random() < 0.02 else (1,):
            run.returns.append({
                "smelter_id": s.id, "month": month, "operating_tpa": reported - (revision - 1) * 1000,
                "production_t": int(reported * days / 365 * rng.uniform(0.95, 1.0)), "revision": revision,
                "submitted_at": submitted + dt.timedelta(days=revision - 1), "submitted_by": run.filers[s.enterprise],
            })


def _caps(spec: ScaleSpec, smelters: list[_Smelter], history: list[dict], additions: list[dict]) -> list[dict]:
    """Caps on every scope and basis, with limits near the usage so some pass, some warn, some are breached."""
    by_id = {s.id: s for s in smelters}
    usage: dict[tuple, list[int]] = defaultdict(lambda: [0] * spec.months)
    for index, (positions, added) in enumerate(zip(history, additions, strict=True)):
        for smelter_id, (built, operating) in positions.items():
            s = by_id[smelter_id]
            for scope in ((NATIONAL, None), (PROVINCE, s.province), (ENTERPRISE, s.enterprise)):
                usage[(*scope, BUILT)][index] += built
                usage[(*scope, OPERATING)][index] += operating
                usage[(*scope, MONTHLY_ADDITIONS)][index] += added.get(smelter_id, 0)
    provinces = sorted({s.province for s in smelters}, key=lambda p: -usage[(PROVINCE, p, BUILT)][0])
    scopes = [(NATIONAL, None, basis) for basis in BASES]
    scopes += [(PROVINCE, p, BASES[n % 3]) for n, p in enumerate(provinces[:6])]
    scopes += [(ENTERPRISE, e, BASES[n % 3]) for n, e in enumerate(sorted({s.enterprise for s in smelters})[:10])]
    end, now, rows = spec.months - 1, _at(spec.start, 1), []
    periods = ((0, end), (max(0, end - 23), end), (0, min(end, 11)))
    for n, (scope, ref, basis) in enumerate(scopes):
        first, last = periods[n % 3]
        peak = max(usage[(scope, ref, basis)][first:last + 1])
        factor = (1.15, 1.02, 0.97)[n // 3 % 3]  # ok, warning, breach
        rows.append({"name": f"Scale {scope} {basis} cap {n + 1}", "scope": scope,
                     "scope_province": ref if scope == PROVINCE else None,
                     "scope_enterprise_id": ref if scope == ENTERPRISE else None, "basis": basis,
                     "limit_tpa": max(1000, int(peak * factor) // 1000 * 1000),
                     "period_from": months.add(spec.start, first), "period_to": months.add(spec.start, last),
                     "source": "seed-scale", "active": n % 7 != 6, "created_at": now, "updated_at": now})
    return rows


def _reset_sequences(tables: list[sa.Table]) -> None:
    """On PostgreSQL, move each id sequence past the ids written here explicitly."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 - our own table names
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"))
