"""The filing state machine: who may move a filing from which status to which.

A step with rules beyond the table (approval: ``registry.approvals``) runs
the check registered for it in the app, under the filing's lock, before the
status changes; the filing is locked first, the check locks the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from registry.audit.services import audited_fields, record
from registry.capacity.projection import record_transition
from registry.db import utcnow
from registry.extensions import db
from registry.filings.models import (
    APPROVED,
    CANCELLED,
    DRAFT,
    REJECTED,
    RETURNED,
    SUBMITTED,
    SUPERSEDED,
    WITHDRAWN,
    Filing,
)
from registry.filings.services import FILING_FIELDS, get_filing
from registry.messages import Template
from registry.problems import Conflict, Forbidden, InvalidInput
from registry.roles import ADMIN, FILER, REVIEWER

INVALID_TRANSITION = Template("invalid_transition",
                              "A filing that is %(status)s cannot take this step (%(action)s).")
NOTE_REQUIRED = Template("note_required", "Say why, in a note for the filer.")
TRANSITION_CHECKS = "registry.transition_checks"  # app.extensions key: action -> check(filing, actor)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    note_required: bool = False


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("submit", frozenset({DRAFT, RETURNED}), SUBMITTED, frozenset({FILER})),
        Transition("withdraw", frozenset({DRAFT, SUBMITTED, RETURNED}), WITHDRAWN, frozenset({FILER})),
        Transition("approve", frozenset({SUBMITTED}), APPROVED, frozenset({REVIEWER, ADMIN})),
        Transition("reject", frozenset({SUBMITTED}), REJECTED, frozenset({REVIEWER, ADMIN}), True),
        Transition("return", frozenset({SUBMITTED}), RETURNED, frozenset({REVIEWER, ADMIN}), True),
    )
}


def supersede(original: Filing, amendment: Filing, actor) -> None:
    """The approved amendment takes the original's place: ``superseded``, or ``cancelled``, with its event."""
    before = audited_fields(original, FILING_FIELDS)
    original.status = CANCELLED if amendment.cancel else SUPERSEDED
    original.superseded_by = amendment.id
    original.version += 1
    record_transition(original, APPROVED, original.status)  # out of the ledger, in this transaction
    db.session.flush()
    record(actor, "filing", original.id, "cancel" if amendment.cancel else "supersede", before=before,
           after=audited_fields(original, FILING_FIELDS))


def allowed_actions(filing: Filing, user) -> list[str]:
    """The actions ``user`` may take on ``filing`` now (for buttons on pages)."""
    return [t.action for t in TRANSITIONS.values()
            if filing.status in t.sources and user.role in t.roles]


def transition(filing_id: int, action: str, actor, note: str | None = None) -> Filing:
    """Apply ``action`` to a filing, with its audit event; flushes, never commits."""
    spec = TRANSITIONS[action]
    filing = get_filing(actor, filing_id, for_update=True)
    if actor.role not in spec.roles:
        raise Forbidden(role=actor.role, action=action)
    if filing.status not in spec.sources:
        raise Conflict(INVALID_TRANSITION(status=filing.status, action=action), code="invalid_transition",
                       current_status=filing.status, action=action, allowed_from=sorted(spec.sources))
    note = (note or "").strip() or None
    if spec.note_required and not note:
        raise InvalidInput("note", NOTE_REQUIRED())
    before = audited_fields(filing, FILING_FIELDS)
    check: Callable | None = current_app.extensions.get(TRANSITION_CHECKS, {}).get(action)
    if check is not None:
        check(filing, actor)
    filing.status = spec.target
    record_transition(filing, before["status"], spec.target)  # the projection, in this transaction
    now = utcnow()
    if action == "submit":
        filing.submitted_at = now
    if action in ("approve", "reject", "return"):
        filing.decided_at = now
        filing.decided_by = actor.id
        filing.decision_note = note
    filing.version += 1
    db.session.flush()
    record(actor, "filing", filing.id, action, before=before, after=audited_fields(filing, FILING_FIELDS))
    return filing

