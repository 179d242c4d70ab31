"""Today's date as the registry sees it: Beijing's, or the configured ``REGISTRY_TODAY``.

Every "this month", due date and reminder reads ``today()``, so a demo or a
test can be set inside its story (``REGISTRY_TODAY=2016-12-15``) while
timestamps (``registry.db.utcnow``) stay real. The association works on
Beijing time: a month ends at midnight in Beijing, eight hours before UTC.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

BEIJING = ZoneInfo("Asia/Shanghai")


def parse_today(value: str | None) -> dt.date | None:
    """The ``REGISTRY_TODAY`` setting as a date; a clear error when it is not YYYY-MM-DD."""
    if value in (None, ""):
        return None
    problem = RuntimeError(f"REGISTRY_TODAY must be a date YYYY-MM-DD, not {value!r} (README, Configuration).")
    if len(value) != 10 or not value.isascii():  # fromisoformat would also take 20161215
        raise problem
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise problem from None


def today() -> dt.date:
    """The configured date, else today's date in Beijing."""
    if has_app_context():
        fixed = current_app.config.get("REGISTRY_TODAY_DATE")
        if fixed is not None:
            return fixed
    return dt.datetime.now(BEIJING).date()


def beijing_date(moment: dt.datetime) -> dt.date:
    """The calendar date in Beijing of a stored (UTC) timestamp: was a return in by its due date?"""
    return moment.astimezone(BEIJING).date()
