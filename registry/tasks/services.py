"""The tasks of a user, most pressing first: filings to fix, returns overdue and due, filings to review.

Filer: its returned filings; then, for each smelter of its enterprise, each
of the last 12 ended months without a return, overdue once its due date has
passed (as the summary counts them missing) and due until then. Staff who
review: submitted filings, oldest first. Each task is a coded message with
its figures and the page or endpoint it concerns.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from registry import clock, months
from registry.capacity.positions import positions_at
from registry.extensions import db
from registry.filings.models import AWAITING, IN_REVIEW, RETURNED, Filing
from registry.filings.services import filings_for
from registry.members.models import Enterprise, Smelter
from registry.messages import Template
from registry.returns.models import MonthlyReturn, due_date
from registry.roles import ADMIN, FILER, REVIEWER

LOOKBACK_MONTHS = 12
RETURN_OVERDUE = Template("task_return_overdue", "The %(month)s return of %(smelter)s was due on %(due_on)s.")
RETURN_DUE = Template("task_return_due", "The %(month)s return of %(smelter)s is due on %(due_on)s.")
FILING_RETURNED = Template("task_filing_returned", "Filing #%(filing_id)s was returned: %(note)s")
FILING_TO_SECOND = Template("task_filing_to_second_approval",
                            "Filing #%(filing_id)s (%(kind)s, %(capacity_tpa)s from %(effective_month)s) "
                            "awaits a second approval.")
FILING_TO_REVIEW = Template("task_filing_to_review",
                            "Filing #%(filing_id)s (%(kind)s, %(capacity_tpa)s from %(effective_month)s) "
                            "awaits review.")


def _task(code: str, message, href: str, **fields: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "href": href, **fields}


def _return_tasks(user) -> list[dict[str, Any]]:
    today = clock.today()
    last = months.add(months.current(), -1)
    first = months.add(last, -(LOOKBACK_MONTHS - 1))
    smelters = list(db.session.scalars(
        sa.select(Smelter).join(Enterprise, Enterprise.id == Smelter.enterprise_id)
        .where(Smelter.enterprise_id == user.enterprise_id, Enterprise.active.is_(True))
        .order_by(Smelter.id)))
    filed = set(db.session.execute(
        sa.select(MonthlyReturn.smelter_id, MonthlyReturn.month).distinct()
        .where(MonthlyReturn.smelter_id.in_([s.id for s in smelters]), MonthlyReturn.month.between(first, last))))
    tasks = []
    for month in months.span(first, last):
        waiting = [s for s in smelters if s.baseline_month <= month and (s.id, month) not in filed]
        if not waiting:
            continue
        built = positions_at(waiting, month)  # nothing built: no return is required (as in the summary)
        due = due_date(month)
        for smelter in waiting:
            if built[smelter.id].built_tpa == 0:
                continue
            late = today > due
            template = RETURN_OVERDUE if late else RETURN_DUE
            tasks.append(_task(template.code, template(month=month, smelter=smelter.name, due_on=due),
                               f"/returns?month={month}", month=month, smelter_id=smelter.id,
                               due_on=due.isoformat(), overdue=late))
    return sorted(tasks, key=lambda t: (not t["overdue"], t["month"], t["smelter_id"]))


def _filing_tasks(user, statuses: tuple[str, ...], default: Template, order) -> list[dict[str, Any]]:
    """Tasks for the user's filings in ``statuses``; one awaiting a second approval says so (not to its first)."""
    rows = db.session.scalars(filings_for(user).where(Filing.status.in_(statuses))
                              .order_by(None).order_by(*order).limit(200))
    tasks = []
    for filing in rows:
        if filing.status == AWAITING and filing.first_approved_by == user.id:
            continue  # four eyes: another reviewer's to approve
        template = FILING_TO_SECOND if filing.status == AWAITING else default
        figures = {"filing_id": filing.id, "kind": filing.kind, "capacity_tpa": filing.capacity_tpa,
                   "effective_month": filing.effective_month, "note": filing.decision_note or ""}
        tasks.append(_task(template.code, template(**figures), f"/filings/{filing.id}", filing_id=filing.id,
                           smelter_id=filing.smelter_id))
    return tasks


def tasks_for(user) -> list[dict[str, Any]]:
    """The user's tasks, each ``{code, message, href, ...}``; most pressing first."""
    if user.role == FILER:  # a returned plan waits on the filer alone: first, then the returns
        return _filing_tasks(user, (RETURNED,), FILING_RETURNED, (Filing.decided_at, Filing.id)) + _return_tasks(user)
    if user.role in (REVIEWER, ADMIN):
        return _filing_tasks(user, IN_REVIEW, FILING_TO_REVIEW, (Filing.submitted_at, Filing.id))
    return []
