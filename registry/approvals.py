"""Approving a filing: the lock order, then positions, caps, replacement cover and indicators.

This module sits above the features it orchestrates (ledger, caps,
replacement); ``registry.filings.workflow`` keeps the transition table and
calls the check registered here for the ``approve`` step (``register`` in
``create_app``), so no feature imports upward.

Lock order, on PostgreSQL: the filing (workflow), then its smelter, then the
caps (by id), then the indicators (by id), each FOR UPDATE, always in that
order, so two approvals cannot deadlock and cannot both squeeze under the
same headroom. On SQLite the request holds the database write lock from its
first statement (``registry.db``).
"""

from __future__ import annotations

from flask import Flask

from registry.capacity.checks import approval_effect
from registry.caps.services import check_caps
from registry.evidence.rules import check_proof
from registry.extensions import db
from registry.filings.models import APPROVED, CLOSURE, NEW_CAPACITY, Filing
from registry.filings.services import AMENDS_NOT_APPROVED
from registry.filings.workflow import TRANSITION_CHECKS, supersede
from registry.members.models import Smelter
from registry.problems import Conflict, RuleBroken
from registry.replacement.amendments import amend_closure_indicator, give_back_cover
from registry.replacement.cover import consume_cover
from registry.replacement.services import create_from_closure, lock_indicators


def approve(filing: Filing, reviewer, *, final: bool = True) -> None:
    """Check every rule under lock, then create a closure's indicator; flushes only.

    The workflow then moves the filing's flows in the projection
    (``registry.capacity.projection``), in this transaction. An amendment's
    original is locked right after the amendment, checked against the ledger
    without it, and superseded (or cancelled) here, in the same transaction.

    ``final=False``: the first of four eyes. Every rule is checked under the same
    locks, but nothing is consumed, created or superseded: the second approval
    checks again and does it, atomically.

    A refusal carries its ``approve_refused`` audit event: the request rolls
    back everything else and keeps that (``registry.errors.settle_refusal``).
    """
    original = None
    if filing.amends_id is not None:
        original = db.session.get(Filing, filing.amends_id, with_for_update=True, populate_existing=True)
        if original.status != APPROVED:
            raise Conflict(AMENDS_NOT_APPROVED(amends_id=original.id, status=original.status),
                           code="amends_not_approved", amends_id=original.id, status_now=original.status)
    smelter = db.session.get(Smelter, filing.smelter_id, with_for_update=True, populate_existing=True)
    trial = None if final else db.session.begin_nested()  # the first of two: the same steps, then undone
    try:
        effect = approval_effect(smelter, filing)  # positions in every month from the filing's (or original's) on
        check_caps(smelter, filing, effect)  # locks the covering caps by id
        if filing.kind == NEW_CAPACITY:
            check_proof(filing)  # announced, and every closure behind its indicators dismantled in time
            if original is not None:
                give_back_cover(original, filing, reviewer)  # locks both filings' indicators, by id
            if not filing.cancel:
                consume_cover(filing, smelter, reviewer)  # locks the named indicators last, by id
        if filing.kind == CLOSURE and original is not None:
            amend_closure_indicator(original, filing, reviewer)
    except RuleBroken as refusal:
        if trial is not None:
            trial.rollback()
        refusal.audit = {
            "actor": reviewer, "entity_type": "filing", "entity_id": filing.id,
            "action": "approve_refused", "before": None,
            "after": {"rule": refusal.rule, **refusal.figures},
        }
        raise
    if trial is not None:
        trial.rollback()  # every rule held; the second approval takes the tonnes and moves the ledger
        return
    if original is not None:
        supersede(original, filing, reviewer)
    elif filing.kind == CLOSURE:
        create_from_closure(filing, smelter, reviewer)


def claim(filing: Filing, filer, *, final: bool = True) -> None:
    """Submitting: the tonnes a filing names become a claim, serialised with any transfer of its indicators.

    A transfer locks its indicator row, then reads the claims; the submission locks
    the same rows (after the filing, in id order), so neither reads the other half done.
    """
    if filing.replacements:
        lock_indicators([line.indicator_id for line in filing.replacements])


def register(app: Flask) -> None:
    """Plug the approval rules into the filing workflow's ``approve`` step, and the claim into ``submit``."""
    checks = app.extensions.setdefault(TRANSITION_CHECKS, {})
    checks["approve"] = approve
    checks["submit"] = claim
