"""A year's arrangement as the ``chinese-calendar`` package records the State Council's notices.

The package is the well-kept copy of each year's 国务院办公厅 notice; the
registry copies a year from it into its own table (the migration for 2016
onwards, ``flask calendar load YEAR`` each November), and counts only from
the table afterwards.
"""

from __future__ import annotations

import datetime as dt

from chinese_calendar.constants import holidays, workdays

SOURCE = "chinese-calendar (国务院办公厅部分节假日安排的通知)"


def known_to_package(year: int) -> bool:
    """Whether the installed package has the year's arrangement."""
    return any(day.year == year for day in holidays)


def arrangement(year: int) -> tuple[list[dt.date], list[dt.date]]:
    """(public holidays on weekdays, make-up working Saturdays and Sundays) of ``year``."""
    off = sorted(day for day in holidays if day.year == year and day.weekday() < 5)
    on = sorted(day for day in workdays if day.year == year and day.weekday() >= 5)
    return off, on
