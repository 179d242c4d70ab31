"""Writing audit events; callers flush them with the change they describe.

The event joins the caller's transaction; it gets its place in the chain
(``seq``, ``prev_hash``, ``hash``) when that transaction commits
(registry.audit.chain, whose session hooks the package registers).
"""

from __future__ import annotations

from typing import Any

from registry.audit.models import AuditEvent
from registry.extensions import db


def record(
    actor, entity_type: str, entity_id: int, action: str,
    before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def audited_fields(obj, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of ``obj`` as JSON-ready values, for before/after."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat().replace("+00:00", "Z") if hasattr(value, "isoformat") else value
    return out
