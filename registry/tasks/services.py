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
from registry.evidence.models import Dismantling
from registry.evidence.services import ANNOUNCED, ENDED, RENOTICE, current_notices, notice_state
from registry.extensions import db
from registry.filings.models import AWAITING, IN_REVIEW, NEW_CAPACITY, OPEN, RETURNED, Filing
from registry.filings.services import filings_for
from registry.members.models import Enterprise, Smelter
from registry.messages import Template
from registry.replacement.models import FilingReplacement, Indicator
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


NOTICE_TO_RECORD = Template("task_notice_to_record",
                            "Record the public notice of the replacement plan of filing #%(filing_id)s.")
ANNOUNCEMENT_TO_RECORD = Template("task_announcement_to_record",
                                  "The notice of filing #%(filing_id)s ended on %(ends_on)s: record its announcement.")
NOTICE_AGAIN = Template("task_notice_again",
                        "An objection to the plan of filing #%(filing_id)s was upheld: record its new publication.")
DISMANTLING_TO_RECORD = Template("task_dismantling_to_record",
                                 "New capacity awaiting approval uses the indicator of closure #%(filing_id)s: record "
                                 "the closure's dismantling.")
DISMANTLING_TO_CONFIRM = Template("task_dismantling_to_confirm",
                                  "The dismantling of closure #%(filing_id)s, completed on %(completed_on)s, awaits "
                                  "confirmation.")


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


def _proof_tasks(user) -> list[dict[str, Any]]:
    """A filer's plans still to publish or announce, and closures behind its plans still to record dismantled."""
    tasks = []
    plans = list(db.session.scalars(filings_for(user).where(
        Filing.kind == NEW_CAPACITY, Filing.status.in_(OPEN), Filing.cancel.is_(False), Filing.amends_id.is_(None))
        .order_by(None).order_by(Filing.effective_month, Filing.id).limit(200)))
    notices = current_notices([plan.id for plan in plans])  # one query, and one for their objections
    for plan in plans:
        notice = notices.get(plan.id)
        state = notice_state(notice)
        if state == ANNOUNCED:
            continue
        template = {None: NOTICE_TO_RECORD, RENOTICE: NOTICE_AGAIN, ENDED: ANNOUNCEMENT_TO_RECORD}.get(state)
        if template is None:  # in its notice period, or an objection open: nothing for the filer yet
            continue
        figures = {"filing_id": plan.id, "ends_on": notice.ends_on if notice else None}
        tasks.append(_task(template.code, template(**figures), f"/filings/{plan.id}#proof", filing_id=plan.id,
                           smelter_id=plan.smelter_id))
    waiting = db.session.scalars(  # the plan may be a buyer's: it is not named to the closure's filer
        sa.select(Indicator.origin_filing_id)
        .join(FilingReplacement, FilingReplacement.indicator_id == Indicator.id)
        .join(Filing, Filing.id == FilingReplacement.filing_id)
        .outerjoin(Dismantling, Dismantling.filing_id == Indicator.origin_filing_id)
        .where(Filing.status.in_(OPEN), Dismantling.filing_id.is_(None),
               Indicator.origin_filing_id.in_(filings_for(user).with_only_columns(Filing.id).order_by(None)))
        .distinct().order_by(Indicator.origin_filing_id))
    for closure_id in waiting:
        message = DISMANTLING_TO_RECORD(filing_id=closure_id)
        tasks.append(_task(DISMANTLING_TO_RECORD.code, message, f"/filings/{closure_id}#proof", filing_id=closure_id))
    return tasks


def _confirm_tasks() -> list[dict[str, Any]]:
    """Dismantlings recorded and not yet confirmed, oldest first: staff confirm them."""
    rows = db.session.scalars(sa.select(Dismantling).where(Dismantling.confirmed_at.is_(None))
                              .order_by(Dismantling.recorded_at, Dismantling.filing_id).limit(200))
    return [_task(DISMANTLING_TO_CONFIRM.code,
                  DISMANTLING_TO_CONFIRM(filing_id=row.filing_id, completed_on=row.completed_on),
                  f"/filings/{row.filing_id}#proof", filing_id=row.filing_id) for row in rows]


def tasks_for(user) -> list[dict[str, Any]]:
    """The user's tasks, each ``{code, message, href, ...}``; most pressing first."""
    if user.role == FILER:  # a returned plan waits on the filer alone: first, then the proof, then the returns
        return (_filing_tasks(user, (RETURNED,), FILING_RETURNED, (Filing.decided_at, Filing.id))
                + _proof_tasks(user) + _return_tasks(user))
    if user.role in (REVIEWER, ADMIN):
        return _filing_tasks(user, IN_REVIEW, FILING_TO_REVIEW, (Filing.submitted_at, Filing.id)) + _confirm_tasks()
    return []
