"""Closing a month: the frozen summary, its hash, corrections, and amendments since.

A closed month's summary is stored as canonical JSON (sorted keys, compact
separators, UTF-8 without escapes) with its SHA-256, so anyone holding the
published hash can check a copy. The stored text never changes: later
approvals or returns show as ``amendments`` (live minus frozen) beside it,
and a correction is a new revision with its own hash, the old one kept.

Each revision's frozen body also holds ``audit_head``: the audit chain's
head (``{seq, hash}``, registry.audit.chain) read in the closing transaction
before the figures, so the published sha256 covers it and a copy of the
summary proves that the record held at least events 1 to seq when it was
closed. It is read without the head's lock, which only commits take.
Revisions frozen before the chain existed have none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from registry import clock
from registry.audit.chain import current_head
from registry.audit.models import AuditEvent
from registry.audit.services import record
from registry.capacity.disclosure import cell_passes, group_passes
from registry.caps.models import Cap
from registry.caps.services import caps_for
from registry.db import utcnow
from registry.extensions import db
from registry.filings.models import APPROVED, CANCELLED, SUPERSEDED, Filing
from registry.members.models import Smelter
from registry.messages import Template
from registry.months import current
from registry.permissions import enterprise_scope, require_role
from registry.problems import Conflict, InvalidInput, NotFound
from registry.returns.models import due_date
from registry.roles import ADMIN
from registry.summaries.models import SummarySnapshot
from registry.summaries.services import CAPACITY_FIELDS, REPORTED_FIELDS, build_summary

NO_REVISION = Template("no_such_revision", "%(month)s has no revision %(revision)s.")
SUMMARY_RACED = Template("summary_raced", "%(month)s revision %(revision)s was published by someone else just now; "
                                          "reload the summary.")
MONTH_NOT_ENDED = Template("month_not_ended", "%(month)s has not ended; a month can be closed from the month after.")
SUMMARY_CLOSED = Template("summary_closed", "%(month)s is already closed; publish a correction to change it.")
SUMMARY_OPEN = Template("summary_open", "%(month)s is not closed; close it before publishing a correction.")
SUMMARY_UNCHANGED = Template("summary_unchanged", "Nothing changed in %(month)s since revision %(revision)s.")
CORRECTION_NOTE = Template("correction_note_required", "Say what the correction corrects.")

# Keys around the frozen body; drop them to recompute the sha256 of a closed summary.
ENVELOPE = ("closed", "sha256", "revision", "closed_at", "closed_by", "note", "amendments", "scope")


def canonical_json(body: dict[str, Any]) -> str:
    """The one serialisation that is hashed: sorted keys, compact, non-ASCII kept."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def revisions(month: str) -> list[SummarySnapshot]:
    """Every frozen revision of ``month``, oldest first (empty while open)."""
    return list(db.session.scalars(
        sa.select(SummarySnapshot).where(SummarySnapshot.month == month).order_by(SummarySnapshot.revision)))


def get_revision(month: str, revision: int) -> SummarySnapshot:
    snapshot = db.session.scalar(sa.select(SummarySnapshot).where(
        SummarySnapshot.month == month, SummarySnapshot.revision == revision))
    if snapshot is None:
        raise NotFound(NO_REVISION(month=month, revision=revision))
    return snapshot


def _frozen_body(month: str, today: dt.date | None) -> dict[str, Any]:
    """The month's figures with the audit chain's head, read first: every event up to it is in the figures."""
    seq, hash_ = current_head(db.session)
    return {**build_summary(month, today), "audit_head": {"seq": seq, "hash": hash_}}


def _without_head(body: dict[str, Any]) -> str:
    return canonical_json({k: v for k, v in body.items() if k != "audit_head"})


def _store(month: str, revision: int, body: dict[str, Any], actor, note: str) -> SummarySnapshot:
    """Insert a revision; a concurrent close or correction of the same revision is 409."""
    text = canonical_json(body)
    snapshot = SummarySnapshot(month=month, revision=revision, canonical_json=text,
                               sha256=sha256_of(text), closed_by=actor.id, closed_at=utcnow(), note=note)
    try:
        with db.session.begin_nested():
            db.session.add(snapshot)
    except sa.exc.IntegrityError:
        raise Conflict(SUMMARY_RACED(month=month, revision=revision), code="summary_raced", month=month) from None
    record(actor, "summary", snapshot.id, "close" if revision == 1 else "correct",
           after={"month": month, "revision": revision, "sha256": snapshot.sha256, "note": note})
    return snapshot


def close_month(month: str, actor, today: dt.date | None = None) -> SummarySnapshot:
    """Freeze ``month`` (admin): only once it has ended, and only once."""
    require_role(actor, ADMIN)
    if month >= current():
        raise InvalidInput("month", MONTH_NOT_ENDED(month=month), code="month_not_ended", month=month)
    if revisions(month):
        raise Conflict(SUMMARY_CLOSED(month=month), code="summary_closed", month=month)
    return _store(month, 1, _frozen_body(month, today), actor, "")


def publish_correction(month: str, note: str, actor, today: dt.date | None = None) -> SummarySnapshot:
    """A new revision of a closed month from today's figures (admin); the earlier ones stay."""
    require_role(actor, ADMIN)
    note = (note or "").strip()
    if not note:
        raise InvalidInput("note", CORRECTION_NOTE())
    existing = revisions(month)
    if not existing:
        raise Conflict(SUMMARY_OPEN(month=month), code="summary_open", month=month)
    body = _frozen_body(month, today)
    if _without_head(body) == _without_head(json.loads(existing[-1].canonical_json)):  # the head moves anyway
        raise Conflict(SUMMARY_UNCHANGED(month=month, revision=existing[-1].revision), code="summary_unchanged",
                       month=month)
    return _store(month, existing[-1].revision + 1, body, actor, note)


def _diff(frozen: dict[str, Any], live: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Fields that differ: frozen, live, and the delta of numbers."""
    changes = {}
    for key in sorted(set(frozen) | set(live)):
        old, new = frozen.get(key), live.get(key)
        if old != new:
            numbers = all(isinstance(v, int) and not isinstance(v, bool) for v in (old, new))
            changes[key] = {"frozen": old, "live": new, "delta": new - old if numbers else None}
    return changes


def _diff_rows(frozen: list[dict], live: list[dict], key: str) -> list[dict[str, Any]]:
    old = {row[key]: row for row in frozen}
    new = {row[key]: row for row in live}
    out = []
    for ident in sorted(set(old) | set(new)):
        changes = _diff(old.get(ident, {}), new.get(ident, {}))
        if changes:
            name = (new.get(ident) or old.get(ident))["name"]
            out.append({key: ident, "name": name, "changes": changes})
    return out


def _exception_key(item: dict[str, Any]) -> tuple:
    return item["kind"], item.get("cap_id"), item.get("smelter_id")


def amendments(frozen: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
    """What changed since the month was frozen, per total, smelter, enterprise and cap."""
    old_exc = {_exception_key(e): e for e in frozen["exceptions"]}
    new_exc = {_exception_key(e): e for e in live["exceptions"]}
    result = {
        "totals": _diff(frozen["totals"], live["totals"]),
        "smelters": _diff_rows(frozen["smelters"], live["smelters"], "smelter_id"),
        "enterprises": _diff_rows(frozen["enterprises"], live["enterprises"], "enterprise_id"),
        "caps": _diff_rows(frozen["caps"], live["caps"], "cap_id"),
        "exceptions_added": [e for k, e in new_exc.items() if k not in old_exc],
        "exceptions_resolved": [e for k, e in old_exc.items() if k not in new_exc],
    }
    result["changed"] = any(result.values())
    return result


def approved_amendments(month: str, since: dt.datetime) -> list[dict[str, Any]]:
    """Amendments approved after ``since`` that change ``month``'s figures: from the earlier of their months on."""
    original = aliased(Filing)
    rows = db.session.execute(
        sa.select(Filing.id, Filing.amends_id, Filing.smelter_id, Smelter.enterprise_id,
                  Smelter.name.label("smelter_name"), Filing.kind,
                  Filing.cancel, Filing.capacity_tpa, Filing.effective_month, Filing.decided_at,
                  original.capacity_tpa.label("original_capacity_tpa"),
                  original.effective_month.label("original_effective_month"))
        .join(original, original.id == Filing.amends_id)
        .join(Smelter, Smelter.id == Filing.smelter_id)
        .where(Filing.amends_id.is_not(None), Filing.decided_at > since,
               Filing.status.in_((APPROVED, SUPERSEDED, CANCELLED)),
               sa.or_(Filing.effective_month <= month, original.effective_month <= month))
        .order_by(Filing.decided_at, Filing.id)).mappings()
    return [{**row, "decided_at": row["decided_at"].astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")} for row in rows]


def _envelope(snapshot: SummarySnapshot) -> dict[str, Any]:
    return {"closed": True, "sha256": snapshot.sha256, "revision": snapshot.revision,
            "closed_at": snapshot.closed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "closed_by": snapshot.closed_by, "note": snapshot.note}


def changed_since(snapshot: SummarySnapshot, today: dt.date) -> bool:
    """Whether the live figures may differ from the revision (two index lookups, no summary).

    Every change of state records an audit event in its transaction, so a
    later event other than a summary's own is one way; the other is time: a
    return not yet due when the month was closed is missing once the due date passes.
    """
    if clock.beijing_date(snapshot.closed_at) <= due_date(snapshot.month) < today:
        return True
    stored = db.session.scalar(sa.select(AuditEvent.id).where(
        AuditEvent.entity_type == "summary", AuditEvent.entity_id == snapshot.id))
    if stored is None:  # a revision from before events were kept with it: compare to be safe
        return True
    return db.session.scalar(sa.select(sa.literal(True)).where(
        AuditEvent.id > stored, AuditEvent.entity_type != "summary").limit(1)) is not None


def summary_for(user, month: str, today: dt.date | None = None) -> dict[str, Any]:
    """The month as ``user`` may see it: frozen plus amendments once closed, else live.

    A closed month is served from its frozen revision; the live figures are
    built only when something changed since, to list the amendments.
    """
    existing = revisions(month)
    if not existing:
        live = build_summary(month, today)
        body = {**live, "closed": False, "sha256": None, "revision": None, "closed_at": None,
                "closed_by": None, "note": None, "amendments": None, "audit_head": None}
    else:
        frozen = json.loads(existing[-1].canonical_json)
        changed = changed_since(existing[-1], today or clock.today())
        live = build_summary(month, today) if changed else frozen
        amended = amendments(frozen, live)
        amended["filings"] = approved_amendments(month, existing[-1].closed_at) if changed else []
        amended["changed"] = amended["changed"] or bool(amended["filings"])
        body = {**frozen, **_envelope(existing[-1]), "amendments": amended}
    return visible_part(user, body)


def revision_for(user, month: str, revision: int) -> dict[str, Any]:
    """One frozen revision exactly as stored (no amendments)."""
    snapshot = get_revision(month, revision)
    body = {**json.loads(snapshot.canonical_json), **_envelope(snapshot), "amendments": None}
    return visible_part(user, body)


# A filer sees national and province-cap figures only as the public would (registry.capacity.disclosure):
# with few members, a national total minus one's own rows is the others' figure.
TESTED_FIGURES = CAPACITY_FIELDS + REPORTED_FIELDS + ("deviation_tpa",)
USAGE_FIGURES = ("usage_tpa", "pending_tpa", "headroom_tpa")


def _cap_disclosed(cap: dict[str, Any], smelters: list[dict[str, Any]]) -> bool:
    """Whether a national or province cap's usage passes the disclosure rule over the enterprises in its scope."""
    if cap["scope"] == "enterprise":
        return True
    inside = [s for s in smelters if cap["scope"] == "national" or s["province"] == cap["scope_ref"]]
    by_enterprise: dict[int, dict[str, int]] = {}
    for smelter in inside:
        mine = by_enterprise.setdefault(smelter["enterprise_id"], {"built_tpa": 0, "operating_tpa": 0})
        mine["built_tpa"] += smelter["built_tpa"]
        mine["operating_tpa"] += smelter["operating_tpa"]
    return group_passes(by_enterprise, ("built_tpa", "operating_tpa"))


def _withheld(item: dict[str, Any]) -> dict[str, Any]:
    """A cap row or exception with its usage withheld; its status (a band, not a figure) stays."""
    out = {**item, **{key: None for key in USAGE_FIGURES if key in item}}
    if "detail" in out:
        out["detail"] = None
    return out


def visible_part(user, body: dict[str, Any]) -> dict[str, Any]:
    """Staff and auditors see all; a filer its own enterprise's rows, its caps, and national figures that pass
    the disclosure rule (others withheld as null).

    A filer's copy is marked ``scope`` and its sha256 is still that of the
    whole summary (which it cannot recompute from the part it sees).
    """
    scope = enterprise_scope(user)
    if scope is None:
        return {**body, "scope": None}
    cap_ids = set(db.session.scalars(caps_for(user).with_only_columns(Cap.id)))

    def mine(item: dict[str, Any]) -> bool:
        if "cap_id" in item:
            return item["cap_id"] in cap_ids
        return item.get("enterprise_id") == scope

    withheld_caps = {c["cap_id"] for c in body["caps"] if mine(c) and not _cap_disclosed(c, body["smelters"])}
    totals = {key: None if key in TESTED_FIGURES and not cell_passes(e.get(key, 0) for e in body["enterprises"])
              else value for key, value in body["totals"].items()}
    utilisation = {**body["utilisation"]}
    if totals["operating_tpa"] is None or totals["built_tpa"] is None:
        utilisation.update(approved=None, meets_target=None)
    if totals["reported_operating_tpa"] is None:
        utilisation["reported"] = None
    out = {**body, "scope": {"enterprise_id": scope}, "totals": totals, "utilisation": utilisation,
           "caps": [_withheld(c) if c["cap_id"] in withheld_caps else c for c in body["caps"] if mine(c)],
           "exceptions": [_withheld(e) if e.get("cap_id") in withheld_caps else e
                          for e in body["exceptions"] if mine(e)],
           "enterprises": [e for e in body["enterprises"] if mine(e)],
           "smelters": [s for s in body["smelters"] if mine(s)],
           "provinces": []}
    if body.get("amendments"):
        amended = dict(body["amendments"])
        for part in ("smelters", "enterprises", "caps"):
            key = "cap_id" if part == "caps" else ("smelter_id" if part == "smelters" else "enterprise_id")
            rows = {r[key] for r in out[part]}
            amended[part] = [r for r in amended[part] if r[key] in rows]
        for part in ("exceptions_added", "exceptions_resolved", "filings"):
            amended[part] = [e for e in amended.get(part, []) if mine(e)]
        out["amendments"] = amended
    return out
