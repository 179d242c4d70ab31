"""Would approving this filing now pass? Every rule's refusal, read without locks.

The approval (``registry.approvals``) checks positions, caps and cover under
lock and stops at the first refusal. A filer before submitting, and a
reviewer before clicking Approve, want all of them at once: this module runs
the same rule functions (``approval_effect``, ``refusal_figures``,
``check_cover``) without locks and collects what each would refuse, so the
warning and the approval cannot disagree, short of another approval landing
in between.
"""

from __future__ import annotations

from registry.capacity.checks import approval_effect, smelter_rows
from registry.caps.services import PENDING, approval_previews
from registry.evidence.rules import proof_refusals
from registry.filings.models import CLOSURE, NEW_CAPACITY, Filing
from registry.problems import CapExceeded, RuleBroken
from registry.replacement.amendments import closure_indicator, indicator_refusal
from registry.replacement.cover import cover_refusal


def refusals_for(filings: list[Filing], previews: dict[int, list[dict]] | None = None,
                 rows_of: dict[int, list] | None = None) -> dict[int, list[RuleBroken]]:
    """For each filing not yet decided, what an approval now would refuse (empty: it would pass).

    ``previews``: the filings' :func:`approval_previews`, when the page has them already, with
    the ``rows_of`` they read. Decided filings get an empty list: nothing is left to check.
    """
    pending = [f for f in filings if f.status in PENDING]
    rows_of = {} if rows_of is None else rows_of
    previews = approval_previews(pending, rows_of) if previews is None else previews
    found: dict[int, list[RuleBroken]] = {f.id: [] for f in filings}
    for filing in pending:
        smelter = filing.smelter
        if smelter.id not in rows_of:
            rows_of[smelter.id] = smelter_rows(smelter)
        try:
            approval_effect(smelter, filing, rows=rows_of[smelter.id])  # positions in every later month
        except RuleBroken as refusal:
            found[filing.id].append(refusal)
        found[filing.id] += [CapExceeded(**row["refusal"]) for row in previews.get(filing.id, []) if row["refusal"]]
        if filing.kind == NEW_CAPACITY and not filing.cancel:
            short = cover_refusal(filing, smelter)
            if short is not None:
                found[filing.id].append(short)
            found[filing.id] += proof_refusals(filing)
        if filing.kind == CLOSURE and filing.amends_id is not None:
            used = indicator_refusal(filing, closure_indicator(filing.amends_id))
            if used is not None:
                found[filing.id].append(used)
    return found


def refusals(filing: Filing) -> list[RuleBroken]:
    """:func:`refusals_for` one filing."""
    return refusals_for([filing])[filing.id]
