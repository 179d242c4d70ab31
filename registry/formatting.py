"""Figures in the reader's language: numbers, tonnages, months, times, provinces.

One module for every surface (pages, API problems, exports), so a figure
reads the same wherever it appears. Babel does the locale work; nothing
here is hand-written number or date formatting.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from babel.dates import format_datetime as babel_datetime
from babel.dates import format_skeleton
from babel.numbers import format_compact_decimal
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import gettext as _

from registry import labels, months
from registry.clock import BEIJING
from registry.reference.provinces import province_name


def is_chinese() -> bool:
    """Whether the reader's language is Chinese."""
    return str(get_locale()).startswith("zh")


def number(value: int | float | Decimal | None) -> str:
    """A number with the locale's thousands separators; a dash for none."""
    return "–" if value is None else format_decimal(value)


def quantity(value: int | None) -> str:
    """A tonnage's number as the reader counts: 12.5万 in Chinese, 125,000 in English.

    Chinese readers think in 万 (ten thousand) and 亿: CLDR's compact
    pattern for Chinese gives exactly that (5000, 1万, 12.505万, 4543万),
    with enough fraction digits that no tonne is rounded away below 1亿.
    English readers see every digit.
    """
    if value is None:
        return "–"
    if is_chinese():
        return format_compact_decimal(value, fraction_digits=4, locale=get_locale())
    return number(value)


def tonnage(value: int | None) -> str:
    """A capacity with its unit as plain text: 125,000 t/a, 12.5万吨/年."""
    return "–" if value is None else _("%(number)s t/a", number=quantity(value))


def tonnes(value: int | None) -> str:
    """Tonnes produced, with the unit: 12,000 t, 1.2万吨."""
    return "–" if value is None else _("%(number)s t", number=quantity(value))


def wan(value: int) -> float:
    """Tonnes in 万吨, for charts whose axis says so."""
    return value / 10_000


def month_label(value: str | None) -> str:
    """``2016-11`` as 2016年11月 or Nov 2016 (Babel's yMMM skeleton)."""
    if not value or not months.is_month(value):
        return value or "–"
    return format_skeleton("yMMM", months.first_day(value), locale=get_locale())


def day(value: dt.date | None) -> str:
    """A calendar day as its reader writes it: 2016年9月26日, 26 Sep 2016."""
    return "–" if value is None else format_date(value, "long" if is_chinese() else "medium")


def when(value: dt.datetime | None) -> str:
    """A stored (UTC) timestamp as the association's members read it: Beijing time, in either language."""
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    text = babel_datetime(value, "yyyy-MM-dd HH:mm", tzinfo=BEIJING, locale=get_locale())
    return _("%(time)s Beijing time", time=text)


def province(code: str | None) -> str:
    """A province's name in the reader's language."""
    return province_name(code, str(get_locale())) if code else "–"


def ratio(value: float | Decimal) -> str:
    """A replacement ratio as the cover tables show it: 1.00, 1.25."""
    return format_decimal(Decimal(str(value)), format="0.00")


def percent(part: int, whole: int) -> str:
    """``part`` as a percentage of ``whole`` in the locale's way (83.3%), a dash when ``whole`` is nothing."""
    if not whole:
        return "–"
    return format_percent(part / whole, format="#,##0.#%")


def _iso_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


# How a message figure reads, by its name: the same rule on every surface.
LABELLED = {"kind": labels.KINDS, "status": labels.STATUSES, "role": labels.ROLES, "scope": labels.SCOPES,
            "basis": labels.BASES, "action": labels.ACTIONS}


def figure(name: str, value: Any) -> str:
    """One figure of a message, formatted by what its name says it is."""
    if value is None:
        return "–"
    if name.endswith("_tpa"):
        return tonnage(value)
    if name.endswith("_t"):
        return tonnes(value)
    if name == "month" or name.endswith("_month"):
        return month_label(value)
    if name == "province":
        return province(value)
    if name.endswith("_on") and isinstance(value, str):  # a problem carries its days as YYYY-MM-DD
        value = _iso_day(value) or value
    if name.endswith("_on") and isinstance(value, dt.date):  # a day: 2016年12月10日, 10 Dec 2016
        return day(value)
    if name == "ratio":
        return ratio(value)
    if name == "year":  # 2017, not 2,017
        return str(value)
    if name in LABELLED:  # mid-sentence: "this one is submitted", "本次复产"
        text = labels.label(LABELLED[name], value)
        return text if is_chinese() else text.lower()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal) and not name.endswith("_id") and name != "id":
        return number(value)
    return str(value)
