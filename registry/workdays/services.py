"""Working days on the State Council's arrangement, from the registry's own calendar table only.

A public notice runs for 10 working days (domain.md): the count skips the
holiday weeks and includes the make-up working weekends (调休) of each year's
arrangement. The arrangement is published each November for the next year,
so the table is what counts: a date in a year it does not hold is refused
(``calendar_year_missing``), never guessed from weekdays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa

from registry.audit.services import record
from registry.extensions import db
from registry.messages import Template
from registry.permissions import require_role
from registry.problems import Conflict, InvalidInput
from registry.roles import ADMIN
from registry.workdays.models import CalendarDay, CalendarYear

NOTICE_WORKING_DAYS = 10  # 公示: ten working days, the publication day included when it is one
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_RANGE_DAYS = 731  # a listing spans at most two years

YEAR_MISSING = Template(
    "calendar_year_missing",
    "The working-day calendar has no arrangement for %(year)s yet: an administrator adds it "
    "when the State Council publishes it.")
RANGE_BACKWARDS = Template("calendar_range_backwards", "The end date must not be before the start date.")
RANGE_TOO_LONG = Template("calendar_range_too_long", "List at most %(days)s days at a time.")
NOT_IN_YEAR = Template("calendar_day_outside_year", "%(day)s is not in %(year)s.")
NOT_A_WEEKDAY = Template("calendar_holiday_on_weekend",
                         "%(day)s is a Saturday or Sunday: only a weekday can be a public holiday here.")
NOT_A_WEEKEND = Template("calendar_workday_on_weekday",
                         "%(day)s is a weekday: only a Saturday or Sunday can be a make-up working day.")
TOO_FEW = Template("calendar_too_few_working_days",
                   "The calendar has fewer than %(n)s working days in the year from %(day)s.")
BOTH = Template("calendar_day_twice", "%(day)s cannot be both a holiday and a make-up working day.")


class CalendarYearMissing(Conflict):
    """409: a date the calendar cannot count, because its year's arrangement is not loaded."""

    code = "calendar_year_missing"
    template = YEAR_MISSING


def known_years(years: Iterable[int]) -> set[int]:
    """Which of ``years`` the calendar holds."""
    wanted = set(years)
    if not wanted:
        return set()
    return set(db.session.scalars(sa.select(CalendarYear.year).where(CalendarYear.year.in_(wanted))))


def _require_years(first: dt.date, last: dt.date) -> None:
    missing = sorted(set(range(first.year, last.year + 1)) - known_years(range(first.year, last.year + 1)))
    if missing:
        raise CalendarYearMissing(year=missing[0])


def _exceptions(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    return dict(db.session.execute(
        sa.select(CalendarDay.day, CalendarDay.working).where(CalendarDay.day.between(first, last))).all())


def _is_working(day: dt.date, exceptions: dict[dt.date, bool]) -> bool:
    return exceptions.get(day, day.weekday() < 5)


def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The working days from ``first`` to ``last``, both included."""
    if last < first:
        raise InvalidInput("to", RANGE_BACKWARDS())
    if (last - first).days >= MAX_RANGE_DAYS:
        raise InvalidInput("to", RANGE_TOO_LONG(days=MAX_RANGE_DAYS))
    _require_years(first, last)
    exceptions = _exceptions(first, last)
    days = (first + dt.timedelta(n) for n in range((last - first).days + 1))
    return [day for day in days if _is_working(day, exceptions)]


def nth_working_day(start: dt.date, n: int = NOTICE_WORKING_DAYS) -> dt.date:
    """The ``n``-th working day counting from ``start`` (``start`` is the first when it is a working day).

    Published Monday 2016-09-26, a notice ends on 2016-10-12: five days, the
    National Day week, the make-up weekend of 8-9 October, then three more.
    """
    last = start + dt.timedelta(days=366)  # years are loaded whole: the count meets a missing one within a year
    years = known_years(range(start.year, last.year + 1))
    exceptions = _exceptions(start, last)
    count, day = 0, start
    while day <= last:
        if day.year not in years:  # reached only when the count runs into a year not loaded
            raise CalendarYearMissing(year=day.year)
        if _is_working(day, exceptions):
            count += 1
            if count == n:
                return day
        day += dt.timedelta(days=1)
    raise Conflict(TOO_FEW(n=n, day=start), code="calendar_too_few_working_days")


def year_arrangement(year: int) -> dict | None:
    """A year's holidays and make-up working days as stored, or None when the year is not loaded."""
    row = db.session.get(CalendarYear, year)
    if row is None:
        return None
    days = db.session.scalars(sa.select(CalendarDay).where(CalendarDay.year == year).order_by(CalendarDay.day))
    holidays, workdays = [], []
    for day in days:
        (workdays if day.working else holidays).append(day.day)
    return {"year": year, "source": row.source, "holidays": holidays, "workdays": workdays}


def set_year(year: int, holidays: list[dt.date], workdays: list[dt.date], source: str, actor) -> dict:
    """Load or replace a year's arrangement: its weekday holidays and its make-up working weekends.

    ``actor`` is the admin on the API; None is the operator at the command line.
    """
    if actor is not None:
        require_role(actor, ADMIN)
    for field, days, weekend_wanted, refusal in (("holidays", holidays, False, NOT_A_WEEKDAY),
                                                  ("workdays", workdays, True, NOT_A_WEEKEND)):
        for day in days:
            if day.year != year:
                raise InvalidInput(field, NOT_IN_YEAR(day=day, year=year))
            if (day.weekday() >= 5) != weekend_wanted:
                raise InvalidInput(field, refusal(day=day))
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise InvalidInput("workdays", BOTH(day=both[0]))
    before = year_arrangement(year)
    row = db.session.get(CalendarYear, year)
    if row is None:
        row = CalendarYear(year=year, source=source)
        db.session.add(row)
    row.source = source
    db.session.flush()
    db.session.execute(sa.delete(CalendarDay).where(CalendarDay.year == year))
    db.session.add_all([CalendarDay(day=d, year=year, working=False) for d in sorted(set(holidays))]
                       + [CalendarDay(day=d, year=year, working=True) for d in sorted(set(workdays))])
    db.session.flush()
    after = year_arrangement(year)
    record(actor, "calendar_year", year, "update" if before else "create",
           before=_audited(before), after=_audited(after))
    return after


def _audited(arrangement: dict | None) -> dict | None:
    if arrangement is None:
        return None
    return {"source": arrangement["source"], "holidays": [d.isoformat() for d in arrangement["holidays"]],
            "workdays": [d.isoformat() for d in arrangement["workdays"]]}
