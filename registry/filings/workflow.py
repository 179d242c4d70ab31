"""The filing state machine: who may move a filing from which status to which.

Approval is the one step with rules beyond the table: the position rules of
``registry.ledger``, every active cap that covers the smelter
(``registry.caps.services``) and a new-capacity filing's replacement cover
(``registry.replacement.cover``), checked and applied as one atomic step; an
approved closure creates a replacement indicator. On PostgreSQL the filing,
then its smelter, then the caps (by id), then the indicators (by id) are
locked FOR UPDATE, always in that order, so two approvals cannot deadlock and
cannot both squeeze under the same headroom. On SQLite the request holds
the database write lock from its first statement (``registry.db``).
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.audit.services import record, snapshot
from registry.auth.roles import ADMIN, FILER, REVIEWER
from registry.db import utcnow
from registry.extensions import db
from registry.filings.models import (
    APPROVED,
    CLOSURE,
    DRAFT,
    NEW_CAPACITY,
    REJECTED,
    RETURNED,
    SUBMITTED,
    WITHDRAWN,
    Filing,
)
from registry.filings.services import FILING_FIELDS, get_filing
from registry.ledger import approval_deltas, check_positions
from registry.members.models import Smelter
from registry.messages import Template
from registry.problems import Conflict, Forbidden, InvalidInput, RuleBroken

INVALID_TRANSITION = Template("invalid_transition",
                              "A filing that is %(status)s cannot take this step (%(action)s).")
NOTE_REQUIRED = Template("note_required", "Say why, in a note for the filer.")


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
    before = snapshot(filing, FILING_FIELDS)
    if action == "approve":
        _approve(filing, actor)
    filing.status = spec.target
    now = utcnow()
    if action == "submit":
        filing.submitted_at = now
    if action in ("approve", "reject", "return"):
        filing.decided_at = now
        filing.decided_by = actor.id
        filing.decision_note = note
    filing.version += 1
    db.session.flush()
    record(actor, "filing", filing.id, action, before=before, after=snapshot(filing, FILING_FIELDS))
    return filing


def _approve(filing: Filing, reviewer) -> None:
    """Check the position rules and caps under lock, then fix the filing's deltas."""
    from registry.caps.services import check_caps
    from registry.replacement.cover import consume_cover
    from registry.replacement.services import create_from_closure

    smelter = db.session.get(Smelter, filing.smelter_id, with_for_update=True, populate_existing=True)
    try:
        deltas = approval_deltas(smelter, filing)
        check_positions(smelter, filing, deltas)
        check_caps(smelter, filing, deltas)
        if filing.kind == NEW_CAPACITY:
            consume_cover(filing, smelter, reviewer)  # locks the indicators last, by id
    except RuleBroken as refusal:
        # The refusal rolls everything back but this event (registry.errors).
        refusal.audit = {
            "actor": reviewer, "entity_type": "filing", "entity_id": filing.id,
            "action": "approve_refused", "before": None,
            "after": {"rule": refusal.rule, **refusal.figures},
        }
        raise
    filing.built_delta_tpa, filing.operating_delta_tpa = deltas
    if filing.kind == CLOSURE:
        create_from_closure(filing, smelter, reviewer)
