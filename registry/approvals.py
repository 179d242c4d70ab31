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
from registry.extensions import db
from registry.filings.models import CLOSURE, NEW_CAPACITY, Filing
from registry.filings.workflow import TRANSITION_CHECKS
from registry.members.models import Smelter
from registry.problems import RuleBroken
from registry.replacement.cover import consume_cover
from registry.replacement.services import create_from_closure


def approve(filing: Filing, reviewer) -> None:
    """Check every rule under lock, then create a closure's indicator; flushes only.

    The workflow then moves the filing's flows in the projection
    (``registry.capacity.projection``), in this transaction.

    A refusal carries its ``approve_refused`` audit event: the request rolls
    back everything else and keeps that (``registry.errors.settle_refusal``).
    """
    smelter = db.session.get(Smelter, filing.smelter_id, with_for_update=True, populate_existing=True)
    try:
        effect = approval_effect(smelter, filing)  # positions in every month from the filing's on
        check_caps(smelter, filing, effect)  # locks the covering caps by id
        if filing.kind == NEW_CAPACITY:
            consume_cover(filing, smelter, reviewer)  # locks the named indicators last, by id
    except RuleBroken as refusal:
        refusal.audit = {
            "actor": reviewer, "entity_type": "filing", "entity_id": filing.id,
            "action": "approve_refused", "before": None,
            "after": {"rule": refusal.rule, **refusal.figures},
        }
        raise
    if filing.kind == CLOSURE:
        create_from_closure(filing, smelter, reviewer)


def register(app: Flask) -> None:
    """Plug the approval rules into the filing workflow's ``approve`` step."""
    app.extensions.setdefault(TRANSITION_CHECKS, {})["approve"] = approve
