"""The approval rules of replacement proof: new capacity is approved only once its plan is announced and
every closure behind its indicators is confirmed dismantled by the first day of its effective month.

``registry.approvals`` raises them under lock; ``registry.readiness`` lists them
before anyone clicks Approve. Both call the same two functions.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from registry import months
from registry.evidence.models import Dismantling, Notice
from registry.extensions import db
from registry.filings.models import NEW_CAPACITY, Filing
from registry.messages import Template
from registry.problems import RuleBroken
from registry.replacement.models import FilingReplacement, Indicator


class AnnouncementMissing(RuleBroken):
    code, label_text = "announcement_missing", _l("Replacement plan not announced")
    template = Template("announcement_missing",
                        "The replacement plan of this new capacity has not been announced: record its public "
                        "notice and, after the notice ends, the announcement.")


class DismantlingUnconfirmed(RuleBroken):
    code, label_text = "dismantling_unconfirmed", _l("Dismantling not confirmed")
    template = Template("dismantling_unconfirmed",
                        "Indicator #%(indicator_id)s comes from closure #%(closure_id)s, whose dismantling is not "
                        "confirmed as completed by %(first_day_on)s, the first day of %(effective_month)s.")


def _needs_proof(filing: Filing) -> bool:
    return filing.kind == NEW_CAPACITY and not filing.cancel


def announcement_refusal(filing: Filing) -> AnnouncementMissing | None:
    """None when the plan (or, for an amendment, the plan it amends) is announced."""
    if not _needs_proof(filing):
        return None
    lineage = [filing.id]
    original = filing.amends_id
    while original is not None:  # an amendment keeps the plan its original announced
        lineage.append(original)
        original = db.session.scalar(sa.select(Filing.amends_id).where(Filing.id == original))
    announced = db.session.scalar(sa.select(sa.func.count()).select_from(Notice).where(
        Notice.filing_id.in_(lineage), Notice.replaced_at.is_(None), Notice.announced_on.is_not(None)))
    return None if announced else AnnouncementMissing()


def dismantling_refusal(filing: Filing) -> DismantlingUnconfirmed | None:
    """The first indicator whose closure is not confirmed dismantled by the first day of the effective month."""
    if not _needs_proof(filing):
        return None
    for line in closures_behind(filing):
        if not line["in_time"]:
            return DismantlingUnconfirmed(indicator_id=line["indicator_id"], closure_id=line["closure_id"],
                                          first_day_on=months.first_day(filing.effective_month).isoformat(),
                                          effective_month=filing.effective_month)
    return None


def proof_refusals(filing: Filing) -> list[RuleBroken]:
    """Both rules' refusals, for the pages that list everything an approval would refuse."""
    return [r for r in (announcement_refusal(filing), dismantling_refusal(filing)) if r is not None]


def check_proof(filing: Filing) -> None:
    """Raise the first refusal: the approval step."""
    for refusal in proof_refusals(filing):
        raise refusal


def closures_behind(filing: Filing) -> list[dict]:
    """Each indicator the filing names, its closure and that closure's dismantling, with whether it is in time."""
    deadline = months.first_day(filing.effective_month)
    rows = db.session.execute(
        sa.select(Indicator.id, Indicator.origin_filing_id, Dismantling.completed_on, Dismantling.confirmed_at)
        .join(FilingReplacement, FilingReplacement.indicator_id == Indicator.id)
        .outerjoin(Dismantling, Dismantling.filing_id == Indicator.origin_filing_id)
        .where(FilingReplacement.filing_id == filing.id)
        .order_by(Indicator.id))
    return [{"indicator_id": indicator_id, "closure_id": closure_id, "completed_on": completed_on,
             "confirmed": confirmed_at is not None,
             "in_time": confirmed_at is not None and completed_on <= deadline}
            for indicator_id, closure_id, completed_on, confirmed_at in rows]
