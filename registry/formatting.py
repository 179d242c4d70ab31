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
from flask_babel import format_date, format_decimal, get_locale
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


def tonnage(value: int | None) -> str:
    """A capacity with its unit as plain text: 125,000 t/a, 125,000 吨/年."""
    return "–" if value is None else _("%(number)s t/a", number=number(value))


def tonnes(value: int | None) -> str:
    """Tonnes produced, with the unit: 12,000 t, 12,000 吨."""
    return "–" if value is None else _("%(number)s t", number=number(value))


def wan(value: int) -> str:
    """Tonnes as 万吨 (ten-thousand tonnes), to two decimals at most."""
    return format_decimal(round(value / 10_000, 2), format="#,##0.##")


def month_label(value: str | None) -> str:
    """``2016-11`` as 2016年11月 or Nov 2016 (Babel's yMMM skeleton)."""
    if not value or not months.is_month(value):
        return value or "–"
    return format_skeleton("yMMM", dt.date(int(value[:4]), int(value[5:7]), 1), locale=get_locale())


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
    """``part`` as a percentage of ``whole``."""
    if not whole:
        return "–"
    return format_decimal(round(100 * part / whole, 1), format="#,##0.#") + " %"


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
    if name.endswith("_on") and isinstance(value, dt.date):  # a day: 2016年12月10日, 10 Dec 2016
        return format_date(value, "long" if is_chinese() else "medium")
    if name == "ratio":
        return ratio(value)
    if name in LABELLED:  # mid-sentence: "this one is submitted", "本次复产"
        text = labels.label(LABELLED[name], value)
        return text if is_chinese() else text.lower()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal) and not name.endswith("_id") and name != "id":
        return number(value)
    return str(value)
