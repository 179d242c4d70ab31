"""Monthly returns: filing (with revisions), finding, and which are overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from registry import clock
from registry.audit.services import audited_fields, record
from registry.extensions import db
from registry.members.models import Smelter
from registry.messages import Template
from registry.months import current
from registry.permissions import enterprise_scope, get_visible, require_role
from registry.problems import InvalidInput
from registry.returns.models import MonthlyReturn, due_date
from registry.roles import FILER

NO_SUCH_RETURN = Template("no_such_return", "No such monthly return.")
SMELTER_NOT_YOURS = Template("smelter_not_yours", "No such smelter in your enterprise.")
MONTH_NOT_BEGUN = Template("return_month_not_begun", "%(month)s has not begun: returns are for past or current months.")
BEFORE_BASELINE = Template("return_before_baseline",
                           "%(month)s is before the smelter's baseline month %(baseline_month)s.")

RETURN_FIELDS = ("smelter_id", "month", "operating_tpa", "production_t", "revision")


def latest_revisions(month: str | None = None) -> sa.Subquery:
    """(smelter_id, month, revision): the latest revision of each smelter and month."""
    stmt = sa.select(MonthlyReturn.smelter_id, MonthlyReturn.month,
                     sa.func.max(MonthlyReturn.revision).label("revision"))
    if month is not None:
        stmt = stmt.where(MonthlyReturn.month == month)
    return stmt.group_by(MonthlyReturn.smelter_id, MonthlyReturn.month).subquery("latest_return")


def returns_for(user, filters: dict[str, Any] | None = None) -> sa.Select:
    """The returns ``user`` may see, filtered; only latest revisions unless asked for all."""
    filters = filters or {}
    stmt = sa.select(MonthlyReturn).join(MonthlyReturn.smelter).order_by(
        MonthlyReturn.month, MonthlyReturn.smelter_id, MonthlyReturn.revision)
    scope = enterprise_scope(user)
    if scope is not None:
        stmt = stmt.where(Smelter.enterprise_id == scope)
    if filters.get("smelter_id") is not None:
        stmt = stmt.where(MonthlyReturn.smelter_id == filters["smelter_id"])
    if filters.get("enterprise_id") is not None:
        stmt = stmt.where(Smelter.enterprise_id == filters["enterprise_id"])
    if filters.get("month") is not None:
        stmt = stmt.where(MonthlyReturn.month == filters["month"])
    if not filters.get("all_revisions"):
        latest = latest_revisions(filters.get("month"))
        stmt = stmt.join(latest, sa.and_(latest.c.smelter_id == MonthlyReturn.smelter_id,
                                         latest.c.month == MonthlyReturn.month,
                                         latest.c.revision == MonthlyReturn.revision))
    return stmt


def get_return(user, return_id: int) -> MonthlyReturn:
    """One return revision ``user`` may see, else 404."""
    return get_visible(user, MonthlyReturn, return_id, NO_SUCH_RETURN)


def file_return(data: dict[str, Any], user) -> MonthlyReturn:
    """A filer's return for a smelter and month; filing again makes the next revision.

    The smelter row is locked first so two filings of one smelter cannot take
    the same revision number (SQLite holds the write lock already).
    """
    require_role(user, FILER)
    smelter = db.session.get(Smelter, data["smelter_id"], with_for_update=True, populate_existing=True)
    if smelter is None or smelter.enterprise_id != user.enterprise_id:
        raise InvalidInput("smelter_id", SMELTER_NOT_YOURS())
    month = data["month"]
    if month > current():
        raise InvalidInput("month", MONTH_NOT_BEGUN(month=month), month=month)
    if month < smelter.baseline_month:
        raise InvalidInput("month", BEFORE_BASELINE(month=month, baseline_month=smelter.baseline_month),
                           month=month)
    revision = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(MonthlyReturn.revision), 0))
        .where(MonthlyReturn.smelter_id == smelter.id, MonthlyReturn.month == month)) + 1
    monthly_return = MonthlyReturn(smelter_id=smelter.id, month=month, revision=revision,
                                   operating_tpa=data["operating_tpa"], production_t=data["production_t"],
                                   submitted_by=user.id)
    monthly_return.smelter = smelter
    db.session.add(monthly_return)
    db.session.flush()
    record(user, "monthly_return", monthly_return.id, "file", after=audited_fields(monthly_return, RETURN_FIELDS))
    return monthly_return


def is_overdue(month: str, today: dt.date | None = None) -> bool:
    """Whether a return for ``month`` missing today is an exception (past its due date)."""
    today = today or clock.today()
    return today > due_date(month)
