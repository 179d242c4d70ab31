"""Months as ``"YYYY-MM"`` strings: they sort and compare correctly as text,
so the database can filter and group on them without date functions."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator

from registry.clock import today

MONTH_RE = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])", re.ASCII)  # fullmatch: no "\n", no "２０１６"
# What people type or a sheet holds: 2027-01, 2027/1, 2027.1, 2027年1月, 2027 - 1, 2027-01-01, 2027/1/1 0:00.
LOOSE_MONTH_RE = re.compile(r"([0-9]{4})\s*(?:[-/.年]|\s)\s*([0-9]{1,2})\s*(?:月|[-/.]\s*[0-9]{1,2}\s*日?)?"
                            r"(?:\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?", re.ASCII)
FIRST_YEAR = 1990
LAST_YEAR = 2100


def is_month(value: str) -> bool:
    """Whether ``value`` is a real month between 1990-01 and 2100-12."""
    match = MONTH_RE.fullmatch(value) if isinstance(value, str) else None
    return bool(match) and FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR


def parse_loose(text: object) -> str | None:
    """``"YYYY-MM"`` from a month as people write it (full-width digits too), or None.

    For web forms and imported sheets only: the API takes ``YYYY-MM`` and nothing else.
    """
    if not isinstance(text, str) or len(text) > 40:
        return None
    match = LOOSE_MONTH_RE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if not match:
        return None
    month = f"{match.group(1)}-{int(match.group(2)):02d}"
    return month if is_month(month) else None


def to_index(month: str) -> int:
    """Months since year 0, for arithmetic."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def from_index(index: int) -> str:
    """The inverse of :func:`to_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def add(month: str, months: int) -> str:
    """The month ``months`` after ``month`` (negative goes back)."""
    return from_index(to_index(month) + months)


def span(first: str, last: str) -> Iterator[str]:
    """Every month from ``first`` to ``last``, both included."""
    for index in range(to_index(first), to_index(last) + 1):
        yield from_index(index)


def count(first: str, last: str) -> int:
    """How many months :func:`span` yields."""
    return max(0, to_index(last) - to_index(first) + 1)


def of(day: dt.date | dt.datetime) -> str:
    """The month a date falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def current() -> str:
    """This month: the registry's today (Beijing, or ``REGISTRY_TODAY``)."""
    return of(today())


def first_day(month: str) -> dt.date:
    """``2016-11`` as its first day (what Excel stores for a month; when a plan takes effect)."""
    return dt.date(int(month[:4]), int(month[5:7]), 1)


def days_in(month: str) -> int:
    """The number of days of ``month``: 29 in February 2016."""
    return calendar.monthrange(int(month[:4]), int(month[5:7]))[1]
