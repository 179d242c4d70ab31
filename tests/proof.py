"""The proof a new-capacity approval needs, recorded through the services: for tests about other rules.

``prove_replacement(filing_id)`` publishes the plan's notice 40 days before the
registry's today, announces it the day after the notice ends, and records and
confirms the dismantling of every closure behind the filing's indicators on the
first day of the closure's month. Tests of those rules themselves build the
steps one by one (``tests/test_replacement_proof.py``).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from registry.auth.models import User
from registry.clock import today
from registry.evidence import services
from registry.extensions import db
from registry.filings.models import NEW_CAPACITY, Filing
from registry.months import first_day
from registry.replacement.models import FilingReplacement, Indicator
from registry.roles import ADMIN
from registry.workdays.services import nth_working_day


def prove_replacement(filing_id: int, admin: User | None = None) -> None:
    """Inside an app context: notice, announcement and confirmed dismantling for ``filing_id``; commits."""
    if admin is None:
        admin = db.session.scalar(sa.select(User).where(User.role == ADMIN, User.active.is_(True)).order_by(User.id))
    filing = db.session.get(Filing, filing_id)
    if filing.kind != NEW_CAPACITY or filing.cancel:
        return
    if services.current_notice(filing.id) is None or services.current_notice(filing.id).announced_on is None:
        published = today() - dt.timedelta(days=40)
        services.publish_notice(filing.id, {"authority": "省工业和信息化厅", "published_on": published,
                                            "url": "https://gxt.example.gov.cn/notice"}, admin)
        services.announce(filing.id, nth_working_day(published) + dt.timedelta(days=1), "工信公告〔2016〕1号", admin)
    closures = db.session.scalars(
        sa.select(Indicator.origin_filing_id).join(FilingReplacement, FilingReplacement.indicator_id == Indicator.id)
        .where(FilingReplacement.filing_id == filing.id).distinct())
    for closure_id in list(closures):
        row = services.dismantling_of(closure_id)
        if row is None or row.confirmed_at is None:
            closure = db.session.get(Filing, closure_id)
            completed = min(first_day(closure.effective_month), first_day(filing.effective_month), today())
            services.record_dismantling(closure_id, completed, "拆除验收意见", admin)
            services.confirm_dismantling(closure_id, admin)
    db.session.commit()
