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
    AWAITING,
    CANCELLED,
    DRAFT,
    IN_REVIEW,
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

SECOND_APPROVER_REQUIRED = Template(
    "second_approver_required",
    "You gave this filing its first approval: a second reviewer must approve %(capacity_tpa)s (four eyes from "
    "%(threshold_tpa)s).")
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
        Transition("withdraw", frozenset({DRAFT, SUBMITTED, RETURNED, AWAITING}), WITHDRAWN, frozenset({FILER})),
        Transition("approve", frozenset(IN_REVIEW), APPROVED, frozenset({REVIEWER, ADMIN})),
        Transition("reject", frozenset(IN_REVIEW), REJECTED, frozenset({REVIEWER, ADMIN}), True),
        Transition("return", frozenset(IN_REVIEW), RETURNED, frozenset({REVIEWER, ADMIN}), True),
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


def needs_four_eyes(filing: Filing) -> bool:
    """Whether approving ``filing`` takes two different reviewers (FOUR_EYES_THRESHOLD_TPA and above)."""
    return filing.capacity_tpa >= current_app.config["FOUR_EYES_THRESHOLD_TPA"]


def allowed_actions(filing: Filing, user) -> list[str]:
    """The actions ``user`` may take on ``filing`` now (for buttons on pages): not a second own approval."""
    return [t.action for t in TRANSITIONS.values()
            if filing.status in t.sources and user.role in t.roles
            and not (t.action == "approve" and filing.first_approved_by == user.id)]


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
    first_of_two = action == "approve" and filing.status == SUBMITTED and needs_four_eyes(filing)
    if action == "approve" and filing.first_approved_by == actor.id:
        threshold = current_app.config["FOUR_EYES_THRESHOLD_TPA"]
        raise Conflict(SECOND_APPROVER_REQUIRED(capacity_tpa=filing.capacity_tpa, threshold_tpa=threshold),
                       code="second_approver_required", first_approved_by=actor.id,
                       capacity_tpa=filing.capacity_tpa, threshold_tpa=threshold)
    check: Callable | None = current_app.extensions.get(TRANSITION_CHECKS, {}).get(action)
    if check is not None:
        check(filing, actor, final=not first_of_two)  # the first of two approvals checks, changes nothing
    target = AWAITING if first_of_two else spec.target
    filing.status = target
    record_transition(filing, before["status"], target)  # the projection, in this transaction
    now = utcnow()
    if action == "submit":
        filing.submitted_at = now
        filing.first_approved_by = filing.first_approved_at = None  # a resubmission starts the eyes again
    if first_of_two:
        filing.first_approved_by, filing.first_approved_at = actor.id, now
    elif action in ("approve", "reject", "return"):
        filing.decided_at = now
        filing.decided_by = actor.id
        filing.decision_note = note
    filing.version += 1
    db.session.flush()
    record(actor, "filing", filing.id, "first_approve" if first_of_two else action, before=before,
           after=audited_fields(filing, FILING_FIELDS))
    return filing

