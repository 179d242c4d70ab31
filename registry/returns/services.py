"""Monthly returns: filing (with revisions), finding, and which are overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from registry import clock
from registry.audit.services import audited_fields, record
from registry.auth.models import User
from registry.capacity.positions import at_month
from registry.extensions import db
from registry.members.models import Enterprise, Smelter
from registry.members.services import visible_smelters
from registry.messages import Template
from registry.months import current, is_month
from registry.permissions import enterprise_scope, get_visible, require_role
from registry.problems import InvalidInput, Problem
from registry.rest.fields import NOT_A_MONTH
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


# The month's page: every smelter that owes a return, with its approved position and latest revision ----------

def check_month(month: str) -> str:
    """``month`` if a return can be filed for it (a real month that has begun), else 422 on ``month``."""
    if not is_month(month):
        raise InvalidInput("month", NOT_A_MONTH())
    if month > current():
        raise InvalidInput("month", MONTH_NOT_BEGUN(month=month), month=month)
    return month


def late_after(month: str) -> dt.datetime:
    """The first moment (UTC) a return for ``month`` is late: midnight in Beijing after its due date."""
    following = due_date(month) + dt.timedelta(days=1)
    return dt.datetime.combine(following, dt.time(), tzinfo=clock.BEIJING).astimezone(dt.UTC)


def month_rows(user, month: str, enterprise_id: int | None = None, province: str | None = None) -> sa.Select:
    """One row per smelter ``user`` may see that owes (or has filed) a return for ``month``.

    A smelter owes one from its baseline month while it has capacity built and
    its member is active (as the summary counts them). Each row carries the
    approved position at the end of the month and the latest revision, if any.
    """
    position = at_month(month)
    latest = latest_revisions(month)
    built = sa.func.coalesce(position.c.built_tpa, Smelter.baseline_built_tpa)
    stmt = (
        sa.select(
            Smelter.id.label("smelter_id"), Smelter.name, Smelter.province, Smelter.enterprise_id,
            Enterprise.name.label("enterprise_name"), built.label("built_tpa"),
            sa.func.coalesce(position.c.operating_tpa, Smelter.baseline_operating_tpa).label("approved_tpa"),
            MonthlyReturn.revision, MonthlyReturn.operating_tpa, MonthlyReturn.production_t,
            MonthlyReturn.submitted_at, (MonthlyReturn.submitted_at >= late_after(month)).label("late"))
        .join(Enterprise, Enterprise.id == Smelter.enterprise_id)
        .outerjoin(position, position.c.smelter_id == Smelter.id)
        .outerjoin(latest, latest.c.smelter_id == Smelter.id)
        .outerjoin(MonthlyReturn, sa.and_(MonthlyReturn.smelter_id == latest.c.smelter_id,
                                          MonthlyReturn.month == month,
                                          MonthlyReturn.revision == latest.c.revision))
        .where(Smelter.baseline_month <= month)
        .where(sa.or_(sa.and_(built > 0, Enterprise.active.is_(True)), latest.c.revision.is_not(None)))
    )
    stmt = visible_smelters(stmt, user, enterprise_id, province)
    return stmt.order_by(Enterprise.name, Enterprise.id, Smelter.name, Smelter.id)


def month_counts(rows: sa.Select, month: str) -> dict[str, int]:
    """How many of ``rows`` (a :func:`month_rows` query) owe a return, have filed, are missing, are late."""
    listed = rows.order_by(None).subquery("month_rows")
    smelters, filed, late = db.session.execute(sa.select(
        sa.func.count(),
        sa.func.count(listed.c.revision),
        sa.func.coalesce(sa.func.sum(sa.case((listed.c.submitted_at >= late_after(month), 1), else_=0)), 0),
    ).select_from(listed)).one()
    return {"smelters": smelters, "filed": filed, "missing": smelters - filed, "late": int(late)}


def page_of(rows: sa.Select, page: int, page_size: int) -> list[sa.Row]:
    """One page of :func:`month_rows`."""
    return list(db.session.execute(rows.limit(page_size).offset((page - 1) * page_size)))


def revisions_of(user, smelter_id: int, month: str) -> tuple[Smelter, list[sa.Row]]:
    """The smelter (404 unless ``user`` may see it) and its returns for ``month``, newest first, with who filed."""
    smelter = get_visible(user, Smelter, smelter_id, SMELTER_NOT_YOURS)
    history = list(db.session.execute(
        sa.select(MonthlyReturn, User.email, User.name)
        .outerjoin(User, User.id == MonthlyReturn.submitted_by)
        .where(MonthlyReturn.smelter_id == smelter.id, MonthlyReturn.month == month)
        .order_by(MonthlyReturn.revision.desc())))
    return smelter, history


def file_month(rows: list[dict[str, Any]], user) -> tuple[list[MonthlyReturn], dict[int, Problem]]:
    """File several smelters' returns for one month: the filed revisions, and each refused row's problem.

    Every row is tried so that each refusal can be shown beside its row; when
    any is refused the caller's request fails and nothing is kept (one
    transaction per request, ``registry.transactions``).
    """
    filed, refused = [], {}
    for index, row in enumerate(rows):
        try:
            filed.append(file_return(row, user))
        except Problem as problem:
            refused[index] = problem
    return filed, refused
