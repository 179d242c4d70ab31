"""REST endpoint: /api/v1/audit-events (staff and auditor, read-only)."""

from __future__ import annotations

import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.audit.schemas import AuditEventOut, AuditFilter
from registry.permissions import roles_required
from registry.rest.paging import PAGINATION_HEADER, PageArgs, paginate
from registry.rest.schema import Blueprint
from registry.roles import STAFF

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit-events",
                description="The append-only audit trail.")


@blp.route("", methods=["GET"])
@roles_required(*STAFF)
@blp.arguments(AuditFilter, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, AuditEventOut(many=True), headers=PAGINATION_HEADER)
def list_events(filters, paging):
    """Audit events, oldest first, filtered by entity, actor or action."""
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
    for name, value in filters.items():
        stmt = stmt.where(getattr(AuditEvent, name) == value)
    items, headers = paginate(stmt, **paging)
    return items, 200, headers
