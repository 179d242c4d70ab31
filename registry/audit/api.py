"""REST endpoints: /api/v1/audit-events and its chain's head (staff and auditor, read-only)."""

from __future__ import annotations

import sqlalchemy as sa

from registry.audit.chain import current_head
from registry.audit.models import AuditEvent
from registry.audit.schemas import AuditEventOut, AuditFilter, ChainHeadOut
from registry.extensions import db
from registry.permissions import roles_required
from registry.rest.paging import PAGINATION_HEADER, PageArgs, paginate
from registry.rest.schema import Blueprint
from registry.roles import STAFF

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit-events",
                description="The append-only audit trail, chained by hashes: each event's hash covers the one "
                            "before it.")


@blp.route("", methods=["GET"])
@roles_required(*STAFF)
@blp.arguments(AuditFilter, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, AuditEventOut(many=True), headers=PAGINATION_HEADER)
def list_events(filters, paging):
    """Audit events, oldest first, filtered by entity, actor or action.

    To check the chain: take the events in ``seq`` order (1, 2, 3, ... with
    no gap). For each, build the object of its fields seq, occurred_at (as
    shown), actor_id, entity_type, entity_id, action, before, after and
    prev_hash; serialise it with sorted keys, separators (",", ":") and
    non-ASCII characters unescaped (ensure_ascii=False); encode as UTF-8 and
    hash with SHA-256: the hex digest is the event's ``hash``. Each
    ``prev_hash`` is the previous event's hash (64 zeros for event 1), and the
    last hash is ``/audit-events/head``'s.
    """
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
    for name, value in filters.items():
        stmt = stmt.where(getattr(AuditEvent, name) == value)
    items, headers = paginate(stmt, **paging)
    return items, 200, headers


@blp.route("/head", methods=["GET"])
@roles_required(*STAFF)
@blp.response(200, ChainHeadOut)
def chain_head():
    """The chain's last committed event: its seq and hash (0 and 64 zeros while the trail is empty).

    Keep a copy: any later rewrite of an event up to it breaks the chain there.
    """
    seq, hash_ = current_head(db.session)
    return {"seq": seq, "hash": hash_}
